package io.traceassembler.ingest;

import io.traceassembler.model.Span;
import io.traceassembler.model.SpanFormat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.proto.trace.v1.TracesData;

import java.io.IOException;
import java.io.Serializable;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.Adler32;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes the bytes of one input record into spans (docs/contracts.md, section 1): sniffs compression
 * (gzip, zlib, raw deflate), de-aggregates KPL records, sniffs the encoding (native JSON, OTLP protobuf,
 * OTLP JSON, Zipkin v2 JSON) unless a fixed format is configured, and validates every span.
 *
 * <p>Never throws on bad data: a record that cannot be decoded yields exactly one {@link SpanCollector#reject}
 * and no spans (the whole record is parsed before anything is emitted); an unusable span inside a good
 * record yields one reject for that span while the others are still collected.
 *
 * <p>Not thread-safe: keeps scratch buffers between records. Use one instance per Flink subtask.
 */
public final class SpanDecoder implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Largest record accepted, before and after decompression; larger decompressed data is treated as a zip bomb. */
    public static final int MAX_RECORD_BYTES = 10 * 1024 * 1024;
    /** Most spans (good or rejected) one record may hold. */
    public static final int MAX_SPANS_PER_RECORD = 100_000;
    /** Longest trace, span or parent id accepted. */
    public static final int MAX_ID_LENGTH = 256;
    /** Deepest JSON nesting accepted; real span JSON needs fewer than 10 levels. */
    public static final int MAX_JSON_NESTING_DEPTH = 100;
    /** Longest JSON string value accepted. */
    public static final int MAX_JSON_STRING_LENGTH = 1024 * 1024;

    static final byte[] KPL_MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};
    static final int KPL_MD5_LENGTH = 16;
    /** Field 3, length-delimited: {@code AggregatedRecord.records} and, inside a record, {@code Record.data}. */
    private static final int KPL_DATA_TAG = (3 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private static final long MIN_MICROS = 0L; // 1970-01-01T00:00Z
    private static final long MAX_MICROS = LocalDate.of(2500, 1, 1).toEpochDay() * 86_400L * 1_000_000L;
    private static final String UNKNOWN = "unknown";
    private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();
    private static final int INITIAL_INFLATE_BUFFER = 64 * 1024;
    /** Keep a grown inflate buffer between records only up to this size. */
    private static final int RETAINED_INFLATE_BUFFER = 1024 * 1024;

    private final SpanFormat format;

    // Per-subtask scratch state, rebuilt lazily after deserialization.
    private transient JsonFactory jsonFactory;
    private transient Inflater inflater;
    private transient MessageDigest md5;
    private transient byte[] inflateBuffer;
    private transient List<Span> pendingSpans;
    private transient List<String> pendingRejects;
    private transient JsonSpanFields fields;
    private transient String reasonPrefix;
    private transient int spanNumber;

    public SpanDecoder(SpanFormat format) {
        this.format = format == null ? SpanFormat.AUTO : format;
    }

    public SpanFormat format() {
        return format;
    }

    /** Decodes one record; every span goes to {@code out.collect}, every problem to {@code out.reject}. */
    public void decode(byte[] record, SpanCollector out) {
        if (record == null) {
            out.reject("record has no data");
            return;
        }
        initScratch();
        if (startsWith(record, 0, record.length, KPL_MAGIC)) {
            decodeKplAggregate(record, out);
        } else {
            decodeUserRecord(record, 0, record.length, "", out);
        }
    }

    // ---------------------------------------------------------------- KPL aggregation

    private void decodeKplAggregate(byte[] record, SpanCollector out) {
        int bodyStart = KPL_MAGIC.length;
        int bodyLength = record.length - KPL_MAGIC.length - KPL_MD5_LENGTH;
        if (bodyLength < 0) {
            out.reject("KPL aggregated record is too short to hold its MD5 checksum");
            return;
        }
        md5.reset();
        md5.update(record, bodyStart, bodyLength);
        byte[] expected = md5.digest();
        if (!Arrays.equals(expected, 0, KPL_MD5_LENGTH, record, bodyStart + bodyLength, record.length)) {
            out.reject("KPL aggregated record has a wrong MD5 checksum");
            return;
        }
        List<byte[]> userRecords;
        try {
            userRecords = readKplUserRecords(record, bodyStart, bodyLength);
        } catch (IOException e) {
            out.reject("KPL aggregated record is not valid protobuf: " + e.getMessage());
            return;
        }
        if (userRecords.isEmpty()) {
            out.reject("KPL aggregated record holds no user records");
            return;
        }
        int count = userRecords.size();
        for (int i = 0; i < count; i++) {
            byte[] data = userRecords.get(i);
            decodeUserRecord(data, 0, data.length, "user record " + (i + 1) + " of " + count + ": ", out);
        }
    }

    /**
     * Reads the data of each {@code Record} (field 3) of a KPL {@code AggregatedRecord}; the partition and
     * explicit hash key tables (fields 1 and 2) and the record tags are not needed for decoding.
     */
    private static List<byte[]> readKplUserRecords(byte[] buffer, int offset, int length) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(buffer, offset, length);
        List<byte[]> records = new ArrayList<>();
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == KPL_DATA_TAG) {
                if (records.size() >= MAX_SPANS_PER_RECORD) {
                    throw new IOException("more than " + MAX_SPANS_PER_RECORD + " user records");
                }
                int oldLimit = in.pushLimit(in.readRawVarint32());
                byte[] data = new byte[0];
                int recordTag;
                while ((recordTag = in.readTag()) != 0) {
                    if (recordTag == KPL_DATA_TAG) {
                        data = in.readByteArray();
                    } else if (!in.skipField(recordTag)) {
                        break;
                    }
                }
                in.popLimit(oldLimit);
                records.add(data);
            } else if (!in.skipField(tag)) {
                break;
            }
        }
        return records;
    }

    // ---------------------------------------------------------------- one (user) record

    private void decodeUserRecord(byte[] data, int offset, int length, String prefix, SpanCollector out) {
        reasonPrefix = prefix;
        spanNumber = 0;
        pendingSpans.clear();
        pendingRejects.clear();
        try {
            parseRecord(data, offset, length);
            if (pendingSpans.isEmpty() && pendingRejects.isEmpty()) {
                throw new RecordRejected("record holds no spans");
            }
        } catch (RecordRejected e) {
            pendingSpans.clear();
            pendingRejects.clear();
            pendingRejects.add(prefix + e.getMessage());
        } finally {
            if (inflateBuffer != null && inflateBuffer.length > RETAINED_INFLATE_BUFFER) {
                inflateBuffer = null;
            }
        }
        for (int i = 0; i < pendingSpans.size(); i++) {
            out.collect(pendingSpans.get(i));
        }
        for (int i = 0; i < pendingRejects.size(); i++) {
            out.reject(pendingRejects.get(i));
        }
        pendingSpans.clear();
        pendingRejects.clear();
    }

    private void parseRecord(byte[] data, int offset, int length) throws RecordRejected {
        if (length == 0) {
            throw new RecordRejected("record is empty");
        }
        if (length > MAX_RECORD_BYTES) {
            throw new RecordRejected("record has " + length + " bytes, more than the limit of " + MAX_RECORD_BYTES);
        }
        if (isGzip(data, offset, length)) {
            int n = inflateGzip(data, offset, length);
            parsePlain(inflateBuffer, 0, n, "gzip");
        } else if (isZlib(data, offset, length)) {
            int n = inflateZlib(data, offset, length);
            parsePlain(inflateBuffer, 0, n, "zlib");
        } else {
            parseSniffed(data, offset, length);
        }
    }

    /** Uncompressed (or raw deflate) bytes: JSON or protobuf, falling back to raw deflate when neither parses. */
    private void parseSniffed(byte[] data, int offset, int length) throws RecordRejected {
        boolean looksLikeJson = looksLikeJson(data, offset, length);
        if (looksLikeJson && format != SpanFormat.OTLP_PROTO) {
            parseJson(data, offset, length);
            return;
        }
        boolean wantsJson = format == SpanFormat.NATIVE_JSON
                || format == SpanFormat.OTLP_JSON
                || format == SpanFormat.ZIPKIN_JSON;
        TracesData traces = null;
        String protobufProblem = null;
        if (!wantsJson) {
            try {
                traces = TracesData.parser().parseFrom(data, offset, length);
                if (isCleanOtlp(traces)) {
                    addOtlpSpans(traces);
                    return;
                }
                protobufProblem = "unknown protobuf fields at the top level";
            } catch (InvalidProtocolBufferException e) {
                protobufProblem = e.getMessage();
            }
        }
        // Neither JSON nor clean protobuf: raw deflate has no header to sniff, so it is the last try.
        int inflated = tryInflateRawDeflate(data, offset, length);
        if (inflated > 0 && parsesAfterRawDeflate(inflated, wantsJson)) {
            return;
        }
        if (traces != null) {
            addOtlpSpans(traces); // parsed, if oddly; a newer OTLP version may carry fields unknown here
            return;
        }
        if (wantsJson) {
            parseJson(data, offset, length); // reports the JSON error
            return;
        }
        throw new RecordRejected(format == SpanFormat.OTLP_PROTO
                ? "not valid OTLP protobuf: " + protobufProblem
                : "neither JSON nor valid OTLP protobuf (nor compressed data): " + protobufProblem);
    }

    private boolean parsesAfterRawDeflate(int inflatedLength, boolean wantsJson) throws RecordRejected {
        if (looksLikeJson(inflateBuffer, 0, inflatedLength)) {
            if (format == SpanFormat.OTLP_PROTO) {
                return false;
            }
            parseJson(inflateBuffer, 0, inflatedLength);
            return true;
        }
        if (wantsJson) {
            return false;
        }
        try {
            TracesData traces = TracesData.parser().parseFrom(inflateBuffer, 0, inflatedLength);
            if (isCleanOtlp(traces)) {
                addOtlpSpans(traces);
                return true;
            }
        } catch (InvalidProtocolBufferException e) {
            // not protobuf either: report the problem with the original bytes
        }
        return false;
    }

    /** Decompressed bytes: no second layer of compression is expected. */
    private void parsePlain(byte[] data, int offset, int length, String compression) throws RecordRejected {
        if (length == 0) {
            throw new RecordRejected(compression + " data decompresses to nothing");
        }
        boolean json = looksLikeJson(data, offset, length);
        if (format == SpanFormat.OTLP_PROTO || (format == SpanFormat.AUTO && !json)) {
            try {
                addOtlpSpans(TracesData.parser().parseFrom(data, offset, length));
            } catch (InvalidProtocolBufferException e) {
                throw new RecordRejected(format == SpanFormat.AUTO
                        ? "decompressed " + compression + " data is neither JSON nor valid OTLP protobuf: "
                                + e.getMessage()
                        : "decompressed " + compression + " data is not valid OTLP protobuf: " + e.getMessage());
            }
        } else {
            parseJson(data, offset, length);
        }
    }

    // ---------------------------------------------------------------- decompression

    static boolean isGzip(byte[] d, int off, int len) {
        return len >= 10 && (d[off] & 0xff) == 0x1f && (d[off + 1] & 0xff) == 0x8b && d[off + 2] == 8;
    }

    /** zlib header: deflate method, window size at most 32 KiB, no preset dictionary, valid FCHECK. */
    static boolean isZlib(byte[] d, int off, int len) {
        if (len < 3) {
            return false;
        }
        int cmf = d[off] & 0xff;
        int flg = d[off + 1] & 0xff;
        return (cmf & 0x0f) == 8 && (cmf >>> 4) <= 7 && (flg & 0x20) == 0 && ((cmf << 8) | flg) % 31 == 0;
    }

    /** Inflates a gzip member with {@link Inflater} so that a missing trailer (older exporters) is tolerated. */
    private int inflateGzip(byte[] d, int off, int len) throws RecordRejected {
        int end = off + len;
        int flags = d[off + 3] & 0xff;
        int pos = off + 10;
        try {
            if ((flags & 0x04) != 0) { // FEXTRA
                int extraLength = (d[pos] & 0xff) | (d[pos + 1] & 0xff) << 8;
                pos += 2 + extraLength;
            }
            if ((flags & 0x08) != 0) { // FNAME
                while (d[pos++] != 0) {}
            }
            if ((flags & 0x10) != 0) { // FCOMMENT
                while (d[pos++] != 0) {}
            }
            if ((flags & 0x02) != 0) { // FHCRC
                pos += 2;
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new RecordRejected("gzip data is corrupt: header is truncated");
        }
        if (pos >= end) {
            throw new RecordRejected("gzip data is corrupt: no compressed data after the header");
        }
        int n = inflate(d, pos, end - pos, "gzip");
        int trailer = inflater.getRemaining();
        if (trailer >= 8) {
            int t = end - trailer;
            CRC32 crc = new CRC32();
            crc.update(inflateBuffer, 0, n);
            long expectedCrc = readIntLittleEndian(d, t) & 0xffffffffL;
            long expectedSize = readIntLittleEndian(d, t + 4) & 0xffffffffL;
            if (crc.getValue() != expectedCrc || (n & 0xffffffffL) != expectedSize) {
                throw new RecordRejected("gzip data is corrupt: CRC or size in the trailer does not match");
            }
        }
        return n;
    }

    /** Inflates zlib data, checking the Adler-32 trailer when present (tolerated when missing). */
    private int inflateZlib(byte[] d, int off, int len) throws RecordRejected {
        int n = inflate(d, off + 2, len - 2, "zlib");
        int trailer = inflater.getRemaining();
        if (trailer >= 4) {
            int t = off + len - trailer;
            Adler32 adler = new Adler32();
            adler.update(inflateBuffer, 0, n);
            long expected = ((d[t] & 0xffL) << 24) | ((d[t + 1] & 0xffL) << 16) | ((d[t + 2] & 0xffL) << 8)
                    | (d[t + 3] & 0xffL);
            if (adler.getValue() != expected) {
                throw new RecordRejected("zlib data is corrupt: Adler-32 checksum does not match");
            }
        }
        return n;
    }

    /** Returns the inflated length, or -1 when the bytes are not a complete raw deflate stream. */
    private int tryInflateRawDeflate(byte[] d, int off, int len) throws DecompressedTooLarge {
        try {
            int n = inflate(d, off, len, "deflate");
            return inflater.getRemaining() == 0 ? n : -1;
        } catch (DecompressedTooLarge e) {
            throw e;
        } catch (RecordRejected e) {
            return -1;
        }
    }

    /** Inflates raw deflate data into {@link #inflateBuffer}, bounded by {@link #MAX_RECORD_BYTES}. */
    private int inflate(byte[] d, int off, int len, String compression) throws RecordRejected {
        if (inflater == null) {
            inflater = new Inflater(true);
        }
        if (inflateBuffer == null) {
            inflateBuffer = new byte[INITIAL_INFLATE_BUFFER];
        }
        inflater.reset();
        inflater.setInput(d, off, len);
        int n = 0;
        try {
            while (!inflater.finished()) {
                if (n == inflateBuffer.length) {
                    if (n > MAX_RECORD_BYTES) {
                        throw new DecompressedTooLarge(compression);
                    }
                    inflateBuffer = Arrays.copyOf(inflateBuffer, Math.min(n * 2, MAX_RECORD_BYTES + 1));
                }
                int produced = inflater.inflate(inflateBuffer, n, inflateBuffer.length - n);
                n += produced;
                if (produced == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new RecordRejected(compression + " data is corrupt: truncated before the end of the"
                            + " compressed stream");
                }
            }
        } catch (DataFormatException e) {
            throw new RecordRejected(compression + " data is corrupt: " + e.getMessage());
        }
        if (n > MAX_RECORD_BYTES) {
            throw new DecompressedTooLarge(compression);
        }
        return n;
    }

    private static int readIntLittleEndian(byte[] d, int at) {
        return (d[at] & 0xff) | (d[at + 1] & 0xff) << 8 | (d[at + 2] & 0xff) << 16 | (d[at + 3] & 0xff) << 24;
    }

    // ---------------------------------------------------------------- OTLP protobuf

    /** Unknown top-level fields mean the bytes are probably not OTLP at all (random bytes often parse). */
    private static boolean isCleanOtlp(TracesData traces) {
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

    private void addOtlpSpans(TracesData traces) throws RecordRejected {
        for (ResourceSpans resourceSpans : traces.getResourceSpansList()) {
            String service = serviceName(resourceSpans.getResource());
            for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                for (io.opentelemetry.proto.trace.v1.Span span : scopeSpans.getSpansList()) {
                    int number = nextSpanNumber();
                    String problem = null;
                    if (span.getTraceId().isEmpty()) {
                        problem = "trace_id is missing";
                    } else if (span.getSpanId().isEmpty()) {
                        problem = "span_id is missing";
                    } else if (span.getTraceId().size() * 2 > MAX_ID_LENGTH
                            || span.getSpanId().size() * 2 > MAX_ID_LENGTH
                            || span.getParentSpanId().size() * 2 > MAX_ID_LENGTH) {
                        problem = "an id is longer than " + MAX_ID_LENGTH + " hex characters";
                    }
                    if (problem != null) {
                        addReject(number, problem);
                        continue;
                    }
                    long start = nanosToMicros(span.getStartTimeUnixNano());
                    long end = nanosToMicros(span.getEndTimeUnixNano());
                    if (span.getStartTimeUnixNano() == 0) {
                        addReject(number, "start_time_unix_nano is missing");
                    } else if (span.getEndTimeUnixNano() == 0) {
                        addReject(number, "end_time_unix_nano is missing");
                    } else if (checkTimes(number, start, end, "start_time_unix_nano", "end_time_unix_nano")) {
                        ByteString parent = span.getParentSpanId();
                        pendingSpans.add(new Span(
                                hex(span.getTraceId()),
                                hex(span.getSpanId()),
                                parent.isEmpty() ? null : hex(parent),
                                service,
                                span.getName().isEmpty() ? UNKNOWN : span.getName(),
                                start,
                                end,
                                span.getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR));
                    }
                }
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
        return UNKNOWN;
    }

    /** Nanoseconds (unsigned fixed64 on the wire) to microseconds, rounding down. */
    private static long nanosToMicros(long nanos) {
        return nanos < 0 ? Long.MAX_VALUE : nanos / 1000; // above 2^63 ns is absurd anyway
    }

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

    // ---------------------------------------------------------------- JSON

    private void parseJson(byte[] data, int offset, int length) throws RecordRejected {
        try (JsonParser parser = jsonFactory.createParser(data, offset, length)) {
            JsonToken token = parser.nextToken();
            if (token == JsonToken.START_OBJECT) {
                readTopLevelObject(parser);
            } else if (token == JsonToken.START_ARRAY) {
                if (format == SpanFormat.OTLP_JSON) {
                    throw new RecordRejected("expected an OTLP JSON object with resourceSpans, found an array");
                }
                while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                    if (token == JsonToken.START_OBJECT) {
                        readSpanObject(parser, false);
                        finishJsonSpan();
                    } else {
                        parser.skipChildren();
                        addReject(nextSpanNumber(), "is not a JSON object");
                    }
                }
            } else {
                throw new RecordRejected("expected a JSON object or array, found " + token);
            }
            if (parser.nextToken() != null) {
                JsonLocation location = parser.currentLocation();
                throw new RecordRejected("unexpected data after the JSON value at line " + location.getLineNr()
                        + " column " + location.getColumnNr());
            }
        } catch (StreamConstraintsException e) {
            throw new RecordRejected("JSON exceeds a limit: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            String where = location == null
                    ? ""
                    : " at line " + location.getLineNr() + " column " + location.getColumnNr();
            throw new RecordRejected("not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RecordRejected("not valid JSON: " + e.getMessage());
        }
    }

    /** A top-level object is either an OTLP JSON envelope ({@code resourceSpans}) or a single native/Zipkin span. */
    private void readTopLevelObject(JsonParser parser) throws IOException, RecordRejected {
        boolean otlp = readSpanObject(parser, format == SpanFormat.AUTO || format == SpanFormat.OTLP_JSON);
        if (otlp) {
            return;
        }
        if (format == SpanFormat.OTLP_JSON) {
            throw new RecordRejected("OTLP JSON object has no resourceSpans");
        }
        finishJsonSpan();
    }

    /**
     * Reads the fields of a native or Zipkin span object into {@link #fields}; returns true when the object
     * turned out to be an OTLP envelope whose spans were read instead.
     */
    private boolean readSpanObject(JsonParser p, boolean allowResourceSpans) throws IOException, RecordRejected {
        JsonSpanFields f = fields;
        f.reset();
        boolean otlp = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "trace_id":
                    f.nativeKeys++;
                    f.traceId = scalarText(p, t);
                    break;
                case "traceId":
                    f.zipkinKeys++;
                    f.traceId = scalarText(p, t);
                    break;
                case "span_id":
                    f.nativeKeys++;
                    f.spanId = scalarText(p, t);
                    break;
                case "id":
                    f.zipkinKeys++;
                    f.spanId = scalarText(p, t);
                    break;
                case "parent_span_id":
                    f.nativeKeys++;
                    f.parentSpanId = scalarText(p, t);
                    break;
                case "parentId":
                    f.zipkinKeys++;
                    f.parentSpanId = scalarText(p, t);
                    break;
                case "operation_name":
                    f.nativeKeys++;
                    f.operationName = scalarText(p, t);
                    break;
                case "name":
                    f.zipkinKeys++;
                    f.operationName = scalarText(p, t);
                    break;
                case "service_name":
                    f.nativeKeys++;
                    f.serviceName = scalarText(p, t);
                    break;
                case "localEndpoint":
                    f.zipkinKeys++;
                    f.serviceName = readStringField(p, t, "serviceName");
                    break;
                case "start_time":
                    f.nativeKeys++;
                    f.start.read(p, t);
                    break;
                case "end_time":
                    f.nativeKeys++;
                    f.end.read(p, t);
                    break;
                case "timestamp":
                    f.timestamp.read(p, t);
                    break;
                case "duration_ms":
                    f.nativeKeys++;
                    f.durationMs.read(p, t);
                    break;
                case "duration":
                    f.zipkinKeys++;
                    f.duration.read(p, t);
                    break;
                case "status":
                    f.status = scalarText(p, t);
                    break;
                case "tags":
                    f.errorTag = hasErrorTag(p, t);
                    break;
                case "resourceSpans":
                    if (allowResourceSpans && t == JsonToken.START_ARRAY) {
                        readOtlpResourceSpans(p);
                        otlp = true;
                    } else {
                        p.skipChildren();
                    }
                    break;
                default:
                    p.skipChildren(); // tags, logs, baggage, kind, annotations...: not needed downstream
            }
        }
        return otlp;
    }

    /** Validates the span in {@link #fields} as native or Zipkin, by configured format or by its keys. */
    private void finishJsonSpan() throws RecordRejected {
        JsonSpanFields f = fields;
        int number = nextSpanNumber();
        boolean zipkin = format == SpanFormat.ZIPKIN_JSON
                || (format != SpanFormat.NATIVE_JSON && f.zipkinKeys > f.nativeKeys);
        if (zipkin) {
            finishZipkinSpan(number, f);
        } else {
            finishNativeSpan(number, f);
        }
    }

    private void finishNativeSpan(int number, JsonSpanFields f) {
        if (!checkIds(number, f.traceId, f.spanId, f.parentSpanId, "trace_id", "span_id", "parent_span_id")) {
            return;
        }
        String startLabel = f.start.present() ? "start_time" : "timestamp";
        TimeValue startValue = f.start.present() ? f.start : f.timestamp;
        if (!startValue.present()) {
            addReject(number, "start_time is missing");
            return;
        }
        long start = startValue.toMicrosFromIsoOrMillis();
        if (start == TimeValue.INVALID) {
            addReject(number, startLabel + " " + startValue.describe() + " is not an ISO-8601 time or epoch millis");
            return;
        }
        long end;
        if (f.end.present()) {
            end = f.end.toMicrosFromIsoOrMillis();
            if (end == TimeValue.INVALID) {
                addReject(number, "end_time " + f.end.describe() + " is not an ISO-8601 time or epoch millis");
                return;
            }
        } else if (f.durationMs.present()) {
            double millis = f.durationMs.toDouble();
            if (!Double.isFinite(millis)) {
                addReject(number, "duration_ms " + f.durationMs.describe() + " is not a finite number");
                return;
            }
            double micros = millis * 1000.0;
            if (Math.abs(micros) > MAX_MICROS) {
                addReject(number, "duration_ms " + f.durationMs.describe() + " is absurdly large");
                return;
            }
            end = start + Math.round(micros); // duration_ms has microsecond precision but binary float noise
        } else {
            addReject(number, "end_time is missing and there is no duration_ms");
            return;
        }
        if (!checkTimes(number, start, end, startLabel, f.end.present() ? "end_time" : startLabel + " + duration_ms")) {
            return;
        }
        pendingSpans.add(new Span(
                f.traceId,
                f.spanId,
                emptyToNull(f.parentSpanId),
                orUnknown(f.serviceName),
                orUnknown(f.operationName),
                start,
                end,
                "error".equalsIgnoreCase(f.status)));
    }

    private void finishZipkinSpan(int number, JsonSpanFields f) {
        if (!checkIds(number, f.traceId, f.spanId, f.parentSpanId, "traceId", "id", "parentId")) {
            return;
        }
        if (!f.timestamp.present()) {
            addReject(number, "timestamp is missing");
            return;
        }
        long start = f.timestamp.toLong();
        if (start == TimeValue.INVALID) {
            addReject(number, "timestamp " + f.timestamp.describe() + " is not a number of microseconds");
            return;
        }
        long duration = 0;
        if (f.duration.present()) {
            duration = f.duration.toLong();
            if (duration == TimeValue.INVALID || Math.abs(duration) > MAX_MICROS) {
                addReject(number, "duration " + f.duration.describe() + " is not a valid number of microseconds");
                return;
            }
        }
        if (!checkTimes(number, start, start + duration, "timestamp", "timestamp + duration")) {
            return;
        }
        pendingSpans.add(new Span(
                f.traceId.toLowerCase(Locale.ROOT),
                f.spanId.toLowerCase(Locale.ROOT),
                f.parentSpanId == null || f.parentSpanId.isEmpty() ? null : f.parentSpanId.toLowerCase(Locale.ROOT),
                orUnknown(f.serviceName),
                orUnknown(f.operationName),
                start,
                start + duration,
                f.errorTag));
    }

    // ---------------------------------------------------------------- OTLP JSON

    private void readOtlpResourceSpans(JsonParser p) throws IOException, RecordRejected {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            // "resource" may come after "scopeSpans": name the service once the object is complete.
            int firstSpan = pendingSpans.size();
            String service = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                t = p.nextToken();
                if ("resource".equals(name) && t == JsonToken.START_OBJECT) {
                    service = readOtlpResourceServiceName(p);
                } else if (("scopeSpans".equals(name) || "instrumentationLibrarySpans".equals(name))
                        && t == JsonToken.START_ARRAY) {
                    readOtlpScopeSpans(p);
                } else {
                    p.skipChildren();
                }
            }
            String resolved = orUnknown(service);
            for (int i = firstSpan; i < pendingSpans.size(); i++) {
                pendingSpans.get(i).serviceName = resolved;
            }
        }
    }

    private String readOtlpResourceServiceName(JsonParser p) throws IOException {
        String service = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if ("attributes".equals(name) && t == JsonToken.START_ARRAY) {
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        continue;
                    }
                    String key = null;
                    String stringValue = null;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String attributeField = p.currentName();
                        t = p.nextToken();
                        if ("key".equals(attributeField)) {
                            key = scalarText(p, t);
                        } else if ("value".equals(attributeField)) {
                            stringValue = readStringField(p, t, "stringValue");
                        } else {
                            p.skipChildren();
                        }
                    }
                    if ("service.name".equals(key) && stringValue != null) {
                        service = stringValue;
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return service;
    }

    private void readOtlpScopeSpans(JsonParser p) throws IOException, RecordRejected {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                t = p.nextToken();
                if ("spans".equals(name) && t == JsonToken.START_ARRAY) {
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        if (t == JsonToken.START_OBJECT) {
                            readOtlpJsonSpan(p);
                        } else {
                            p.skipChildren();
                            addReject(nextSpanNumber(), "is not a JSON object");
                        }
                    }
                } else {
                    p.skipChildren(); // scope, schemaUrl
                }
            }
        }
    }

    private void readOtlpJsonSpan(JsonParser p) throws IOException, RecordRejected {
        JsonSpanFields f = fields;
        f.reset();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "traceId":
                    f.traceId = scalarText(p, t);
                    break;
                case "spanId":
                    f.spanId = scalarText(p, t);
                    break;
                case "parentSpanId":
                    f.parentSpanId = scalarText(p, t);
                    break;
                case "name":
                    f.operationName = scalarText(p, t);
                    break;
                case "startTimeUnixNano":
                    f.start.read(p, t);
                    break;
                case "endTimeUnixNano":
                    f.end.read(p, t);
                    break;
                case "status":
                    f.status = readStringField(p, t, "code");
                    break;
                default:
                    p.skipChildren(); // attributes, events, links, kind, flags...
            }
        }
        int number = nextSpanNumber();
        if (!checkIds(number, f.traceId, f.spanId, f.parentSpanId, "traceId", "spanId", "parentSpanId")) {
            return;
        }
        if (!f.start.present()) {
            addReject(number, "startTimeUnixNano is missing");
            return;
        }
        if (!f.end.present()) {
            addReject(number, "endTimeUnixNano is missing");
            return;
        }
        long startNanos = f.start.toLong();
        long endNanos = f.end.toLong();
        if (startNanos == TimeValue.INVALID) {
            addReject(number, "startTimeUnixNano " + f.start.describe() + " is not a number of nanoseconds");
            return;
        }
        if (endNanos == TimeValue.INVALID) {
            addReject(number, "endTimeUnixNano " + f.end.describe() + " is not a number of nanoseconds");
            return;
        }
        long start = Math.floorDiv(startNanos, 1000L);
        long end = Math.floorDiv(endNanos, 1000L);
        if (!checkTimes(number, start, end, "startTimeUnixNano", "endTimeUnixNano")) {
            return;
        }
        pendingSpans.add(new Span(
                f.traceId.toLowerCase(Locale.ROOT),
                f.spanId.toLowerCase(Locale.ROOT),
                f.parentSpanId == null || f.parentSpanId.isEmpty() ? null : f.parentSpanId.toLowerCase(Locale.ROOT),
                null, // named from the enclosing resource
                orUnknown(f.operationName),
                start,
                end,
                "2".equals(f.status) || "STATUS_CODE_ERROR".equals(f.status)));
    }

    // ---------------------------------------------------------------- JSON helpers

    /** Text of a scalar value (numbers as written); null for JSON null, objects and arrays (skipped). */
    private static String scalarText(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT
                || t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    /** Reads one scalar field of an object value (for example {@code localEndpoint.serviceName}), skipping the rest. */
    private static String readStringField(JsonParser p, JsonToken t, String field) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        String value = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken valueToken = p.nextToken();
            if (field.equals(name)) {
                value = scalarText(p, valueToken);
            } else {
                p.skipChildren();
            }
        }
        return value;
    }

    /** Zipkin marks a failed span with the tag {@code error}, whatever its value. */
    private static boolean hasErrorTag(JsonParser p, JsonToken t) throws IOException {
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

    // ---------------------------------------------------------------- validation

    private boolean checkIds(
            int number, String traceId, String spanId, String parentId, String traceKey, String spanKey,
            String parentKey) {
        if (traceId == null || traceId.isEmpty()) {
            addReject(number, traceKey + " is missing");
            return false;
        }
        if (spanId == null || spanId.isEmpty()) {
            addReject(number, spanKey + " is missing");
            return false;
        }
        if (traceId.length() > MAX_ID_LENGTH) {
            addReject(number, traceKey + " is longer than " + MAX_ID_LENGTH + " characters");
            return false;
        }
        if (spanId.length() > MAX_ID_LENGTH) {
            addReject(number, spanKey + " is longer than " + MAX_ID_LENGTH + " characters");
            return false;
        }
        if (parentId != null && parentId.length() > MAX_ID_LENGTH) {
            addReject(number, parentKey + " is longer than " + MAX_ID_LENGTH + " characters");
            return false;
        }
        return true;
    }

    private boolean checkTimes(int number, long start, long end, String startLabel, String endLabel) {
        if (start < MIN_MICROS || start >= MAX_MICROS) {
            addReject(number, startLabel + " " + formatMicros(start) + " is outside the years 1970 to 2499");
            return false;
        }
        if (end < MIN_MICROS || end >= MAX_MICROS) {
            addReject(number, endLabel + " " + formatMicros(end) + " is outside the years 1970 to 2499");
            return false;
        }
        if (end < start) {
            addReject(number, endLabel + " " + formatMicros(end) + " is before " + startLabel + " "
                    + formatMicros(start));
            return false;
        }
        return true;
    }

    private static String formatMicros(long micros) {
        try {
            return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L)
                    .toString();
        } catch (DateTimeException e) {
            return micros + " µs";
        }
    }

    private int nextSpanNumber() throws RecordRejected {
        if (++spanNumber > MAX_SPANS_PER_RECORD) {
            throw new RecordRejected("record holds more than " + MAX_SPANS_PER_RECORD + " spans");
        }
        return spanNumber;
    }

    private void addReject(int number, String problem) {
        pendingRejects.add(reasonPrefix + "span " + number + ": " + problem);
    }

    private static String orUnknown(String value) {
        return value == null || value.isEmpty() ? UNKNOWN : value;
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    // ---------------------------------------------------------------- sniffing and setup

    static boolean looksLikeJson(byte[] d, int off, int len) {
        int end = off + len;
        int i = off;
        if (len >= 3 && (d[i] & 0xff) == 0xEF && (d[i + 1] & 0xff) == 0xBB && (d[i + 2] & 0xff) == 0xBF) {
            i += 3; // UTF-8 byte order mark
        }
        for (; i < end; i++) {
            byte b = d[i];
            if (b == '{' || b == '[') {
                return true;
            }
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return false;
    }

    private static boolean startsWith(byte[] d, int off, int len, byte[] prefix) {
        if (len < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (d[off + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private void initScratch() {
        if (jsonFactory != null) {
            return;
        }
        jsonFactory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_JSON_NESTING_DEPTH)
                        .maxStringLength(MAX_JSON_STRING_LENGTH)
                        .maxDocumentLength(MAX_RECORD_BYTES)
                        .build())
                // Python's json.dumps writes NaN/Infinity; reject such a span, not the whole record.
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .build();
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by every Java platform", e);
        }
        pendingSpans = new ArrayList<>();
        pendingRejects = new ArrayList<>();
        fields = new JsonSpanFields();
    }

    /** A record that cannot be decoded at all; carries the reason, no stack trace (it is not exceptional). */
    private static class RecordRejected extends Exception {
        private static final long serialVersionUID = 1L;

        RecordRejected(String reason) {
            super(reason, null, false, false);
        }
    }

    /** Decompression hit {@link #MAX_RECORD_BYTES}: a zip bomb, or a record far larger than any exporter sends. */
    private static final class DecompressedTooLarge extends RecordRejected {
        private static final long serialVersionUID = 1L;

        DecompressedTooLarge(String compression) {
            super(compression + " data decompresses to more than the limit of " + MAX_RECORD_BYTES
                    + " bytes (zip bomb?)");
        }
    }

    /** Scratch for the fields of one JSON span, reused for every span. */
    private static final class JsonSpanFields {
        String traceId;
        String spanId;
        String parentSpanId;
        String operationName;
        String serviceName;
        String status;
        boolean errorTag;
        int nativeKeys;
        int zipkinKeys;
        final TimeValue start = new TimeValue();
        final TimeValue end = new TimeValue();
        final TimeValue timestamp = new TimeValue();
        final TimeValue durationMs = new TimeValue();
        final TimeValue duration = new TimeValue();

        void reset() {
            traceId = null;
            spanId = null;
            parentSpanId = null;
            operationName = null;
            serviceName = null;
            status = null;
            errorTag = false;
            nativeKeys = 0;
            zipkinKeys = 0;
            start.clear();
            end.clear();
            timestamp.clear();
            durationMs.clear();
            duration.clear();
        }
    }

    /** A JSON time or duration value as written: text, integer or floating point number. */
    static final class TimeValue {
        static final long INVALID = Long.MIN_VALUE;
        private static final int ABSENT = 0;
        private static final int TEXT = 1;
        private static final int INTEGER = 2;
        private static final int FLOAT = 3;
        private static final int OTHER = 4;

        private int kind;
        private String text;
        private long longValue;
        private double doubleValue;

        void clear() {
            kind = ABSENT;
            text = null;
        }

        boolean present() {
            return kind != ABSENT;
        }

        void read(JsonParser p, JsonToken t) throws IOException {
            switch (t) {
                case VALUE_STRING:
                    kind = TEXT;
                    text = p.getText();
                    break;
                case VALUE_NUMBER_INT:
                    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        kind = TEXT; // beyond long: keep the digits, they will fail range checks
                        text = p.getText();
                    } else {
                        kind = INTEGER;
                        longValue = p.getLongValue();
                    }
                    break;
                case VALUE_NUMBER_FLOAT:
                    kind = FLOAT;
                    doubleValue = p.getDoubleValue();
                    break;
                case VALUE_NULL:
                    kind = ABSENT;
                    break;
                default:
                    kind = OTHER;
                    p.skipChildren();
            }
        }

        /** Native times: ISO-8601 text (no zone = UTC) or epoch milliseconds (number or digits). */
        long toMicrosFromIsoOrMillis() {
            switch (kind) {
                case TEXT:
                    long iso = parseIsoMicros(text);
                    if (iso != INVALID) {
                        return iso;
                    }
                    try {
                        return millisToMicros(Double.parseDouble(text));
                    } catch (NumberFormatException e) {
                        return INVALID;
                    }
                case INTEGER:
                    if (Math.abs(longValue) > MAX_MICROS / 1000) {
                        return INVALID;
                    }
                    return longValue * 1000L;
                case FLOAT:
                    return millisToMicros(doubleValue);
                default:
                    return INVALID;
            }
        }

        private static long millisToMicros(double millis) {
            if (!Double.isFinite(millis) || Math.abs(millis) > MAX_MICROS / 1000) {
                return INVALID;
            }
            return Math.round(millis * 1000.0);
        }

        /** Whole numbers (Zipkin micros, OTLP nanos): integer, integral float, or decimal digits in a string. */
        long toLong() {
            switch (kind) {
                case INTEGER:
                    return longValue == INVALID ? INVALID + 1 : longValue;
                case FLOAT:
                    if (!Double.isFinite(doubleValue) || Math.abs(doubleValue) >= 9.0e18) {
                        return INVALID;
                    }
                    return (long) Math.floor(doubleValue);
                case TEXT:
                    try {
                        return Long.parseLong(text.trim());
                    } catch (NumberFormatException e) {
                        try {
                            // OTLP fixed64 as text may exceed a signed long: far beyond any sane time
                            Long.parseUnsignedLong(text.trim());
                            return Long.MAX_VALUE;
                        } catch (NumberFormatException notANumber) {
                            return INVALID;
                        }
                    }
                default:
                    return INVALID;
            }
        }

        double toDouble() {
            switch (kind) {
                case INTEGER:
                    return longValue;
                case FLOAT:
                    return doubleValue;
                case TEXT:
                    try {
                        return Double.parseDouble(text);
                    } catch (NumberFormatException e) {
                        return Double.NaN;
                    }
                default:
                    return Double.NaN;
            }
        }

        String describe() {
            switch (kind) {
                case TEXT:
                    return '"' + (text.length() > 64 ? text.substring(0, 64) + "..." : text) + '"';
                case INTEGER:
                    return Long.toString(longValue);
                case FLOAT:
                    return Double.toString(doubleValue);
                default:
                    return "(not a string or number)";
            }
        }
    }

    /**
     * Parses {@code yyyy-MM-ddTHH:mm[:ss[.fraction]][Z|±HH[:mm]]} (Python's {@code isoformat()} and RFC 3339)
     * to epoch microseconds; no zone means UTC; digits beyond microseconds are truncated. Hand-written because
     * it runs for every native span.
     */
    static long parseIsoMicros(String s) {
        int n = s.length();
        if (n < 16 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(13) != ':') {
            return TimeValue.INVALID;
        }
        char separator = s.charAt(10);
        if (separator != 'T' && separator != 't' && separator != ' ') {
            return TimeValue.INVALID;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59) {
            return TimeValue.INVALID;
        }
        int pos = 16;
        int second = 0;
        long fractionMicros = 0;
        if (pos < n && s.charAt(pos) == ':') {
            second = digits(s, pos + 1, 2);
            if (second < 0 || second > 59) {
                return TimeValue.INVALID;
            }
            pos += 3;
            if (pos < n && (s.charAt(pos) == '.' || s.charAt(pos) == ',')) {
                pos++;
                int fractionStart = pos;
                long scale = 100_000;
                while (pos < n && Character.isDigit(s.charAt(pos))) {
                    fractionMicros += (s.charAt(pos) - '0') * scale;
                    scale /= 10;
                    pos++;
                }
                if (pos == fractionStart) {
                    return TimeValue.INVALID;
                }
            }
        }
        int offsetSeconds = 0;
        if (pos < n) {
            char zone = s.charAt(pos);
            if ((zone == 'Z' || zone == 'z') && pos + 1 == n) {
                pos++;
            } else if (zone == '+' || zone == '-') {
                int rest = n - pos - 1;
                int offsetHours = digits(s, pos + 1, 2);
                int offsetMinutes = 0;
                if (rest == 5 && s.charAt(pos + 3) == ':') {
                    offsetMinutes = digits(s, pos + 4, 2);
                } else if (rest == 4) {
                    offsetMinutes = digits(s, pos + 3, 2);
                } else if (rest != 2) {
                    return TimeValue.INVALID;
                }
                if (offsetHours < 0 || offsetHours > 18 || offsetMinutes < 0 || offsetMinutes > 59) {
                    return TimeValue.INVALID;
                }
                offsetSeconds = (zone == '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
                pos = n;
            } else {
                return TimeValue.INVALID;
            }
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return TimeValue.INVALID;
        }
        long epochSecond = epochDay * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
        return epochSecond * 1_000_000L + fractionMicros;
    }

    private static int digits(String s, int from, int count) {
        if (from + count > s.length()) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
