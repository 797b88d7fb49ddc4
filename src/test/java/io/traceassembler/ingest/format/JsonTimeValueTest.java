package io.traceassembler.ingest.format;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link JsonTimeValue} on sequences of ISO-8601 times read one after another into the same value
 * (as a reader does, span after span), so that its kept minute is hit, missed, and kept while
 * invalid: each result against java.time, and OTLP's nanoseconds in place against {@link
 * Long#parseLong}.
 */
class JsonTimeValueTest {
    private final JsonTokenizer tokenizer = new JsonTokenizer();
    private final JsonTimeValue value = new JsonTimeValue();

    /** The reference: java.time, no zone = UTC, digits beyond microseconds truncated. */
    private static long reference(String text) {
        try {
            OffsetDateTime time;
            if (text.endsWith("Z") || text.matches(".*[+-]\\d\\d:\\d\\d$")) {
                time = OffsetDateTime.parse(text);
            } else {
                time = LocalDateTime.parse(text).atOffset(ZoneOffset.UTC);
            }
            return ChronoUnit.MICROS.between(OffsetDateTime.parse("1970-01-01T00:00:00Z"), time);
        } catch (DateTimeParseException e) {
            return JsonTimeValue.INVALID;
        }
    }

    private List<Long> readAll(List<String> texts, boolean iso) throws RecordRejected {
        StringBuilder doc = new StringBuilder("[");
        for (String t : texts) {
            doc.append(doc.length() > 1 ? "," : "").append('"').append(t).append('"');
        }
        byte[] bytes = doc.append(']').toString().getBytes(StandardCharsets.UTF_8);
        tokenizer.reset(bytes, 0, bytes.length);
        tokenizer.nextToken();
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            value.clear();
            value.read(tokenizer, tokenizer.nextToken());
            out.add(iso ? value.toMicrosFromIsoOrMillis() : value.toLong());
        }
        return out;
    }

    @Test
    void isoTimesOfTheSameAndOtherMinutes() throws RecordRejected {
        List<String> texts =
                List.of(
                        "2025-01-01T00:00:00.002102",
                        "2025-01-01T00:00:00.003458",
                        "2025-01-01T00:00:59.999999",
                        "2025-01-01T00:01:00",
                        "2025-01-01T00:01:00Z",
                        "2025-01-01T00:01:00+02:00",
                        "2025-01-01T00:01:30.5-05:30",
                        "2025-02-30T00:01:00", // no such day: invalid, twice
                        "2025-02-30T00:01:00",
                        "2025-02-28T00:01:00",
                        "2024-02-29T23:59:59.123456",
                        "2024-02-29T23:59:61", // bad second in a kept minute
                        "2024-02-29T23:59:59.123456",
                        "1970-01-01T00:00:00",
                        "2499-12-31T23:59:59.999999");
        List<Long> actual = readAll(texts, true);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(actual.get(i)).as(texts.get(i)).isEqualTo(reference(texts.get(i)));
        }
    }

    @Test
    void randomIsoTimesInFewMinutes() throws RecordRejected {
        Random random = new Random(5);
        List<String> texts = new ArrayList<>();
        LocalDateTime base = LocalDateTime.parse("2025-06-30T23:58:00");
        for (int i = 0; i < 5_000; i++) {
            LocalDateTime t = base.plusNanos(random.nextInt(240_000_000) * 1000L);
            String text = t.toString();
            if (text.length() == 16) {
                text += ":00";
            }
            if (!text.contains(".")) {
                text += random.nextBoolean() ? ".000000" : "";
            }
            texts.add(random.nextInt(10) == 0 ? text + "Z" : text);
        }
        List<Long> actual = readAll(texts, true);
        for (int i = 0; i < texts.size(); i++) {
            assertThat(actual.get(i)).as(texts.get(i)).isEqualTo(reference(texts.get(i)));
        }
    }

    @Test
    void nanosecondDigitsInPlace() throws RecordRejected {
        Random random = new Random(3);
        List<String> texts = new ArrayList<>();
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            long nanos = 1_735_689_600_000_000_000L + (random.nextLong() >>> 20);
            String text = Long.toString(random.nextInt(4) == 0 ? nanos % 1_000_000_000L : nanos);
            if (random.nextInt(20) == 0) { // a non-digit somewhere
                int at = random.nextInt(text.length());
                text =
                        text.substring(0, at)
                                + "x/:".charAt(random.nextInt(3))
                                + text.substring(at + 1);
            }
            texts.add(text);
            long parsed;
            try {
                parsed = Long.parseLong(text);
            } catch (NumberFormatException e) {
                parsed = JsonTimeValue.INVALID;
            }
            expected.add(parsed);
        }
        texts.add("18446744073709551615"); // 20 digits: beyond a long, as unsigned
        expected.add(Long.MAX_VALUE);
        texts.add("9999999999999999999"); // 19 digits above Long.MAX_VALUE
        expected.add(Long.MAX_VALUE);
        assertThat(readAll(texts, false)).isEqualTo(expected);
    }

    @Test
    void floatsReadBeforeOtherNumbersKeepTheirOwnValue() throws RecordRejected {
        // the double is made when asked for, after the tokenizer has read other numbers
        String[] floats = {
            "1.356", "-0.5e3", "1.3559999999999999", "12345678901234567890.5", "NaN"
        };
        double[] expected = {1.356, -500.0, 1.3559999999999999, 12345678901234567890.5, Double.NaN};
        StringBuilder doc = new StringBuilder("[");
        for (String f : floats) {
            doc.append(doc.length() > 1 ? "," : "").append(f);
        }
        byte[] bytes = doc.append(",7,2.25,-1e-300]").toString().getBytes(StandardCharsets.UTF_8);
        tokenizer.reset(bytes, 0, bytes.length);
        tokenizer.nextToken();
        List<JsonTimeValue> values = new ArrayList<>();
        for (int i = 0; i < floats.length; i++) {
            JsonTimeValue v = new JsonTimeValue();
            v.read(tokenizer, tokenizer.nextToken());
            values.add(v);
        }
        while (tokenizer.nextToken() != com.fasterxml.jackson.core.JsonToken.END_ARRAY) {
            tokenizer.doubleValue(); // the tokenizer's own float, read and made a double
        }
        for (int i = 0; i < floats.length; i++) {
            assertThat(Double.doubleToLongBits(values.get(i).toDouble()))
                    .as(floats[i])
                    .isEqualTo(Double.doubleToLongBits(expected[i]));
        }
        assertThat(values.get(0).toMicrosFromIsoOrMillis()).isEqualTo(1356L);
    }
}
