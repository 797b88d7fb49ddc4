package io.traceassembler.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A small replay output folder written by hand, in the line shapes of TraceItems.toJsonLine and
 * JsonLines (docs/contracts.md, sections 2, 3 and 3a): four traces of a frontend, a checkout and a
 * payments service between 10:00 and 10:02 UTC, the edges and span metrics of those minutes, and
 * their insights. The tests work out what the report shows of it.
 */
final class ReplayOutputFixtures {
    static final String SLOW =
            "{\"trace_id\":\"t-slow\",\"start_time\":\"2026-01-05T10:00:10.000Z\","
                    + "\"end_time\":\"2026-01-05T10:00:17.200Z\",\"start_epoch_ms\":1767607210000,"
                    + "\"end_epoch_ms\":1767607217200,\"duration_ms\":7200.5,\"span_count\":12,"
                    + "\"service_count\":3,\"error_count\":0,"
                    + "\"services\":[\"checkout\",\"frontend\",\"payments\"],"
                    + "\"root_service\":\"frontend\",\"root_operation\":\"GET /checkout\","
                    + "\"insights\":[\"slow_trace\"],\"has_root\":true,\"orphan_span_count\":0,"
                    + "\"truncated\":false,\"revision\":1,\"expires_at\":1768212017,"
                    + "\"critical_path\":{\"checkout\":1000.2,\"frontend\":1736.4,\"payments\":4463.9},"
                    + "\"bottleneck_service\":\"payments\",\"bottleneck_operation\":\"charge\","
                    + "\"bottleneck_share\":0.62,\"primary_insight\":\"slow_trace\"}";

    static final String ERROR =
            "{\"trace_id\":\"t-err\",\"start_time\":\"2026-01-05T10:01:05.000Z\","
                    + "\"end_time\":\"2026-01-05T10:01:05.830Z\",\"start_epoch_ms\":1767607265000,"
                    + "\"end_epoch_ms\":1767607265830,\"duration_ms\":830.25,\"span_count\":6,"
                    + "\"service_count\":3,\"error_count\":2,"
                    + "\"services\":[\"checkout\",\"frontend\",\"payments\"],"
                    + "\"root_service\":\"frontend\",\"root_operation\":\"GET /checkout\","
                    + "\"insights\":[\"trace_errors\"],\"has_root\":true,\"orphan_span_count\":0,"
                    + "\"truncated\":false,\"revision\":1,\"expires_at\":1768212065,"
                    + "\"root_cause_service\":\"payments\",\"root_cause_operation\":\"charge\","
                    + "\"root_cause_span_id\":\"s5\","
                    + "\"critical_path\":{\"checkout\":415.125,\"frontend\":207.5,\"payments\":207.625},"
                    + "\"bottleneck_service\":\"checkout\",\"bottleneck_operation\":\"place-order\","
                    + "\"bottleneck_share\":0.5,\"primary_insight\":\"trace_errors\"}";

    static final String OK =
            "{\"trace_id\":\"t-ok\",\"start_time\":\"2026-01-05T10:01:30.000Z\","
                    + "\"end_time\":\"2026-01-05T10:01:30.120Z\",\"start_epoch_ms\":1767607290000,"
                    + "\"end_epoch_ms\":1767607290120,\"duration_ms\":120,\"span_count\":4,"
                    + "\"service_count\":2,\"error_count\":0,\"services\":[\"checkout\",\"frontend\"],"
                    + "\"root_service\":\"frontend\",\"root_operation\":\"GET /\",\"has_root\":true,"
                    + "\"orphan_span_count\":0,\"truncated\":false,\"revision\":1,"
                    + "\"expires_at\":1768212090}";

    /** No root span arrived: no root, no critical path, no bottleneck. */
    static final String ERROR_WITHOUT_ROOT =
            "{\"trace_id\":\"t-err2\",\"start_time\":\"2026-01-05T10:02:00.000Z\","
                    + "\"end_time\":\"2026-01-05T10:02:00.095Z\",\"start_epoch_ms\":1767607320000,"
                    + "\"end_epoch_ms\":1767607320095,\"duration_ms\":95.5,\"span_count\":3,"
                    + "\"service_count\":2,\"error_count\":1,\"services\":[\"checkout\",\"frontend\"],"
                    + "\"insights\":[\"trace_errors\"],\"has_root\":false,\"orphan_span_count\":1,"
                    + "\"truncated\":false,\"revision\":2,\"expires_at\":1768212120,"
                    + "\"root_cause_service\":\"checkout\",\"root_cause_operation\":\"reserve\","
                    + "\"root_cause_span_id\":\"s9\",\"primary_insight\":\"trace_errors\"}";

