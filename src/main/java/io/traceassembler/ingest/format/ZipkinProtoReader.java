package io.traceassembler.ingest.format;

import io.traceassembler.model.Span;

import zipkin2.codec.SpanBytesDecoder;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Zipkin v2 protobuf ({@code zipkin_proto}): a {@code zipkin.proto3.ListOfSpans}, decoded with the
 * Zipkin library's own {@link SpanBytesDecoder#PROTO3}; mapped like Zipkin JSON ({@link
 * ZipkinJsonReader}): lower-case hex ids, {@code localEndpoint.serviceName}, {@code
 * timestamp}/{@code duration} in microseconds (no duration = zero), error from the tag {@code
 * error}; the kind from {@code kind}, {@code shared} (the server half of a B3 RPC) as given, the
 * tags {@code peer.service} (else {@code remoteEndpoint.serviceName}), {@code db.system} and {@code
 * messaging.system}, no other tag.
 *
 * <p>Not thread-safe (reuses its list): one per decoder.
 */
public final class ZipkinProtoReader {
    private final List<zipkin2.Span> decoded = new ArrayList<>();

    /** The bytes are not a {@code ListOfSpans} the Zipkin library can decode. */
    public static final class NotZipkin extends RecordRejected {
        private static final long serialVersionUID = 1L;

        NotZipkin(String reason) {
            super(reason);
        }
    }

    /**
     * Decodes the record with the Zipkin library; returns the number of spans, for {@link #read}.
     */
    public int decode(byte[] data, int offset, int length) throws NotZipkin {
        decoded.clear();
        try {
            SpanBytesDecoder.PROTO3.decodeList(ByteBuffer.wrap(data, offset, length), decoded);
        } catch (RuntimeException e) {
            // The library reports malformed input with IllegalArgumentException; anything else it
            // throws on
            // hostile bytes is a bad record too, never a reason to fail the job.
            decoded.clear();
            throw new NotZipkin(
                    "not valid Zipkin protobuf (zipkin.proto3.ListOfSpans): " + e.getMessage());
        }
        return decoded.size();
    }

    /** Validates and adds the spans of the last {@link #decode}. */
    public void read(RecordSpans out) throws RecordRejected {
        try {
            for (int i = 0; i < decoded.size(); i++) {
                readSpan(decoded.get(i), out);
            }
        } finally {
            decoded.clear();
        }
    }

    private static void readSpan(zipkin2.Span span, RecordSpans out) throws RecordRejected {
        int number = out.nextSpanNumber();
        // The library has checked the ids: 16 or 32 lower-case hex digits, parent absent or 16.
        boolean untimed = span.timestampAsLong() == 0;
        long start = untimed ? RecordSpans.UNTIMED_STAND_IN : span.timestampAsLong();
        long duration = span.durationAsLong();
        if (start < 0 || duration < 0 || duration > SpanTimes.MAX_MICROS) {
            out.reject(
                    number,
                    "timestamp "
                            + start
                            + " or duration "
                            + duration
                            + " is not a valid number of microseconds");
            return;
        }
        if (!untimed
                && !out.checkTimes(
                        number, start, start + duration, "timestamp", "timestamp + duration")) {
            return;
        }
        String service = span.localServiceName();
        Span decoded =
                new Span(
                        span.traceId(),
                        span.id(),
                        span.parentId(),
                        RecordSpans.orUnknown(service),
                        RecordSpans.orUnknown(span.name()),
                        start,
                        start + duration,
                        span.tags().containsKey("error"));
        decoded.kind = SpanAttributes.zipkinKind(span.kind());
        decoded.shared = Boolean.TRUE.equals(span.shared());
        decoded.untimed = untimed;
        Map<String, String> tags = span.tags();
        String peerService = RecordSpans.emptyToNull(tags.get("peer.service"));
        decoded.peerService =
                peerService != null
                        ? peerService
                        : RecordSpans.emptyToNull(span.remoteServiceName());
        decoded.dbSystem = RecordSpans.emptyToNull(tags.get("db.system"));
        decoded.messagingSystem = RecordSpans.emptyToNull(tags.get("messaging.system"));
        out.add(decoded);
    }
}
