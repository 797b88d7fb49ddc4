package io.traceassembler.ingest;

import io.traceassembler.ingest.format.DecodeLimits;
import io.traceassembler.ingest.format.Decompression;
import io.traceassembler.ingest.format.JaegerProtoReader;
import io.traceassembler.ingest.format.JsonRecordReader;
import io.traceassembler.ingest.format.KplDeaggregator;
import io.traceassembler.ingest.format.OtlpProtoReader;
import io.traceassembler.ingest.format.RecordRejected;
import io.traceassembler.ingest.format.RecordSpans;
import io.traceassembler.ingest.format.ZipkinProtoReader;
import io.traceassembler.model.SpanFormat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.jaegertracing.api_v2.Model;

import java.io.Serializable;
import java.util.List;

/**
 * Decodes the bytes of one input record into spans (docs/contracts.md, section 1): de-aggregates KPL records,
 * sniffs compression (gzip, zlib, raw deflate) and the encoding (native JSON, OTLP protobuf, OTLP JSON,
 * Zipkin v2 JSON, Zipkin v2 protobuf, Jaeger protobuf) unless a fixed format is configured, and hands the
 * bytes to the reader of that encoding (package {@code io.traceassembler.ingest.format}); this class keeps
 * the limits, the sniffing, the dispatch and the dead-letter reasons.
 *
 * <h2>Telling the encodings apart</h2>
 * JSON starts, after white space, with {@code {} or {@code [}; native, Zipkin and OTLP/JSON are then told
 * apart by their keys. The three protobuf encodings all start with field 1, length-delimited (byte
 * {@code 0A}), so the record is told apart by what field 1 holds:
 * <ul>
 *   <li><b>Jaeger</b> {@code jaeger.api_v2.Span}: field 1 is the trace id, always 16 raw bytes, followed by
 *       field 2, the 8-byte span id: the record starts {@code 0A 10}, 16 bytes, {@code 12 08}.</li>
 *   <li><b>Zipkin</b> {@code ListOfSpans}: field 1 is a whole Span, whose own first field is its trace id
 *       (field 1, 8 or 16 bytes), then its parent id (field 2) or id (field 3) of 8 bytes: {@code 0A len
 *       0A 08|10} id bytes {@code 12|1A 08}. A Zipkin span holds two ids and so is at least 20 bytes long,
 *       which a Jaeger record's {@code 0A 10} (16) cannot announce.</li>
 *   <li><b>OTLP</b> {@code TracesData}: field 1 is a ResourceSpans, whose fields are a Resource (1),
 *       ScopeSpans (2) and schema URL (3); everything that is neither of the above is read as OTLP, as
 *       before. An OTLP record could only look like Jaeger with a second top-level field (TracesData has
 *       one), and like Zipkin with a Resource of exactly 8 or 16 bytes followed by an 8-byte ScopeSpans or
 *       schema URL, which cannot hold a span; should such a record ever come, the Zipkin decoder fails on it
 *       and the OTLP reader gets it next.</li>
 * </ul>
 * These patterns are never valid JSON (a control byte right after the first {@code 0A}), so they are tried
 * before the JSON sniff: a Zipkin span of 91 or 123 bytes puts {@code [} or {@code {} second. For the same
 * reason an OTLP record starting with {@code 0A 5B} or {@code 0A 7B} that fails as JSON is read as OTLP.
 *
 * <p>Never throws on bad data: a record that cannot be decoded yields exactly one {@link SpanCollector#reject}
 * and no spans (the whole record is parsed before anything is emitted); an unusable span inside a good
 * record yields one reject for that span while the others are still collected.
 *
 * <p>Not thread-safe: keeps scratch buffers between records. Use one instance per Flink subtask.
 */
