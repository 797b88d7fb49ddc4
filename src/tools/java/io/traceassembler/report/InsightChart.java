package io.traceassembler.report;

import io.traceassembler.report.ReportData.InsightLine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Insight counts per minute (by the insight's timestamp, the trace's end), one line per insight
 * type, as SVG geometry. A long time range is shown in wider buckets, so that the chart keeps at
 * most {@value #MAX_BUCKETS} points per line.
 */
final class InsightChart {
    static final int MAX_BUCKETS = 240;

    private static final long MINUTE_MS = 60_000L;
    private static final List<String> KNOWN_TYPES =
            List.of("slow_trace", "trace_errors", "high_service_count");
    private static final String[] COLOURS = {
        "#d97706", "#dc2626", "#2563eb", "#059669", "#7c3aed", "#db2777", "#0891b2", "#65a30d"
    };
    private static final double WIDTH = 960;
    private static final double HEIGHT = 240;
    private static final double LEFT = 52;
    private static final double RIGHT = 16;
    private static final double TOP = 14;
    private static final double BOTTOM = 30;

    final String width = num(WIDTH);
    final String height = num(HEIGHT);
    final String plotLeft = num(LEFT);
    final String plotRight = num(WIDTH - RIGHT);
    final String plotTop = num(TOP);
    final String plotBottom = num(HEIGHT - BOTTOM);
    final String bucketLabel;
    final List<Series> series = new ArrayList<>();
    final List<Tick> yTicks = new ArrayList<>();
    final List<Tick> xTicks = new ArrayList<>();

    static final class Series {
        final String type;
        final String colour;
        final long total;
        final String points;
        final List<Marker> markers = new ArrayList<>();

        Series(String type, String colour, long total, String points) {
            this.type = type;
            this.colour = colour;
            this.total = total;
            this.points = points;
        }
    }

    static final class Marker {
        final String x;
        final String y;
        final String title;

        Marker(double x, double y, String title) {
            this.x = num(x);
            this.y = num(y);
            this.title = title;
        }
    }

    static final class Tick {
        final String x;
        final String y;

        /** Where the tick's grid line runs (its text sits a little lower, on {@link #y}). */
        final String lineY;

        final String label;

        Tick(double x, double y, double lineY, String label) {
            this.x = num(x);
            this.y = num(y);
            this.lineY = num(lineY);
            this.label = label;
        }
    }

    /** Null when there is no insight at all. */
    static InsightChart of(Collection<InsightLine> insights) {
        return insights.isEmpty() ? null : new InsightChart(insights);
    }

    private InsightChart(Collection<InsightLine> insights) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (InsightLine insight : insights) {
            first = Math.min(first, Math.floorDiv(insight.epochMs, MINUTE_MS));
            last = Math.max(last, Math.floorDiv(insight.epochMs, MINUTE_MS));
        }
        long minutes = last - first + 1;
        long bucketMinutes = Math.max(1, (minutes + MAX_BUCKETS - 1) / MAX_BUCKETS);
        int buckets = (int) ((minutes + bucketMinutes - 1) / bucketMinutes);
        bucketLabel = bucketMinutes == 1 ? "per minute" : "per " + bucketMinutes + " minutes";

        Map<String, long[]> counts = new TreeMap<>(InsightChart::typeOrder);
        for (InsightLine insight : insights) {
            long minute = Math.floorDiv(insight.epochMs, MINUTE_MS);
            counts.computeIfAbsent(insight.type, t -> new long[buckets])[
                    (int) ((minute - first) / bucketMinutes)]++;
        }
        long highest = 1;
        for (long[] c : counts.values()) {
            for (long n : c) {
                highest = Math.max(highest, n);
            }
        }
        long yMax = niceCeiling(highest);
        double plotWidth = WIDTH - LEFT - RIGHT;
        double plotHeight = HEIGHT - TOP - BOTTOM;
        double step = buckets == 1 ? 0 : plotWidth / (buckets - 1);
        double[] xs = new double[buckets];
        for (int i = 0; i < buckets; i++) {
            xs[i] = buckets == 1 ? LEFT + plotWidth / 2 : LEFT + i * step;
        }
        int colour = 0;
        for (Map.Entry<String, long[]> entry : counts.entrySet()) {
            StringBuilder points = new StringBuilder();
            List<Marker> markers = new ArrayList<>();
            long total = 0;
            for (int i = 0; i < buckets; i++) {
                long n = entry.getValue()[i];
                total += n;
                double y = TOP + plotHeight * (1 - (double) n / yMax);
                points.append(points.length() == 0 ? "" : " ")
                        .append(num(xs[i]))
                        .append(',')
                        .append(num(y));
                if (n > 0) {
                    long start = (first + i * bucketMinutes) * MINUTE_MS;
                    markers.add(
                            new Marker(
                                    xs[i],
                                    y,
                                    entry.getKey()
                                            + ": "
                                            + Formats.count(n)
                                            + " at "
                                            + Formats.minute(start)));
                }
            }
            Series s =
                    new Series(
                            entry.getKey(),
                            COLOURS[colour++ % COLOURS.length],
                            total,
                            points.toString());
            s.markers.addAll(markers);
            series.add(s);
        }
        for (long v : new long[] {0, yMax / 2, yMax}) {
            double y = TOP + plotHeight * (1 - (double) v / yMax);
            yTicks.add(new Tick(LEFT - 6, y + 4, y, Formats.count(v)));
        }
        int labels = Math.min(buckets, 8);
        for (int k = 0; k < labels; k++) {
            int i = labels == 1 ? 0 : (int) Math.round((double) k * (buckets - 1) / (labels - 1));
            long start = (first + i * bucketMinutes) * MINUTE_MS;
            xTicks.add(
                    new Tick(
                            xs[i],
                            HEIGHT - BOTTOM + 16,
                            HEIGHT - BOTTOM,
                            bucketMinutes >= 24 * 60
                                    ? Formats.minute(start).substring(0, 10)
                                    : Formats.clock(start)));
        }
    }

    /** The contract's types first, in its order; any other type after them, by name. */
    private static int typeOrder(String a, String b) {
        int ia = KNOWN_TYPES.indexOf(a);
        int ib = KNOWN_TYPES.indexOf(b);
        ia = ia < 0 ? KNOWN_TYPES.size() : ia;
        ib = ib < 0 ? KNOWN_TYPES.size() : ib;
        return ia != ib ? Integer.compare(ia, ib) : a.compareTo(b);
    }

    /** The axis top: 2, 4 or 10 times a power of ten, at least {@code n}; its half is round too. */
    static long niceCeiling(long n) {
        long power = 1;
        while (true) {
            for (long m : new long[] {2, 4, 10}) {
                if (m * power >= n) {
                    return m * power;
                }
            }
            power *= 10;
        }
    }

    private static String num(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
