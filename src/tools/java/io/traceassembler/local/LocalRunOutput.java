package io.traceassembler.local;

import io.traceassembler.model.Insight;
import io.traceassembler.model.InsightType;
import io.traceassembler.sink.CallStats;
import io.traceassembler.sink.DurationBuckets;
import io.traceassembler.sink.JsonLines;
import io.traceassembler.sink.ReplayFiles;
import io.traceassembler.sink.ServiceGraphMinute;
import io.traceassembler.sink.SpanMetricsMinute;
import io.traceassembler.sink.TraceItems;
import io.traceassembler.sink.TraceMetricPoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What a local run stored, as a replay output folder (docs/contracts.md, section 4), so the report
 * reads a local run like a replay:
 *
 * <ul>
 *   <li>{@code traces/}: every item of the trace table as its replay line (an item and a replay
 *       line have the same fields);
 *   <li>{@code insights/}: one line per insight type in an item's {@code insights} set, at the
 *       trace's end, with the culprit the item names (the live job's insight messages are not
 *       stored, so the message says where the line came from);
 *   <li>{@code service-graph/} and {@code span-metrics/}: the {@code ServiceGraph*} and {@code
 *       Span*} datums the CloudWatch stub received, merged per minute and series, the percentiles
 *       read from their values/counts as CloudWatch would (the maximum is the largest bucket's
 *       value, within 2 %).
 * </ul>
 */
final class LocalRunOutput {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalRunOutput() {}

    static void write(Path folder, List<Map<String, AttributeValue>> items, List<JsonNode> datums)
            throws IOException {
        List<String> traces = new ArrayList<>();
        List<String> insights = new ArrayList<>();
        for (Map<String, AttributeValue> item : items) {
            traces.add(JSON.writeValueAsString(toJson(item)));
            for (Insight insight : insightsOf(item)) {
                insights.add(JsonLines.insight(insight));
            }
        }
        Map<String, ServiceGraphMinute> edges = new TreeMap<>();
        Map<String, SpanMetricsMinute> spans = new TreeMap<>();
        for (JsonNode datum : datums) {
            addDatum(datum, edges, spans);
        }
        writeLines(folder, ReplayFiles.TRACES, traces);
        writeLines(folder, ReplayFiles.INSIGHTS, insights);
        writeLines(folder, ReplayFiles.SERVICE_GRAPH, lines(edges, JsonLines::serviceGraph));
        writeLines(folder, ReplayFiles.SPAN_METRICS, lines(spans, JsonLines::spanMetrics));
        writeLines(folder, ReplayFiles.DEAD_LETTERS, List.of());
    }

    /** A DynamoDB item as JSON: S as string, N as number, BOOL, SS as array, M as object. */
    static ObjectNode toJson(Map<String, AttributeValue> item) {
        ObjectNode node = JSON.createObjectNode();
        new TreeMap<>(item).forEach((name, value) -> put(node, name, value));
        return node;
    }

    private static void put(ObjectNode node, String name, AttributeValue value) {
        if (value.s() != null) {
            node.put(name, value.s());
        } else if (value.n() != null) {
            node.put(name, new BigDecimal(value.n()));
        } else if (value.bool() != null) {
            node.put(name, value.bool());
        } else if (value.hasSs()) {
            ArrayNode array = node.putArray(name);
            value.ss().stream().sorted().forEach(array::add);
        } else if (value.hasM()) {
            ObjectNode map = node.putObject(name);
            new TreeMap<>(value.m()).forEach((key, inner) -> put(map, key, inner));
        }
    }

    private static List<Insight> insightsOf(Map<String, AttributeValue> item) {
        AttributeValue types = item.get(TraceItems.INSIGHTS);
        if (types == null || !types.hasSs()) {
            return List.of();
        }
        String traceId = item.get(TraceItems.TRACE_ID).s();
        String root = text(item, TraceItems.ROOT_SERVICE);
        AttributeValue end = item.get("end_epoch_ms");
        long endMillis = end == null ? 0 : new BigDecimal(end.n()).longValue();
        List<Insight> insights = new ArrayList<>();
        for (String id : types.ss()) {
            InsightType type = InsightType.fromId(id);
            Insight insight = new Insight();
            insight.traceId = traceId;
            insight.type = type.id();
            insight.severity = type.severity();
            insight.serviceName = root == null ? TraceMetricPoints.UNKNOWN_SERVICE : root;
            insight.message = id + " (read back from the trace table)";
            insight.timestampMillis = endMillis;
            if (type == InsightType.TRACE_ERRORS) {
                insight.culpritService = text(item, "root_cause_service");
                insight.culpritOperation = text(item, "root_cause_operation");
            } else if (type == InsightType.SLOW_TRACE) {
                insight.culpritService = text(item, "bottleneck_service");
                insight.culpritOperation = text(item, "bottleneck_operation");
            }
            insights.add(insight);
        }
        return insights;
    }