public final class SpanDecoder implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * Largest record accepted, before and after decompression; larger decompressed data is treated
     * as a zip bomb.
     */
    public static final int MAX_RECORD_BYTES = DecodeLimits.MAX_RECORD_BYTES;

    /** Most spans (good or rejected) one record may hold. */
    public static final int MAX_SPANS_PER_RECORD = DecodeLimits.MAX_SPANS_PER_RECORD;

    /** Longest trace, span or parent id accepted. */
    public static final int MAX_ID_LENGTH = DecodeLimits.MAX_ID_LENGTH;

    /** Deepest JSON nesting accepted; real span JSON needs fewer than 10 levels. */
    public static final int MAX_JSON_NESTING_DEPTH = DecodeLimits.MAX_JSON_NESTING_DEPTH;

    /** Longest JSON string value accepted. */
    public static final int MAX_JSON_STRING_LENGTH = DecodeLimits.MAX_JSON_STRING_LENGTH;

    /** The protobuf encodings, as {@link #sniffProtobuf} tells them apart. */
    enum Protobuf {
        OTLP,
        ZIPKIN,
        JAEGER
    }

    private final SpanFormat format;

    // Per-subtask scratch state, rebuilt lazily after deserialization.
    private transient RecordSpans pending;
    private transient Decompression decompression;
    private transient KplDeaggregator kpl;
    private transient JsonRecordReader json;
    private transient ZipkinProtoReader zipkinProto;

    /**
     * Why the last {@link #tryProtobuf} returned false; null when the bytes parsed but held no
     * span.
     */
    private transient String protobufProblem;

    public SpanDecoder(SpanFormat format) {
        this.format = format == null ? SpanFormat.AUTO : format;
    }

    public SpanFormat format() {
        return format;
    }

    /**
     * Decodes one record; every span goes to {@code out.collect}, every problem to {@code
     * out.reject}.
     */
    public void decode(byte[] record, SpanCollector out) {
        if (record == null) {
            out.reject("record has no data");
            return;
        }
        initScratch();
        if (!KplDeaggregator.isAggregate(record)) {
            decodeUserRecord(record, 0, record.length, "", out);
            return;
        }
        List<byte[]> userRecords;
        try {
            userRecords = kpl.userRecords(record);
        } catch (RecordRejected e) {
            out.reject(e.getMessage());
            return;
        }
        int count = userRecords.size();
        for (int i = 0; i < count; i++) {
            byte[] data = userRecords.get(i);
            decodeUserRecord(
                    data, 0, data.length, "user record " + (i + 1) + " of " + count + ": ", out);
        }
    }

    // ---------------------------------------------------------------- one (user) record

    private void decodeUserRecord(
            byte[] data, int offset, int length, String prefix, SpanCollector out) {
        pending.start(prefix);
        try {
            parseRecord(data, offset, length);
            pending.settleUntimed();
            if (pending.isEmpty()) {
                throw new RecordRejected("record holds no spans");
            }
        } catch (RecordRejected e) {
            pending.rejectRecord(e.getMessage());
        } finally {
            decompression.releaseLargeBuffer();
        }
        for (int i = 0; i < pending.spans().size(); i++) {
            out.collect(pending.spans().get(i));
        }
        for (int i = 0; i < pending.rejects().size(); i++) {
            out.reject(pending.rejects().get(i));
        }
        pending.clear();
    }

    private void parseRecord(byte[] data, int offset, int length) throws RecordRejected {
        if (length == 0) {
            throw new RecordRejected("record is empty");
        }
        if (length > MAX_RECORD_BYTES) {
            throw new RecordRejected(
                    "record has " + length + " bytes, more than the limit of " + MAX_RECORD_BYTES);
        }
        if (Decompression.isGzip(data, offset, length)) {
            int n = decompression.inflateGzip(data, offset, length);
            parsePlain(decompression.buffer(), 0, n, "gzip");
        } else if (Decompression.isZlib(data, offset, length)) {
            int n = decompression.inflateZlib(data, offset, length);
            parsePlain(decompression.buffer(), 0, n, "zlib");
        } else {
            parseSniffed(data, offset, length);
        }
    }

    /**
     * Uncompressed (or raw deflate) bytes: JSON or protobuf, falling back to raw deflate when
     * neither parses.
     */
    private void parseSniffed(byte[] data, int offset, int length) throws RecordRejected {
        if (format == SpanFormat.AUTO) {
            Protobuf sniffed = sniffProtobuf(data, offset, length);
            if (sniffed != Protobuf.OTLP) {
                parseZipkinOrJaeger(sniffed, data, offset, length);
                return;
            }
        }
        boolean wantsProtobuf = isProtobufFormat(format);
        if (!wantsProtobuf && JsonRecordReader.looksLikeJson(data, offset, length)) {
            parseJsonOrOtlp(data, offset, length);
            return;
        }
        if (format == SpanFormat.ZIPKIN_PROTO || format == SpanFormat.JAEGER_PROTO) {
            parseFixedProtobuf(fixedProtobuf(format), data, offset, length);
            return;
        }
        boolean wantsJson =
                format == SpanFormat.NATIVE_JSON
                        || format == SpanFormat.OTLP_JSON
                        || format == SpanFormat.ZIPKIN_JSON;
        boolean parsedUnclean = false;
        String problem = null;
        if (!wantsJson) {
            try {
                if (OtlpProtoReader.readIfClean(data, offset, length, pending)) {
                    return;
                }
                parsedUnclean = true;
                problem = "unknown protobuf fields at the top level";
            } catch (InvalidProtocolBufferException e) {
                problem = e.getMessage();
            }
        }
        // Neither JSON nor clean protobuf: raw deflate has no header to sniff, so it is the last
        // try.
        int inflated = decompression.tryInflateRawDeflate(data, offset, length);
        if (inflated > 0 && parsesAfterRawDeflate(inflated, wantsJson)) {
            return;
        }
        if (parsedUnclean) {
            // parsed, if oddly; a newer OTLP version may carry fields unknown here
            readOtlp(data, offset, length);
            return;
        }
        if (wantsJson) {
            json.read(data, offset, length, format, pending); // reports the JSON error
            return;
        }
        throw new RecordRejected(
                format == SpanFormat.OTLP_PROTO
                        ? "not valid OTLP protobuf: " + problem
                        : "neither JSON nor valid OTLP protobuf (nor compressed data): " + problem);
    }

    /**
     * Under {@code auto}, bytes with the structure of a Zipkin or Jaeger record; when they do not
     * parse as that, OTLP and raw deflate are tried before the record is rejected with the sniffed
     * reader's reason.
     */
    private void parseZipkinOrJaeger(Protobuf sniffed, byte[] data, int offset, int length)
            throws RecordRejected {
        if (tryProtobuf(sniffed, data, offset, length) || protobufProblem == null) {
            return;
        }
        String problem = protobufProblem;
        if (tryCleanOtlp(data, offset, length)) {
            return;
        }
        int inflated = decompression.tryInflateRawDeflate(data, offset, length);
        if (inflated > 0 && parsesAfterRawDeflate(inflated, false)) {
            return;
        }
        throw new RecordRejected(problem);
    }

    /**
     * A fixed {@code zipkin_proto} or {@code jaeger_proto}: the bytes as that message, or raw
     * deflate of it.
     */
    private void parseFixedProtobuf(Protobuf kind, byte[] data, int offset, int length)
            throws RecordRejected {
        if (tryProtobuf(kind, data, offset, length)) {
            return;
        }
        String problem = protobufProblem;
        int inflated = decompression.tryInflateRawDeflate(data, offset, length);
        if (inflated > 0 && parsesAfterRawDeflate(inflated, false)) {
            return;
        }
        if (problem != null) {
            throw new RecordRejected(problem);
        }
    }

    private boolean parsesAfterRawDeflate(int inflatedLength, boolean wantsJson)
            throws RecordRejected {
        byte[] inflated = decompression.buffer();
        Protobuf kind =
                format == SpanFormat.AUTO
                        ? sniffProtobuf(inflated, 0, inflatedLength)
                        : fixedProtobuf(format);
        if (kind == Protobuf.OTLP && JsonRecordReader.looksLikeJson(inflated, 0, inflatedLength)) {
            if (isProtobufFormat(format)) {
                return false;
            }
            json.read(inflated, 0, inflatedLength, format, pending);
            return true;
        }
        if (wantsJson) {
            return false;
        }
        if (kind == Protobuf.OTLP) {
            return tryCleanOtlp(inflated, 0, inflatedLength);
        }
        // not protobuf either: report the problem with the original bytes
        return tryProtobuf(kind, inflated, 0, inflatedLength);
    }

    /** Decompressed bytes: no second layer of compression is expected. */
    private void parsePlain(byte[] data, int offset, int length, String compression)
            throws RecordRejected {
        if (length == 0) {
            throw new RecordRejected(compression + " data decompresses to nothing");
        }
        Protobuf kind =
                format == SpanFormat.AUTO
                        ? sniffProtobuf(data, offset, length)
                        : fixedProtobuf(format);
        if (kind == Protobuf.ZIPKIN || kind == Protobuf.JAEGER) {
            if (tryProtobuf(kind, data, offset, length) || protobufProblem == null) {
                return;
            }
            String problem = protobufProblem;
            if (format == SpanFormat.AUTO && tryCleanOtlp(data, offset, length)) {
                return;
            }
            throw new RecordRejected("decompressed " + compression + " data is " + problem);
        }
        boolean isJson = JsonRecordReader.looksLikeJson(data, offset, length);
        if (format == SpanFormat.OTLP_PROTO || (format == SpanFormat.AUTO && !isJson)) {
            try {
                OtlpProtoReader.read(data, offset, length, pending);
            } catch (InvalidProtocolBufferException e) {
                throw new RecordRejected(
                        format == SpanFormat.AUTO
                                ? "decompressed "
                                        + compression
                                        + " data is neither JSON nor valid OTLP protobuf: "
                                        + e.getMessage()
                                : "decompressed "
                                        + compression
                                        + " data is not valid OTLP protobuf: "
                                        + e.getMessage());
            }
        } else {
            parseJsonOrOtlp(data, offset, length);
        }
    }

    /**
     * JSON by its first byte; under {@code auto}, bytes that start with {@code 0A} (a newline, and
     * also protobuf field 1) and fail as JSON are an OTLP record whose first ResourceSpans is 91 or
     * 123 bytes long ({@code 0A 5B}, {@code 0A 7B}) when they parse as clean OTLP; otherwise the
     * JSON error is the reason.
     */
    private void parseJsonOrOtlp(byte[] data, int offset, int length) throws RecordRejected {
        if (format != SpanFormat.AUTO || data[offset] != 0x0A) {
            json.read(data, offset, length, format, pending);
            return;
        }
        try {
            json.read(data, offset, length, format, pending);
        } catch (RecordRejected jsonProblem) {
            pending.clear();
            if (!tryCleanOtlp(data, offset, length)) {
                throw jsonProblem;
            }
        }
    }

    /** Clean OTLP replaces whatever the record gave so far; anything else leaves it. */
    private boolean tryCleanOtlp(byte[] data, int offset, int length) throws RecordRejected {
        try {
            if (!pending.isEmpty() && !OtlpProtoReader.isClean(data, offset, length)) {
                return false;
            }
            pending.clear();
            return OtlpProtoReader.readIfClean(data, offset, length, pending);
        } catch (InvalidProtocolBufferException e) {
            return false;
        }
    }

    /** Bytes that parsed as OTLP before: they parse again. */
    private void readOtlp(byte[] data, int offset, int length) throws RecordRejected {
        try {
            OtlpProtoReader.read(data, offset, length, pending);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("OTLP bytes parsed once and not again", e);
        }
    }

    /**
     * Reads the bytes as a Zipkin or Jaeger record; false when they are not such a message (the
     * reason in {@link #protobufProblem}) or hold no span at all ({@link #protobufProblem} null).
     */
    private boolean tryProtobuf(Protobuf kind, byte[] data, int offset, int length)
            throws RecordRejected {
        protobufProblem = null;
        try {
            if (kind == Protobuf.JAEGER) {
                Model.Span span = JaegerProtoReader.parse(data, offset, length);
                JaegerProtoReader.read(span, pending);
                return true;
            }
            if (zipkinProto.decode(data, offset, length) == 0) {
                return false;
            }
            zipkinProto.read(pending);
            return true;
        } catch (ZipkinProtoReader.NotZipkin | JaegerProtoReader.NotJaeger e) {
            protobufProblem = e.getMessage();
            return false;
        }
    }

    // ---------------------------------------------------------------- sniffing and setup

    private static boolean isProtobufFormat(SpanFormat format) {
        return format == SpanFormat.OTLP_PROTO
                || format == SpanFormat.ZIPKIN_PROTO
                || format == SpanFormat.JAEGER_PROTO;
    }

    /**
     * The protobuf encoding a fixed format names; OTLP for the others (their bytes are read as
     * before).
     */
    private static Protobuf fixedProtobuf(SpanFormat format) {
        switch (format) {
            case ZIPKIN_PROTO:
                return Protobuf.ZIPKIN;
            case JAEGER_PROTO:
                return Protobuf.JAEGER;
            default:
                return Protobuf.OTLP;
        }
    }

    /**
     * Tells the protobuf encodings apart by what field 1 holds (see the class comment): {@link
     * Protobuf#JAEGER} for {@code 0A 10} + 16 bytes + {@code 12 08}, {@link Protobuf#ZIPKIN} for
     * {@code 0A len 0A 08|10} + id bytes + {@code 12|1A 08}, {@link Protobuf#OTLP} for anything
     * else (OTLP itself, JSON, garbage).
     */
    static Protobuf sniffProtobuf(byte[] d, int off, int len) {
        int end = off + len;
        if (len < 20 || d[off] != 0x0A) {
            return Protobuf.OTLP;
        }
        if (d[off + 1] == 0x10 && d[off + 18] == 0x12 && d[off + 19] == 0x08) {
            return Protobuf.JAEGER;
        }
        // ListOfSpans: field 1 with a varint length, then the span's own field 1, the trace id.
        int p = off + 1;
        int varintBytes = 0;
        while (p < end && (d[p] & 0x80) != 0) {
            if (++varintBytes > 4) {
                return Protobuf.OTLP;
            }
            p++;
        }
        p++; // the last length byte
        if (p + 1 >= end || d[p] != 0x0A || (d[p + 1] != 0x08 && d[p + 1] != 0x10)) {
            return Protobuf.OTLP;
        }
        int q = p + 2 + d[p + 1];
        if (q + 1 >= end || (d[q] != 0x12 && d[q] != 0x1A) || d[q + 1] != 0x08) {
            return Protobuf.OTLP;
        }
        return Protobuf.ZIPKIN;
    }

    private void initScratch() {
        if (pending != null) {
            return;
        }
        pending = new RecordSpans();
        decompression = new Decompression();
        kpl = new KplDeaggregator();
        json = new JsonRecordReader();
        zipkinProto = new ZipkinProtoReader();
    }
}
