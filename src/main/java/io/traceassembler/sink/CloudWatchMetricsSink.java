package io.traceassembler.sink;

import io.traceassembler.config.AwsEndpoint;
import io.traceassembler.config.AwsOptions;
import io.traceassembler.config.TraceAssemblerConfig;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSink;
import org.apache.flink.connector.base.sink.AsyncSinkBase;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.Objects;

/**
 * Sends {@link MetricDatumRecord}s to CloudWatch with batched {@code PutMetricData} calls (at most
 * 1000 datums and 1 MB per call). Throttling, 5xx and network errors are retried with exponential
 * backoff; a datum still failing after {@code maxAttempts}, or rejected as invalid, is
 * <b>dropped</b>, counted in the {@value CloudWatchMetricsSinkWriter#DROPPED_COUNTER} counter and
 * logged (rate-limited). Metrics are not worth failing or stalling the job for: the buffer is
 * bounded and every datum leaves it within about the sum of the backoffs.
 */
public class CloudWatchMetricsSink extends AsyncSinkBase<MetricDatumRecord, CloudWatchDatumEntry> {
    private static final long serialVersionUID = 1L;

    /** CloudWatch's limits per PutMetricData call. */
    public static final int MAX_DATUMS_PER_REQUEST = 1000;

    public static final long MAX_REQUEST_BYTES = 1_000_000;

    /** Room for the request envelope (namespace, framing) beside the datums' estimated sizes. */
    static final long REQUEST_ENVELOPE_BYTES = 16 * 1024;

    private final String namespace;
    private final AwsEndpoint aws;
    private final RetryPolicy retryPolicy;

    private CloudWatchMetricsSink(Builder b) {
        super(
                new DatumEntryConverter(),
                b.maxBatchSize,
                b.maxInFlightRequests,
                b.maxBufferedRequests,
                MAX_REQUEST_BYTES - REQUEST_ENVELOPE_BYTES,
                b.maxTimeInBuffer.toMillis(),
                64 * 1024);
        this.namespace = Objects.requireNonNull(b.namespace, "namespace");
        this.aws = Objects.requireNonNull(b.aws, "aws");
        this.retryPolicy =
                new RetryPolicy(
                        b.maxAttempts,
                        b.initialBackoff.toMillis(),
                        b.maxBackoff.toMillis(),
                        b.apiCallTimeout.toMillis());
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The sink for the {@code InsightMetrics} group, with the default batching and retry settings.
     */
    public static CloudWatchMetricsSink create(TraceAssemblerConfig.InsightMetrics config) {
        return builder(config).build();
    }

    /**
     * A builder with namespace and AWS endpoint from {@code InsightMetrics}, the rest at the
     * defaults.
     */
    public static Builder builder(TraceAssemblerConfig.InsightMetrics config) {
        return builder().namespace(config.namespace).aws(config.aws);
    }

    @Override
    public StatefulSink.StatefulSinkWriter<
                    MetricDatumRecord, BufferedRequestState<CloudWatchDatumEntry>>
            createWriter(InitContext context) {
        return restoreWriter(context, Collections.emptyList());
    }

    @Override
    public StatefulSink.StatefulSinkWriter<
                    MetricDatumRecord, BufferedRequestState<CloudWatchDatumEntry>>
            restoreWriter(
                    InitContext context,
                    Collection<BufferedRequestState<CloudWatchDatumEntry>> recoveredState) {
        return new CloudWatchMetricsSinkWriter(
                getElementConverter(),
                context,
                getMaxBatchSize(),
                getMaxInFlightRequests(),
                getMaxBufferedRequests(),
                getMaxBatchSizeInBytes(),
                getMaxTimeInBufferMS(),
                getMaxRecordSizeInBytes(),
                namespace,
                aws,
                retryPolicy,
                recoveredState);
    }

    @Override
    public SimpleVersionedSerializer<BufferedRequestState<CloudWatchDatumEntry>>
            getWriterStateSerializer() {
        return new CloudWatchDatumEntrySerializer();
    }

    /** How often and how patiently a failed datum is retried before it is dropped. */
    static final class RetryPolicy implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final int maxAttempts;
        final long initialBackoffMs;
        final long maxBackoffMs;
        final long apiCallTimeoutMs;

        RetryPolicy(
                int maxAttempts, long initialBackoffMs, long maxBackoffMs, long apiCallTimeoutMs) {
            if (maxAttempts < 1
                    || initialBackoffMs < 0
                    || maxBackoffMs < initialBackoffMs
                    || apiCallTimeoutMs <= 0) {
                throw new IllegalArgumentException(
                        "invalid retry policy: maxAttempts="
                                + maxAttempts
                                + ", initialBackoffMs="
                                + initialBackoffMs
                                + ", maxBackoffMs="
                                + maxBackoffMs);
            }
            this.maxAttempts = maxAttempts;
            this.initialBackoffMs = initialBackoffMs;
            this.maxBackoffMs = maxBackoffMs;
            this.apiCallTimeoutMs = apiCallTimeoutMs;
        }

        /**
         * Exponential: initial, 2×initial, ... capped at max; after the {@code attempts}-th
         * failure.
         */
        long backoffMs(int attempts) {
            long backoff = initialBackoffMs << Math.min(30, Math.max(0, attempts - 1));
            return Math.min(maxBackoffMs, backoff < 0 ? maxBackoffMs : backoff);
        }
    }

