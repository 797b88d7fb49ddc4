package io.traceassembler.model;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Ids as hex and back, against the JDK's {@code %x} formatting. */
class HexIdsTest {

    @Test
    void bytesBecomeLowerCaseHexLikeTheJdkWritesThem() {
        Random random = new Random(3);
        for (int n = 0; n < 1_000; n++) {
            byte[] data = new byte[1 + random.nextInt(24)];
            random.nextBytes(data);
            int offset = random.nextInt(data.length);
            int length = random.nextInt(data.length - offset + 1);
            assertThat(HexIds.toHex(data, offset, length))
                    .isEqualTo(formatted(data, offset, length));
        }
        assertThat(HexIds.toHex(new byte[] {0x00, (byte) 0xff, 0x0a}, 0, 3)).isEqualTo("00ff0a");
    }

    /** Every byte value at every place of a 16-byte id (the digits are made four bytes at once). */
    @Test
    void everyByteValueAtEveryPlace() {
        for (int value = 0; value < 256; value++) {
            for (int place = 0; place < 16; place++) {
                byte[] id = new byte[17];
                id[1 + place] = (byte) value;
                id[1 + (place + 5) % 16] = (byte) (255 - value);
                assertThat(HexIds.toHex(id, 1, 16)).isEqualTo(formatted(id, 1, 16));
            }
        }
    }

    private static String formatted(byte[] data, int offset, int length) {
        StringBuilder hex = new StringBuilder();
        for (int i = offset; i < offset + length; i++) {
            hex.append(String.format("%02x", data[i] & 0xff));
        }
        return hex.toString();
    }

    @Test
    void sixteenDigitsRoundTripThroughTheirValue() {
        Random random = new Random(4);
        for (int n = 0; n < 1_000; n++) {
            long value = random.nextLong();
            String hex = HexIds.toHex(value);
            assertThat(hex).isEqualTo(String.format("%016x", value));
            assertThat(HexIds.isLowerHex(hex, 16)).isTrue();
            assertThat(HexIds.parse(hex, 0)).isEqualTo(value);
        }
        assertThat(HexIds.isLowerHex("00000000000000AB", 16)).isFalse();
        assertThat(HexIds.isLowerHex("abc", 16)).isFalse();
    }
}
