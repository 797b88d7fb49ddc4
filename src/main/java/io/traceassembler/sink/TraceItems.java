package io.traceassembler.sink;

import io.traceassembler.model.InsightType;
import io.traceassembler.model.TraceSummary;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A {@link TraceSummary} as the DynamoDB item and as the replay JSON line of docs/contracts.md
 * (section 2). Both representations are rendered from the one field list in {@link #visit}, so they
 * cannot drift apart.
 */
public final class TraceItems {
    public static final String TRACE_ID = "trace_id";
    public static final String START_TIME = "start_time";
    public static final String END_TIME = "end_time";
    public static final String START_EPOCH_MS = "start_epoch_ms";
    public static final String END_EPOCH_MS = "end_epoch_ms";
    public static final String DURATION_MS = "duration_ms";
    public static final String SPAN_COUNT = "span_count";
    public static final String SERVICE_COUNT = "service_count";
    public static final String ERROR_COUNT = "error_count";
    public static final String SERVICES = "services";
    public static final String ROOT_SERVICE = "root_service";
    public static final String ROOT_OPERATION = "root_operation";
    public static final String INSIGHTS = "insights";
    public static final String HAS_ROOT = "has_root";
    public static final String ORPHAN_SPAN_COUNT = "orphan_span_count";
    public static final String TRUNCATED = "truncated";
    public static final String REVISION = "revision";
    public static final String EXPIRES_AT = "expires_at";
    public static final String ROOT_CAUSE_SERVICE = "root_cause_service";
    public static final String ROOT_CAUSE_OPERATION = "root_cause_operation";
    public static final String ROOT_CAUSE_SPAN_ID = "root_cause_span_id";
    public static final String CRITICAL_PATH = "critical_path";
    public static final String BOTTLENECK_SERVICE = "bottleneck_service";
    public static final String BOTTLENECK_OPERATION = "bottleneck_operation";
    public static final String BOTTLENECK_SHARE = "bottleneck_share";

    /**
     * The most severe insight; the sparse GSI {@code by-insight} keys on it, so it is absent when
     * there is none.
     */
    public static final String PRIMARY_INSIGHT = "primary_insight";

    /**
     * Most severe first: {@code primary_insight} is the first of these that the trace has. Public
     * for readers of the {@code by-insight} index (a trace with an insight is keyed under it or
     * under a more severe one).
     */
    public static final List<InsightType> SEVERITY_ORDER =
            List.of(
                    InsightType.TRACE_ERRORS,
                    InsightType.SLOW_TRACE,
                    InsightType.HIGH_SERVICE_COUNT);

    private static final long SECONDS_PER_DAY = 86_400L;
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final JsonFactory JSON =
            JsonFactory.builder()
                    .enable(com.fasterxml.jackson.core.StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
                    .build();

    private TraceItems() {}

    /** The DynamoDB item; attribute types as in the contracts (S, N, SS, BOOL). */
    public static Map<String, AttributeValue> toItem(TraceSummary summary, int retentionDays) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        visit(
                summary,
                retentionDays,
                new FieldVisitor() {
                    @Override
                    public void string(String name, String value) {
                        item.put(name, AttributeValue.builder().s(value).build());
                    }

                    @Override
                    public void number(String name, String plainNumber) {
                        item.put(name, AttributeValue.builder().n(plainNumber).build());
                    }

                    @Override
                    public void bool(String name, boolean value) {
                        item.put(name, AttributeValue.builder().bool(value).build());
                    }

                    @Override
                    public void stringSet(String name, Collection<String> values) {
                        item.put(name, AttributeValue.builder().ss(values).build());
                    }

                    @Override
                    public void numberMap(String name, Map<String, String> plainNumbers) {
                        Map<String, AttributeValue> map = new LinkedHashMap<>();
                        plainNumbers.forEach(
                                (key, n) -> map.put(key, AttributeValue.builder().n(n).build()));
                        item.put(name, AttributeValue.builder().m(map).build());
                    }
                });
        return item;
    }

    /**
     * About the item's size as DynamoDB counts it (names and values in UTF-8, numbers as their
     * digits): the sink's batch-size bound, not billing.
     */
    public static long estimatedSizeInBytes(Map<String, AttributeValue> item) {
        long size = 0;
        for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
            size += attribute.getKey().length() + estimatedSizeInBytes(attribute.getValue());
        }
        return size;
    }

    private static long estimatedSizeInBytes(AttributeValue value) {
        switch (value.type()) {
            case S:
                return value.s().length();
            case N:
                return value.n().length();
            case BOOL:
                return 1;
            case SS:
                return value.ss().stream().mapToLong(String::length).sum();
            case M:
                return 3 + estimatedSizeInBytes(value.m());
            default:
                return 16;
        }
    }

    /** The replay output line (no trailing newline): numbers as JSON numbers, sets as arrays. */
    public static String toJsonLine(TraceSummary summary, int retentionDays) {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            visit(
                    summary,
                    retentionDays,
                    new FieldVisitor() {
                        @Override
                        public void string(String name, String value) throws IOException {
                            json.writeStringField(name, value);
                        }

                        @Override
                        public void number(String name, String plainNumber) throws IOException {
                            json.writeFieldName(name);
                            json.writeNumber(new BigDecimal(plainNumber));
                        }

                        @Override
                        public void bool(String name, boolean value) throws IOException {
                            json.writeBooleanField(name, value);
                        }

                        @Override
                        public void stringSet(String name, Collection<String> values)
                                throws IOException {
                            json.writeArrayFieldStart(name);
                            for (String v : values) {
                                json.writeString(v);
                            }
                            json.writeEndArray();
                        }

                        @Override
                        public void numberMap(String name, Map<String, String> plainNumbers)
                                throws IOException {
                            json.writeObjectFieldStart(name);
                            for (Map.Entry<String, String> e : plainNumbers.entrySet()) {
                                json.writeFieldName(e.getKey());
                                json.writeNumber(new BigDecimal(e.getValue()));
                            }
                            json.writeEndObject();
                        }
                    });
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /** ISO-8601 UTC with milliseconds and {@code Z}, e.g. {@code 2026-01-05T10:00:00.123Z}. */
    public static String isoMillis(long epochMillis) {
        return ISO_MILLIS.format(Instant.ofEpochMilli(epochMillis));
    }

    /**
     * Milliseconds to microsecond precision, plain notation: {@code 1234.567}, {@code 12}, {@code
     * 0.001}.
     */
    public static String durationMillis(TraceSummary summary) {
        return millis(summary.endMicros - summary.startMicros);
    }

    /** Microseconds as milliseconds in plain notation: {@code 1234.567}, {@code 12}, {@code 0}. */
    static String millis(long micros) {
        return BigDecimal.valueOf(micros, 3).stripTrailingZeros().toPlainString();
    }

    /** TTL from the trace's own end time, so a replay writes the same item as the live run did. */
    public static long expiresAtEpochSeconds(TraceSummary summary, int retentionDays) {
        return Math.floorDiv(summary.endEpochMillis(), 1000L) + retentionDays * SECONDS_PER_DAY;
    }

    /** The most severe insight id of the summary, or null when it has none. */
    public static String primaryInsight(TraceSummary summary) {
        if (summary.insights == null) {
            return null;
        }
        for (InsightType type : SEVERITY_ORDER) {
            if (summary.insights.contains(type.id())) {
                return type.id();
            }
        }
        return null;
    }

    /** The contract's fields in order; absent fields are simply not visited. */
    private static void visit(TraceSummary s, int retentionDays, FieldVisitor v) {
        try {
            v.string(TRACE_ID, s.traceId);
            v.string(START_TIME, isoMillis(s.startEpochMillis()));
            v.string(END_TIME, isoMillis(s.endEpochMillis()));
            v.number(START_EPOCH_MS, Long.toString(s.startEpochMillis()));
            v.number(END_EPOCH_MS, Long.toString(s.endEpochMillis()));
            v.number(DURATION_MS, durationMillis(s));
            v.number(SPAN_COUNT, Integer.toString(s.spanCount));
            v.number(SERVICE_COUNT, Integer.toString(s.serviceCount()));
            v.number(ERROR_COUNT, Integer.toString(s.errorCount));
            // A DynamoDB string set can be neither empty nor hold duplicates.
            Collection<String> services = distinctSorted(s.services);
            if (!services.isEmpty()) {
                v.stringSet(SERVICES, services);
            }
            if (s.rootService != null) {
                v.string(ROOT_SERVICE, s.rootService);
            }
            if (s.rootOperation != null) {
                v.string(ROOT_OPERATION, s.rootOperation);
            }
            Collection<String> insights = distinctSorted(s.insights);
            if (!insights.isEmpty()) {
                v.stringSet(INSIGHTS, insights);
            }
            v.bool(HAS_ROOT, s.hasRoot);
            v.number(ORPHAN_SPAN_COUNT, Integer.toString(s.orphanSpanCount));
            v.bool(TRUNCATED, s.truncated);
            v.number(REVISION, Integer.toString(s.revision));
            v.number(EXPIRES_AT, Long.toString(expiresAtEpochSeconds(s, retentionDays)));
            String primary = primaryInsight(s);
            if (primary != null) {
                v.string(PRIMARY_INSIGHT, primary);
            }
            if (s.rootCauseService != null) {
                // The sparse GSI by-root-cause keys on root_cause_service: absent without errors.
                v.string(ROOT_CAUSE_SERVICE, s.rootCauseService);
                v.string(ROOT_CAUSE_OPERATION, s.rootCauseOperation);
                v.string(ROOT_CAUSE_SPAN_ID, s.rootCauseSpanId);
            }
            if (s.criticalPathMicros != null) {
                Map<String, String> path = new TreeMap<>();
                s.criticalPathMicros.forEach(
                        (service, micros) -> path.put(service, millis(micros)));
                v.numberMap(CRITICAL_PATH, path);
                v.string(BOTTLENECK_SERVICE, s.bottleneckService);
                v.string(BOTTLENECK_OPERATION, s.bottleneckOperation);
                v.number(
                        BOTTLENECK_SHARE,
                        BigDecimal.valueOf(s.bottleneckShare)
                                .setScale(3, java.math.RoundingMode.HALF_UP)
                                .stripTrailingZeros()
                                .toPlainString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Collection<String> distinctSorted(List<String> values) {
        TreeSet<String> set = new TreeSet<>();
        if (values != null) {
            for (String value : values) {
                if (value != null) {
                    set.add(value);
                }
            }
        }
        return set;
    }

    private interface FieldVisitor {
        void string(String name, String value) throws IOException;

        void number(String name, String plainNumber) throws IOException;

        void bool(String name, boolean value) throws IOException;

        void stringSet(String name, Collection<String> values) throws IOException;

        void numberMap(String name, Map<String, String> plainNumbers) throws IOException;
    }
}
