package io.traceassembler.ingest.format;

import io.traceassembler.model.HexIds;
import io.traceassembler.model.Span;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;

import java.nio.charset.StandardCharsets;

/**
 * OTLP protobuf: {@code TracesData} or {@code ExportTraceServiceRequest} (the same wire format), as
 * the awskinesis exporter's {@code otlp_proto} writes it. Hex ids in lower case, the service from
 * the resource's {@code service.name}, error from status code 2, the kind from {@code kind} (1
 * INTERNAL ... 5 CONSUMER, else UNSPECIFIED), the span attributes {@code peer.service}, {@code
 * db.system} and {@code messaging.system} with a string value and no other attribute.
 *
 * <p>Read as a stream of fields ({@link ProtoWire}, protobuf's array {@code CodedInputStream}
 * without its indirections) straight into {@link Span}s, without the generated message tree: only
 * the kept values become objects. It accepts and rejects exactly what the generated {@code
 * TracesData} parser does (the generated classes are the test oracle): every known message of
 * {@code opentelemetry/proto/trace/v1/trace.proto} (opentelemetry-proto 1.11) is walked, strings
 * are checked for UTF-8 in place, a repeated singular field keeps its last value and repeated
 * message fields merge, the nesting limit is protobuf's default of 100, and the exception messages
 * are protobuf's. Fields of a wrong wire type are unknown fields, as for the generated parser: at
 * the top level or in a {@code ResourceSpans} they make the record unclean (probably not OTLP at
 * all: random bytes often parse). A {@code Resource} may come after the spans of its {@code
 * ResourceSpans}: their service is filled in when it arrives.
 */
public final class OtlpProtoReader {

    /** protobuf-java's default recursion limit, which the generated parser applies. */
    private static final int RECURSION_LIMIT = 100;

    private static final String TRUNCATED = ProtoWire.TRUNCATED;
    private static final String TOO_DEEP = ProtoWire.TOO_DEEP;
    private static final String INVALID_UTF8 = "Protocol message had invalid UTF-8.";

    private static final int LEN = WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int VARINT = WireFormat.WIRETYPE_VARINT;
    private static final int FIXED64 = WireFormat.WIRETYPE_FIXED64;

    private static final int FIELD1_LEN = tag(1, LEN);
    private static final int FIELD2_LEN = tag(2, LEN);
    private static final int FIELD3_LEN = tag(3, LEN);
    private static final int FIELD4_LEN = tag(4, LEN);
    private static final int FIELD5_LEN = tag(5, LEN);
    private static final int FIELD6_LEN = tag(6, LEN);
    private static final int SPAN_KIND = tag(6, VARINT);
    private static final int SPAN_START = tag(7, FIXED64);
    private static final int SPAN_END = tag(8, FIXED64);
    private static final int SPAN_ATTRIBUTES = tag(9, LEN);
    private static final int SPAN_EVENTS = tag(11, LEN);
    private static final int SPAN_LINKS = tag(13, LEN);
    private static final int SPAN_STATUS = tag(15, LEN);
    private static final int STATUS_CODE = tag(3, VARINT);
    private static final int FIELD2_VARINT = tag(2, VARINT);
    private static final int FIELD3_VARINT = tag(3, VARINT);
    private static final int FIELD4_VARINT = tag(4, VARINT);
    private static final int FIELD5_VARINT = tag(5, VARINT);
    private static final int SPAN_DROPPED_ATTRIBUTES = tag(10, VARINT);
    private static final int SPAN_DROPPED_EVENTS = tag(12, VARINT);
    private static final int SPAN_DROPPED_LINKS = tag(14, VARINT);

    /** {@code AnyValue.string_value}: the oneof case of a string. */
    private static final int STRING_CASE = 1;

    /** {@link SpanAttributes} keys, and the resource's {@code service.name}. */
    private static final int SERVICE_NAME = -1;

