package io.traceassembler.sink;

import io.traceassembler.model.DeadLetter;
import io.traceassembler.model.Insight;
import io.traceassembler.model.Span;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * One-line JSON forms of insights and dead letters (docs/contracts.md, sections 3 and 4), shared by
 * the replay files and the live dead-letter stream, and of the replay's service-graph and
 * span-metrics minutes (section 3a). Trace summaries have theirs in {@link TraceItems}.
 */
public final class JsonLines {
    private static final JsonFactory JSON = new JsonFactory();

    private JsonLines() {}

    /**
     * {@code trace_id, type, severity, service_name, message, timestamp} (ISO-8601 of the trace's
     * end).
     */
    public static String insight(Insight insight) {
        return write(
                g -> {
                    g.writeStringField("trace_id", insight.traceId);
                    g.writeStringField("type", insight.type);
                    g.writeStringField("severity", insight.severity);
                    g.writeStringField("service_name", insight.serviceName);
                    g.writeStringField("message", insight.message);
                    g.writeStringField(
                            "timestamp", Instant.ofEpochMilli(insight.timestampMillis).toString());
                    if (insight.culpritService != null) {
                        g.writeStringField("culprit_service", insight.culpritService);
                        g.writeStringField("culprit_operation", insight.culpritOperation);
                    }
                });
    }

    /**
     * One edge in one minute: {@code minute} (ISO-8601), {@code client}, {@code server}, {@code
     * connection_type}, {@code requests}, {@code failed}, and {@code latency_ms_p50}, {@code
     * latency_ms_p99} (from the distribution's buckets, within ~1 %), {@code latency_ms_max}
     * (exact); the latencies are absent when no call had a timestamp.
     */
    public static String serviceGraph(ServiceGraphMinute m) {
        return write(
                g -> {
                    g.writeStringField("minute", Instant.ofEpochMilli(m.minuteMillis).toString());
                    g.writeStringField("client", m.client);
                    g.writeStringField("server", m.server);
                    g.writeStringField("connection_type", m.connectionType);
                    g.writeNumberField("requests", m.calls);
                    g.writeNumberField("failed", m.errors);
                    writeDurations(g, "latency_ms_", m);
                });
    }

    /**
     * One service and operation in one minute: {@code minute} (ISO-8601), {@code service}, {@code
     * operation} (absent when the operation dimension is off), {@code calls}, {@code errors}, and
     * {@code duration_ms_p50}, {@code duration_ms_p99}, {@code duration_ms_max} as for {@link
     * #serviceGraph}.
     */
    public static String spanMetrics(SpanMetricsMinute m) {
        return write(
                g -> {
                    g.writeStringField("minute", Instant.ofEpochMilli(m.minuteMillis).toString());
                    g.writeStringField("service", m.service);
                    writeIfPresent(g, "operation", m.operation);
                    g.writeNumberField("calls", m.calls);
                    g.writeNumberField("errors", m.errors);
                    writeDurations(g, "duration_ms_", m);
                });
    }

    private static void writeDurations(JsonGenerator g, String prefix, CallStats m)
            throws IOException {
        if (Double.isNaN(m.maxMs)) {
            return;
        }
        g.writeNumberField(prefix + "p50", m.percentileMs(0.5));
        g.writeNumberField(prefix + "p99", m.percentileMs(0.99));
        g.writeNumberField(prefix + "max", m.maxMs);
    }

    /**
     * {@code reason}, where the record came from, and the record: always as {@code record_base64}
     * (lossless), and as {@code record_text} too when it is valid UTF-8, for people reading it.
     */
    public static String deadLetter(DeadLetter deadLetter) {
        return deadLetter(deadLetter, true);
    }

    /**
     * As {@link #deadLetter(DeadLetter)}; with {@code includeRecord} false ({@code
     * DeadLetters.include.record}) only {@code reason}, the origin fields and {@code record_bytes}
     * are written: none of the record's bytes.
     */
    public static String deadLetter(DeadLetter deadLetter, boolean includeRecord) {
        return write(
                g -> {
                    g.writeStringField("reason", deadLetter.reason);
                    writeIfPresent(g, "origin", deadLetter.origin);
                    writeIfPresent(g, "partition", deadLetter.partition);
                    writeIfPresent(g, "position", deadLetter.position);
                    byte[] data = deadLetter.data == null ? new byte[0] : deadLetter.data;
                    g.writeNumberField("record_bytes", data.length);
                    if (!includeRecord) {
                        return;
                    }
                    g.writeStringField("record_base64", Base64.getEncoder().encodeToString(data));
                    String text = utf8OrNull(data);
                    if (text != null) {
                        g.writeStringField("record_text", text);
                    }
                });
    }

    /**
     * A decoded span in the native JSON span shape (docs/contracts.md, section 1), so a span
     * written to the dead-letter stream can be read, and fed back in, like any other span record.
     */
    public static String span(Span span) {
        return write(
                g -> {
                    g.writeStringField("trace_id", span.traceId);
                    g.writeStringField("span_id", span.spanId);
                    g.writeStringField("parent_span_id", span.parentSpanId);
                    g.writeStringField("operation_name", span.operationName);
                    g.writeStringField("service_name", span.serviceName);
                    g.writeStringField("start_time", microsToIso(span.startMicros));
                    g.writeStringField("end_time", microsToIso(span.endMicros));
                    g.writeNumberField("duration_ms", (span.endMicros - span.startMicros) / 1000.0);
                    g.writeStringField("status", span.error ? "error" : "ok");
                });
    }

    private static String microsToIso(long epochMicros) {
        return Instant.ofEpochSecond(
                        Math.floorDiv(epochMicros, 1_000_000L),
                        Math.floorMod(epochMicros, 1_000_000L) * 1000L)
                .toString();
    }

    private static void writeIfPresent(JsonGenerator g, String field, String value)
            throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }

    private static String utf8OrNull(byte[] data) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    /** Writes one JSON object on one line with the given fields. */
    static String write(Fields fields) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
