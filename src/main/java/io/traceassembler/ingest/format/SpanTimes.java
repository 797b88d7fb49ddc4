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
     * Every character of such a time is ASCII: the text is read as its bytes ({@link
     * #parseIsoMicros(byte[], int, int)}).
     */
    public static long parseIsoMicros(CharSequence s) {
        int n = s.length();
        byte[] ascii = new byte[n];
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                return INVALID;
            }
            ascii[i] = (byte) c;
        }
        return parseIsoMicros(ascii, 0, n);
    }

    /**
     * {@link #parseIsoMicros(CharSequence)} of {@code n} ASCII bytes from {@code off} (a JSON
     * string where it lies). Hand-written, on the bytes and without java.time, because it runs for
     * every native span.
     */
    static long parseIsoMicros(byte[] s, int off, int n) {
        long minute = isoMinuteMicros(s, off, n);
        return minute == INVALID ? INVALID : parseIsoAfterMinute(s, off, n, minute);
    }

    /**
     * The epoch microseconds of the first 16 bytes, {@code yyyy-MM-ddTHH:mm} (no zone), of an
     * ISO-8601 time of {@code n} bytes from {@code off}; INVALID when they are not such a minute. A
     * function of those 16 bytes alone, so that a reader may keep it for the next time of the same
     * minute ({@link #parseIsoAfterMinute}).
     */
    static long isoMinuteMicros(byte[] s, int off, int n) {
        if (n < 16 || s[off + 4] != '-' || s[off + 7] != '-' || s[off + 13] != ':') {
            return INVALID;
        }
        byte separator = s[off + 10];
        if (separator != 'T' && separator != 't' && separator != ' ') {
            return INVALID;
        }
        int end = off + n;
        int year = digits(s, off, 4, end);
        int month = digits(s, off + 5, 2, end);
        int day = digits(s, off + 8, 2, end);
        int hour = digits(s, off + 11, 2, end);
        int minute = digits(s, off + 14, 2, end);
        if (year < 0
                || month < 1
                || month > 12
                || day < 1
                || day > daysInMonth(year, month)
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59) {
            return INVALID;
        }
        return (epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L) * 1_000_000L;
    }

    /**
     * {@link #parseIsoMicros(byte[], int, int)} of a time whose first 16 bytes are the minute
     * {@code minuteMicros} ({@link #isoMinuteMicros}): the seconds, fraction and zone after it.
     */
    static long parseIsoAfterMinute(byte[] s, int off, int n, long minuteMicros) {
        int end = off + n;
        int pos = off + 16;
        int second = 0;
        long fractionMicros = 0;
        if (pos < end && s[pos] == ':') {
            second = digits(s, pos + 1, 2, end);
            if (second < 0 || second > 59) {
                return INVALID;
            }
            pos += 3;
            if (pos < end && (s[pos] == '.' || s[pos] == ',')) {
                pos++;
                int fractionStart = pos;
                long scale = 100_000;
                while (pos < end && s[pos] >= '0' && s[pos] <= '9') {
                    fractionMicros += (s[pos] - '0') * scale;
                    scale /= 10;
                    pos++;
                }
                if (pos == fractionStart) {
                    return INVALID;
                }
            }
        }
        int offsetSeconds = 0;
        if (pos < end) {
            byte zone = s[pos];
            if ((zone == 'Z' || zone == 'z') && pos + 1 == end) {
                pos++;
            } else if (zone == '+' || zone == '-') {
                int rest = end - pos - 1;
                int offsetHours = digits(s, pos + 1, 2, end);
                int offsetMinutes = 0;
                if (rest == 5 && s[pos + 3] == ':') {
                    offsetMinutes = digits(s, pos + 4, 2, end);
                } else if (rest == 4) {
                    offsetMinutes = digits(s, pos + 3, 2, end);
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
                pos = end;
            } else {
                return INVALID;
            }
        }
        return minuteMicros + (second - (long) offsetSeconds) * 1_000_000L + fractionMicros;
    }

    private static int daysInMonth(int year, int month) {
        if (month == 2) {
            boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            return leap ? 29 : 28;
        }
        return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
    }

    /** Days since 1970-01-01 of a valid proleptic Gregorian date (as LocalDate.toEpochDay). */
    private static long epochDay(int year, int month, int day) {
        // Howard Hinnant's days_from_civil: years that begin in March, so February comes last
        int y = month <= 2 ? year - 1 : year;
        int era = Math.floorDiv(y, 400);
        int yearOfEra = y - era * 400;
        int dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468L;
    }

    private static int digits(byte[] s, int from, int count, int end) {
        if (from + count > end) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < from + count; i++) {
            byte c = s[i];
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
