package io.traceassembler.sink;

import io.traceassembler.aws.AwsClients;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.model.TraceSummary;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.dynamodb.sink.DynamoDbSink;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequest;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequestType;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

import java.util.List;

/**
 * Writes trace summaries to the DynamoDB trace table, one item per trace ({@link TraceItems}); a
 * later revision overwrites the earlier one.
 */
public final class TraceStoreSink {
    /** BatchWriteItem takes at most 25 items. */
    public static final int MAX_BATCH_SIZE = 25;

    public static final int MAX_IN_FLIGHT_REQUESTS = 50;
    public static final int MAX_BUFFERED_REQUESTS = 10_000;

    /** The connector's default is 5 s; a trace should be visible soon after it closes. */
    public static final long MAX_TIME_IN_BUFFER_MS = 1_000;

    private TraceStoreSink() {}

    /**
     * The sink for {@code TraceStore}; call {@link #verifyTableExists} at job start to fail fast.
     */
    public static DynamoDbSink<TraceSummary> create(TraceAssemblerConfig.TraceStore config) {
        return DynamoDbSink.<TraceSummary>builder()
                .setTableName(config.tableName)
                .setElementConverter(new TraceItemConverter(config.retentionDays))
                // Two revisions of one trace in one batch would be rejected by BatchWriteItem; keep
                // the last.
                .setOverwriteByPartitionKeys(List.of(TraceItems.TRACE_ID))
                // Retry failed writes instead of failing the job: a throttled table must not lose
                // traces.
                .setFailOnError(false)
                .setMaxBatchSize(MAX_BATCH_SIZE)
                .setMaxInFlightRequests(MAX_IN_FLIGHT_REQUESTS)
                .setMaxBufferedRequests(MAX_BUFFERED_REQUESTS)
                .setMaxTimeInBufferMS(MAX_TIME_IN_BUFFER_MS)
                .setDynamoDbProperties(AwsClients.connectorProperties(config.aws))
                .build();
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
