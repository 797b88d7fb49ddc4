package io.traceassembler.report;

import io.traceassembler.sink.ReplayFiles;
import io.traceassembler.sink.TraceItems;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a replay output folder holds (docs/contracts.md, sections 2, 3, 3a and 4): trace summaries,
 * insights, and, when the job wrote them, the service graph and span metrics per minute. Part files
 * whose names start with {@code .} or {@code _} (Flink's in-progress files) are skipped. A line
 * that is not a JSON object with the fields the report needs is counted and skipped, never fatal.
 */
final class ReportData {
    private static final ObjectMapper JSON = new ObjectMapper();

    final Path input;
    final Folder<TraceLine> traces;
    final Folder<InsightLine> insights;
    final Folder<EdgeLine> serviceGraph;
    final Folder<SpanMetricLine> spanMetrics;

    private ReportData(
            Path input,
            Folder<TraceLine> traces,
            Folder<InsightLine> insights,
            Folder<EdgeLine> serviceGraph,
            Folder<SpanMetricLine> spanMetrics) {
        this.input = input;
        this.traces = traces;
        this.insights = insights;
        this.serviceGraph = serviceGraph;
        this.spanMetrics = spanMetrics;
    }

    /**
     * Reads a replay output folder; fails (naming the folder) only when it is not one: no such
     * folder, or no {@code traces/} in it.
     */
    static ReportData load(Path input) throws IOException {
        if (!Files.isDirectory(input)) {
            throw new IllegalArgumentException("--input " + input + ": no such folder");
        }
        if (!Files.isDirectory(input.resolve(ReplayFiles.TRACES))) {
            throw new IllegalArgumentException(
                    "--input "
                            + input
                            + ": not a replay output folder (no "
                            + ReplayFiles.TRACES
                            + "/ in it; write one with: scripts/trace-assembler replay --output DIR)");
        }
        return new ReportData(
                input,
                Folder.read(input, ReplayFiles.TRACES, TraceLine::new),
                Folder.read(input, ReplayFiles.INSIGHTS, InsightLine::new),
                Folder.read(input, ReplayFiles.SERVICE_GRAPH, EdgeLine::new),
                Folder.read(input, ReplayFiles.SPAN_METRICS, SpanMetricLine::new));
    }

    /** The lines of one output folder, and what could not be read. */
    static final class Folder<T> {
        final String name;

        /** False when the folder does not exist (for example: a job without span metrics). */
        final boolean present;

        final List<T> lines;
        final long skippedLines;

        /** Why the first skipped line was skipped, or null. */
        final String firstProblem;

        private Folder(
                String name,
                boolean present,
                List<T> lines,
                long skippedLines,
                String firstProblem) {
            this.name = name;
            this.present = present;
            this.lines = lines;
            this.skippedLines = skippedLines;
            this.firstProblem = firstProblem;
        }

        static <T> Folder<T> read(Path input, String name, Function<JsonNode, T> parse)
                throws IOException {
            Path folder = input.resolve(name);
            if (!Files.isDirectory(folder)) {
                return new Folder<>(name, false, List.of(), 0, null);
            }
            List<T> lines = new ArrayList<>();
            long skipped = 0;
            String firstProblem = null;
            for (Path file : partFiles(folder)) {
                try (BufferedReader reader =
                        Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    String line;
                    long number = 0;
                    while ((line = reader.readLine()) != null) {
                        number++;
                        if (line.isBlank()) {
                            continue;
                        }
                        try {
                            JsonNode node = JSON.readTree(line);
                            if (node == null || !node.isObject()) {
                                throw new IllegalArgumentException("not a JSON object");
                            }
                            lines.add(parse.apply(node));
                        } catch (IOException | RuntimeException e) {
                            skipped++;
                            if (firstProblem == null) {
                                firstProblem =
                                        folder.relativize(file)
                                                + " line "
                                                + number
                                                + ": "
                                                + firstLine(e.getMessage());
                            }
                        }
                    }
                }
            }
            return new Folder<>(name, true, lines, skipped, firstProblem);
        }

        /** Files under the folder, in name order; hidden and in-progress ones left out. */
        private static List<Path> partFiles(Path folder) throws IOException {
            try (Stream<Path> files = Files.walk(folder)) {
                return files.filter(Files::isRegularFile)
                        .filter(f -> !hidden(folder.relativize(f)))
                        .sorted()
                        .collect(Collectors.toList());
            }
        }

        private static boolean hidden(Path relative) {
            for (Path part : relative) {
                String name = part.toString();
                if (name.startsWith(".") || name.startsWith("_")) {
                    return true;
                }
            }
            return false;
        }

        private static String firstLine(String message) {
            if (message == null) {
                return "unreadable";
            }
            int end = message.indexOf('\n');
            return end < 0 ? message : message.substring(0, end);
        }
    }

    /** One trace summary line (docs/contracts.md, section 2). */
    static final class TraceLine {
        final String traceId;
        final double durationMs;
        final long spanCount;
        final long serviceCount;
        final long errorCount;
        final Long startEpochMs;
        final List<String> services;
        final String rootService;
        final String rootOperation;
        final List<String> insights;
        final String rootCauseService;
        final String rootCauseOperation;
        final String bottleneckService;
        final String bottleneckOperation;
        final Double bottleneckShare;

        TraceLine(JsonNode n) {
            traceId = required(n, TraceItems.TRACE_ID).asText();
            durationMs = number(n, TraceItems.DURATION_MS);
            spanCount = (long) number(n, TraceItems.SPAN_COUNT);
            serviceCount = (long) optionalNumber(n, TraceItems.SERVICE_COUNT, 0);
            errorCount = (long) optionalNumber(n, TraceItems.ERROR_COUNT, 0);
            startEpochMs =
                    n.path(TraceItems.START_EPOCH_MS).isNumber()
                            ? n.get(TraceItems.START_EPOCH_MS).asLong()
                            : null;
            services = texts(n, TraceItems.SERVICES);
            rootService = text(n, TraceItems.ROOT_SERVICE);
            rootOperation = text(n, TraceItems.ROOT_OPERATION);
            insights = texts(n, TraceItems.INSIGHTS);
            rootCauseService = text(n, TraceItems.ROOT_CAUSE_SERVICE);
            rootCauseOperation = text(n, TraceItems.ROOT_CAUSE_OPERATION);
            bottleneckService = text(n, TraceItems.BOTTLENECK_SERVICE);
            bottleneckOperation = text(n, TraceItems.BOTTLENECK_OPERATION);
            bottleneckShare =
                    n.path(TraceItems.BOTTLENECK_SHARE).isNumber()
                            ? n.get(TraceItems.BOTTLENECK_SHARE).asDouble()
                            : null;
        }
    }

    /** One insight line (docs/contracts.md, section 3). */
    static final class InsightLine {
        final String traceId;
        final String type;
        final String severity;
        final String serviceName;
        final long epochMs;

        InsightLine(JsonNode n) {
            traceId = text(n, "trace_id");
            type = required(n, "type").asText();
            severity = text(n, "severity");
            serviceName = text(n, "service_name");
            epochMs = instant(n, "timestamp");
        }
    }

    /** One service graph line: an edge in one minute (docs/contracts.md, section 3a). */
    static final class EdgeLine {
        final long minuteEpochMs;
        final String client;
        final String server;
        final String connectionType;
        final long requests;
        final long failed;
        final double latencyMsP50;
        final double latencyMsP99;
        final double latencyMsMax;

        EdgeLine(JsonNode n) {
            minuteEpochMs = instant(n, "minute");
            client = required(n, "client").asText();
            server = required(n, "server").asText();
            String type = text(n, "connection_type");
            connectionType = type == null ? "request" : type;
            requests = (long) number(n, "requests");
            failed = (long) optionalNumber(n, "failed", 0);
            latencyMsP50 = optionalNumber(n, "latency_ms_p50", 0);
            latencyMsP99 = optionalNumber(n, "latency_ms_p99", 0);
            latencyMsMax = optionalNumber(n, "latency_ms_max", 0);
        }
    }

    /** One span metrics line: a service's operation in one minute (docs/contracts.md, 3a). */
    static final class SpanMetricLine {
        final long minuteEpochMs;
        final String service;
        final String operation;
        final long calls;
        final long errors;
        final double durationMsP50;
        final double durationMsP99;
        final double durationMsMax;

        SpanMetricLine(JsonNode n) {
            minuteEpochMs = instant(n, "minute");
            service = required(n, "service").asText();
            String op = text(n, "operation");
            operation = op == null ? "(all)" : op;
            calls = (long) number(n, "calls");
            errors = (long) optionalNumber(n, "errors", 0);
            durationMsP50 = optionalNumber(n, "duration_ms_p50", 0);
            durationMsP99 = optionalNumber(n, "duration_ms_p99", 0);
            durationMsMax = optionalNumber(n, "duration_ms_max", 0);
        }
    }

    private static JsonNode required(JsonNode n, String field) {
        JsonNode value = n.get(field);
        if (value == null || value.isNull() || value.isContainerNode()) {
            throw new IllegalArgumentException("no " + field);
        }
        return value;
    }

    private static double number(JsonNode n, String field) {
        JsonNode value = required(n, field);
        if (!value.isNumber()) {
            throw new IllegalArgumentException(field + " is not a number: " + value);
        }
        return value.asDouble();
    }

    private static double optionalNumber(JsonNode n, String field, double fallback) {
        return n.hasNonNull(field) ? number(n, field) : fallback;
    }

    private static String text(JsonNode n, String field) {
        JsonNode value = n.get(field);
        return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
    }

    private static List<String> texts(JsonNode n, String field) {
        List<String> values = new ArrayList<>();
        n.path(field).forEach(v -> values.add(v.asText()));
        return values;
    }

    /** ISO-8601 with a zone or offset, or without one: UTC (as for spans, section 1). */
    private static long instant(JsonNode n, String field) {
        String value = required(n, field).asText();
        try {
            return OffsetDateTime.parse(value).toInstant().toEpochMilli();
        } catch (DateTimeParseException withoutOffset) {
            try {
                return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(
                        String.format(
                                Locale.ROOT, "%s is not an ISO-8601 instant: %s", field, value));
            }
        }
    }
}
