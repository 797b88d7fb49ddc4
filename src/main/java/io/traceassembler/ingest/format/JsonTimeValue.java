package io.traceassembler.ingest.format;

import com.fasterxml.jackson.core.JsonParser.NumberType;
import com.fasterxml.jackson.core.JsonToken;

import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * A JSON time or duration value as written: text, integer or floating point number; reused for
 * every span.
 */
final class JsonTimeValue {
    static final long INVALID = SpanTimes.INVALID;
    private static final int ABSENT = 0;
    private static final int TEXT = 1;
    private static final int INTEGER = 2;
    private static final int FLOAT = 3;
    private static final int OTHER = 4;

    private static final VarHandle LONGS = LittleEndianWords.LONGS;

    // The minute of the last ISO-8601 time read in place: its 16 bytes and its epoch micros.
    private long minuteFirst;
    private long minuteSecond;
    private long minuteMicros = INVALID;

    private int kind;
    private String text;
    private long longValue;
    private final JsonFloat floatValue = new JsonFloat();

    // Plain ASCII text is kept where it lies (valid while its record is read), not as a string.
    private boolean inPlace;
    private byte[] bytes;
    private int start;
    private int length;

    /** Absent; what else the last value left is overwritten when the next one is read. */
    void clear() {
        kind = ABSENT;
    }

    /** The text, made a string only when needed. */
    private String text() {
        if (inPlace) {
            text = new String(bytes, start, length, StandardCharsets.ISO_8859_1);
            inPlace = false;
        }
        return text;
    }

    boolean present() {
        return kind != ABSENT;
    }

    void read(JsonTokenizer p, JsonToken t) throws RecordRejected {
        inPlace = false;
        switch (t) {
            case VALUE_STRING:
                kind = TEXT;
                bytes = p.plainStringBytes();
                inPlace = bytes != null;
                if (inPlace) {
                    start = p.valueStart();
                    length = p.valueLength();
                    text = null;
                } else {
                    text = p.text();
                }
                break;
            case VALUE_NUMBER_INT:
                if (p.numberType() == NumberType.BIG_INTEGER) {
                    kind = TEXT; // beyond long: keep the digits, they will fail range checks
                    text = p.text();
                } else {
                    kind = INTEGER;
                    longValue = p.longValue();
                }
                break;
            case VALUE_NUMBER_FLOAT:
                kind = FLOAT;
                p.copyFloat(floatValue); // made a double only when used
                break;
            case VALUE_NULL:
                kind = ABSENT;
                break;
            default:
                kind = OTHER;
                p.skipChildren();
        }
    }

    /** Native times: ISO-8601 text (no zone = UTC) or epoch milliseconds (number or digits). */
    long toMicrosFromIsoOrMillis() {
        switch (kind) {
            case TEXT:
                long iso = inPlace ? isoInPlace() : SpanTimes.parseIsoMicros(text);
                if (iso != INVALID) {
                    return iso;
                }
                try {
                    return millisToMicros(Double.parseDouble(text()));
                } catch (NumberFormatException e) {
                    return INVALID;
                }
            case INTEGER:
                if (Math.abs(longValue) > SpanTimes.MAX_MICROS / 1000) {
                    return INVALID;
                }
                return longValue * 1000L;
            case FLOAT:
                return millisToMicros(floatValue.value());
            default:
                return INVALID;
        }
    }

    /**
     * The ISO-8601 time in place; the date, hour and minute (16 bytes) of the last one read are
     * kept: a span's times, and the next span's, mostly fall in the same minute.
     */
    private long isoInPlace() {
        if (length >= 16 && start + 16 <= bytes.length) {
            long first = (long) LONGS.get(bytes, start);
            long second = (long) LONGS.get(bytes, start + 8);
            if (first != minuteFirst || second != minuteSecond || minuteMicros == INVALID) {
                minuteMicros = SpanTimes.isoMinuteMicros(bytes, start, length);
                minuteFirst = first;
                minuteSecond = second;
                if (minuteMicros == INVALID) {
                    return INVALID;
                }
            }
            return SpanTimes.parseIsoAfterMinute(bytes, start, length, minuteMicros);
        }
        return SpanTimes.parseIsoMicros(bytes, start, length);
    }

    private static long millisToMicros(double millis) {
        if (!Double.isFinite(millis) || Math.abs(millis) > SpanTimes.MAX_MICROS / 1000) {
            return INVALID;
        }
        return Math.round(millis * 1000.0);
    }

    /**
     * Whole numbers (Zipkin micros, OTLP nanos): integer, integral float, or decimal digits in a
     * string.
     */
    long toLong() {
        switch (kind) {
            case INTEGER:
                return longValue == INVALID ? INVALID + 1 : longValue;
            case FLOAT:
                double value = floatValue.value();
                if (!Double.isFinite(value) || Math.abs(value) >= 9.0e18) {
                    return INVALID;
                }
                return (long) Math.floor(value);
            case TEXT:
                long digits = plainDigits();
                if (digits >= 0) {
                    return digits;
                }
                try {
                    return Long.parseLong(text().trim());
                } catch (NumberFormatException e) {
                    try {
                        // OTLP fixed64 as text may exceed a signed long: far beyond any sane time
                        Long.parseUnsignedLong(text().trim());
                        return Long.MAX_VALUE;
                    } catch (NumberFormatException notANumber) {
                        return INVALID;
                    }
                }
            default:
                return INVALID;
        }
    }

    /**
     * The value of 1 to 19 ASCII digits in place (OTLP's nanoseconds as text, 19 digits since
     * 2001), {@code Long.MAX_VALUE} above it as {@link #toLong} has it; else -1.
     */
    private long plainDigits() {
        if (!inPlace || length == 0 || length > 19) {
            return -1;
        }
        long value = 0;
        int i = start;
        for (; i + 8 <= start + length; i += 8) {
            int eight = AsciiDigits.eight(bytes, i);
            if (eight < 0) {
                return -1;
            }
            value = value * 100_000_000 + eight;
        }
        for (; i < start + length; i++) {
            byte c = bytes[i];
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0'); // below 2^64 as unsigned
        }
        return value < 0 ? Long.MAX_VALUE : value;
    }

    double toDouble() {
        switch (kind) {
            case INTEGER:
                return longValue;
            case FLOAT:
                return floatValue.value();
            case TEXT:
                try {
                    return Double.parseDouble(text());
                } catch (NumberFormatException e) {
                    return Double.NaN;
                }
            default:
                return Double.NaN;
        }
    }

    String describe() {
        switch (kind) {
            case TEXT:
                String t = text();
                return '"' + (t.length() > 64 ? t.substring(0, 64) + "..." : t) + '"';
            case INTEGER:
                return Long.toString(longValue);
            case FLOAT:
                return Double.toString(floatValue.value());
            default:
                return "(not a string or number)";
        }
    }
}
