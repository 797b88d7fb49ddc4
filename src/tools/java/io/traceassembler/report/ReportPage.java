package io.traceassembler.report;

import io.traceassembler.report.ReportData.Folder;
import io.traceassembler.report.ReportData.TraceLine;
import io.traceassembler.sink.ReplayFiles;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Everything the page template shows, worked out and formatted: the template only places it (and
 * Mustache escapes every value). Built from a {@link ReportData}.
 */
public final class ReportPage {
    /** Operations listed per service in the span RED table. */
    static final int TOP_OPERATIONS = 3;

    /** Rows of each trace table unless {@code --limit} says otherwise. */
    public static final int DEFAULT_LIMIT = 20;

    final String input;
    final String generatedAt;
    final List<Fact> totals = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    final MapView map;
    final String mapMissing;
    final TraceTable slowest;
    final TraceTable errors;
    final InsightChart chart;
    final String chartMissing;
    final List<ServiceRow> red = new ArrayList<>();
    final String redMissing;

    /** For the template: whether there is a note, a span RED row. */
    final boolean hasNotes;

    final boolean hasRed;

    static final class Fact {
        final String label;
        final String value;

        Fact(String label, String value) {
            this.label = label;
            this.value = value;
        }
    }

    ReportPage(ReportData data, int limit, Instant generatedAt) {
        this.input = data.input.toString();
        this.generatedAt = Formats.second(generatedAt.toEpochMilli()) + " UTC";
        List<TraceLine> traces = data.traces.lines;
        addTotals(data, traces);
        for (Folder<?> folder :
                List.of(data.traces, data.insights, data.serviceGraph, data.spanMetrics)) {
            if (folder.skippedLines > 0) {
                notes.add(
                        folder.name
                                + "/: "
                                + Formats.count(folder.skippedLines)
                                + " unreadable lines skipped (first: "
                                + folder.firstProblem
                                + ")");
            }
        }

        Map<String, SpanRed.Service> services = SpanRed.of(data.spanMetrics.lines);
        if (data.serviceGraph.present) {
            Set<String> known = new TreeSet<>(services.keySet());
            traces.forEach(t -> known.addAll(t.services));
            ServiceMap serviceMap = ServiceMap.of(data.serviceGraph.lines, known);
            map = new MapView(ServiceMapLayout.layout(serviceMap), services);
            mapMissing = serviceMap.edges.isEmpty() ? "The service graph has no edges." : null;
        } else {
            map = null;
            mapMissing = missing(data, ReplayFiles.SERVICE_GRAPH, "service graph");
        }

        slowest =
                new TraceTable(
                        "Slowest traces",
                        traces,
                        traces.stream()
                                .sorted(
                                        Comparator.comparingDouble((TraceLine t) -> -t.durationMs)
                                                .thenComparing(t -> t.traceId)),
                        limit,
                        "No traces.");
        List<TraceLine> failed =
                traces.stream().filter(t -> t.errorCount > 0).collect(Collectors.toList());
        errors =
                new TraceTable(
                        "Error traces",
                        failed,
                        failed.stream()
                                .sorted(
                                        Comparator.comparingLong((TraceLine t) -> -t.errorCount)
                                                .thenComparingDouble(t -> -t.durationMs)
                                                .thenComparing(t -> t.traceId)),
                        limit,
                        "No trace has an error span.");

        chart = InsightChart.of(data.insights.lines);
        chartMissing =
                !data.insights.present
                        ? missing(data, ReplayFiles.INSIGHTS, "insights")
                        : chart == null ? "No insights." : null;

        services.values().forEach(s -> red.add(new ServiceRow(s)));
        redMissing =
                data.spanMetrics.present
                        ? (red.isEmpty() ? "No span metrics." : null)
                        : missing(data, ReplayFiles.SPAN_METRICS, "span metrics");
        hasNotes = !notes.isEmpty();
        hasRed = !red.isEmpty();
    }

    private static String missing(ReportData data, String folder, String what) {
        return "No "
                + what
                + " in this replay output: "
                + data.input.resolve(folder)
                + "/ does not exist (a job that did not write "
                + what
                + ").";
    }