    static final List<String> SERVICE_GRAPH =
            List.of(
                    edge("10:00", "frontend", "checkout", "request", 10, 0, 100, 120),
                    edge("10:01", "frontend", "checkout", "request", 30, 3, 200, 250),
                    edge("10:00", "checkout", "payments", "request", 8, 0, 650, 700),
                    edge("10:01", "checkout", "postgres", "database", 20, 0, 12, 15),
                    edge("10:01", "checkout", "kafka", "messaging", 5, 0, 3, 4));

    static final List<String> SPAN_METRICS =
            List.of(
                    span("10:00", "frontend", "GET /checkout", 10, 0, 50, 90, 95),
                    span("10:01", "frontend", "GET /checkout", 30, 3, 60, 300, 310),
                    span("10:01", "frontend", "GET /", 5, 0, 10, 20, 22),
                    span("10:01", "checkout", "place-order", 38, 1, 90, 180, 190),
                    span("10:00", "payments", "charge", 8, 2, 400, 700, 720));

    static final List<String> INSIGHTS =
            List.of(
                    insight("t-slow", "slow_trace", "warning", "2026-01-05T10:00:17.200Z"),
                    insight("t-err", "trace_errors", "error", "2026-01-05T10:01:05.830Z"),
                    insight("t-gone", "trace_errors", "error", "2026-01-05T10:01:40Z"),
                    insight("t-err2", "trace_errors", "error", "2026-01-05T10:02:00.095Z"));

    private ReplayOutputFixtures() {}

    /**
     * The folder as a replay writes it: two committed trace part files (one with a line that is not
     * JSON), and an in-progress file the report must not read.
     */
    static Path write(Path dir) throws IOException {
        write(dir.resolve("traces/traces-0-0.jsonl"), List.of(SLOW, ERROR));
        write(dir.resolve("traces/traces-1-0.jsonl"), List.of(OK, "not json", ERROR_WITHOUT_ROOT));
        write(
                dir.resolve("traces/.traces-1-1.jsonl.inprogress.0"),
                List.of(SLOW.replace("t-slow", "t-hidden")));
        write(dir.resolve("insights/insights-0-0.jsonl"), INSIGHTS);
        write(dir.resolve("service-graph/service-graph-0-0.jsonl"), SERVICE_GRAPH);
        write(dir.resolve("span-metrics/span-metrics-0-0.jsonl"), SPAN_METRICS);
        Files.createDirectories(dir.resolve("dead-letters"));
        return dir;
    }

    static void write(Path file, List<String> lines) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    private static String edge(
            String minute,
            String client,
            String server,
            String type,
            long requests,
            long failed,
            double p99,
            double max) {
        return String.format(
                java.util.Locale.ROOT,
                "{\"minute\":\"2026-01-05T%s:00Z\",\"client\":\"%s\",\"server\":\"%s\","
                        + "\"connection_type\":\"%s\",\"requests\":%d,\"failed\":%d,"
                        + "\"latency_ms_p50\":%s,\"latency_ms_p99\":%s,\"latency_ms_max\":%s}",
                minute,
                client,
                server,
                type,
                requests,
                failed,
                p99 / 2,
                p99,
                max);
    }

    private static String span(
            String minute,
            String service,
            String operation,
            long calls,
            long errors,
            double p50,
            double p99,
            double max) {
        return String.format(
                java.util.Locale.ROOT,
                "{\"minute\":\"2026-01-05T%s:00Z\",\"service\":\"%s\",\"operation\":\"%s\","
                        + "\"calls\":%d,\"errors\":%d,\"duration_ms_p50\":%s,"
                        + "\"duration_ms_p99\":%s,\"duration_ms_max\":%s}",
                minute,
                service,
                operation,
                calls,
                errors,
                p50,
                p99,
                max);
    }

    private static String insight(String traceId, String type, String severity, String at) {
        return String.format(
                java.util.Locale.ROOT,
                "{\"trace_id\":\"%s\",\"type\":\"%s\",\"severity\":\"%s\","
                        + "\"service_name\":\"frontend\",\"message\":\"%s of %s\","
                        + "\"timestamp\":\"%s\"}",
                traceId,
                type,
                severity,
                type,
                traceId,
                at);
    }
}
