package io.traceassembler.ingest.format;

import java.nio.charset.StandardCharsets;

/**
 * A JSON floating point number as {@link JsonTokenizer} read it: its significant digits collected,
 * the double made only when asked for ({@link #value()}). A native span's {@code duration_ms} is
 * seldom needed (its {@code end_time} is there too), and a quarter of the generator's durations
 * carry 16-19 digits of binary float noise, which take the slow exact path. Valid while its record
 * is read (an integer part of 19 digits is read again from the record's bytes).
 */
final class JsonFloat {
    /** Exactly representable powers of ten, for the exact fast path of {@link #value()}. */
    private static final double[] POWERS_OF_TEN = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = p;
            p *= 10;
        }
    }

    byte[] data;

    /** The number as written: {@code length} bytes of {@link #data} from {@code start}. */
    int start;

    int length;

    /** The digits of a float of up to 19 significant digits, without the decimal point. */
    long mantissa;

    boolean negative;
    int intDigits;
    int fractionDigits;
    long exponent;

    /** NaN or an infinity, written as a word ({@code NaN}, {@code -INF}, ...). */
    boolean isNonNumeric;

    double nonNumeric;

    void copyFrom(JsonFloat other) {
        data = other.data;
        start = other.start;
        length = other.length;
        mantissa = other.mantissa;
        negative = other.negative;
        intDigits = other.intDigits;
        fractionDigits = other.fractionDigits;
        exponent = other.exponent;
        isNonNumeric = other.isNonNumeric;
        nonNumeric = other.nonNumeric;
    }

    /** The double, as Jackson's {@code getDoubleValue()} rounds it. */
    double value() {
        if (isNonNumeric) {
            return nonNumeric;
        }
        int significant = intDigits + fractionDigits;
        if (significant <= 19 && Math.abs(exponent) <= 1000) {
            // up to 19 digits fit an unsigned long; the tokenizer collected them unless the
            // integer part has 19 (it keeps 18 of those)
            long digits = mantissa;
            if (intDigits > 18) {
                digits = 0;
                int i = start + (negative ? 1 : 0);
                for (int n = 0; n < significant; i++) {
                    byte b = data[i];
                    if (b != '.') {
                        digits = digits * 10 + (b - '0');
                        n++;
                    }
                }
            }
            long scale = exponent - fractionDigits;
            double value;
            if (digits == 0) {
                value = 0;
            } else if (significant <= 15 && scale >= 0 && scale < POWERS_OF_TEN.length) {
                // Exact: a mantissa below 2^53 times or divided by an exact power of ten rounds
                // once.
                value = digits * POWERS_OF_TEN[(int) scale];
            } else if (significant <= 15 && scale < 0 && -scale < POWERS_OF_TEN.length) {
                value = digits / POWERS_OF_TEN[(int) -scale];
            } else {
                value = DecimalDoubles.toDouble(digits, scale);
            }
            if (!Double.isNaN(value)) {
                return negative ? -value : value;
            }
        }
        return Double.parseDouble(new String(data, start, length, StandardCharsets.ISO_8859_1));
    }
}
