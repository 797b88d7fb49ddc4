package io.traceassembler.sink;

import io.traceassembler.aws.AwsClients;
import io.traceassembler.config.AwsEndpoint;
import io.traceassembler.model.TraceSummary;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequest;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The writer of {@link TraceStoreSink}: one conditional PutItem per trace of a batch, retried until
 * it succeeds or is found stale.
 */
class TraceStoreSinkWriter extends AsyncSinkWriter<TraceSummary, DynamoDbWriteRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(TraceStoreSinkWriter.class);

    static final String WRITTEN_COUNTER = "traceStoreItemsWritten";
    static final String STALE_COUNTER = "traceStoreStaleRevisionsSkipped";
    static final String REJECTED_COUNTER = "traceStoreItemsRejected";
    static final String RETRIED_COUNTER = "traceStoreWriteRetries";

    private static final long FAILURE_LOG_INTERVAL_MS = 60_000;

    /** What became of one conditional write. */
    enum Outcome {
        WRITTEN,
        /** The table holds a higher revision of the trace. */
        STALE,
        /** Throttling, 5xx, network: try again. */
        RETRY,
        /** DynamoDB will never accept this item (validation error). */
        REJECTED
    }

    private final ConditionalPuts puts;
    private final long initialBackoffMs;
    private final long maxBackoffMs;
    private final ScheduledExecutorService retryTimer;
    private final Counter written;
    private final Counter stale;
    private final Counter rejected;
    private final Counter retried;

    /** Consecutive batches with a retryable failure: drives the backoff, reset by a clean batch. */
    private final AtomicInteger failingBatches = new AtomicInteger();

    private final AtomicLong lastFailureLogMillis = new AtomicLong();

    TraceStoreSinkWriter(
            ElementConverter<TraceSummary, DynamoDbWriteRequest> elementConverter,
            Sink.InitContext context,
            int maxBatchSize,
            int maxInFlightRequests,
            int maxBufferedRequests,
            long maxBatchSizeInBytes,
            long maxTimeInBufferMS,
            long maxRecordSizeInBytes,
            ConditionalPuts puts,
            long initialBackoffMs,
            long maxBackoffMs,
            Collection<BufferedRequestState<DynamoDbWriteRequest>> states) {
        super(
                elementConverter,
                context,
                AsyncSinkWriterConfiguration.builder()
                        .setMaxBatchSize(maxBatchSize)
                        .setMaxBatchSizeInBytes(maxBatchSizeInBytes)
                        .setMaxInFlightRequests(maxInFlightRequests)
                        .setMaxBufferedRequests(maxBufferedRequests)
                        .setMaxTimeInBufferMS(maxTimeInBufferMS)
                        .setMaxRecordSizeInBytes(maxRecordSizeInBytes)
                        .build(),
                states);
        this.puts = puts;
        this.initialBackoffMs = initialBackoffMs;
        this.maxBackoffMs = maxBackoffMs;
        this.written =
                context.metricGroup().counter(WRITTEN_COUNTER, new ThreadSafeSimpleCounter());
        this.stale = context.metricGroup().counter(STALE_COUNTER, new ThreadSafeSimpleCounter());
        this.rejected =
                context.metricGroup().counter(REJECTED_COUNTER, new ThreadSafeSimpleCounter());
        this.retried =
                context.metricGroup().counter(RETRIED_COUNTER, new ThreadSafeSimpleCounter());
        this.retryTimer =
                Executors.newSingleThreadScheduledExecutor(
                        runnable -> {
                            Thread thread = new Thread(runnable, "trace-store-sink-retry");
                            thread.setDaemon(true);
                            return thread;
                        });
    }

    @Override
    protected void submitRequestEntries(
            List<DynamoDbWriteRequest> entries, ResultHandler<DynamoDbWriteRequest> result) {
        List<DynamoDbWriteRequest> latest = latestRevisions(entries);
        stale.inc(entries.size() - latest.size());
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>(latest.size());
        for (DynamoDbWriteRequest entry : latest) {
            outcomes.add(puts.put(entry.getItem()).handle((ok, error) -> outcome(error)));
        }
        CompletableFuture.allOf(outcomes.toArray(new CompletableFuture[0]))
                .whenComplete((ignored, error) -> finish(latest, outcomes, result));
    }

    private void finish(
            List<DynamoDbWriteRequest> batch,
            List<CompletableFuture<Outcome>> outcomes,
            ResultHandler<DynamoDbWriteRequest> result) {
        List<DynamoDbWriteRequest> retry = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Outcome outcome = outcomes.get(i).join();
            switch (outcome) {
                case WRITTEN:
                    written.inc();
                    break;
                case STALE:
                    stale.inc();
                    break;
                case REJECTED:
                    rejected.inc();
                    logFailure("dropped an item DynamoDB rejects", batch.get(i));
                    break;
                case RETRY:
                    retry.add(batch.get(i));
                    break;
            }
        }
        if (retry.isEmpty()) {
            failingBatches.set(0);
            result.complete();
            return;
        }
        retried.inc(retry.size());
        long backoff = backoffMs(failingBatches.incrementAndGet());
        logFailure("retrying " + retry.size() + " items in " + backoff + " ms", retry.get(0));
        try {
            retryTimer.schedule(
                    () -> result.retryForEntries(retry), backoff, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            result.retryForEntries(retry);
        }
    }

    /**
     * The entries to write: per trace only the highest revision (the last of equals), in batch
     * order. Two revisions of one trace in one batch would otherwise race each other.
     */
    static List<DynamoDbWriteRequest> latestRevisions(List<DynamoDbWriteRequest> entries) {
        Map<String, DynamoDbWriteRequest> byTrace = new LinkedHashMap<>();
        for (DynamoDbWriteRequest entry : entries) {
            byTrace.merge(
                    traceId(entry),
                    entry,
                    (kept, next) -> revision(next) >= revision(kept) ? next : kept);
        }
        return new ArrayList<>(byTrace.values());
    }

    /** How a PutItem ended ({@code error} null: written). */
    static Outcome outcome(Throwable error) {
        if (error == null) {
            return Outcome.WRITTEN;
        }
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ConditionalCheckFailedException) {
            return Outcome.STALE;
        }
        if (cause instanceof ProvisionedThroughputExceededException
                || cause instanceof RequestLimitExceededException) {
            return Outcome.RETRY;
        }
        if (cause instanceof SdkServiceException) {
            SdkServiceException service = (SdkServiceException) cause;
            boolean retryable =
                    service.isThrottlingException()
                            || service.statusCode() == 429
                            || service.statusCode() >= 500;
            return retryable ? Outcome.RETRY : Outcome.REJECTED;
        }
        // Network errors, timeouts, a closed connection: the service may be back soon.
        return Outcome.RETRY;
    }

    /** Exponential: initial, 2×initial, ... capped at max, after {@code failures} in a row. */
    long backoffMs(int failures) {
        long backoff = initialBackoffMs << Math.min(30, Math.max(0, failures - 1));
        return Math.min(maxBackoffMs, backoff < 0 ? maxBackoffMs : backoff);
    }

    private static String traceId(DynamoDbWriteRequest entry) {
        return entry.getItem().get(TraceItems.TRACE_ID).s();
    }

    private static long revision(DynamoDbWriteRequest entry) {
        AttributeValue revision = entry.getItem().get(TraceItems.REVISION);
        return revision == null ? 0 : Long.parseLong(revision.n());
    }

    private void logFailure(String what, DynamoDbWriteRequest example) {
        long now = System.currentTimeMillis();
        long last = lastFailureLogMillis.get();
        // At most one warning per interval: during an outage every batch would log otherwise.
        if (now - last >= FAILURE_LOG_INTERVAL_MS
                && lastFailureLogMillis.compareAndSet(last, now)) {
            LOG.warn(
                    "Trace store: {} (e.g. trace {}); {} retried, {} rejected so far",
                    what,
                    traceId(example),
                    retried.getCount(),
                    rejected.getCount());
        }
    }

    @Override
    protected long getSizeInBytes(DynamoDbWriteRequest entry) {
        return TraceItems.estimatedSizeInBytes(entry.getItem());
    }

    @Override
    public void close() {
        retryTimer.shutdownNow();
        puts.close();
        super.close();
    }

    /**
     * Conditional PutItem on the trace table: written when the table has no item for the trace or
     * one with a revision at most this one's.
     */
    static class ConditionalPuts implements AutoCloseable {
        static final String CONDITION = "attribute_not_exists(#id) OR #revision <= :revision";

        private final String tableName;
        private final DynamoDbAsyncClient client;

        ConditionalPuts(String tableName, AwsEndpoint aws, int maxConcurrency) {
            this.tableName = tableName;
            this.client =
                    AwsClients.configure(DynamoDbAsyncClient.builder(), aws)
                            .httpClientBuilder(
                                    NettyNioAsyncHttpClient.builder()
                                            .maxConcurrency(maxConcurrency))
                            .build();
        }

        CompletableFuture<?> put(Map<String, AttributeValue> item) {
            return client.putItem(request(tableName, item));
        }

        static PutItemRequest request(String tableName, Map<String, AttributeValue> item) {
            return PutItemRequest.builder()
                    .tableName(tableName)
                    .item(item)
                    .conditionExpression(CONDITION)
                    .expressionAttributeNames(
                            Map.of("#id", TraceItems.TRACE_ID, "#revision", TraceItems.REVISION))
                    .expressionAttributeValues(Map.of(":revision", item.get(TraceItems.REVISION)))
                    .build();
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
