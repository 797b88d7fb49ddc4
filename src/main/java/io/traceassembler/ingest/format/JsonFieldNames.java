package io.traceassembler.ingest.format;

import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The field names a JSON reader looks for, matched against a name's UTF-8 bytes where they lie
 * ({@link JsonTokenizer#field}), eight bytes at a time, so that no string is made for a name: the
 * readers switch on the index. Immutable; each set owns a range of prediction slots that a
 * tokenizer uses to guess which of its names follows which ({@link JsonTokenizer#nextField}).
 */
final class JsonFieldNames {
    private static final VarHandle LONGS = LittleEndianWords.LONGS;

    /** Prediction slots handed out so far, over all sets. */
    private static final AtomicInteger SLOTS = new AtomicInteger();

    /** The first of this set's {@link #slots()} prediction slots. */
    final int slotBase;

    private final String[] names;

    /**
     * Per name: true when its bytes are those of a JSON string without escapes (no quote, backslash
     * or control character), so that finding them followed by a quote is finding it.
     */
    private final boolean[] plain;

    private final boolean[] ascii;

    /**
     * For {@link #lengthAt}, all in one array ({@link #STRIDE} longs per name, so that a match
     * costs few dependent loads): the name's length in bytes (-1 when not {@link #plain}), the mask
     * of its last quoted word's bytes, then its bytes and closing quote as little-endian words, the
     * last one padded with zeros.
     */
    private final long[] quoted;

    private static final int STRIDE = 8;

    /** Longest name {@link #lengthAt} finds: its words and the quote fill a stride. */
    private static final int QUOTED_MAX = (STRIDE - 2) * Long.BYTES - 1;

    private final byte[][] bytes;

    /** Each name's bytes as little-endian words, the last one padded with zeros. */
    private final long[][] words;

    /** Indexes into {@link #bytes} by length. */
    private final int[][] byLength;

    JsonFieldNames(String... names) {
        this.names = names.clone();
        this.bytes = new byte[names.length][];
        this.words = new long[names.length][];
        this.plain = new boolean[names.length];
        this.ascii = new boolean[names.length];
        this.quoted = new long[names.length * STRIDE];
        int longest = 0;
        for (int i = 0; i < names.length; i++) {
            bytes[i] = names[i].getBytes(StandardCharsets.UTF_8);
            plain[i] = Utf8Bytes.isValid(bytes[i], 0, bytes[i].length);
            ascii[i] = true;
            for (byte b : bytes[i]) {
                plain[i] &= b < 0 || (b >= 0x20 && b != '"' && b != '\\');
                ascii[i] &= b >= 0;
            }
            int base = i * STRIDE;
            if (plain[i] && bytes[i].length <= QUOTED_MAX) {
                byte[] withQuote = Arrays.copyOf(bytes[i], bytes[i].length + 1);
                withQuote[bytes[i].length] = '"';
                byte[] paddedQuoted = Arrays.copyOf(withQuote, (withQuote.length + 7) & ~7);
                int quotedWords = paddedQuoted.length / Long.BYTES;
                for (int w = 0; w < quotedWords; w++) {
                    quoted[base + 2 + w] = (long) LONGS.get(paddedQuoted, w * Long.BYTES);
                }
                int lastBytes = withQuote.length - (quotedWords - 1) * Long.BYTES;
                quoted[base] = bytes[i].length;
                quoted[base + 1] = lastBytes == Long.BYTES ? -1L : (1L << (lastBytes * 8)) - 1;
            } else {
                quoted[base] = -1; // found by the scan and indexOf instead
            }
            if (indexOf(names[i]) != i) {
                throw new IllegalArgumentException("field name twice: " + names[i]);
            }
            byte[] padded = Arrays.copyOf(bytes[i], (bytes[i].length + 7) & ~7);
            words[i] = new long[padded.length / Long.BYTES];
            for (int w = 0; w < words[i].length; w++) {
                words[i][w] = (long) LONGS.get(padded, w * Long.BYTES);
            }
            longest = Math.max(longest, bytes[i].length);
        }
        byLength = new int[longest + 1][0];
        for (int i = 0; i < names.length; i++) {
            int[] same = byLength[bytes[i].length];
            same = Arrays.copyOf(same, same.length + 1);
            same[same.length - 1] = i;
            byLength[bytes[i].length] = same;
        }
        slotBase = SLOTS.getAndAdd(slots());
    }

    /**
     * Prediction slots of this set: one after each name, one at an object's start, one after a name
     * not in the set.
     */
    int slots() {
        return names.length + 2;
    }

    /** All prediction slots handed out so far. */
    static int allSlots() {
        return SLOTS.get();
    }

    boolean isAscii(int index) {
        return ascii[index];
    }

    /**
     * The length in bytes of name {@code index} when the bytes from {@code at} (after an opening
     * quote) are that name and its closing quote, all before {@code end} (then that is the name
     * there, unescaped and valid); else -1.
     */
    int lengthAt(int index, byte[] data, int at, int end) {
        long[] q = quoted;
        int base = index * STRIDE;
        int length = (int) q[base];
        if (length < 0 || at + length >= end) {
            return -1;
        }
        int last = length >>> 3; // the word with the closing quote
        if (at + (last + 1) * Long.BYTES > data.length) {
            return isAtByBytes(bytes[index], data, at) ? length : -1;
        }
        // a word at a time, the name's closing quote with it (the last word masked); names of
        // up to 23 bytes without a loop, whose trip count would vary from name to name
        long mask = q[base + 1];
        long first = (long) LONGS.get(data, at);
        switch (last) {
            case 0:
                return (first & mask) == q[base + 2] ? length : -1;
            case 1:
                return ((first ^ q[base + 2])
                                        | (((long) LONGS.get(data, at + Long.BYTES) & mask)
                                                ^ q[base + 3]))
                                == 0
                        ? length
                        : -1;
            case 2:
                return ((first ^ q[base + 2])
                                        | ((long) LONGS.get(data, at + Long.BYTES) ^ q[base + 3])
                                        | (((long) LONGS.get(data, at + 2 * Long.BYTES) & mask)
                                                ^ q[base + 4]))
                                == 0
                        ? length
                        : -1;
            default:
                for (int k = 0; k < last; k++) {
                    if ((long) LONGS.get(data, at + k * Long.BYTES) != q[base + 2 + k]) {
                        return -1;
                    }
                }
                return ((long) LONGS.get(data, at + last * Long.BYTES) & mask) == q[base + 2 + last]
                        ? length
                        : -1;
        }
    }

    /** {@link #lengthAt} near the end of the data, where a word would reach beyond it. */
    private static boolean isAtByBytes(byte[] name, byte[] data, int at) {
        for (int i = 0; i < name.length; i++) {
            if (data[at + i] != name[i]) {
                return false;
            }
        }
        return data[at + name.length] == '"';
    }

    /** Index of the name written as {@code length} bytes of {@code data} from {@code offset}. */
    int indexOf(byte[] data, int offset, int length) {
        if (length >= byLength.length) {
            return -1;
        }
        int[] candidates = byLength[length];
        if (candidates.length == 0) {
            return -1;
        }
        int fullWords = length >>> 3;
        int rest = length & 7;
        if (offset + ((length + 7) & ~7) > data.length) {
            return indexOfByBytes(candidates, data, offset, length);
        }
        long lastMask = (1L << (rest * 8)) - 1;
        for (int index : candidates) {
            long[] name = words[index];
            int k = 0;
            while (k < fullWords && (long) LONGS.get(data, offset + k * Long.BYTES) == name[k]) {
                k++;
            }
            if (k == fullWords
                    && (rest == 0
                            || ((long) LONGS.get(data, offset + k * Long.BYTES) & lastMask)
                                    == name[k])) {
                return index;
            }
        }
        return -1;
    }

    /** Near the end of the data, where a word would reach beyond it. */
    private int indexOfByBytes(int[] candidates, byte[] data, int offset, int length) {
        for (int index : candidates) {
            byte[] name = bytes[index];
            int k = 0;
            while (k < length && data[offset + k] == name[k]) {
                k++;
            }
            if (k == length) {
                return index;
            }
        }
        return -1;
    }

    /** Index of {@code name}, or -1 (for names written with escapes). */
    int indexOf(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
