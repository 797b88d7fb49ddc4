package io.traceassembler.ingest.format;

import com.fasterxml.jackson.core.JsonToken;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link JsonTokenizer#doubleValue()} (its exact fast path and {@link DecimalDoubles}) against
 * {@link Double#parseDouble} on the same text, bit for bit: random decimals of 1 to 20 digits with
 * every exponent, the shortest and the 17-digit forms of random doubles, and numbers exactly half
 * way between two doubles (where rounding goes to the even one).
 */
class DecimalDoublesTest {
    private final Random random = new Random(2024);
    private final JsonTokenizer tokenizer = new JsonTokenizer();

    private void assertExact(String number) throws RecordRejected {
        byte[] doc = ("[" + number + "]").getBytes(StandardCharsets.ISO_8859_1);
        tokenizer.reset(doc, 0, doc.length);
        tokenizer.nextToken();
        assertThat(tokenizer.nextToken())
                .isIn(JsonToken.VALUE_NUMBER_FLOAT, JsonToken.VALUE_NUMBER_INT);
        double expected = Double.parseDouble(number);
        double actual = tokenizer.doubleValue();
        assertThat(Double.doubleToRawLongBits(actual))
                .as("%s: %s, Double.parseDouble %s", number, actual, expected)
                .isEqualTo(Double.doubleToRawLongBits(expected));
    }

    @Test
    void randomDecimalsOfUpToTwentyDigits() throws RecordRejected {
        for (int i = 0; i < 300_000; i++) {
            StringBuilder b = new StringBuilder();
            if (random.nextInt(4) == 0) {
                b.append('-');
            }
            int digits = 1 + random.nextInt(20);
            StringBuilder d = new StringBuilder();
            d.append(1 + random.nextInt(9));
            for (int k = 1; k < digits; k++) {
                d.append(random.nextInt(10));
            }
            int point = random.nextInt(digits + 1);
            if (point == 0) {
                b.append("0.").append(random.nextBoolean() ? "000" : "").append(d);
            } else if (point == digits) {
                b.append(d).append(".0");
            } else {
                b.append(d, 0, point).append('.').append(d, point, digits);
            }
            if (random.nextInt(3) == 0) {
                int range = random.nextInt(4) == 0 ? 340 : 30;
                b.append('e').append(random.nextInt(2 * range + 1) - range);
            }
            assertExact(b.toString());
        }
    }

    @Test
    void randomDoublesInTheirShortestAndSeventeenDigitForms() throws RecordRejected {
        for (int i = 0; i < 200_000; i++) {
            double d =
                    random.nextBoolean()
                            ? Double.longBitsToDouble(random.nextLong())
                            : random.nextInt(100_000) / 1000.0 * (1 + random.nextInt(3) / 10.0);
            if (!Double.isFinite(d)) {
                continue;
            }
            assertExact(Double.toString(d).replace("E", "e"));
            assertExact(new BigDecimal(d).round(new java.math.MathContext(17)).toString());
            assertExact(new BigDecimal(d).round(new java.math.MathContext(19)).toString());
        }
        // duration_ms as the generator writes it: the sum of two millisecond doubles
        for (int i = 0; i < 100_000; i++) {
            double ms = random.nextInt(50_000) / 1000.0 - random.nextInt(50_000) / 1000.0;
            assertExact(Double.toString(Math.abs(ms)));
        }
    }

    @Test
    void numbersHalfWayBetweenTwoDoublesRoundToEven() throws RecordRejected {
        BigInteger low = BigInteger.ONE.shiftLeft(53);
        for (int i = 0; i < 100_000; i++) {
            // an odd integer of 54 bits lies half way between two doubles; so does it over 2^j
            BigInteger m =
                    low.add(BigInteger.valueOf(random.nextLong() & ((1L << 53) - 1))).setBit(0);
            int j = random.nextInt(5);
            String text = new BigDecimal(m).divide(BigDecimal.valueOf(1L << j)).toPlainString();
            assertExact(text);
            assertExact(new BigDecimal(m.subtract(BigInteger.ONE)).toPlainString());
        }
        assertExact("9007199254740993");
        assertExact("9007199254740993.0");
        assertExact("9007199254740995.0");
        assertExact("4.9e-324");
        assertExact("2.2250738585072011e-308");
        assertExact("1.7976931348623157e308");
        assertExact("1.7976931348623159e308");
        assertExact("0.0000000000000000000000001");
    }

    @Test
    void eiselLemireDecidesAlmostAlwaysAndExactly() {
        int undecided = 0;
        int n = 300_000;
        for (int i = 0; i < n; i++) {
            long w = random.nextLong() >>> random.nextInt(64);
            if (w == 0
                    || Long.compareUnsigned(w, Long.parseUnsignedLong("9999999999999999999")) > 0) {
                continue;
            }
            int q = random.nextInt(3) == 0 ? random.nextInt(600) - 290 : random.nextInt(50) - 25;
            double expected = Double.parseDouble(Long.toUnsignedString(w) + "e" + q);
            double actual = DecimalDoubles.toDouble(w, q);
            if (Double.isNaN(actual)) {
                undecided++;
            } else {
                assertThat(Double.doubleToRawLongBits(actual))
                        .as("%se%d", Long.toUnsignedString(w), q)
                        .isEqualTo(Double.doubleToRawLongBits(expected));
            }
        }
        assertThat(undecided).isLessThan(n / 100);
    }
}