    private static final byte[] SERVICE_NAME_KEY = ascii("service.name");
    private static final byte[] PEER_SERVICE_KEY = ascii("peer.service");
    private static final byte[] DB_SYSTEM_KEY = ascii("db.system");
    private static final byte[] MESSAGING_SYSTEM_KEY = ascii("messaging.system");

    private final byte[] data;
    private final ProtoWire in;

    /** Null: only check the bytes. */
    private final RecordSpans out;

    private int depth;
    private boolean unclean;

    /** The span limit was exceeded: thrown once the whole record has parsed, as before. */
    private RecordRejected tooMany;

    // The ResourceSpans being read.
    private String service;
    private boolean serviceFound;
    private int firstSpanOfResource;

    // What the last readKeyValue / readAnyValue saw (read by the caller right after the call).
    private int keyValueKey;
    private int keyValueStringPos;
    private int keyValueStringLen;
    private int anyStringPos;
    private int anyStringLen;

    private OtlpProtoReader(byte[] data, int offset, int length, RecordSpans out) {
        this.data = data;
        this.in = new ProtoWire(data, offset, length);
        this.out = out;
    }

    /**
     * Reads the spans of clean OTLP into {@code out} and returns true; returns false and leaves
     * {@code out} as it was when the bytes parse but have unknown fields at the top level or in a
     * {@code ResourceSpans} (probably not OTLP at all: random bytes often parse).
     *
     * @throws InvalidProtocolBufferException the bytes are not a {@code TracesData} ({@code out}
     *     left as it was)
     * @throws RecordRejected the record holds too many spans
     */
    public static boolean readIfClean(byte[] data, int offset, int length, RecordSpans out)
            throws InvalidProtocolBufferException, RecordRejected {
        return readInto(data, offset, length, out, false);
    }

    /**
     * Reads the spans into {@code out}, unknown fields or not (a newer OTLP version may add some).
     */
    public static void read(byte[] data, int offset, int length, RecordSpans out)
            throws InvalidProtocolBufferException, RecordRejected {
        readInto(data, offset, length, out, true);
    }

    /**
     * Whether the bytes parse as a {@code TracesData} without unknown fields at the top level or in
     * a {@code ResourceSpans}; nothing is kept.
     */
    public static boolean isClean(byte[] data, int offset, int length)
            throws InvalidProtocolBufferException {
        OtlpProtoReader reader = new OtlpProtoReader(data, offset, length, null);
        reader.readTracesData();
        return !reader.unclean;
    }

    private static boolean readInto(
            byte[] data, int offset, int length, RecordSpans out, boolean evenIfUnclean)
            throws InvalidProtocolBufferException, RecordRejected {
        int spans = out.spans().size();
        int rejects = out.rejects().size();
        int number = out.spanNumber();
        OtlpProtoReader reader = new OtlpProtoReader(data, offset, length, out);
        try {
            reader.readTracesData();
        } catch (InvalidProtocolBufferException e) {
            out.rollBack(spans, rejects, number);
            throw e;
        }
        if (reader.unclean && !evenIfUnclean) {
            out.rollBack(spans, rejects, number);
            return false;
        }
        if (reader.tooMany != null) {
            throw reader.tooMany;
        }
        return !reader.unclean;
    }

    // ---------------------------------------------------------------- the kept path

