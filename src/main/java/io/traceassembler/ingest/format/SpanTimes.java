package io.traceassembler.ingest.format;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Span times as the readers need them: the accepted range, ISO-8601 parsing for native spans, unit
 * conversions, and the form a time takes in a dead-letter reason. Times are epoch microseconds.
 */
public final class SpanTimes {
    /** Returned by parsers for a value that is not a time. */
    public static final long INVALID = Long.MIN_VALUE;

    static final long MIN_MICROS = 0L; // 1970-01-01T00:00Z
    static final long MAX_MICROS = LocalDate.of(2500, 1, 1).toEpochDay() * 86_400L * 1_000_000L;

    private SpanTimes() {}

    /** True for a time in the accepted years 1970 to 2499. */
    static boolean inRange(long micros) {
        return micros >= MIN_MICROS && micros < MAX_MICROS;
    }

    /** Nanoseconds (unsigned fixed64 on the wire) to microseconds, rounding down. */
    static long nanosToMicros(long nanos) {
        return nanos < 0 ? Long.MAX_VALUE : nanos / 1000; // above 2^63 ns is absurd anyway
    }

    /**
     * Seconds and nanoseconds (google.protobuf Timestamp or Duration) to microseconds, rounding
     * down; far beyond the accepted range saturates instead of overflowing.
     */
    static long secondsAndNanosToMicros(long seconds, long nanos) {
        long limit = MAX_MICROS / 1_000_000L + 1;
        if (seconds > limit) {
            return Long.MAX_VALUE;
        }
        if (seconds < -limit) {
            return -Long.MAX_VALUE;
        }
        return seconds * 1_000_000L + Math.floorDiv(nanos, 1000L);
    }

    /** A time for a dead-letter reason: ISO-8601, or the raw number when not representable. */
    static String formatMicros(long micros) {
        try {
            return Instant.ofEpochSecond(
                            Math.floorDiv(micros, 1_000_000L),
                            Math.floorMod(micros, 1_000_000L) * 1000L)
                    .toString();
        } catch (DateTimeException e) {
            return micros + " µs";
        }
    }

    /**
     * Parses {@code yyyy-MM-ddTHH:mm[:ss[.fraction]][Z|±HH[:mm]]} (Python's {@code isoformat()} and
     * RFC 3339) to epoch microseconds; no zone means UTC; digits beyond microseconds are truncated.
     * Hand-written because it runs for every native span.
     */
    public static long parseIsoMicros(CharSequence s) {
        int n = s.length();
        if (n < 16 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(13) != ':') {
            return INVALID;
        }
        char separator = s.charAt(10);
        if (separator != 'T' && separator != 't' && separator != ' ') {
            return INVALID;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        if (year < 0
                || month < 0
                || day < 0
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59) {
            return INVALID;
        }
        int pos = 16;
        int second = 0;
        long fractionMicros = 0;
        if (pos < n && s.charAt(pos) == ':') {
            second = digits(s, pos + 1, 2);
            if (second < 0 || second > 59) {
                return INVALID;
            }
            pos += 3;
            if (pos < n && (s.charAt(pos) == '.' || s.charAt(pos) == ',')) {
                pos++;
                int fractionStart = pos;
                long scale = 100_000;
                while (pos < n && Character.isDigit(s.charAt(pos))) {
                    fractionMicros += (s.charAt(pos) - '0') * scale;
                    scale /= 10;
                    pos++;
                }
                if (pos == fractionStart) {
                    return INVALID;
                }
            }
        }
        int offsetSeconds = 0;
        if (pos < n) {
            char zone = s.charAt(pos);
            if ((zone == 'Z' || zone == 'z') && pos + 1 == n) {
                pos++;
            } else if (zone == '+' || zone == '-') {
                int rest = n - pos - 1;
                int offsetHours = digits(s, pos + 1, 2);
                int offsetMinutes = 0;
                if (rest == 5 && s.charAt(pos + 3) == ':') {
                    offsetMinutes = digits(s, pos + 4, 2);
                } else if (rest == 4) {
                    offsetMinutes = digits(s, pos + 3, 2);
                } else if (rest != 2) {
                    return INVALID;
                }
                if (offsetHours < 0
                        || offsetHours > 18
                        || offsetMinutes < 0
                        || offsetMinutes > 59) {
                    return INVALID;
                }
                offsetSeconds = (zone == '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
                pos = n;
            } else {
                return INVALID;
            }
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return INVALID;
        }
        long epochSecond =
                epochDay * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
        return epochSecond * 1_000_000L + fractionMicros;
    }

    private static int digits(CharSequence s, int from, int count) {
        if (from + count > s.length()) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
