package io.traceassembler.sink;

import io.traceassembler.aws.AwsClients;
import io.traceassembler.config.AwsEndpoint;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The writer of {@link CloudWatchMetricsSink}: one PutMetricData call per batch, bounded retries,
 * then drop.
 */
class CloudWatchMetricsSinkWriter extends AsyncSinkWriter<MetricDatumRecord, CloudWatchDatumEntry> {
    private static final Logger LOG = LoggerFactory.getLogger(CloudWatchMetricsSinkWriter.class);

    static final String DROPPED_COUNTER = "cloudWatchDatumsDropped";
    static final String SENT_COUNTER = "cloudWatchDatumsSent";

    /**
     * CloudWatch rejects datums older than two weeks or more than two hours ahead; such a datum
     * would fail its whole batch.
     */
    static final long MAX_AGE_MS = Duration.ofDays(14).minusMinutes(10).toMillis();

    static final long MAX_AHEAD_MS = Duration.ofHours(2).minusMinutes(5).toMillis();
    private static final long DROP_LOG_INTERVAL_MS = 60_000;

    private final String namespace;
    private final CloudWatchMetricsSink.RetryPolicy retryPolicy;
    private final CloudWatchAsyncClient client;

    /**
     * Delays retries (backoff) without blocking the mailbox thread; the request stays in flight
     * meanwhile.
     */
    private final ScheduledExecutorService retryTimer;

    private final Counter dropped;
    private final Counter sent;
    private final AtomicLong lastDropLogMillis = new AtomicLong();
    private final AtomicLong droppedSinceLastLog = new AtomicLong();

    CloudWatchMetricsSinkWriter(
            ElementConverter<MetricDatumRecord, CloudWatchDatumEntry> elementConverter,
            Sink.InitContext context,
            int maxBatchSize,
            int maxInFlightRequests,
            int maxBufferedRequests,
            long maxBatchSizeInBytes,
            long maxTimeInBufferMS,
            long maxRecordSizeInBytes,
            String namespace,
            AwsEndpoint aws,
            CloudWatchMetricsSink.RetryPolicy retryPolicy,
            Collection<BufferedRequestState<CloudWatchDatumEntry>> states) {
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
                        // Our own timeouts and backoff bound a request; this is only a safety net,
                        // never fatal.
                        .setRequestTimeoutMS(
                                retryPolicy.apiCallTimeoutMs + retryPolicy.maxBackoffMs + 30_000)
                        .setFailOnTimeout(false)
                        .build(),
                states);
        this.namespace = namespace;
        this.retryPolicy = retryPolicy;
        this.dropped =
                context.metricGroup().counter(DROPPED_COUNTER, new ThreadSafeSimpleCounter());
        this.sent = context.metricGroup().counter(SENT_COUNTER, new ThreadSafeSimpleCounter());
        this.client =
                AwsClients.configure(CloudWatchAsyncClient.builder(), aws)
                        .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                        // Retries happen here, per datum and bounded, not hidden inside the SDK.
                        .overrideConfiguration(
                                o ->
                                        o.retryStrategy(AwsRetryStrategy.doNotRetry())
                                                .apiCallTimeout(
                                                        Duration.ofMillis(
                                                                retryPolicy.apiCallTimeoutMs)))
                        .build();
        this.retryTimer =
                Executors.newSingleThreadScheduledExecutor(
                        runnable -> {
                            Thread thread = new Thread(runnable, "cloudwatch-sink-retry");
                            thread.setDaemon(true);
                            return thread;
                        });
    }

    @Override
    protected void submitRequestEntries(
            List<CloudWatchDatumEntry> entries, ResultHandler<CloudWatchDatumEntry> result) {
        long now = System.currentTimeMillis();
        List<CloudWatchDatumEntry> batch = new ArrayList<>(entries.size());
        List<MetricDatum> datums = new ArrayList<>(entries.size());
        int outOfRange = 0;
        for (CloudWatchDatumEntry entry : entries) {
            long at = entry.datum.timestampMillis;
            if (at < now - MAX_AGE_MS || at > now + MAX_AHEAD_MS) {
                outOfRange++;
                continue;
            }
            entry.attempts++;
            batch.add(entry);
            datums.add(entry.datum.toMetricDatum());
        }
        if (outOfRange > 0) {
            drop(
                    outOfRange,
                    "timestamp outside CloudWatch's accepted range (two weeks back, two hours ahead)",
                    null);
        }
        if (batch.isEmpty()) {
            result.complete();
            return;
        }
        PutMetricDataRequest request =
                PutMetricDataRequest.builder().namespace(namespace).metricData(datums).build();
        client.putMetricData(request)
                .whenComplete(
                        (response, error) -> {
                            if (error == null) {
                                sent.inc(batch.size());
                                result.complete();
                            } else {
                                handleFailure(batch, unwrap(error), result);
                            }
                        });
    }

    private void handleFailure(
            List<CloudWatchDatumEntry> batch,
            Throwable error,
            ResultHandler<CloudWatchDatumEntry> result) {
        if (!isRetryable(error)) {
            drop(batch.size(), "rejected", error);
            result.complete();
            return;
        }
        List<CloudWatchDatumEntry> retry = new ArrayList<>(batch.size());
        int attempts = 0;
        for (CloudWatchDatumEntry entry : batch) {
            if (entry.attempts < retryPolicy.maxAttempts) {
                retry.add(entry);
                attempts = Math.max(attempts, entry.attempts);
            }
        }
        if (retry.size() < batch.size()) {
            drop(
                    batch.size() - retry.size(),
                    "still failing after " + retryPolicy.maxAttempts + " attempts",
                    error);
        }
        if (retry.isEmpty()) {
            result.complete();
            return;
        }
        long backoff = retryPolicy.backoffMs(attempts);
        LOG.debug(
                "PutMetricData failed ({}); retrying {} datums in {} ms",
                error.toString(),
                retry.size(),
                backoff);
        try {
            retryTimer.schedule(
                    () -> result.retryForEntries(retry), backoff, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            result.retryForEntries(retry);
        }
    }

    /** Throttling, 5xx and client-side (network, timeout) errors may pass; other 4xx will not. */
    static boolean isRetryable(Throwable error) {
        if (error instanceof SdkServiceException) {
            SdkServiceException service = (SdkServiceException) error;
            return service.isThrottlingException()
                    || service.statusCode() == 429
                    || service.statusCode() >= 500;
        }
        return true;
    }

    private void drop(int count, String reason, Throwable error) {
        dropped.inc(count);
        long total = droppedSinceLastLog.addAndGet(count);
        long now = System.currentTimeMillis();
        long last = lastDropLogMillis.get();
        // At most one warning per interval: during an outage every batch would log otherwise.
        if (now - last >= DROP_LOG_INTERVAL_MS && lastDropLogMillis.compareAndSet(last, now)) {
            droppedSinceLastLog.addAndGet(-total);
            LOG.warn(
                    "Dropped {} CloudWatch datums for namespace '{}' ({}): {}; {} dropped in total",
                    total,
                    namespace,
                    reason,
                    error == null ? "-" : error.toString(),
                    dropped.getCount());
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    @Override
    protected long getSizeInBytes(CloudWatchDatumEntry entry) {
        return entry.datum.estimatedSizeInBytes();
    }

    @Override
    public void close() {
        retryTimer.shutdownNow();
        client.close();
        super.close();
    }
}