    private void readTracesData() throws InvalidProtocolBufferException {
        try {
            while (true) {
                int tag = in.readTag();
                if (tag == 0) {
                    break;
                }
                if (tag == FIELD1_LEN) {
                    int limit = enter();
                    readResourceSpans();
                    leave(limit);
                } else {
                    unclean = true;
                    if (!skip(tag)) {
                        break;
                    }
                }
            }
            in.checkLastTagWas(0);
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (java.io.IOException e) {
            // only InvalidProtocolBufferException is thrown by a byte array; kept for the readers'
            // signatures
            throw new InvalidProtocolBufferException(e);
        }
    }

    private void readResourceSpans() throws java.io.IOException {
        service = RecordSpans.UNKNOWN;
        serviceFound = false;
        firstSpanOfResource = out == null ? 0 : out.size();
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return;
            }
            if (tag == FIELD1_LEN) {
                int limit = enter();
                readResource();
                leave(limit);
            } else if (tag == FIELD2_LEN) {
                int limit = enter();
                readScopeSpans();
                leave(limit);
            } else if (tag == FIELD3_LEN) {
                string();
            } else {
                unclean = true;
                if (!skip(tag)) {
                    return;
                }
            }
        }
    }

    /** {@code Resource}: the first {@code service.name} with a non-empty string value. */
    private void readResource() throws java.io.IOException {
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return;
            }
            if (tag == FIELD1_LEN) {
                readKeyValue();
                if (!serviceFound
                        && keyValueKey == SERVICE_NAME
                        && keyValueStringPos >= 0
                        && keyValueStringLen > 0) {
                    serviceFound = true;
                    service = utf8(keyValueStringPos, keyValueStringLen);
                    // spans that came before the resource on the wire
                    for (int i = firstSpanOfResource; out != null && i < out.size(); i++) {
                        out.get(i).serviceName = service;
                    }
                }
            } else if (tag == FIELD3_LEN) {
                int limit = enter();
                checkEntityRef();
                leave(limit);
            } else if (tag == FIELD2_VARINT) {
                in.readRawVarint32(); // dropped_attributes_count, read as the generated parser does
            } else if (!skip(tag)) {
                return;
            }
        }
    }

    private void readScopeSpans() throws java.io.IOException {
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return;
            }
            if (tag == FIELD2_LEN) {
                int limit = enter();
                readSpan();
                leave(limit);
            } else if (tag == FIELD1_LEN) {
                int limit = enter();
                checkScope();
                leave(limit);
            } else if (tag == FIELD3_LEN) {
                string();
            } else if (!skip(tag)) {
                return;
            }
        }
    }

    private void readSpan() throws java.io.IOException {
        int traceIdPos = 0;
        int traceIdLen = 0;
        int spanIdPos = 0;
        int spanIdLen = 0;
        int parentPos = 0;
        int parentLen = 0;
        int namePos = 0;
        int nameLen = 0;
        int kind = 0;
        long startNanos = 0;
        long endNanos = 0;
        int statusCode = 0;
        // the kept attributes: position of the last string value, -1 when none
        int peerPos = -1;
        int peerLen = 0;
        int dbPos = -1;
        int dbLen = 0;
        int messagingPos = -1;
        int messagingLen = 0;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                break;
            }
            if (tag == FIELD1_LEN) {
                traceIdLen = in.readRawVarint32();
                traceIdPos = position();
                in.skipRawBytes(traceIdLen);
            } else if (tag == FIELD2_LEN) {
                spanIdLen = in.readRawVarint32();
                spanIdPos = position();
                in.skipRawBytes(spanIdLen);
            } else if (tag == FIELD4_LEN) {
                parentLen = in.readRawVarint32();
                parentPos = position();
                in.skipRawBytes(parentLen);
            } else if (tag == FIELD5_LEN) {
                nameLen = in.readRawVarint32();
                namePos = position();
                in.skipRawBytes(nameLen);
                checkUtf8(namePos, nameLen);
            } else if (tag == SPAN_KIND) {
                kind = in.readEnum();
            } else if (tag == SPAN_START) {
                startNanos = in.readFixed64();
            } else if (tag == SPAN_END) {
                endNanos = in.readFixed64();
            } else if (tag == SPAN_ATTRIBUTES) {
                readKeyValue();
                if (keyValueStringPos >= 0) {
                    if (keyValueKey == SpanAttributes.PEER_SERVICE) {
                        peerPos = keyValueStringPos;
                        peerLen = keyValueStringLen;
                    } else if (keyValueKey == SpanAttributes.DB_SYSTEM) {
                        dbPos = keyValueStringPos;
                        dbLen = keyValueStringLen;
                    } else if (keyValueKey == SpanAttributes.MESSAGING_SYSTEM) {
                        messagingPos = keyValueStringPos;
                        messagingLen = keyValueStringLen;
                    }
                }
            } else if (tag == SPAN_STATUS) {
                int limit = enter();
                statusCode = readStatus(statusCode);
                leave(limit);
            } else if (tag == FIELD3_LEN) {
                string(); // trace_state
            } else if (tag == SPAN_EVENTS) {
                int limit = enter();
                checkEvent();
                leave(limit);
            } else if (tag == SPAN_LINKS) {
                int limit = enter();
                checkLink();
                leave(limit);
            } else if (tag == SPAN_DROPPED_ATTRIBUTES
                    || tag == SPAN_DROPPED_EVENTS
                    || tag == SPAN_DROPPED_LINKS) {
                in.readRawVarint32();
            } else if (!skip(tag)) {
                break;
            }
        }
        if (out == null || tooMany != null) {
            return;
        }
        int number;
        try {
            number = out.nextSpanNumber();
        } catch (RecordRejected e) {
            tooMany = e; // thrown only if the whole record parses, as when the tree was read first
            return;
        }
        String problem = null;
        if (traceIdLen == 0) {
            problem = "trace_id is missing";
        } else if (spanIdLen == 0) {
            problem = "span_id is missing";
        } else if (traceIdLen * 2 > DecodeLimits.MAX_ID_LENGTH
                || spanIdLen * 2 > DecodeLimits.MAX_ID_LENGTH
                || parentLen * 2 > DecodeLimits.MAX_ID_LENGTH) {
            problem = "an id is longer than " + DecodeLimits.MAX_ID_LENGTH + " hex characters";
        }
        if (problem != null) {
            out.reject(number, problem);
            return;
        }
        long start = SpanTimes.nanosToMicros(startNanos);
        long end = SpanTimes.nanosToMicros(endNanos);
        if (startNanos == 0) {
            out.reject(number, "start_time_unix_nano is missing");
        } else if (endNanos == 0) {
            out.reject(number, "end_time_unix_nano is missing");
        } else if (out.checkTimes(
                number, start, end, "start_time_unix_nano", "end_time_unix_nano")) {
            Span decoded =
                    new Span(
                            HexIds.toHex(data, traceIdPos, traceIdLen),
                            HexIds.toHex(data, spanIdPos, spanIdLen),
                            parentLen == 0 ? null : HexIds.toHex(data, parentPos, parentLen),
                            service,
                            nameLen == 0 ? RecordSpans.UNKNOWN : utf8(namePos, nameLen),
                            start,
                            end,
                            statusCode == 2); // STATUS_CODE_ERROR
            decoded.kind = SpanAttributes.otlpKind(kind);
            decoded.peerService = peerPos < 0 || peerLen == 0 ? null : utf8(peerPos, peerLen);
            decoded.dbSystem = dbPos < 0 || dbLen == 0 ? null : utf8(dbPos, dbLen);
            decoded.messagingSystem =
                    messagingPos < 0 || messagingLen == 0 ? null : utf8(messagingPos, messagingLen);
            out.add(decoded);
        }
    }

    /** {@code Status}: the code, the last on the wire winning (occurrences merge). */
    private int readStatus(int code) throws java.io.IOException {
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return code;
            }
            if (tag == STATUS_CODE) {
                code = in.readEnum();
            } else if (tag == FIELD2_LEN) {
                string(); // message
            } else if (!skip(tag)) {
                return code;
            }
        }
    }

    /**
     * A length-delimited {@code KeyValue}: sets {@link #keyValueKey} (a {@link SpanAttributes} key,
     * {@link #SERVICE_NAME} or {@link SpanAttributes#NONE}) and, when the value is a string, its
     * place ({@link #keyValueStringPos} -1 otherwise). No string is made.
     */
    private void readKeyValue() throws java.io.IOException {
        int limit = enter();
        int keyPos = 0;
        int keyLen = 0;
        int valueCase = 0;
        int stringPos = -1;
        int stringLen = 0;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                break;
            }
            if (tag == FIELD1_LEN) {
                keyLen = in.readRawVarint32();
                keyPos = position();
                in.skipRawBytes(keyLen);
                checkUtf8(keyPos, keyLen);
            } else if (tag == FIELD2_LEN) {
                // a repeated value merges into the one before: its oneof case carries over
                int valueLimit = enter();
                valueCase = readAnyValue(valueCase);
                leave(valueLimit);
                if (anyStringPos >= 0) {
                    stringPos = anyStringPos;
                    stringLen = anyStringLen;
                }
            } else if (tag == FIELD3_VARINT) {
                in.readRawVarint32(); // key_strindex
            } else if (!skip(tag)) {
                break;
            }
        }
        leave(limit);
        keyValueKey = keyOf(keyPos, keyLen);
        keyValueStringPos = valueCase == STRING_CASE ? stringPos : -1;
        keyValueStringLen = stringLen;
    }

    /**
     * {@code AnyValue} (inside its limit): the oneof case after it, {@code valueCase} if it sets
     * none; {@link #anyStringPos} is the place of the string it set last, -1 if none.
     */
    private int readAnyValue(int valueCase) throws java.io.IOException {
        int stringPos = -1;
        int stringLen = 0;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                break;
            }
            int number = WireFormat.getTagFieldNumber(tag);
            int wireType = WireFormat.getTagWireType(tag);
            if (tag == FIELD1_LEN) {
                stringLen = in.readRawVarint32();
                stringPos = position();
                in.skipRawBytes(stringLen);
                checkUtf8(stringPos, stringLen);
                valueCase = STRING_CASE;
            } else if (tag == FIELD5_LEN || tag == FIELD6_LEN) {
                // array_value of AnyValues, kvlist_value of KeyValues: both field 1
                int limit = enter();
                checkValueList(tag == FIELD5_LEN);
                leave(limit);
                valueCase = number;
            } else if ((number == 2 || number == 3) && wireType == VARINT) {
                in.readRawVarint64(); // bool_value, int_value
                valueCase = number;
            } else if (number == 8 && wireType == VARINT) {
                in.readRawVarint32(); // string_value_strindex
                valueCase = number;
            } else if ((number == 4 && wireType == FIXED64) || (number == 7 && wireType == LEN)) {
                in.skipField(tag);
                valueCase = number;
            } else if (!skip(tag)) {
                break;
            }
        }
        anyStringPos = valueCase == STRING_CASE ? stringPos : -1;
        anyStringLen = stringLen;
        return valueCase;
    }

    // ---------------------------------------------------------------- checked, not kept

    /** {@code ArrayValue} ({@code AnyValue}s) or {@code KeyValueList} ({@code KeyValue}s). */
    private void checkValueList(boolean anyValues) throws java.io.IOException {
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return;
            }
            if (tag == FIELD1_LEN) {
                if (anyValues) {
                    int limit = enter();
                    readAnyValue(0);
                    leave(limit);
                } else {
                    readKeyValue();
                }
            } else if (!skip(tag)) {
                return;
            }
        }
    }

    /** {@code InstrumentationScope}: name, version, attributes. */
    private void checkScope() throws java.io.IOException {
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return;
            }
            if (tag == FIELD1_LEN || tag == FIELD2_LEN) {
                string();
            } else if (tag == FIELD3_LEN) {
                readKeyValue();
            } else if (tag == FIELD4_VARINT) {
                in.readRawVarint32();
            } else if (!skip(tag)) {
                return;
            }
        }
    }

    /** {@code EntityRef}: four string fields. */
    private void checkEntityRef() throws java.io.IOException {
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return;
            }
            if (tag == FIELD1_LEN || tag == FIELD2_LEN || tag == FIELD3_LEN || tag == FIELD4_LEN) {
                string();
            } else if (!skip(tag)) {
                return;
            }
        }
    }

    /** {@code Span.Event}: name (2), attributes (3). */
    private void checkEvent() throws java.io.IOException {
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return;
            }
            if (tag == FIELD2_LEN) {
                string();
            } else if (tag == FIELD3_LEN) {
                readKeyValue();
            } else if (tag == FIELD4_VARINT) {
                in.readRawVarint32();
            } else if (!skip(tag)) {
                return;
            }
        }
    }

    /** {@code Span.Link}: trace_state (3), attributes (4). */
    private void checkLink() throws java.io.IOException {
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                return;
            }
            if (tag == FIELD3_LEN) {
                string();
            } else if (tag == FIELD4_LEN) {
                readKeyValue();
            } else if (tag == FIELD5_VARINT) {
                in.readRawVarint32();
            } else if (!skip(tag)) {
                return;
            }
        }
    }

    // ---------------------------------------------------------------- wire primitives

    /** The length of a message and into it, as {@code CodedInputStream.readMessage} does. */
    private int enter() throws java.io.IOException {
        int length = in.readRawVarint32();
        if (depth >= RECURSION_LIMIT) {
            throw new InvalidProtocolBufferException(TOO_DEEP);
        }
        int limit = in.pushLimit(length);
        depth++;
        return limit;
    }

    private void leave(int limit) throws InvalidProtocolBufferException {
        in.checkLastTagWas(0);
        depth--;
        if (in.getBytesUntilLimit() != 0) {
            throw new InvalidProtocolBufferException(TRUNCATED);
        }
        in.popLimit(limit);
    }

    /**
     * An unknown field (or one of a wrong wire type); false at an end-group tag. Known varint
     * fields are read, not skipped, by the callers: protobuf's varint reads accept what its skip
     * does not. Groups are held to the nesting limit that remains at this depth, as the generated
     * parser's unknown fields.
     */
    private boolean skip(int tag) throws java.io.IOException {
        int wireType = WireFormat.getTagWireType(tag);
        if (wireType == VARINT) {
            in.readRawVarint64(); // as UnknownFieldSet reads it: not quite skipRawVarint's checks
            return true;
        }
        if (wireType != WireFormat.WIRETYPE_START_GROUP) {
            return in.skipField(tag);
        }
        int limit = in.setRecursionLimit(RECURSION_LIMIT - depth);
        try {
            return in.skipField(tag);
        } finally {
            in.setRecursionLimit(limit);
        }
    }

    /** A string field that is not kept: checked for UTF-8 where it lies. */
    private void string() throws java.io.IOException {
        int length = in.readRawVarint32();
        int pos = position();
        in.skipRawBytes(length);
        checkUtf8(pos, length);
    }

    private int position() {
        return in.position();
    }

    private void checkUtf8(int pos, int length) throws InvalidProtocolBufferException {
        if (!Utf8Bytes.isValid(data, pos, length)) {
            throw new InvalidProtocolBufferException(INVALID_UTF8);
        }
    }

    private String utf8(int pos, int length) {
        return new String(data, pos, length, StandardCharsets.UTF_8);
    }

    /** The kept key the bytes spell, compared without a string. */
    private int keyOf(int pos, int length) {
        switch (length) {
            case 12:
                if (same(pos, PEER_SERVICE_KEY)) {
                    return SpanAttributes.PEER_SERVICE;
                }
                return same(pos, SERVICE_NAME_KEY) ? SERVICE_NAME : SpanAttributes.NONE;
            case 9:
                return same(pos, DB_SYSTEM_KEY) ? SpanAttributes.DB_SYSTEM : SpanAttributes.NONE;
            case 16:
                return same(pos, MESSAGING_SYSTEM_KEY)
                        ? SpanAttributes.MESSAGING_SYSTEM
                        : SpanAttributes.NONE;
            default:
                return SpanAttributes.NONE;
        }
    }

    private boolean same(int pos, byte[] key) {
        for (int i = 0; i < key.length; i++) {
            if (data[pos + i] != key[i]) {
                return false;
            }
        }
        return true;
    }

    private static int tag(int number, int wireType) {
        return (number << 3) | wireType;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
