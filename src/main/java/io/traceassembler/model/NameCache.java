package io.traceassembler.model;

import org.apache.flink.core.memory.DataInputView;

import java.io.IOException;

/**
 * Reads strings in Flink's {@code StringValue} encoding (what {@code StringValue.writeString}
 * writes) and returns one instance per distinct short string: service, operation and peer names
 * repeat across millions of spans, so the receiving side of the shuffle allocates no new {@code
 * String} for them, the traces in state share them (fewer objects for the garbage collector to
 * copy), and a name lookup in a trace is mostly an identity comparison. Bounded: at most {@link
 * #CAPACITY} names of up to {@link #MAX_CACHED_LENGTH} chars are kept; others are read as new
 * strings, exactly as {@code StringValue.readString} would.
 *
 * <p>Not thread-safe: one per serializer instance (a serializer holding one must {@code
 * duplicate()} to a new instance).
 */
public final class NameCache {
    static final int CAPACITY = 4096;
    static final int MAX_CACHED_LENGTH = 256;

    /** Open addressing, twice the capacity so that probes stay short. */
    private final String[] table = new String[CAPACITY * 2];

    private int size;
    private char[] chars = new char[64];

    /** As {@code StringValue.readString}: null for the null encoding. */
    public String read(DataInputView in) throws IOException {
        int len = readVarLength(in);
        if (len == 0) {
            return null;
        }
        len -= 1; // the encoding offsets the length by one: 0 is null
        if (len > chars.length) {
            chars = new char[Math.max(len, chars.length * 2)];
        }
        char[] data = chars;
        int hash = 0;
        for (int i = 0; i < len; i++) {
            int c = in.readUnsignedByte();
            if (c >= 0x80) {
                c = readVarChar(in, c);
            }
            data[i] = (char) c;
            hash = 31 * hash + (char) c; // String.hashCode's
        }
        if (len > MAX_CACHED_LENGTH) {
            return new String(data, 0, len);
        }
        int mask = table.length - 1;
        int slot = mix(hash) & mask;
        for (String s = table[slot]; s != null; s = table[slot]) {
            if (s.hashCode() == hash && equals(s, data, len)) {
                return s;
            }
            slot = (slot + 1) & mask;
        }
        String s = new String(data, 0, len);
        if (size < CAPACITY) {
            s.hashCode(); // computed once, kept by the String
            table[slot] = s;
            size++;
        }
        return s;
    }

    private static int readVarLength(DataInputView in) throws IOException {
        int len = in.readUnsignedByte();
        if (len >= 0x80) {
            len = readVarChar(in, len);
        }
        return len;
    }

    /** The rest of a value of 7-bit groups, low first, whose first byte had the high bit set. */
    private static int readVarChar(DataInputView in, int first) throws IOException {
        int value = first & 0x7f;
        int shift = 7;
        int curr;
        while ((curr = in.readUnsignedByte()) >= 0x80) {
            value |= (curr & 0x7f) << shift;
            shift += 7;
        }
        return value | curr << shift;
    }

    private static boolean equals(String s, char[] data, int len) {
        if (s.length() != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (s.charAt(i) != data[i]) {
                return false;
            }
        }
        return true;
    }

    /** Spreads the hash's high bits, as HashMap does. */
    private static int mix(int hash) {
        return hash ^ (hash >>> 16);
    }
}
