package io.traceassembler.ingest.format;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;

import java.lang.invoke.VarHandle;

/**
 * The protobuf wire primitives {@link OtlpProtoReader} needs, over a byte array, with the behaviour
 * of protobuf-java's array {@code CodedInputStream} (the one {@code TracesData.parseFrom(byte[])}
 * reads with): the same methods, the same limits (varints of at most ten bytes, nested lengths
 * within the enclosing one, groups held to the recursion limit) and the same exception messages, so
 * that a record is accepted or rejected exactly as the generated parser does (the reader's tests
 * compare both on random and mutated records). Why not {@code CodedInputStream} itself: its
 * indirections (limits recomputed on every push and pop, virtual calls, a position relative to its
 * start) were two fifths of the reader's time in the profile.
 *
 * <p>{@link #end} is the effective end: the smaller of the pushed limit and the end of the data.
 */
final class ProtoWire {
    static final String TRUNCATED =
            "While parsing a protocol message, the input ended unexpectedly in the middle of a"
                    + " field.  This could mean either that the input has been truncated or that an"
                    + " embedded message misreported its own length.";
    static final String TOO_DEEP =
            "Protocol message had too many levels of nesting.  May be malicious.  Use"
                    + " setRecursionLimit() to increase the recursion depth limit.";
    private static final String NEGATIVE_SIZE =
            "CodedInputStream encountered an embedded string or message which claimed to have"
                    + " negative size.";
    private static final String MALFORMED_VARINT =
            "CodedInputStream encountered a malformed varint.";
    private static final String INVALID_TAG = "Protocol message contained an invalid tag (zero).";
    private static final String INVALID_END_TAG =
            "Protocol message end-group tag did not match expected tag.";
    private static final String INVALID_WIRE_TYPE = "Protocol message tag had invalid wire type.";
    private static final String PARSE_FAILURE = "Failed to parse the message.";

    private static final int MAX_VARINT_BYTES = 10;

    /** Protobuf's fixed64 is little-endian. */
    private static final VarHandle LITTLE_ENDIAN_LONGS = LittleEndianWords.LONGS;

    private final byte[] data;
    private final int start;
    private final int dataEnd;

    /** Current position, absolute in {@link #data}. */
    private int pos;

    /** Effective end, absolute: min(limit, end of data). */
    private int end;

    /** The current limit, relative to {@link #start} (as protobuf keeps it). */
    private int currentLimit;

    private int lastTag;
    private int recursionLimit = 100;
    private int groupDepth;

    ProtoWire(byte[] data, int offset, int length) {
        this.data = data;
        this.start = offset;
        this.pos = offset;
        this.dataEnd = offset + length;
        this.currentLimit = length;
        this.end = dataEnd;
    }

    /** Position in {@link #data} (absolute, unlike {@link #getTotalBytesRead}). */
    int position() {
        return pos;
    }

    int getTotalBytesRead() {
        return pos - start;
    }

    boolean isAtEnd() {
        return pos == end;
    }

    /** The next tag, 0 at the end of the data or of the current limit. */
    int readTag() throws InvalidProtocolBufferException {
        if (pos == end) {
            lastTag = 0;
            return 0;
        }
        lastTag = readRawVarint32();
        if (WireFormat.getTagFieldNumber(lastTag) == 0) {
            throw new InvalidProtocolBufferException(INVALID_TAG);
        }
        return lastTag;
    }

    void checkLastTagWas(int value) throws InvalidProtocolBufferException {
        if (lastTag != value) {
            throw new InvalidProtocolBufferException(INVALID_END_TAG);
        }
    }

    int readRawVarint32() throws InvalidProtocolBufferException {
        int p = pos;
        if (p != end) {
            int b = data[p];
            if (b >= 0) {
                pos = p + 1;
                return b;
            }
        }
        return (int) readRawVarint64SlowPath(); // protobuf's 32-bit fast path reads the same
    }

