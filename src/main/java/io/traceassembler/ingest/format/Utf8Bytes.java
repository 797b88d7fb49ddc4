package io.traceassembler.ingest.format;

import java.lang.invoke.VarHandle;

/**
 * Well-formed UTF-8 as protobuf requires it of a proto3 {@code string} (no overlong forms, no
 * surrogates, nothing above U+10FFFF), checked where the bytes lie, without decoding them.
 */
final class Utf8Bytes {
    /**
     * Eight bytes at a time, little-endian so that a mask of the low bytes keeps the first ones
     * (only their high bits are looked at).
     */
    private static final VarHandle LONGS = LittleEndianWords.LONGS;

    private static final long HIGH_BITS = 0x8080808080808080L;

    private Utf8Bytes() {}

    static boolean isValid(byte[] b, int offset, int length) {
        int end = offset + length;
        // ASCII, the common case, a word at a time without a byte loop for the rest: the last word
        // overlaps the one before, and a string shorter than a word is one masked word
        if (length >= Long.BYTES) {
            int last = end - Long.BYTES;
            int i = offset;
            while (i < last) {
                if (((long) LONGS.get(b, i) & HIGH_BITS) != 0) {
                    return isValidFrom(b, i, end);
                }
                i += Long.BYTES;
            }
            if (((long) LONGS.get(b, last) & HIGH_BITS) == 0) {
                return true;
            }
            return isValidFrom(b, i, end); // the bytes before i are ASCII
        }
        if (b.length - offset >= Long.BYTES) {
            long firstBytes = (1L << (length << 3)) - 1; // length < 8
            if (((long) LONGS.get(b, offset) & firstBytes & HIGH_BITS) == 0) {
                return true;
            }
        }
        return isValidFrom(b, offset, end);
    }

    /** From {@code i}, which starts a character. */
    private static boolean isValidFrom(byte[] b, int i, int end) {
        while (i < end && b[i] >= 0) {
            i++; // ASCII, the common case
        }
        while (i < end) {
            int c = b[i++];
            if (c >= 0) {
                continue;
            }
            c &= 0xff;
            if (c < 0xC2) {
                return false; // a continuation byte, or an overlong 2-byte form
            }
            if (c < 0xE0) {
                if (i >= end || !continuation(b[i++])) {
                    return false;
                }
            } else if (c < 0xF0) {
                if (i + 1 >= end) {
                    return false;
                }
                int c1 = b[i++] & 0xff;
                if (!continuation((byte) c1)
                        || (c == 0xE0 && c1 < 0xA0) // overlong
                        || (c == 0xED && c1 >= 0xA0) // a surrogate
                        || !continuation(b[i++])) {
                    return false;
                }
            } else if (c < 0xF5) {
                if (i + 2 >= end) {
                    return false;
                }
                int c1 = b[i++] & 0xff;
                if (!continuation((byte) c1)
                        || (c == 0xF0 && c1 < 0x90) // overlong
                        || (c == 0xF4 && c1 >= 0x90) // above U+10FFFF
                        || !continuation(b[i++])
                        || !continuation(b[i++])) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return true;
    }

    private static boolean continuation(byte b) {
        return (b & 0xC0) == 0x80;
    }
}