    private static void addDatum(
            JsonNode datum,
            Map<String, ServiceGraphMinute> edges,
            Map<String, SpanMetricsMinute> spans) {
        String metric = datum.path("MetricName").asText();
        Map<String, String> dimensions = new TreeMap<>();
        datum.path("Dimensions")
                .forEach(d -> dimensions.put(d.path("Name").asText(), d.path("Value").asText()));
        long minute = Math.round(datum.path("Timestamp").asDouble() * 1000);
        CallStats stats;
        if (metric.startsWith("ServiceGraph")) {
            ServiceGraphMinute key =
                    new ServiceGraphMinute(
                            minute,
                            dimensions.get(ServiceGraphMinute.DIMENSION_CLIENT),
                            dimensions.get(ServiceGraphMinute.DIMENSION_SERVER),
                            dimensions.get(ServiceGraphMinute.DIMENSION_CONNECTION_TYPE));
            stats = edges.computeIfAbsent(key.key(), k -> key);
        } else if (metric.startsWith("Span")) {
            SpanMetricsMinute key =
                    new SpanMetricsMinute(
                            minute,
                            dimensions.get(TraceMetricPoints.DIMENSION_SERVICE_NAME),
                            dimensions.get(TraceMetricPoints.DIMENSION_OPERATION));
            stats = spans.computeIfAbsent(key.key(), k -> key);
        } else {
            return;
        }
        switch (metric) {
            case ServiceGraphMinute.REQUESTS:
            case SpanMetricsMinute.SPAN_CALLS:
                stats.calls += Math.round(sum(datum));
                break;
            case ServiceGraphMinute.REQUESTS_FAILED:
            case SpanMetricsMinute.SPAN_ERRORS:
                stats.errors += Math.round(sum(datum));
                break;
            case ServiceGraphMinute.LATENCY:
            case SpanMetricsMinute.SPAN_DURATION:
                addDistribution(datum, stats);
                break;
            default:
                break;
        }
    }

    private static double sum(JsonNode datum) {
        if (datum.has("Value")) {
            return datum.path("Value").asDouble();
        }
        double sum = 0;
        JsonNode values = datum.path("Values");
        JsonNode counts = datum.path("Counts");
        for (int i = 0; i < values.size(); i++) {
            sum += values.get(i).asDouble() * (counts.has(i) ? counts.get(i).asDouble() : 1);
        }
        return sum;
    }

    private static void addDistribution(JsonNode datum, CallStats stats) {
        JsonNode values = datum.path("Values");
        JsonNode counts = datum.path("Counts");
        for (int i = 0; i < values.size(); i++) {
            double value = values.get(i).asDouble();
            long count = counts.has(i) ? Math.round(counts.get(i).asDouble()) : 1;
            DurationBuckets.add(stats, DurationBuckets.bucketOf(value), count);
            stats.maxMs = Double.isNaN(stats.maxMs) ? value : Math.max(stats.maxMs, value);
        }
        if (datum.has("Value")) {
            double value = datum.path("Value").asDouble();
            DurationBuckets.add(stats, DurationBuckets.bucketOf(value), 1);
            stats.maxMs = Double.isNaN(stats.maxMs) ? value : Math.max(stats.maxMs, value);
        }
    }

    private static <T> List<String> lines(Map<String, T> byKey, Function<T, String> line) {
        List<String> lines = new ArrayList<>();
        byKey.values().forEach(v -> lines.add(line.apply(v)));
        return lines;
    }

    private static void writeLines(Path folder, String name, List<String> lines)
            throws IOException {
        Path dir = folder.resolve(name);
        Files.createDirectories(dir);
        Files.write(dir.resolve(name + "-0.jsonl"), lines, StandardCharsets.UTF_8);
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }
}
