package io.traceassembler.ingest.format;

import io.traceassembler.model.Span;

/**
 * Native JSON spans: the seed's {@code Span} dataclass ({@code start_time}/{@code end_time} or
 * {@code duration_ms}) and its Kinesis record ({@code timestamp} + {@code duration_ms}); ISO-8601
 * times (no zone = UTC) or epoch millis; error from {@code status}; ids kept exactly as given; kind
 * from {@code span_kind} (server, client, producer, consumer, internal in any case; else
 * UNSPECIFIED); {@code peer.service}, {@code db.system} and {@code messaging.system} from {@code
 * tags} (string values only), no other tag.
 */
final class NativeJsonReader {
    private NativeJsonReader() {}

    /**
     * Validates the span read into {@code f} (see {@link JsonRecordReader}) and adds it, or its
     * reject.
     */
    static void finish(int number, JsonSpanFields f, RecordSpans out) {
        if (!out.checkIds(
                number,
                f.traceId,
                f.spanId,
                f.parentSpanId,
                "trace_id",
                "span_id",
                "parent_span_id")) {
            return;
        }
        String startLabel = f.start.present() ? "start_time" : "timestamp";
        JsonTimeValue startValue = f.start.present() ? f.start : f.timestamp;
        if (!startValue.present()) {
            out.reject(number, "start_time is missing");
            return;
        }
        long start = startValue.toMicrosFromIsoOrMillis();
        if (start == JsonTimeValue.INVALID) {
            out.reject(
                    number,
                    startLabel
                            + " "
                            + startValue.describe()
                            + " is not an ISO-8601 time or epoch millis");
            return;
        }
        long end;
        if (f.end.present()) {
            end = f.end.toMicrosFromIsoOrMillis();
            if (end == JsonTimeValue.INVALID) {
                out.reject(
                        number,
                        "end_time "
                                + f.end.describe()
                                + " is not an ISO-8601 time or epoch millis");
                return;
            }
        } else if (f.durationMs.present()) {
            double millis = f.durationMs.toDouble();
            if (!Double.isFinite(millis)) {
                out.reject(
                        number,
                        "duration_ms " + f.durationMs.describe() + " is not a finite number");
                return;
            }
            double micros = millis * 1000.0;
            if (Math.abs(micros) > SpanTimes.MAX_MICROS) {
                out.reject(number, "duration_ms " + f.durationMs.describe() + " is absurdly large");
                return;
            }
            end = start + Math.round(micros); // duration_ms has microsecond precision but binary
            // float noise
        } else {
            out.reject(number, "end_time is missing and there is no duration_ms");
            return;
        }
        if (!out.checkTimes(
                number,
                start,
                end,
                startLabel,
                f.end.present() ? "end_time" : startLabel + " + duration_ms")) {
            return;
        }
        Span span =
                new Span(
                        f.traceId,
                        f.spanId,
                        RecordSpans.emptyToNull(f.parentSpanId),
                        RecordSpans.orUnknown(f.serviceName),
                        RecordSpans.orUnknown(f.operationName),
                        start,
                        end,
                        f.statusError);
        span.kind = f.kind;
        span.peerService = f.peerService;
        span.dbSystem = f.dbSystem;
        span.messagingSystem = f.messagingSystem;
        out.add(span);
    }
}
