package io.traceassembler.ingest.format;

import io.traceassembler.model.Span;

/**
 * Zipkin v2 JSON spans ({@code zipkin_json}): {@code traceId}, {@code id}, {@code parentId}, {@code
 * name}, {@code timestamp} and {@code duration} in microseconds (no duration = zero), {@code
 * localEndpoint.serviceName}, error from the tag {@code error} whatever its value; hex ids in lower
 * case. {@code kind} (CLIENT, SERVER, PRODUCER, CONSUMER; absent = UNSPECIFIED), {@code shared},
 * the tags {@code peer.service} (else {@code remoteEndpoint.serviceName}), {@code db.system} and
 * {@code messaging.system} (string values only); no other tag is kept.
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
        boolean untimed = !f.timestamp.present();
        long start = untimed ? RecordSpans.UNTIMED_STAND_IN : f.timestamp.toLong();
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
        if (!untimed
                && !out.checkTimes(
                        number, start, start + duration, "timestamp", "timestamp + duration")) {
            return;
        }
        Span span =
                new Span(
                        f.lowerId(f.traceId),
                        f.lowerId(f.spanId),
                        f.lowerParentId(),
                        RecordSpans.orUnknown(f.serviceName),
                        RecordSpans.orUnknown(f.operationName),
                        start,
                        start + duration,
                        f.errorTag);
        span.kind = f.kind;
        span.shared = f.shared;
        span.untimed = untimed;
        span.peerService =
                f.peerService != null
                        ? f.peerService
                        : RecordSpans.emptyToNull(f.remoteServiceName);
        span.dbSystem = f.dbSystem;
        span.messagingSystem = f.messagingSystem;
        out.add(span);
    }
}