    private static final class DatumEntryConverter
            implements ElementConverter<MetricDatumRecord, CloudWatchDatumEntry> {
        private static final long serialVersionUID = 1L;

        @Override
        public CloudWatchDatumEntry apply(MetricDatumRecord datum, SinkWriter.Context context) {
            return new CloudWatchDatumEntry(datum, 0);
        }
    }

    /**
     * Defaults suit the live job: datums leave within ~1 s, a failing datum is given up after ~15 s
     * of backoff.
     */
    public static final class Builder {
        private String namespace = "DistributedTracing/Insights";
        private AwsEndpoint aws = new AwsEndpoint(AwsOptions.DEFAULT_REGION, null);
        private int maxBatchSize = MAX_DATUMS_PER_REQUEST;
        private int maxInFlightRequests = 10;
        private int maxBufferedRequests = 10_000;
        private Duration maxTimeInBuffer = Duration.ofSeconds(1);
        private int maxAttempts = 5;
        private Duration initialBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(8);
        private Duration apiCallTimeout = Duration.ofSeconds(30);

        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        /** Region, and the emulator / test stub endpoint (none for CloudWatch itself). */
        public Builder aws(AwsEndpoint aws) {
            this.aws = aws;
            return this;
        }

        /** At most {@value #MAX_DATUMS_PER_REQUEST}. */
        public Builder maxBatchSize(int maxBatchSize) {
            if (maxBatchSize < 1 || maxBatchSize > MAX_DATUMS_PER_REQUEST) {
                throw new IllegalArgumentException(
                        "maxBatchSize must be 1.." + MAX_DATUMS_PER_REQUEST);
            }
            this.maxBatchSize = maxBatchSize;
            return this;
        }

        public Builder maxInFlightRequests(int maxInFlightRequests) {
            this.maxInFlightRequests = maxInFlightRequests;
            return this;
        }

        /**
         * The bound on buffered datums; writes wait (briefly, given bounded retries) when it is
         * reached.
         */
        public Builder maxBufferedRequests(int maxBufferedRequests) {
            this.maxBufferedRequests = maxBufferedRequests;
            return this;
        }

        public Builder maxTimeInBuffer(Duration maxTimeInBuffer) {
            this.maxTimeInBuffer = maxTimeInBuffer;
            return this;
        }

        /** Attempts per datum, the first included, before it is dropped. */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /** Bounds one PutMetricData call, so a hanging endpoint counts as a failed attempt. */
        public Builder apiCallTimeout(Duration apiCallTimeout) {
            this.apiCallTimeout = apiCallTimeout;
            return this;
        }

        public CloudWatchMetricsSink build() {
            if (maxBufferedRequests < maxBatchSize) {
                throw new IllegalArgumentException("maxBufferedRequests must be >= maxBatchSize");
            }
            return new CloudWatchMetricsSink(this);
        }
    }
}
