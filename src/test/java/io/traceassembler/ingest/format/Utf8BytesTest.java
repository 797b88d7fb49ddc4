package io.traceassembler.ingest.format;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The UTF-8 check against the JDK's strict decoder (which rejects what protobuf rejects). */
class Utf8BytesTest {

    private static boolean jdkAccepts(byte[] b, int offset, int length) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b, offset, length));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Test
    void knownGoodAndBadSequences() {
        assertThat(valid("service-name.example/with/a/long/ascii/path")).isTrue();
        assertThat(valid("caf\u00e9 \u6f22\u5b57 \ud83d\ude00")).isTrue();
        assertThat(Utf8Bytes.isValid(new byte[] {(byte) 0xC0, (byte) 0x80}, 0, 2)).isFalse();
        assertThat(Utf8Bytes.isValid(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, 0, 3))
                .isFalse(); // a surrogate
        assertThat(
                        Utf8Bytes.isValid(
                                new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                                0,
                                4))
                .isFalse(); // above U+10FFFF
        // a bad byte after a whole word of ASCII, and a truncated sequence at the very end
        byte[] badAfterAWord = bytes("abcdefgh!", 9);
        badAfterAWord[8] = (byte) 0xFF;
        assertThat(Utf8Bytes.isValid(badAfterAWord, 0, 9)).isFalse();
        assertThat(Utf8Bytes.isValid(bytes("abcdefgh\u00e9", 10), 0, 10)).isTrue();
        assertThat(Utf8Bytes.isValid(bytes("abcdefghij\u00e9", 11), 0, 11)).isFalse();
    }

    /**
     * Mostly ASCII with a non-ASCII byte at every position relative to the eight-byte words, at
     * offsets into a larger array, as protobuf strings lie inside a record.
     */
    @Test
    void agreesWithTheJdkOnRandomMostlyAsciiBytes() {
        Random random = new Random(7);
        byte[] specials = {
            (byte) 0x80, (byte) 0xBF, (byte) 0xC2, (byte) 0xC3, (byte) 0xE0, (byte) 0xED,
            (byte) 0xEF, (byte) 0xF0, (byte) 0xF4, (byte) 0xF5, (byte) 0xFF, (byte) 0xA9
        };
        int rejected = 0;
        for (int n = 0; n < 50_000; n++) {
            byte[] b = new byte[1 + random.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (0x20 + random.nextInt(0x5f));
            }
            int nonAscii = random.nextInt(3);
            for (int k = 0; k < nonAscii; k++) {
                b[random.nextInt(b.length)] = specials[random.nextInt(specials.length)];
            }
            if (random.nextInt(4) == 0) {
                byte[] encoded = "\u00e9\u6f22\ud83d\ude00".getBytes(StandardCharsets.UTF_8);
                int at = random.nextInt(b.length);
                System.arraycopy(
                        encoded, 0, b, at, Math.min(encoded.length, b.length - at)); // maybe cut
            }
            int offset = random.nextInt(b.length);
            int length = random.nextInt(b.length - offset + 1);
            boolean expected = jdkAccepts(b, offset, length);
            rejected += expected ? 0 : 1;
            assertThat(Utf8Bytes.isValid(b, offset, length))
                    .as("bytes %s from %d, %d long", java.util.Arrays.toString(b), offset, length)
                    .isEqualTo(expected);
        }
        assertThat(rejected).isBetween(5_000, 45_000); // both verdicts were exercised
    }

    /**
     * Every length around the word size at every offset, with non-ASCII bytes right after the
     * string (a masked or overlapping word must not see them) and a bad byte at each place in it.
     */
    @Test
    void everyPlaceOfABadByteAroundTheWordBoundaries() {
        for (int length = 0; length <= 25; length++) {
            for (int offset = 0; offset <= 9; offset++) {
                for (int after : new int[] {0, 1, 7, 8, 9}) {
                    byte[] b = new byte[offset + length + after];
                    java.util.Arrays.fill(b, (byte) 0xFF);
                    for (int i = 0; i < length; i++) {
                        b[offset + i] = (byte) ('a' + i);
                    }
                    assertThat(Utf8Bytes.isValid(b, offset, length))
                            .as("ASCII of %d from %d, %d bytes after", length, offset, after)
                            .isTrue();
                    for (int bad = 0; bad < length; bad++) {
                        for (byte value : new byte[] {(byte) 0x80, (byte) 0xC3, (byte) 0xFF}) {
                            b[offset + bad] = value;
                            assertThat(Utf8Bytes.isValid(b, offset, length))
                                    .as("%02x at %d of %d from %d", value, bad, length, offset)
                                    .isEqualTo(jdkAccepts(b, offset, length));
                        }
                        b[offset + bad] = (byte) ('a' + bad);
                    }
                }
            }
        }
    }

    private static boolean valid(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return Utf8Bytes.isValid(b, 0, b.length);
    }

    private static byte[] bytes(String text, int length) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(b, length);
    }
}
