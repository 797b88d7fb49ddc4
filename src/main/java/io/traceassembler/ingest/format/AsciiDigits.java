package io.traceassembler.ingest.format;

import java.lang.invoke.VarHandle;

/**
 * Eight ASCII decimal digits read as one little-endian word and combined in three multiplies
 * (Lemire's "parse_eight_digits_unrolled"), for the long digit runs of the JSON readers (OTLP's
 * 19-digit nanoseconds): a quarter of the work of a digit at a time.
 */
final class AsciiDigits {
    private static final VarHandle LONGS = LittleEndianWords.LONGS;

    private static final long ZEROS = 0x3030303030303030L;
    private static final long HIGH_NIBBLES = 0xF0F0F0F0F0F0F0F0L;
    private static final long SIXES = 0x0606060606060606L;

    private AsciiDigits() {}

    /**
     * The value of the eight bytes from {@code i} (all within {@code b}) as decimal digits, or -1
     * when one of them is not an ASCII digit.
     */
    static int eight(byte[] b, int i) {
        long w = (long) LONGS.get(b, i);
        // 0x30..0x3F in every byte, and still below 0x40 after adding 6: 0x30..0x39 (no byte
        // carries into the next once the first test holds)
        if ((w & HIGH_NIBBLES) != ZEROS || ((w + SIXES) & HIGH_NIBBLES) != ZEROS) {
            return -1;
        }
        long v = w - ZEROS; // the first digit in the lowest byte
        v = v * 10 + (v >>> 8); // pairs of digits in the low byte of every 16 bits
        v =
                ((v & 0x000000FF000000FFL) * (100 + (1_000_000L << 32))
                                + ((v >>> 16) & 0x000000FF000000FFL) * (1 + (10_000L << 32)))
                        >>> 32;
        return (int) v;
    }
}
