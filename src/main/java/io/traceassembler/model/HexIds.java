package io.traceassembler.model;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Trace and span ids in their usual form, lower-case hex of 32 and 16 digits (what the decoder
 * makes of OTLP's 16- and 8-byte ids, and what Zipkin and the native format carry), as {@code
 * long}s and back: the span serializer sends such ids as 8 or 16 bytes instead of 32 or 64, and the
 * assembler keys span ids by their value.
 */
public final class HexIds {
    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final byte[] DIGIT_VALUES = new byte[128];
    private static final byte[] DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    static {
        Arrays.fill(DIGIT_VALUES, (byte) -1);
        for (int i = 0; i < DIGITS.length; i++) {
            DIGIT_VALUES[DIGITS[i]] = (byte) i;
        }
    }

    private HexIds() {}

    /**
     * The value of a lower-case hex digit, -1 for any other char (so OR-ing digits flags a bad
     * one).
     */
    public static int digit(char c) {
        return c < 128 ? DIGIT_VALUES[c] : -1;
    }

    /**
     * True when every char of {@code id} is a lower-case hex digit and its length is {@code
     * length}.
     */
    public static boolean isLowerHex(String id, int length) {
        if (id == null || id.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = id.charAt(i);
            if (c >= 128 || DIGIT_VALUES[c] < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The value of the 16 hex digits from {@code offset}, which {@link #isLowerHex} has accepted.
     */
    public static long parse(String id, int offset) {
        long value = 0;
        for (int i = offset; i < offset + 16; i++) {
            value = (value << 4) | DIGIT_VALUES[id.charAt(i)];
        }
        return value;
    }

    /** 16 lower-case hex digits. */
    public static String toHex(long value) {
        byte[] chars = new byte[16];
        write(value, chars, 0);
        return new String(chars, StandardCharsets.ISO_8859_1);
    }

    /** 32 lower-case hex digits, {@code high} first. */
    public static String toHex(long high, long low) {
        byte[] chars = new byte[32];
        write(high, chars, 0);
        write(low, chars, 16);
        return new String(chars, StandardCharsets.ISO_8859_1);
    }

    /**
     * {@code length} bytes from {@code offset} as lower-case hex, two digits per byte (a binary id
     * of OTLP or Jaeger). Written as Latin-1 bytes: the string takes them as they are, with no char
     * array to compress.
     */
    public static String toHex(byte[] data, int offset, int length) {
        byte[] chars = new byte[length * 2];
        int i = 0;
        // Four bytes to eight digits at a time (the per-digit loop was 15 % of an OTLP decode).
        for (; i + 4 <= length; i += 4) {
            int at = offset + i;
            long lanes =
                    (data[at] & 0xffL)
                            | (data[at + 1] & 0xffL) << 16
                            | (data[at + 2] & 0xffL) << 32
                            | (data[at + 3] & 0xffL) << 48;
            // each byte's high nibble, then its low one: eight digit values in memory order
            long nibbles = (lanes >>> 4 & 0x000F000F000F000FL) | (lanes & 0x000F000F000F000FL) << 8;
            long letters = (nibbles + 0x0606060606060606L) >>> 4 & 0x0101010101010101L; // >= 10
            LONGS.set(chars, 2 * i, nibbles + 0x3030303030303030L + letters * ('a' - '0' - 10));
        }
        for (; i < length; i++) {
            int b = data[offset + i] & 0xff;
            chars[2 * i] = DIGITS[b >>> 4];
            chars[2 * i + 1] = DIGITS[b & 0x0f];
        }
        return new String(chars, StandardCharsets.ISO_8859_1);
    }

    private static void write(long value, byte[] chars, int offset) {
        for (int i = 15; i >= 0; i--) {
            chars[offset + i] = DIGITS[(int) (value & 0xf)];
            value >>>= 4;
        }
    }
}
