package io.traceassembler.sink;

import io.traceassembler.aws.AwsClients;
import io.traceassembler.config.AwsEndpoint;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.model.TraceSummary;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSink;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequest;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequestType;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriterStateSerializer;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;

/**
 * Writes trace summaries to the DynamoDB trace table, one item per trace ({@link TraceItems}).
 *
 * <p>Each item is written with a conditional {@code PutItem} on its {@code revision}: an item whose
 * stored revision is higher is left alone (the stale write is skipped and counted), an equal
 * revision overwrites (a restore from a checkpoint re-emits it). Without the condition two
 * revisions of one trace in different in-flight batches could land out of order and a trace would
 * go backwards. {@code BatchWriteItem} takes no conditions, so a batch of up to {@value
 * #MAX_BATCH_SIZE} items is sent as that many concurrent {@code PutItem} calls; the sink's
 * buffering, batching, in-flight bound and checkpointed buffer are Flink's {@link AsyncSinkBase},
 * as in flink-connector-dynamodb, whose request type and state serializer this sink keeps so the
 * state of a savepoint taken with that connector's sink still restores.
 *
 * <p>Failures: throttling, 5xx and network errors are retried with exponential backoff for as long
 * as they last (a DynamoDB outage is backpressure, never loss); an item DynamoDB rejects as invalid
 * can never be written and is dropped, counted and logged.
 */
public final class TraceStoreSink extends AsyncSinkBase<TraceSummary, DynamoDbWriteRequest> {
    private static final long serialVersionUID = 1L;

    /** Items per batch, as BatchWriteItem would take. */
    public static final int MAX_BATCH_SIZE = 25;

    /** Batches in flight; with {@link #MAX_BATCH_SIZE} it bounds the concurrent PutItem calls. */
    public static final int MAX_IN_FLIGHT_REQUESTS = 8;

    public static final int MAX_BUFFERED_REQUESTS = 10_000;

    /** The connector's default is 5 s; a trace should be visible soon after it closes. */
    public static final long MAX_TIME_IN_BUFFER_MS = 1_000;

    /** DynamoDB's item size limit. */
    static final long MAX_ITEM_BYTES = 400 * 1024;

    private final String tableName;
    private final AwsEndpoint aws;
    private final Duration initialBackoff;
    private final Duration maxBackoff;

    private TraceStoreSink(
            TraceAssemblerConfig.TraceStore config, Duration initialBackoff, Duration maxBackoff) {
        super(
                new TraceItemConverter(config.retentionDays),
                MAX_BATCH_SIZE,
                MAX_IN_FLIGHT_REQUESTS,
                MAX_BUFFERED_REQUESTS,
                MAX_BATCH_SIZE * MAX_ITEM_BYTES,
                MAX_TIME_IN_BUFFER_MS,
                MAX_ITEM_BYTES);
        this.tableName = Objects.requireNonNull(config.tableName, "tableName");
        this.aws = Objects.requireNonNull(config.aws, "aws");
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
    }

    /**
     * The sink for {@code TraceStore}; call {@link #verifyTableExists} at job start to fail fast.
     */
    public static TraceStoreSink create(TraceAssemblerConfig.TraceStore config) {
        return new TraceStoreSink(config, Duration.ofMillis(100), Duration.ofSeconds(10));
    }

    @Override
    public StatefulSink.StatefulSinkWriter<TraceSummary, BufferedRequestState<DynamoDbWriteRequest>>
            createWriter(InitContext context) {
        return restoreWriter(context, Collections.emptyList());
    }

    @Override
    public StatefulSink.StatefulSinkWriter<TraceSummary, BufferedRequestState<DynamoDbWriteRequest>>
            restoreWriter(
                    InitContext context,
                    Collection<BufferedRequestState<DynamoDbWriteRequest>> recoveredState) {
        return new TraceStoreSinkWriter(
                getElementConverter(),
                context,
                getMaxBatchSize(),
                getMaxInFlightRequests(),
                getMaxBufferedRequests(),
                getMaxBatchSizeInBytes(),
                getMaxTimeInBufferMS(),
                getMaxRecordSizeInBytes(),
                new TraceStoreSinkWriter.ConditionalPuts(
                        tableName, aws, MAX_BATCH_SIZE * MAX_IN_FLIGHT_REQUESTS),
                initialBackoff.toMillis(),
                maxBackoff.toMillis(),
                recoveredState);
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<DynamoDbWriteRequest>>
            getWriterStateSerializer() {
        return new DynamoDbWriterStateSerializer();
    }

    /**
     * Fails at job start with a clear message when the table does not exist; otherwise the sink
     * would fail only on its first write, with a less helpful error.
     */
    public static void verifyTableExists(TraceAssemblerConfig.TraceStore config) {
        try (DynamoDbClient dynamoDb = AwsClients.build(DynamoDbClient.builder(), config.aws)) {
            TableStatus status =
                    dynamoDb.describeTable(r -> r.tableName(config.tableName))
                            .table()
                            .tableStatus();
            if (status == TableStatus.DELETING) {
                throw new IllegalStateException(
                        "DynamoDB table '"
                                + config.tableName
                                + "' in "
                                + config.aws
                                + " is being deleted");
            }
        } catch (ResourceNotFoundException e) {
            throw new IllegalStateException(
                    "DynamoDB table '"
                            + config.tableName
                            + "' not found in "
                            + config.aws
                            + ": create it (terraform/ does) or set TraceStore.table.name",
                    e);
        } catch (SdkClientException e) {
            throw new IllegalStateException(
                    "Cannot reach DynamoDB in "
                            + config.aws
                            + " to check table '"
                            + config.tableName
                            + "': "
                            + e.getMessage()
                            + " (check TraceStore.aws.region / TraceStore.aws.endpoint and the AWS credentials)",
                    e);
        }
    }

    /** Serializable converter: the sink ships it to the task managers. */
    static final class TraceItemConverter
            implements ElementConverter<TraceSummary, DynamoDbWriteRequest> {
        private static final long serialVersionUID = 1L;
        private final int retentionDays;

        TraceItemConverter(int retentionDays) {
            this.retentionDays = retentionDays;
        }

        @Override
        public DynamoDbWriteRequest apply(TraceSummary summary, SinkWriter.Context context) {
            return DynamoDbWriteRequest.builder()
                    .setType(DynamoDbWriteRequestType.PUT)
                    .setItem(TraceItems.toItem(summary, retentionDays))
                    .build();
        }
    }
}
