package io.traceassembler.config;

import io.traceassembler.model.SpanFormat;

import org.apache.flink.configuration.ConfigOption;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The job's whole configuration: one typed, validated object built from runtime property groups
 * (docs/contracts.md, section 5). Each group's keys are declared once, with type, default and
 * description, in its {@code *Options} class; the README's configuration table is generated from
 * those declarations. Unknown groups and keys are rejected so that a typo never passes silently.
 */
public final class TraceAssemblerConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Every property group, in the order of the docs. */
    public static final List<OptionGroup> GROUPS =
            List.of(
                    SpanSourceOptions.GROUP,
                    TraceAssemblyOptions.GROUP,
                    InsightsOptions.GROUP,
                    TraceStoreOptions.GROUP,
                    InsightMetricsOptions.GROUP,
                    DeadLettersOptions.GROUP,
                    ServiceGraphOptions.GROUP,
                    SpanMetricsOptions.GROUP);

    public final SpanSource spanSource;
    public final TraceAssembly traceAssembly;
    public final Insights insights;
    public final TraceStore traceStore;
    public final InsightMetrics insightMetrics;
    public final DeadLetters deadLetters;
    public final ServiceGraph serviceGraph;
    public final SpanMetrics spanMetrics;

    /**
     * Every key ({@code Group.key}) with the value in force, given or default: for the start-up
     * log.
     */
    public final Map<String, String> settings;

    private TraceAssemblerConfig(ConfigReader r) {
        this.spanSource = new SpanSource(r.group(SpanSourceOptions.GROUP));
        this.traceAssembly = new TraceAssembly(r.group(TraceAssemblyOptions.GROUP));
        this.insights = new Insights(r.group(InsightsOptions.GROUP));
        this.traceStore = new TraceStore(r.group(TraceStoreOptions.GROUP));
        this.insightMetrics = new InsightMetrics(r.group(InsightMetricsOptions.GROUP));
        this.deadLetters = new DeadLetters(r.group(DeadLettersOptions.GROUP));
        this.serviceGraph = new ServiceGraph(r.group(ServiceGraphOptions.GROUP));
        this.spanMetrics = new SpanMetrics(r.group(SpanMetricsOptions.GROUP));
        r.finish();
        this.settings = Collections.unmodifiableMap(r.settings());
    }

    /** Builds and validates; throws {@link ConfigException} naming the bad group, key and value. */
    public static TraceAssemblerConfig from(PropertyGroups groups) {
        return new TraceAssemblerConfig(new ConfigReader(groups.asMap()));
    }

    public static TraceAssemblerConfig defaults() {
        return from(PropertyGroups.empty());
    }

    /** Where spans come from in the live job: {@link SpanSourceOptions}. */
    public static final class SpanSource implements Serializable {
        private static final long serialVersionUID = 1L;
        public final String streamName;
        public final AwsEndpoint aws;
        public final InitialPosition initialPosition;
        public final Instant initialTimestamp;
        public final ReaderType reader;
        public final String efoConsumerName;
        public final SpanFormat format;

        SpanSource(ConfigReader.Group g) {
            streamName = g.get(SpanSourceOptions.STREAM_NAME);
            aws = g.aws();
            initialPosition = g.get(SpanSourceOptions.INITIAL_POSITION);
            initialTimestamp =
                    g.parse(
                            SpanSourceOptions.INITIAL_TIMESTAMP,
                            TraceAssemblerConfig::parseInstant,
                            "an ISO-8601 instant such as 2026-01-31T12:00:00Z or epoch milliseconds");
            reader = g.get(SpanSourceOptions.READER);
            efoConsumerName = g.get(SpanSourceOptions.EFO_CONSUMER_NAME);
            format =
                    g.parse(
                            SpanSourceOptions.FORMAT,
                            SpanFormat::parse,
                            Arrays.toString(SpanFormat.values()));
            if (initialPosition == InitialPosition.AT_TIMESTAMP && initialTimestamp == null) {
                throw g.invalid(
                        SpanSourceOptions.INITIAL_TIMESTAMP,
                        null,
                        "is required when initial.position is AT_TIMESTAMP");
            }
        }
    }

    /** How the Kinesis source reads: shared-throughput polling or enhanced fan-out. */
    public enum ReaderType {
        POLLING,
        EFO
    }

    public enum InitialPosition {
        LATEST,
        TRIM_HORIZON,
        AT_TIMESTAMP
    }

    /** Session windows, watermarks, lateness and per-trace bounds: {@link TraceAssemblyOptions}. */
    public static final class TraceAssembly implements Serializable {
        private static final long serialVersionUID = 1L;
        public final Duration sessionGap;
        public final Duration maxOutOfOrderness;
        public final Duration idleness;
        public final Duration allowedLateness;
        public final Duration maxTraceDuration;
        public final int maxSpansPerTrace;

        /** The RocksDB write-back cache's bounds per subtask. */
        public final int cacheMaxTraces;

        public final int cacheMaxSpans;

        /** RocksDB only: timers on the JVM heap (Flink's RocksDB timer service factory HEAP). */
        public final boolean timersOnHeap;

        TraceAssembly(ConfigReader.Group g) {
            sessionGap = nonNegative(g, TraceAssemblyOptions.SESSION_GAP);
            maxOutOfOrderness = nonNegative(g, TraceAssemblyOptions.MAX_OUT_OF_ORDERNESS);
            idleness = nonNegative(g, TraceAssemblyOptions.IDLENESS);
            allowedLateness = nonNegative(g, TraceAssemblyOptions.ALLOWED_LATENESS);
            maxTraceDuration = nonNegative(g, TraceAssemblyOptions.MAX_TRACE_DURATION);
            maxSpansPerTrace = positive(g, TraceAssemblyOptions.MAX_SPANS_PER_TRACE);
            cacheMaxTraces = positive(g, TraceAssemblyOptions.CACHE_MAX_TRACES);
            cacheMaxSpans = positive(g, TraceAssemblyOptions.CACHE_MAX_SPANS);
            timersOnHeap = g.get(TraceAssemblyOptions.TIMERS_ON_HEAP);
            g.require(
                    !sessionGap.isZero(),
                    TraceAssemblyOptions.SESSION_GAP,
                    sessionGap,
                    "must be greater than zero");
            g.require(
                    maxTraceDuration.compareTo(sessionGap) > 0,
                    TraceAssemblyOptions.MAX_TRACE_DURATION,
                    maxTraceDuration,
                    "must be longer than session.gap (" + ConfigReader.display(sessionGap) + ")");
        }
    }

    /** Insight thresholds ({@link InsightsOptions}); the defaults are the seed's. */
    public static final class Insights implements Serializable {
        private static final long serialVersionUID = 1L;
        public final double slowTraceThresholdMs;
        public final int highServiceCountThreshold;

        Insights(ConfigReader.Group g) {
            slowTraceThresholdMs = g.get(InsightsOptions.SLOW_TRACE_THRESHOLD_MS);
            g.require(
                    Double.isFinite(slowTraceThresholdMs) && slowTraceThresholdMs >= 0,
                    InsightsOptions.SLOW_TRACE_THRESHOLD_MS,
                    slowTraceThresholdMs,
                    "must be a finite number >= 0");
            highServiceCountThreshold = positive(g, InsightsOptions.HIGH_SERVICE_COUNT_THRESHOLD);
        }
    }

    /** The DynamoDB table of trace summaries: {@link TraceStoreOptions}. */
    public static final class TraceStore implements Serializable {
        private static final long serialVersionUID = 1L;
        public final String tableName;
        public final AwsEndpoint aws;
        public final int retentionDays;

        TraceStore(ConfigReader.Group g) {
            tableName = g.get(TraceStoreOptions.TABLE_NAME);
            aws = g.aws();
            retentionDays = positive(g, TraceStoreOptions.RETENTION_DAYS);
        }
    }

    /** CloudWatch metrics: {@link InsightMetricsOptions}. */
    public static final class InsightMetrics implements Serializable {
        private static final long serialVersionUID = 1L;
        public final String namespace;
        public final AwsEndpoint aws;
        public final boolean enabled;

        InsightMetrics(ConfigReader.Group g) {
            namespace = g.get(InsightMetricsOptions.NAMESPACE);
            aws = g.aws();
            enabled = g.get(InsightMetricsOptions.ENABLED);
        }
    }

    /**
     * The optional Kinesis dead-letter stream ({@link DeadLettersOptions}); without one, counted
     * and logged.
     */
    public static final class DeadLetters implements Serializable {
        private static final long serialVersionUID = 1L;
        public final String streamName;
        public final AwsEndpoint aws;

        /**
         * Whether a dead letter carries the raw record ({@code record_base64}, {@code
         * record_text}).
         */
        public final boolean includeRecord;

        DeadLetters(ConfigReader.Group g) {
            streamName = g.get(DeadLettersOptions.STREAM_NAME);
            aws = g.aws();
            includeRecord = g.get(DeadLettersOptions.INCLUDE_RECORD);
        }
    }

    /** The service graph of assembled traces: {@link ServiceGraphOptions}. */
    public static final class ServiceGraph implements Serializable {
        private static final long serialVersionUID = 1L;
        public final boolean enabled;
        public final int maxEdges;

        ServiceGraph(ConfigReader.Group g) {
            enabled = g.get(ServiceGraphOptions.ENABLED);
            maxEdges = positive(g, ServiceGraphOptions.MAX_EDGES);
        }
    }

    /** Span RED metrics per service and operation: {@link SpanMetricsOptions}. */
    public static final class SpanMetrics implements Serializable {
        private static final long serialVersionUID = 1L;
        public final boolean enabled;
        public final boolean operationDimension;
        public final int maxOperationsPerService;

        SpanMetrics(ConfigReader.Group g) {
            enabled = g.get(SpanMetricsOptions.ENABLED);
            operationDimension = g.get(SpanMetricsOptions.OPERATION_DIMENSION);
            maxOperationsPerService = positive(g, SpanMetricsOptions.MAX_OPERATIONS_PER_SERVICE);
        }
    }

    private static Duration nonNegative(ConfigReader.Group g, ConfigOption<Duration> option) {
        Duration d = g.get(option);
        g.require(!d.isNegative(), option, d, "must not be negative");
        return d;
    }

    private static int positive(ConfigReader.Group g, ConfigOption<Integer> option) {
        int v = g.get(option);
        g.require(v > 0, option, v, "must be greater than zero");
        return v;
    }

    private static Instant parseInstant(String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            return Instant.ofEpochMilli(Long.parseLong(value));
        }
    }
}
