package io.traceassembler.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the report writes numbers and times: one place, so tables, labels and titles agree. */
final class Formats {
    private static final DateTimeFormatter MINUTE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SECOND =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
                    .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Formats() {}

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A ratio as a percentage: one decimal, two below 1 %, and 0 % only for none. */
    static String percent(double ratio) {
        if (ratio == 0) {
            return "0%";
        }
        double pct = ratio * 100;
        return String.format(Locale.ROOT, pct < 1 ? "%.2f%%" : "%.1f%%", pct);
    }

    static String ms(double ms) {
        if (ms >= 10_000) {
            return String.format(Locale.ROOT, "%,.0f ms", ms);
        }
        return String.format(Locale.ROOT, ms >= 100 ? "%.0f ms" : "%.1f ms", ms);
    }

    static String minute(long epochMs) {
        return MINUTE.format(Instant.ofEpochMilli(epochMs)) + " UTC";
    }

    static String second(long epochMs) {
        return SECOND.format(Instant.ofEpochMilli(epochMs));
    }

    static String clock(long epochMs) {
        return CLOCK.format(Instant.ofEpochMilli(epochMs));
    }

    /** At most {@code max} characters: longer text keeps its start and ends with an ellipsis. */
    static String shorten(String text, int max) {
        if (text.codePointCount(0, text.length()) <= max) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, max - 1)) + "\u2026";
    }
}