    private void addTotals(ReportData data, List<TraceLine> traces) {
        totals.add(new Fact("traces", Formats.count(traces.size())));
        totals.add(
                new Fact(
                        "spans", Formats.count(traces.stream().mapToLong(t -> t.spanCount).sum())));
        totals.add(
                new Fact(
                        "error traces",
                        Formats.count(traces.stream().filter(t -> t.errorCount > 0).count())));
        Set<String> services = new TreeSet<>();
        traces.forEach(t -> services.addAll(t.services));
        totals.add(new Fact("services", Formats.count(services.size())));
        double[] durations = traces.stream().mapToDouble(t -> t.durationMs).sorted().toArray();
        if (durations.length > 0) {
            totals.add(new Fact("trace p50", Formats.ms(percentile(durations, 0.50))));
            totals.add(new Fact("trace p99", Formats.ms(percentile(durations, 0.99))));
        }
        long first =
                traces.stream()
                        .filter(t -> t.startEpochMs != null)
                        .mapToLong(t -> t.startEpochMs)
                        .min()
                        .orElse(Long.MIN_VALUE);
        long last =
                traces.stream()
                        .filter(t -> t.startEpochMs != null)
                        .mapToLong(t -> t.startEpochMs)
                        .max()
                        .orElse(Long.MIN_VALUE);
        if (first != Long.MIN_VALUE) {
            totals.add(
                    new Fact(
                            "traces started",
                            Formats.minute(first) + " \u2013 " + Formats.minute(last)));
        }
        data.insights.lines.stream()
                .collect(
                        Collectors.groupingBy(
                                i -> i.type, java.util.TreeMap::new, Collectors.counting()))
                .forEach((type, n) -> totals.add(new Fact(type, Formats.count(n))));
    }

    /** Nearest rank on sorted values. */
    static double percentile(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static final class TraceTable {
        final String title;
        final String note;
        final List<TraceRow> rows;
        final boolean hasRows;
        final String empty;

        TraceTable(
                String title,
                List<TraceLine> all,
                java.util.stream.Stream<TraceLine> ordered,
                int limit,
                String empty) {
            this.title = title;
            this.rows = ordered.limit(limit).map(TraceRow::new).collect(Collectors.toList());
            this.note =
                    all.isEmpty()
                            ? null
                            : rows.size() < all.size()
                                    ? "the first "
                                            + Formats.count(rows.size())
                                            + " of "
                                            + Formats.count(all.size())
                                    : "all " + Formats.count(all.size());
            this.hasRows = !rows.isEmpty();
            this.empty = rows.isEmpty() ? empty : null;
        }
    }

    static final class TraceRow {
        final String traceId;
        final String started;
        final String rootService;
        final String rootOperation;
        final String duration;
        final String spans;
        final String services;
        final String errors;
        final boolean hasErrors;
        final String bottleneckService;
        final String bottleneckOperation;
        final String bottleneckShare;
        final String rootCauseService;
        final String rootCauseOperation;
        final List<String> insights;

        TraceRow(TraceLine t) {
            traceId = t.traceId;
            started = t.startEpochMs == null ? "" : Formats.second(t.startEpochMs);
            rootService = t.rootService == null ? "(no root span)" : t.rootService;
            rootOperation = t.rootOperation;
            duration = Formats.ms(t.durationMs);
            spans = Formats.count(t.spanCount);
            services = Formats.count(t.serviceCount);
            errors = Formats.count(t.errorCount);
            hasErrors = t.errorCount > 0;
            bottleneckService = t.bottleneckService;
            bottleneckOperation = t.bottleneckOperation;
            bottleneckShare = t.bottleneckShare == null ? null : Formats.percent(t.bottleneckShare);
            rootCauseService = t.rootCauseService;
            rootCauseOperation = t.rootCauseOperation;
            insights = t.insights;
        }
    }

    static final class ServiceRow {
        final String service;
        final String calls;
        final String errors;
        final String errorRate;
        final boolean hasErrors;
        final String p50;
        final String p99;
        final String max;
        final List<OperationRow> operations = new ArrayList<>();

        ServiceRow(SpanRed.Service s) {
            service = s.name;
            calls = Formats.count(s.calls);
            errors = Formats.count(s.errors);
            errorRate = Formats.percent(s.errorRate());
            hasErrors = s.errors > 0;
            p50 = Formats.ms(s.worstMinuteP50Ms);
            p99 = Formats.ms(s.worstMinuteP99Ms);
            max = Formats.ms(s.maxMs);
            s.topOperations(TOP_OPERATIONS).forEach(o -> operations.add(new OperationRow(o)));
        }
    }

    static final class OperationRow {
        final String name;
        final String summary;

        OperationRow(SpanRed.Operation o) {
            name = o.name;
            summary =
                    String.join(
                            ", ",
                            Arrays.asList(
                                    Formats.count(o.calls) + " calls",
                                    Formats.percent(o.errorRate()) + " errors",
                                    "p99 " + Formats.ms(o.worstMinuteP99Ms)));
        }
    }
}