    int readEnum() throws InvalidProtocolBufferException {
        return readRawVarint32();
    }

    /**
     * protobuf's fast path, transcribed from {@code CodedInputStream.ArrayDecoder.readRawVarint64}
     * (protobuf-java 4.35.1, BSD-3-Clause) because its tenth-byte check is not the slow path's:
     * with ten bytes left before the limit it accepts some varints whose tenth byte still has its
     * continuation bit set, which the generated parser therefore accepts too.
     */
    long readRawVarint64() throws InvalidProtocolBufferException {
        fastpath:
        {
            int tempPos = pos;
            if (end == tempPos) {
                break fastpath;
            }
            final byte[] buffer = data;
            long x;
            int y;
            if ((y = buffer[tempPos++]) >= 0) {
                pos = tempPos;
                return y;
            } else if (end - tempPos < 9) {
                break fastpath;
            } else if ((y ^= (buffer[tempPos++] << 7)) < 0) {
                x = y ^ (~0 << 7);
            } else if ((y ^= (buffer[tempPos++] << 14)) >= 0) {
                x = y ^ ((~0 << 7) ^ (~0 << 14));
            } else if ((y ^= (buffer[tempPos++] << 21)) < 0) {
                x = y ^ ((~0 << 7) ^ (~0 << 14) ^ (~0 << 21));
            } else if ((x = y ^ ((long) buffer[tempPos++] << 28)) >= 0L) {
                x ^= (~0L << 7) ^ (~0L << 14) ^ (~0L << 21) ^ (~0L << 28);
            } else if ((x ^= ((long) buffer[tempPos++] << 35)) < 0L) {
                x ^= (~0L << 7) ^ (~0L << 14) ^ (~0L << 21) ^ (~0L << 28) ^ (~0L << 35);
            } else if ((x ^= ((long) buffer[tempPos++] << 42)) >= 0L) {
                x ^=
                        (~0L << 7)
                                ^ (~0L << 14)
                                ^ (~0L << 21)
                                ^ (~0L << 28)
                                ^ (~0L << 35)
                                ^ (~0L << 42);
            } else if ((x ^= ((long) buffer[tempPos++] << 49)) < 0L) {
                x ^=
                        (~0L << 7)
                                ^ (~0L << 14)
                                ^ (~0L << 21)
                                ^ (~0L << 28)
                                ^ (~0L << 35)
                                ^ (~0L << 42)
                                ^ (~0L << 49);
            } else if ((x ^= ((long) buffer[tempPos++] << 56)) >= 0L) {
                x ^=
                        (~0L << 7)
                                ^ (~0L << 14)
                                ^ (~0L << 21)
                                ^ (~0L << 28)
                                ^ (~0L << 35)
                                ^ (~0L << 42)
                                ^ (~0L << 49)
                                ^ (~0L << 56);
            } else if ((x ^= ((long) buffer[tempPos++] << 63)) >= 0L) {
                x ^=
                        (~0L << 7)
                                ^ (~0L << 14)
                                ^ (~0L << 21)
                                ^ (~0L << 28)
                                ^ (~0L << 35)
                                ^ (~0L << 42)
                                ^ (~0L << 49)
                                ^ (~0L << 56)
                                ^ (~0L << 63);
            } else {
                break fastpath; // the slow path throws (or reads it, as protobuf does)
            }
            pos = tempPos;
            return x;
        }
        return readRawVarint64SlowPath();
    }

