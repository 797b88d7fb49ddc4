package io.traceassembler.config;

import io.traceassembler.model.SpanFormat;

import org.apache.flink.util.TimeUtils;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The job's whole configuration: one typed, validated object built from runtime property groups
 * (data contracts, section 5). Every key, its default and its meaning is listed in the README.
 * Unknown groups and keys are rejected so that a typo never passes silently.
 */
public final class TraceAssemblerConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String DEFAULT_REGION = "us-east-1";

    public final SpanSource spanSource;
    public final TraceAssembly traceAssembly;
    public final Insights insights;
    public final TraceStore traceStore;
    public final InsightMetrics insightMetrics;
    public final DeadLetters deadLetters;
    /** Every key ({@code Group.key}) with the value in force, given or default: for the start-up log. */
    public final Map<String, String> settings;

    private TraceAssemblerConfig(Reader r) {
        this.spanSource = new SpanSource(r.group("SpanSource"));
        this.traceAssembly = new TraceAssembly(r.group("TraceAssembly"));
        this.insights = new Insights(r.group("Insights"));
        this.traceStore = new TraceStore(r.group("TraceStore"));
        this.insightMetrics = new InsightMetrics(r.group("InsightMetrics"));
        this.deadLetters = new DeadLetters(r.group("DeadLetters"));
        r.rejectUnknown();
        this.settings = java.util.Collections.unmodifiableMap(r.effectiveSettings());
    }

    /** Builds and validates; throws {@link ConfigException} naming the bad group, key and value. */
    public static TraceAssemblerConfig from(PropertyGroups groups) {
        return new TraceAssemblerConfig(new Reader(groups.asMap()));
    }

    public static TraceAssemblerConfig defaults() {
        return from(PropertyGroups.empty());
    }

    /** Where spans come from in the live job. */
    public static final class SpanSource implements Serializable {
        private static final long serialVersionUID = 1L;
        public final String streamName;
        public final String region;
        public final String endpoint;
        public final InitialPosition initialPosition;
        public final Instant initialTimestamp;
        public final ReaderType reader;
        public final String efoConsumerName;
        public final SpanFormat format;

        SpanSource(Reader.Group g) {
            streamName = g.string("stream.name", "trace-spans");
            region = g.string("aws.region", defaultRegion());
            endpoint = g.optionalString("aws.endpoint");
            initialPosition = g.enumValue("initial.position", InitialPosition.class, InitialPosition.LATEST);
            initialTimestamp = g.instant("initial.timestamp");
            reader = g.enumValue("reader", ReaderType.class, ReaderType.POLLING);
            efoConsumerName = g.string("efo.consumer.name", "trace-assembler");
            format = g.parsed("format", SpanFormat::parse, SpanFormat.AUTO, Arrays.toString(SpanFormat.values()));
            if (initialPosition == InitialPosition.AT_TIMESTAMP && initialTimestamp == null) {
                throw g.invalid("initial.timestamp", null, "is required when initial.position is AT_TIMESTAMP");
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

    /** Session windows, watermarks, lateness and per-trace bounds. */
    public static final class TraceAssembly implements Serializable {
        private static final long serialVersionUID = 1L;
        public final Duration sessionGap;
        public final Duration maxOutOfOrderness;
        public final Duration idleness;
        public final Duration allowedLateness;
        public final Duration maxTraceDuration;
        public final int maxSpansPerTrace;

        TraceAssembly(Reader.Group g) {
            sessionGap = g.duration("session.gap", Duration.ofSeconds(30));
            maxOutOfOrderness = g.duration("max.out.of.orderness", Duration.ofSeconds(5));
            idleness = g.duration("idleness", Duration.ofSeconds(5));
            allowedLateness = g.duration("allowed.lateness", Duration.ofMinutes(5));
            maxTraceDuration = g.duration("max.trace.duration", Duration.ofMinutes(10));
            maxSpansPerTrace = g.positiveInt("max.spans.per.trace", 10_000);
            g.require(!sessionGap.isZero(), "session.gap", sessionGap, "must be greater than zero");
            g.require(maxTraceDuration.compareTo(sessionGap) > 0, "max.trace.duration", maxTraceDuration,
                    "must be longer than session.gap (" + sessionGap + ")");
        }
    }

    /** Insight thresholds; the defaults are the seed's. */
    public static final class Insights implements Serializable {
        private static final long serialVersionUID = 1L;
        public final double slowTraceThresholdMs;
        public final int highServiceCountThreshold;

        Insights(Reader.Group g) {
            slowTraceThresholdMs = g.nonNegativeDouble("slow.trace.threshold.ms", 5000);
            highServiceCountThreshold = g.positiveInt("high.service.count.threshold", 5);
        }
    }

    /** The DynamoDB table of trace summaries. */
    public static final class TraceStore implements Serializable {
        private static final long serialVersionUID = 1L;
        public final String tableName;
        public final String region;
        public final String endpoint;
        public final int retentionDays;

        TraceStore(Reader.Group g) {
            tableName = g.string("table.name", "distributed-traces");
            region = g.string("aws.region", defaultRegion());
            endpoint = g.optionalString("aws.endpoint");
            retentionDays = g.positiveInt("retention.days", 30);
        }
    }

    /** CloudWatch insight metrics. */
    public static final class InsightMetrics implements Serializable {
        private static final long serialVersionUID = 1L;
        public final String namespace;
        public final String region;
        public final String endpoint;
        public final boolean enabled;

        InsightMetrics(Reader.Group g) {
            namespace = g.string("namespace", "DistributedTracing/Insights");
            region = g.string("aws.region", defaultRegion());
            endpoint = g.optionalString("aws.endpoint");
            enabled = g.bool("enabled", true);
        }
    }

    /** The optional Kinesis dead-letter stream; without one, dead letters are counted and logged. */
    public static final class DeadLetters implements Serializable {
        private static final long serialVersionUID = 1L;
        public final String streamName;
        public final String region;
        public final String endpoint;
        /**
         * {@code include.record}: whether a dead letter carries the raw record ({@code record_base64},
         * {@code record_text}); false keeps only the reason, the origin and the record's size, for
         * deployments where records may hold tag values (tokens, e-mail addresses) that must not be copied.
         */
        public final boolean includeRecord;

        DeadLetters(Reader.Group g) {
            streamName = g.optionalString("stream.name");
            region = g.string("aws.region", defaultRegion());
            endpoint = g.optionalString("aws.endpoint");
            includeRecord = g.bool("include.record", true);
        }
    }

    private static String defaultRegion() {
        String env = System.getenv("AWS_REGION");
        return env == null || env.isBlank() ? DEFAULT_REGION : env;
    }

    /** Reads groups and keys, remembering which were consumed so unknown ones can be reported. */
    static final class Reader {
        private final Map<String, Properties> groups;
        private final Map<String, Group> read = new LinkedHashMap<>();

        Reader(Map<String, Properties> groups) {
            this.groups = groups;
        }

        Group group(String id) {
            Group g = new Group(id, groups.getOrDefault(id, new Properties()));
            read.put(id, g);
            return g;
        }

        /** Every key read, as {@code Group.key}, with the value in force. */
        Map<String, String> effectiveSettings() {
            Map<String, String> settings = new LinkedHashMap<>();
            read.forEach((id, g) -> g.effective.forEach((key, value) -> settings.put(id + "." + key, value)));
            return settings;
        }

        void rejectUnknown() {
            for (Map.Entry<String, Properties> e : groups.entrySet()) {
                Group g = read.get(e.getKey());
                if (g == null) {
                    throw new ConfigException("Unknown property group '" + e.getKey() + "'; known groups: "
                            + read.keySet());
                }
                Set<String> unknown = new TreeSet<>(e.getValue().stringPropertyNames());
                unknown.removeAll(g.known);
                if (!unknown.isEmpty()) {
                    throw new ConfigException("Unknown key(s) " + unknown + " in property group '" + e.getKey()
                            + "'; known keys: " + new TreeSet<>(g.known));
                }
            }
        }

        static final class Group {
            final String id;
            final Properties props;
            final Set<String> known = new TreeSet<>();
            /** Key → the value in force (as given, or the default), in reading order. */
            final Map<String, String> effective = new LinkedHashMap<>();

            Group(String id, Properties props) {
                this.id = id;
                this.props = props;
            }

            private String raw(String key) {
                known.add(key);
                String v = props.getProperty(key);
                return v == null || v.isBlank() ? null : v.trim();
            }

            private static String describeDefault(Object value) {
                if (value == null) {
                    return "(none)";
                }
                if (value instanceof Duration) {
                    return TimeUtils.formatWithHighestUnit((Duration) value);
                }
                return value instanceof Enum ? ((Enum<?>) value).name().toLowerCase(Locale.ROOT) : value.toString();
            }

            ConfigException invalid(String key, Object value, String problem) {
                return new ConfigException(id + "." + key + (value == null ? "" : " = '" + value + "'") + ": " + problem);
            }

            void require(boolean condition, String key, Object value, String problem) {
                if (!condition) {
                    throw invalid(key, value, problem);
                }
            }

            String string(String key, String defaultValue) {
                String v = raw(key);
                String value = v == null ? defaultValue : v;
                effective.put(key, value);
                return value;
            }

            String optionalString(String key) {
                String v = raw(key);
                effective.put(key, v == null ? "(none)" : v);
                return v;
            }

            interface Parser<T> {
                T parse(String value) throws Exception;
            }

            <T> T parsed(String key, Parser<T> parser, T defaultValue, String expected) {
                String v = raw(key);
                effective.put(key, v != null ? v : describeDefault(defaultValue));
                if (v == null) {
                    return defaultValue;
                }
                try {
                    return parser.parse(v);
                } catch (Exception e) {
                    throw invalid(key, v, "expected " + expected);
                }
            }

            <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
                return parsed(key, v -> Enum.valueOf(type, v.toUpperCase(Locale.ROOT)), defaultValue,
                        "one of " + Arrays.toString(type.getEnumConstants()));
            }

            Duration duration(String key, Duration defaultValue) {
                Duration d = parsed(key, TimeUtils::parseDuration, defaultValue,
                        "a duration such as '30 s', '500 ms' or '10 min'");
                require(!d.isNegative(), key, d, "must not be negative");
                return d;
            }

            Instant instant(String key) {
                return parsed(key, v -> {
                    try {
                        return Instant.parse(v);
                    } catch (DateTimeParseException e) {
                        return Instant.ofEpochMilli(Long.parseLong(v));
                    }
                }, null, "an ISO-8601 instant such as 2026-01-31T12:00:00Z or epoch milliseconds");
            }

            int positiveInt(String key, int defaultValue) {
                int v = parsed(key, Integer::parseInt, defaultValue, "a whole number");
                require(v > 0, key, v, "must be greater than zero");
                return v;
            }

            double nonNegativeDouble(String key, double defaultValue) {
                double v = parsed(key, Double::parseDouble, defaultValue, "a number");
                require(Double.isFinite(v) && v >= 0, key, v, "must be a finite number >= 0");
                return v;
            }

            boolean bool(String key, boolean defaultValue) {
                return parsed(key, v -> {
                    if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
                        return Boolean.parseBoolean(v);
                    }
                    throw new IllegalArgumentException(v);
                }, defaultValue, "true or false");
            }
        }
    }
}
