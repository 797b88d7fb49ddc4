package io.traceassembler.ingest.format;

import io.traceassembler.model.Span;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.proto.trace.v1.TracesData;

/**
 * The test oracle of {@link OtlpProtoReader}: the reader as it was before it read a stream of
 * fields, parsing the generated {@code TracesData} tree and walking it. OTLP protobuf: {@code
 * TracesData} or {@code ExportTraceServiceRequest} (the same wire format), as the awskinesis
 * exporter's {@code otlp_proto} writes it. Hex ids in lower case, the service from the resource's
 * {@code service.name}, error from status code 2, the kind from {@code kind} (1 INTERNAL ... 5
 * CONSUMER, else UNSPECIFIED), the span attributes {@code peer.service}, {@code db.system} and
 * {@code messaging.system} with a string value and no other attribute.
 */
final class OtlpTreeReader {
    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

    private OtlpTreeReader() {}

    /** Parses the bytes; the caller decides with {@link #isClean} whether they are OTLP at all. */
    static TracesData parse(byte[] data, int offset, int length)
            throws InvalidProtocolBufferException {
        return TracesData.parser().parseFrom(data, offset, length);
    }

    /**
     * Unknown top-level fields mean the bytes are probably not OTLP at all (random bytes often
     * parse).
     */
    static boolean isClean(TracesData traces) {
        if (!traces.getUnknownFields().asMap().isEmpty()) {
            return false;
        }
        for (ResourceSpans resourceSpans : traces.getResourceSpansList()) {
            if (!resourceSpans.getUnknownFields().asMap().isEmpty()) {
                return false;
            }
        }
        return true;
    }

    static void read(TracesData traces, RecordSpans out) throws RecordRejected {
        for (ResourceSpans resourceSpans : traces.getResourceSpansList()) {
            String service = serviceName(resourceSpans.getResource());
            for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                for (io.opentelemetry.proto.trace.v1.Span span : scopeSpans.getSpansList()) {
                    readSpan(span, service, out);
                }
            }
        }
    }

    private static void readSpan(
            io.opentelemetry.proto.trace.v1.Span span, String service, RecordSpans out)
            throws RecordRejected {
        int number = out.nextSpanNumber();
        String problem = null;
        if (span.getTraceId().isEmpty()) {
            problem = "trace_id is missing";
        } else if (span.getSpanId().isEmpty()) {
            problem = "span_id is missing";
        } else if (span.getTraceId().size() * 2 > DecodeLimits.MAX_ID_LENGTH
                || span.getSpanId().size() * 2 > DecodeLimits.MAX_ID_LENGTH
                || span.getParentSpanId().size() * 2 > DecodeLimits.MAX_ID_LENGTH) {
            problem = "an id is longer than " + DecodeLimits.MAX_ID_LENGTH + " hex characters";
        }
        if (problem != null) {
            out.reject(number, problem);
            return;
        }
        long start = SpanTimes.nanosToMicros(span.getStartTimeUnixNano());
        long end = SpanTimes.nanosToMicros(span.getEndTimeUnixNano());
        if (span.getStartTimeUnixNano() == 0) {
            out.reject(number, "start_time_unix_nano is missing");
        } else if (span.getEndTimeUnixNano() == 0) {
            out.reject(number, "end_time_unix_nano is missing");
        } else if (out.checkTimes(
                number, start, end, "start_time_unix_nano", "end_time_unix_nano")) {
            ByteString parent = span.getParentSpanId();
            Span decoded =
                    new Span(
                            hex(span.getTraceId()),
                            hex(span.getSpanId()),
                            parent.isEmpty() ? null : hex(parent),
                            service,
                            span.getName().isEmpty() ? RecordSpans.UNKNOWN : span.getName(),
                            start,
                            end,
                            span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR);
            decoded.kind = SpanAttributes.otlpKind(span.getKindValue());
            keepAttributes(span, decoded);
            out.add(decoded);
        }
    }

    /**
     * The three attributes of {@link SpanAttributes} with a string value; the parser has made the
     * strings already, so nothing is allocated.
     */
    private static void keepAttributes(io.opentelemetry.proto.trace.v1.Span span, Span decoded) {
        for (int i = 0; i < span.getAttributesCount(); i++) {
            KeyValue attribute = span.getAttributes(i);
            int key = SpanAttributes.keyOf(attribute.getKey());
            if (key == SpanAttributes.NONE || !attribute.getValue().hasStringValue()) {
                continue;
            }
            String value = RecordSpans.emptyToNull(attribute.getValue().getStringValue());
            if (key == SpanAttributes.PEER_SERVICE) {
                decoded.peerService = value;
            } else if (key == SpanAttributes.DB_SYSTEM) {
                decoded.dbSystem = value;
            } else {
                decoded.messagingSystem = value;
            }
        }
    }

    private static String serviceName(Resource resource) {
        for (KeyValue attribute : resource.getAttributesList()) {
            if ("service.name".equals(attribute.getKey())) {
                AnyValue value = attribute.getValue();
                if (value.hasStringValue() && !value.getStringValue().isEmpty()) {
                    return value.getStringValue();
                }
            }
        }
        return RecordSpans.UNKNOWN;
    }

    /** Lower-case hex of protobuf id bytes (OTLP and Jaeger). */
    static String hex(ByteString bytes) {
        int size = bytes.size();
        char[] chars = new char[size * 2];
        for (int i = 0; i < size; i++) {
            int b = bytes.byteAt(i) & 0xff;
            chars[2 * i] = HEX_DIGITS[b >>> 4];
            chars[2 * i + 1] = HEX_DIGITS[b & 0x0f];
        }
        return new String(chars);
    }
}
