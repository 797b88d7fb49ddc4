package io.traceassembler.ingest.format;

import io.traceassembler.model.HexIds;
import io.traceassembler.model.Span;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.jaegertracing.api_v2.Model;

/**
 * Jaeger protobuf ({@code jaeger_proto}): one {@code jaeger.api_v2.Span} per record with its {@code
 * Process}, parsed with the classes the build generates from the {@code model.proto} that a Maven
 * Central artifact ships (see pom.xml). Ids as lower-case hex of their bytes (a trace id is 16
 * bytes, a span id 8); the service from {@code process.service_name}; the parent from the first
 * {@code CHILD_OF} reference within the same trace (Jaeger's own rule; the proto model has no
 * parent field of its own); start from the {@code start_time} Timestamp, end = start + the {@code
 * duration} Duration (absent = zero); error from the tag {@code error} = true or {@code
 * otel.status_code} = ERROR; the kind from the tag {@code span.kind} (server, client, producer,
 * consumer, internal; else UNSPECIFIED); the string tags {@code peer.service}, {@code db.system}
 * and {@code messaging.system}, no other tag.
 */
public final class JaegerProtoReader {
    private JaegerProtoReader() {}

    /** The bytes are not a {@code jaeger.api_v2.Span}. */
    public static final class NotJaeger extends RecordRejected {
        private static final long serialVersionUID = 1L;

        NotJaeger(String reason) {
            super(reason);
        }
    }

    public static Model.Span parse(byte[] data, int offset, int length) throws NotJaeger {
        try {
            return Model.Span.parser().parseFrom(data, offset, length);
        } catch (InvalidProtocolBufferException e) {
            throw new NotJaeger(
                    "not valid Jaeger protobuf (jaeger.api_v2.Span): " + e.getMessage());
        }
    }

    public static void read(Model.Span span, RecordSpans out) throws RecordRejected {
        int number = out.nextSpanNumber();
        if (span.getTraceId().isEmpty()) {
            out.reject(number, "trace_id is missing");
            return;
        }
        if (span.getSpanId().isEmpty()) {
            out.reject(number, "span_id is missing");
            return;
        }
        ByteString parent = parentSpanId(span);
        if (span.getTraceId().size() * 2 > DecodeLimits.MAX_ID_LENGTH
                || span.getSpanId().size() * 2 > DecodeLimits.MAX_ID_LENGTH
                || (parent != null && parent.size() * 2 > DecodeLimits.MAX_ID_LENGTH)) {
            out.reject(
                    number,
                    "an id is longer than " + DecodeLimits.MAX_ID_LENGTH + " hex characters");
            return;
        }
        if (!span.hasStartTime()) {
            out.reject(number, "start_time is missing");
            return;
        }
        Timestamp startTime = span.getStartTime();
        Duration duration = span.getDuration();
        long start =
                SpanTimes.secondsAndNanosToMicros(startTime.getSeconds(), startTime.getNanos());
        long end;
        if (!SpanTimes.inRange(start)) {
            end = start; // report the start, whatever the duration
        } else if (Math.abs(duration.getSeconds()) > SpanTimes.MAX_MICROS / 1_000_000L) {
            end = duration.getSeconds() < 0 ? -Long.MAX_VALUE : Long.MAX_VALUE;
        } else {
            // Sum the nanoseconds before rounding down: the end is the producer's end time, to the
            // microsecond.
            end =
                    SpanTimes.secondsAndNanosToMicros(
                            startTime.getSeconds() + duration.getSeconds(),
                            (long) startTime.getNanos() + duration.getNanos());
        }
        if (!out.checkTimes(number, start, end, "start_time", "start_time + duration")) {
            return;
        }
        Span decoded =
                new Span(
                        hex(span.getTraceId()),
                        hex(span.getSpanId()),
                        parent == null ? null : hex(parent),
                        RecordSpans.orUnknown(span.getProcess().getServiceName()),
                        RecordSpans.orUnknown(span.getOperationName()),
                        start,
                        end,
                        isError(span));
        keepTags(span, decoded);
        out.add(decoded);
    }

    /**
     * The kind from the string tag {@code span.kind}, and the string tags {@code peer.service},
     * {@code db.system} and {@code messaging.system}; the parser has made the strings already.
     */
    private static void keepTags(Model.Span span, Span decoded) {
        for (int i = 0; i < span.getTagsCount(); i++) {
            Model.KeyValue tag = span.getTags(i);
            if (tag.getVType() != Model.ValueType.STRING) {
                continue;
            }
            String key = tag.getKey();
            if ("span.kind".equals(key)) {
                decoded.kind = SpanAttributes.kindOfName(tag.getVStr());
                continue;
            }
            int kept = SpanAttributes.keyOf(key);
            if (kept == SpanAttributes.NONE) {
                continue;
            }
            String value = RecordSpans.emptyToNull(tag.getVStr());
            if (kept == SpanAttributes.PEER_SERVICE) {
                decoded.peerService = value;
            } else if (kept == SpanAttributes.DB_SYSTEM) {
                decoded.dbSystem = value;
            } else {
                decoded.messagingSystem = value;
            }
        }
    }

    /** The first CHILD_OF reference to a span of the same trace; null for a root span. */
    /** Lower-case hex of protobuf id bytes. */
    private static String hex(ByteString bytes) {
        return HexIds.toHex(bytes.toByteArray(), 0, bytes.size());
    }

    private static ByteString parentSpanId(Model.Span span) {
        for (int i = 0; i < span.getReferencesCount(); i++) {
            Model.SpanRef ref = span.getReferences(i);
            if (ref.getRefType() == Model.SpanRefType.CHILD_OF
                    && (ref.getTraceId().isEmpty() || ref.getTraceId().equals(span.getTraceId()))
                    && !isZero(ref.getSpanId())) {
                return ref.getSpanId();
            }
        }
        return null;
    }

    private static boolean isZero(ByteString id) {
        for (int i = 0; i < id.size(); i++) {
            if (id.byteAt(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isError(Model.Span span) {
        for (int i = 0; i < span.getTagsCount(); i++) {
            Model.KeyValue tag = span.getTags(i);
            if ("error".equals(tag.getKey())) {
                if (tag.getVType() == Model.ValueType.BOOL
                        ? tag.getVBool()
                        : "true".equalsIgnoreCase(tag.getVStr())) {
                    return true;
                }
            } else if ("otel.status_code".equals(tag.getKey())
                    && "ERROR".equalsIgnoreCase(tag.getVStr())) {
                return true;
            }
        }
        return false;
    }
}
