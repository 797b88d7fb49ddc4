package io.traceassembler.ingest.format;

import com.fasterxml.jackson.core.JsonParser.NumberType;
import com.fasterxml.jackson.core.JsonToken;

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

    private int kind;
    private String text;
    private long longValue;
    private double doubleValue;

    void clear() {
        kind = ABSENT;
        text = null;
    }

    boolean present() {
        return kind != ABSENT;
    }

    void read(JsonTokenizer p, JsonToken t) throws RecordRejected {
        switch (t) {
            case VALUE_STRING:
                kind = TEXT;
                text = p.text();
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
                doubleValue = p.doubleValue();
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
                long iso = SpanTimes.parseIsoMicros(text);
                if (iso != INVALID) {
                    return iso;
                }
                try {
                    return millisToMicros(Double.parseDouble(text));
                } catch (NumberFormatException e) {
                    return INVALID;
                }
            case INTEGER:
                if (Math.abs(longValue) > SpanTimes.MAX_MICROS / 1000) {
                    return INVALID;
                }
                return longValue * 1000L;
            case FLOAT:
                return millisToMicros(doubleValue);
            default:
                return INVALID;
        }
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
                if (!Double.isFinite(doubleValue) || Math.abs(doubleValue) >= 9.0e18) {
                    return INVALID;
                }
                return (long) Math.floor(doubleValue);
            case TEXT:
                try {
                    return Long.parseLong(text.trim());
                } catch (NumberFormatException e) {
                    try {
                        // OTLP fixed64 as text may exceed a signed long: far beyond any sane time
                        Long.parseUnsignedLong(text.trim());
                        return Long.MAX_VALUE;
                    } catch (NumberFormatException notANumber) {
                        return INVALID;
                    }
                }
            default:
                return INVALID;
        }
    }

    double toDouble() {
        switch (kind) {
            case INTEGER:
                return longValue;
            case FLOAT:
                return doubleValue;
            case TEXT:
                try {
                    return Double.parseDouble(text);
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
                return '"' + (text.length() > 64 ? text.substring(0, 64) + "..." : text) + '"';
            case INTEGER:
                return Long.toString(longValue);
            case FLOAT:
                return Double.toString(doubleValue);
            default:
                return "(not a string or number)";
        }
    }
}