    /** Up to ten bytes, the last without its continuation bit; the 32-bit reads end here too. */
    private long readRawVarint64SlowPath() throws InvalidProtocolBufferException {
        long result = 0;
        int p = pos;
        for (int shift = 0; shift < 64; shift += 7) {
            if (p == end) {
                throw new InvalidProtocolBufferException(TRUNCATED);
            }
            byte b = data[p++];
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                pos = p;
                return result;
            }
        }
        throw new InvalidProtocolBufferException(MALFORMED_VARINT);
    }

    long readFixed64() throws InvalidProtocolBufferException {
        int p = pos;
        if (end - p < 8) {
            throw new InvalidProtocolBufferException(TRUNCATED);
        }
        pos = p + 8;
        return (long) LITTLE_ENDIAN_LONGS.get(data, p); // one load, not eight
    }

    void skipRawBytes(int length) throws InvalidProtocolBufferException {
        if (length >= 0 && length <= end - pos) {
            pos += length;
            return;
        }
        throw new InvalidProtocolBufferException(length < 0 ? NEGATIVE_SIZE : TRUNCATED);
    }

    /** Limits reads to the next {@code byteLimit} bytes; returns the limit to pop back to. */
    int pushLimit(int byteLimit) throws InvalidProtocolBufferException {
        if (byteLimit < 0) {
            throw new InvalidProtocolBufferException(NEGATIVE_SIZE);
        }
        byteLimit += getTotalBytesRead();
        if (byteLimit < 0) {
            throw new InvalidProtocolBufferException(PARSE_FAILURE);
        }
        int oldLimit = currentLimit;
        if (byteLimit > oldLimit) {
            throw new InvalidProtocolBufferException(TRUNCATED);
        }
        currentLimit = byteLimit;
        end = Math.min(dataEnd, start + byteLimit);
        return oldLimit;
    }

    void popLimit(int oldLimit) {
        currentLimit = oldLimit;
        end = Math.min(dataEnd, start + oldLimit);
    }

    int getBytesUntilLimit() {
        return currentLimit - getTotalBytesRead();
    }

    /** Sets how many groups deep {@link #skipField} may go; returns the previous limit. */
    int setRecursionLimit(int limit) {
        int old = recursionLimit;
        recursionLimit = limit;
        return old;
    }

    /**
     * Skips the field of {@code tag}; false at an end-group tag inside a group (outside one, an
     * end-group tag is an error), as protobuf 4's {@code skipField}.
     */
    boolean skipField(int tag) throws InvalidProtocolBufferException {
        switch (WireFormat.getTagWireType(tag)) {
            case WireFormat.WIRETYPE_VARINT:
                skipRawVarint();
                return true;
            case WireFormat.WIRETYPE_FIXED64:
                skipRawBytes(8);
                return true;
            case WireFormat.WIRETYPE_LENGTH_DELIMITED:
                skipRawBytes(readRawVarint32());
                return true;
            case WireFormat.WIRETYPE_START_GROUP:
                skipMessage();
                checkLastTagWas(
                        WireFormat.getTagFieldNumber(tag) << 3 | WireFormat.WIRETYPE_END_GROUP);
                return true;
            case WireFormat.WIRETYPE_END_GROUP:
                if (groupDepth == 0) {
                    checkLastTagWas(0);
                }
                return false;
            case WireFormat.WIRETYPE_FIXED32:
                skipRawBytes(4);
                return true;
            default:
                throw new InvalidProtocolBufferException(INVALID_WIRE_TYPE);
        }
    }

    /**
     * Each field of a skipped group counts one level towards the recursion limit, as in protobuf.
     */
    private void skipMessage() throws InvalidProtocolBufferException {
        while (true) {
            int tag = readTag();
            if (tag == 0) {
                return;
            }
            if (groupDepth >= recursionLimit) {
                throw new InvalidProtocolBufferException(TOO_DEEP);
            }
            groupDepth++;
            boolean skipped = skipField(tag);
            groupDepth--;
            if (!skipped) {
                return;
            }
        }
    }

    private void skipRawVarint() throws InvalidProtocolBufferException {
        for (int i = 0; i < MAX_VARINT_BYTES; i++) {
            if (pos == end) {
                throw new InvalidProtocolBufferException(TRUNCATED);
            }
            if (data[pos++] >= 0) {
                return;
            }
        }
        throw new InvalidProtocolBufferException(MALFORMED_VARINT);
    }
}
