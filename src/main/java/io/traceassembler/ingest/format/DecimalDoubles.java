package io.traceassembler.ingest.format;

import java.math.BigInteger;

/**
 * A decimal {@code w × 10^q} (w up to 19 digits) to the nearest double, rounding half to even as
 * {@link Double#parseDouble} does, without a string: the Eisel-Lemire algorithm (Lemire, "Number
 * Parsing at a Gigabyte per Second", 2021, as in fast_float). Needed because the JSON of native
 * spans carries doubles such as {@code 4.734999999999999} (17 digits), beyond the exact fast path
 * of {@link JsonTokenizer}. Where the algorithm cannot decide (subnormals, a possible tie it cannot
 * settle, exponents outside its table) it answers NaN and the caller falls back to {@link
 * Double#parseDouble}.
 */
final class DecimalDoubles {
    private static final int SMALLEST_POWER = -342;
    private static final int LARGEST_POWER = 308;

    /**
     * The 128 most significant bits of 5^q for q from {@link #SMALLEST_POWER} (high and low word in
     * turn), as fast_float's table: truncated for q >= 0, rounded up for q < 0.
     */
    private static final long[] POWERS_OF_FIVE = new long[2 * (LARGEST_POWER - SMALLEST_POWER + 1)];

    static {
        BigInteger two128 = BigInteger.ONE.shiftLeft(128);
        BigInteger two127 = BigInteger.ONE.shiftLeft(127);
        BigInteger five = BigInteger.valueOf(5);
        for (int q = SMALLEST_POWER; q <= LARGEST_POWER; q++) {
            BigInteger c;
            if (q < 0) {
                BigInteger power = five.pow(-q);
                int z = power.bitLength(); // 2^(z-1) < 5^-q < 2^z
                int b = q >= -27 ? z + 127 : 2 * z + 128;
                c = BigInteger.ONE.shiftLeft(b).divide(power).add(BigInteger.ONE);
                while (c.compareTo(two128) >= 0) {
                    c = c.shiftRight(1);
                }
            } else {
                c = five.pow(q);
                while (c.compareTo(two127) < 0) {
                    c = c.shiftLeft(1);
                }
                while (c.compareTo(two128) >= 0) {
                    c = c.shiftRight(1);
                }
            }
            int index = 2 * (q - SMALLEST_POWER);
            POWERS_OF_FIVE[index] = c.shiftRight(64).longValue();
            POWERS_OF_FIVE[index + 1] = c.longValue();
        }
    }

    private DecimalDoubles() {}

    /**
     * The double nearest to {@code w × 10^q}, {@code w} read as unsigned and not zero; NaN when
     * this method cannot tell (the caller parses the text instead).
     */
    static double toDouble(long w, long q) {
        if (q < SMALLEST_POWER || q > LARGEST_POWER || w == 0) {
            return Double.NaN;
        }
        int lz = Long.numberOfLeadingZeros(w);
        w <<= lz;
        int index = 2 * ((int) q - SMALLEST_POWER);
        long high = unsignedMultiplyHigh(w, POWERS_OF_FIVE[index]);
        long low = w * POWERS_OF_FIVE[index];
        if ((high & 0x1FF) == 0x1FF) {
            // the 64-bit product may be short by one in the bits that decide: take 128 bits
            long secondHigh = unsignedMultiplyHigh(w, POWERS_OF_FIVE[index + 1]);
            low += secondHigh;
            if (Long.compareUnsigned(secondHigh, low) > 0) {
                high++;
            }
            if (low == -1L && (high & 0x1FF) == 0x1FF) {
                return Double.NaN; // still undecided (never happens, proven since; cheap to keep)
            }
        }
        int upperBit = (int) (high >>> 63);
        int shift = upperBit + 64 - 52 - 3;
        long mantissa = high >>> shift;
        int power2 = (int) (((152170 + 65536) * q) >> 16) + 63 + upperBit - lz + 1023;
        if (power2 <= 0) {
            return Double.NaN; // subnormal
        }
        if (Long.compareUnsigned(low, 1) <= 0 && q >= -4 && q <= 23 && (mantissa & 3) == 1) {
            // exactly half way between two doubles: round to even, that is down
            if ((mantissa << shift) == high) {
                mantissa &= ~1L;
            }
        }
        mantissa += mantissa & 1; // round up
        mantissa >>>= 1;
        if (mantissa >= (2L << 52)) {
            mantissa = 1L << 52;
            power2++;
        }
        mantissa &= ~(1L << 52);
        if (power2 >= 0x7FF) {
            return Double.POSITIVE_INFINITY;
        }
        return Double.longBitsToDouble(mantissa | ((long) power2 << 52));
    }

    /** The high 64 bits of the unsigned 128-bit product (Math.unsignedMultiplyHigh is Java 18). */
    private static long unsignedMultiplyHigh(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }
}
