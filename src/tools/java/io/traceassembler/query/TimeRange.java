package io.traceassembler.query;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The window of trace start times a query covers, from {@code --since} or {@code --from}/{@code
 * --to}: epoch milliseconds, both ends inclusive (DynamoDB's {@code BETWEEN}).
 */
final class TimeRange {
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern DURATION = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");

    final long fromMillis;
    final long toMillis;

    TimeRange(long fromMillis, long toMillis) {
        this.fromMillis = fromMillis;
        this.toMillis = toMillis;
    }

    /** Every start time: neither {@code --since} nor {@code --from}/{@code --to} given. */
    static TimeRange all() {
        return new TimeRange(0, Long.MAX_VALUE);
    }

    /**
     * {@code --since D}: from now minus D on; {@code --from T}: from T on; {@code --to T}: up to T;
     * none: every start time. {@code --since} with {@code --from} or {@code --to} is a mistake.
     */
    static TimeRange parse(String since, String from, String to, Instant now) {
        if (since != null) {
            if (from != null || to != null) {
                throw new QueryException(
                        "--since counts back from now and excludes --from/--to: give either --since D"
                                + " or --from T [--to T]");
            }
            Duration back = parseDuration(since, "--since");
            return new TimeRange(Math.max(0, now.minus(back).toEpochMilli()), Long.MAX_VALUE);
        }
        long fromMillis = from == null ? 0 : parseInstant(from, "--from").toEpochMilli();
        long toMillis = to == null ? Long.MAX_VALUE : parseInstant(to, "--to").toEpochMilli();
        if (fromMillis > toMillis) {
            throw new QueryException("--from " + from + " is after --to " + to);
        }
        return new TimeRange(fromMillis, toMillis);
    }

    /**
     * {@code 30m}, {@code 1h}, {@code 2d}, {@code 1h30m}, {@code 90s}, {@code 500ms}, or ISO-8601
     * {@code PT1H}; positive.
     */
    static Duration parseDuration(String text, String flag) {
        String compact = text.replace(" ", "").toLowerCase(Locale.ROOT);
        Duration duration = null;
        if (DURATION.matcher(compact).matches()) {
            duration = Duration.ZERO;
            Matcher part = DURATION_PART.matcher(compact);
            while (part.find()) {
                duration = duration.plus(unit(Long.parseLong(part.group(1)), part.group(2)));
            }
        } else if (compact.startsWith("p")) {
            try {
                duration = Duration.parse(text.trim());
            } catch (DateTimeException e) {
                duration = null;
            }
        }
        if (duration == null) {
            throw new QueryException(
                    flag
                            + " '"
                            + text
                            + "' is not a duration: use e.g. 30m, 1h, 2d, 1h30m (units ms, s, m, h, d)"
                            + " or ISO-8601 PT1H");
        }
        if (duration.isZero() || duration.isNegative()) {
            throw new QueryException(flag + " '" + text + "' must be longer than zero");
        }
        return duration;
    }

    /**
     * An ISO-8601 instant ({@code 2026-01-05T10:00:00Z}), with an offset ({@code
     * 2026-01-05T12:00:00+02:00}), or a date ({@code 2026-01-05}, its start in UTC).
     */
    static Instant parseInstant(String text, String flag) {
        String trimmed = text.trim();
        try {
            return OffsetDateTime.parse(trimmed).toInstant();
        } catch (DateTimeException notAnOffsetDateTime) {
            try {
                return LocalDate.parse(trimmed).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeException notADate) {
                throw new QueryException(
                        flag
                                + " '"
                                + text
                                + "' is not an ISO-8601 time: use e.g. 2026-01-05T10:00:00Z,"
                                + " 2026-01-05T12:00:00+02:00 or 2026-01-05 (UTC)");
            }
        }
    }

    private static Duration unit(long amount, String unit) {
        switch (unit) {
            case "ms":
                return Duration.ofMillis(amount);
            case "s":
                return Duration.ofSeconds(amount);
            case "m":
                return Duration.ofMinutes(amount);
            case "h":
                return Duration.ofHours(amount);
            default:
                return Duration.ofDays(amount);
        }
    }

    boolean isEverything() {
        return fromMillis == 0 && toMillis == Long.MAX_VALUE;
    }

    @Override
    public String toString() {
        if (isEverything()) {
            return "any time";
        }
        String from =
                fromMillis == 0 ? "the beginning" : Instant.ofEpochMilli(fromMillis).toString();
        String to = toMillis == Long.MAX_VALUE ? "now" : Instant.ofEpochMilli(toMillis).toString();
        return "from " + from + " to " + to;
    }
}
