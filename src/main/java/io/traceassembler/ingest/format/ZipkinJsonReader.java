package io.traceassembler.ingest.format;

import io.traceassembler.model.Span;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.Locale;

/**
 * Zipkin v2 JSON spans ({@code zipkin_json}): {@code traceId}, {@code id}, {@code parentId}, {@code
 * name}, {@code timestamp} and {@code duration} in microseconds (no duration = zero), {@code
 * localEndpoint.serviceName}, error from the tag {@code error} whatever its value; hex ids in lower
 * case.
 */
final class ZipkinJsonReader {
    private ZipkinJsonReader() {}

    /**
     * Validates the span read into {@code f} (see {@link JsonRecordReader}) and adds it, or its
     * reject.
     */
    static void finish(int number, JsonSpanFields f, RecordSpans out) {
        if (!out.checkIds(
                number, f.traceId, f.spanId, f.parentSpanId, "traceId", "id", "parentId")) {
            return;
        }
        if (!f.timestamp.present()) {
            out.reject(number, "timestamp is missing");
            return;
        }
        long start = f.timestamp.toLong();
        if (start == JsonTimeValue.INVALID) {
            out.reject(
                    number,
                    "timestamp " + f.timestamp.describe() + " is not a number of microseconds");
            return;
        }
        long duration = 0;
        if (f.duration.present()) {
            duration = f.duration.toLong();
            if (duration == JsonTimeValue.INVALID || Math.abs(duration) > SpanTimes.MAX_MICROS) {
                out.reject(
                        number,
                        "duration "
                                + f.duration.describe()
                                + " is not a valid number of microseconds");
                return;
            }
        }
        if (!out.checkTimes(number, start, start + duration, "timestamp", "timestamp + duration")) {
            return;
        }
        out.add(
                new Span(
                        f.traceId.toLowerCase(Locale.ROOT),
                        f.spanId.toLowerCase(Locale.ROOT),
                        RecordSpans.lowerOrNull(f.parentSpanId),
                        RecordSpans.orUnknown(f.serviceName),
                        RecordSpans.orUnknown(f.operationName),
                        start,
                        start + duration,
                        f.errorTag));
    }

    /** Zipkin marks a failed span with the tag {@code error}, whatever its value. */
    static boolean hasErrorTag(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return false;
        }
        boolean error = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            if ("error".equals(p.currentName())) {
                error = true;
            }
            p.nextToken();
            p.skipChildren();
        }
        return error;
    }
}
