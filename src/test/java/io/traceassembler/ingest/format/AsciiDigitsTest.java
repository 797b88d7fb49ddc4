package io.traceassembler.ingest.format;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link AsciiDigits#eight} against reading the eight bytes one at a time. */
class AsciiDigitsTest {
    /** The reference: a digit at a time, -1 for any other byte. */
    private static int byByte(byte[] b, int i) {
        int value = 0;
        for (int k = i; k < i + 8; k++) {
            if (b[k] < '0' || b[k] > '9') {
                return -1;
            }
            value = value * 10 + (b[k] - '0');
        }
        return value;
    }

    @Test
    void everyByteValueInEveryPositionOfDigits() {
        Random random = new Random(7);
        byte[] b = new byte[11];
        for (int position = 0; position < 8; position++) {
            for (int value = 0; value < 256; value++) {
                for (int offset = 0; offset < 3; offset++) {
                    for (int k = 0; k < b.length; k++) {
                        b[k] = (byte) ('0' + random.nextInt(10));
                    }
                    b[offset + position] = (byte) value;
                    assertThat(AsciiDigits.eight(b, offset))
                            .as("byte 0x%02x at %d", value, position)
                            .isEqualTo(byByte(b, offset));
                }
            }
        }
    }

    @Test
    void randomDigitsAndNearDigits() {
        Random random = new Random(11);
        byte[] near = {'/', ':', '.', '-', ' ', 0, (byte) 0xB0, (byte) 0xB9, 0x3A, 0x3F};
        byte[] b = new byte[16];
        for (int i = 0; i < 200_000; i++) {
            for (int k = 0; k < b.length; k++) {
                b[k] =
                        random.nextInt(40) == 0
                                ? near[random.nextInt(near.length)]
                                : (byte) ('0' + random.nextInt(10));
            }
            int offset = random.nextInt(9);
            assertThat(AsciiDigits.eight(b, offset)).isEqualTo(byByte(b, offset));
        }
    }

    @Test
    void extremes() {
        assertThat(AsciiDigits.eight("00000000".getBytes(), 0)).isZero();
        assertThat(AsciiDigits.eight("99999999".getBytes(), 0)).isEqualTo(99_999_999);
        assertThat(AsciiDigits.eight("12345678".getBytes(), 0)).isEqualTo(12_345_678);
        assertThat(AsciiDigits.eight("x00000001".getBytes(), 1)).isEqualTo(1);
    }
}
