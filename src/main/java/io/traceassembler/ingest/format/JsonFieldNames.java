package io.traceassembler.ingest.format;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The field names a JSON reader looks for, matched against a name's UTF-8 bytes where they lie
 * ({@link JsonTokenizer#field}), so that no string is made for a name: the readers switch on the
 * index.
 */
final class JsonFieldNames {
    private final String[] names;
    private final byte[][] bytes;

    /** Indexes into {@link #bytes} by length. */
    private final int[][] byLength;

    JsonFieldNames(String... names) {
        this.names = names.clone();
        this.bytes = new byte[names.length][];
        int longest = 0;
        for (int i = 0; i < names.length; i++) {
            bytes[i] = names[i].getBytes(StandardCharsets.UTF_8);
            longest = Math.max(longest, bytes[i].length);
        }
        byLength = new int[longest + 1][0];
        for (int i = 0; i < names.length; i++) {
            int[] same = byLength[bytes[i].length];
            same = Arrays.copyOf(same, same.length + 1);
            same[same.length - 1] = i;
            byLength[bytes[i].length] = same;
        }
    }

    /** Index of the name written as {@code length} bytes of {@code data} from {@code offset}. */
    int indexOf(byte[] data, int offset, int length) {
        if (length >= byLength.length) {
            return -1;
        }
        for (int index : byLength[length]) {
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
