package io.traceassembler.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LocalRunOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** 2026-12-03T09:00:00Z in epoch seconds, as PutMetricData carries timestamps. */
    private static final long MINUTE_S = 1_796_288_400L;

    @Test
    void tableItemsAndStubDatumsBecomeAReplayOutputFolder(@TempDir Path folder) throws Exception {
        Map<String, AttributeValue> item =
                Map.of(
                        "trace_id", AttributeValue.fromS("t1"),
                        "duration_ms", AttributeValue.fromN("6100.5"),
                        "end_epoch_ms", AttributeValue.fromN("1796288406100"),
                        "root_service", AttributeValue.fromS("api"),
                        "insights", AttributeValue.fromSs(List.of("trace_errors", "slow_trace")),
                        "root_cause_service", AttributeValue.fromS("db"),
                        "root_cause_operation", AttributeValue.fromS("SELECT"),
                        "bottleneck_service", AttributeValue.fromS("cart"),
                        "bottleneck_operation", AttributeValue.fromS("GET /cart"),
                        "critical_path",
                                AttributeValue.fromM(
                                        Map.of(
                                                "api", AttributeValue.fromN("100"),
                                                "cart", AttributeValue.fromN("6000.5"))));
        // Requests for api -> cart arrive in two datums of one minute (two subtasks): 3 + 2; one
        // failed; latencies 10 ms twice and 20 ms once, as values/counts.
        List<JsonNode> datums =
                List.of(
                        datum("ServiceGraphRequests", "{\"Value\": 3}", edge("api", "cart")),
                        datum("ServiceGraphRequests", "{\"Value\": 2}", edge("api", "cart")),
                        datum("ServiceGraphRequestsFailed", "{\"Value\": 1}", edge("api", "cart")),
                        datum(
                                "ServiceGraphLatency",
                                "{\"Values\": [10, 20], \"Counts\": [2, 1]}",
                                edge("api", "cart")),
                        datum("SpanCalls", "{\"Value\": 4}", span("cart", "GET /cart")),
                        datum("SpanErrors", "{\"Value\": 0}", span("cart", "GET /cart")),
                        datum(
                                "SpanDuration",
                                "{\"Values\": [50], \"Counts\": [4]}",
                                span("cart", "GET /cart")),
                        datum("slow_trace", "{\"Value\": 1}", "[]"));

        LocalRunOutput.write(folder, List.of(item), datums);

        JsonNode trace = only(folder, "traces");
        assertThat(trace.get("trace_id").asText()).isEqualTo("t1");
        assertThat(trace.get("duration_ms").decimalValue()).isEqualByComparingTo("6100.5");
        assertThat(trace.get("critical_path").get("cart").decimalValue())
                .isEqualByComparingTo("6000.5");
        assertThat(trace.get("insights").toString()).isEqualTo("[\"slow_trace\",\"trace_errors\"]");

        List<JsonNode> insights = lines(folder, "insights");
        assertThat(insights).hasSize(2);
        JsonNode errors =
                insights.stream()
                        .filter(i -> i.get("type").asText().equals("trace_errors"))
                        .findFirst()
                        .orElseThrow();
        assertThat(errors.get("severity").asText()).isEqualTo("error");
        assertThat(errors.get("service_name").asText()).isEqualTo("api");
        assertThat(errors.get("culprit_service").asText()).isEqualTo("db");
        assertThat(errors.get("timestamp").asText()).isEqualTo("2026-12-03T09:00:06.100Z");

        JsonNode edge = only(folder, "service-graph");
        assertThat(edge.get("minute").asText()).isEqualTo("2026-12-03T09:00:00Z");
        assertThat(edge.get("client").asText()).isEqualTo("api");
        assertThat(edge.get("server").asText()).isEqualTo("cart");
        assertThat(edge.get("connection_type").asText()).isEqualTo("request");
        assertThat(edge.get("requests").asLong()).isEqualTo(5);
        assertThat(edge.get("failed").asLong()).isEqualTo(1);
        // Nearest rank over 10, 10, 20: p50 = 10, p99 = 20, max 20, each within a 2 % bucket.
        assertThat(edge.get("latency_ms_p50").asDouble()).isCloseTo(10, within(0.2));
        assertThat(edge.get("latency_ms_p99").asDouble()).isCloseTo(20, within(0.4));
        assertThat(edge.get("latency_ms_max").asDouble()).isCloseTo(20, within(0.4));

        JsonNode red = only(folder, "span-metrics");
        assertThat(red.get("service").asText()).isEqualTo("cart");
        assertThat(red.get("operation").asText()).isEqualTo("GET /cart");
        assertThat(red.get("calls").asLong()).isEqualTo(4);
        assertThat(red.get("errors").asLong()).isEqualTo(0);
        assertThat(red.get("duration_ms_p99").asDouble()).isCloseTo(50, within(1.0));

        assertThat(folder.resolve("dead-letters")).isDirectory();
    }

    private static String edge(String client, String server) {
        return "[{\"Name\": \"Client\", \"Value\": \""
                + client
                + "\"}, {\"Name\": \"ConnectionType\", \"Value\": \"request\"},"
                + " {\"Name\": \"Server\", \"Value\": \""
                + server
                + "\"}]";
    }

    private static String span(String service, String operation) {
        return "[{\"Name\": \"Operation\", \"Value\": \""
                + operation
                + "\"}, {\"Name\": \"ServiceName\", \"Value\": \""
                + service
                + "\"}]";
    }

    private static JsonNode datum(String metric, String values, String dimensions)
            throws Exception {
        String body = values.substring(0, values.length() - 1);
        return JSON.readTree(
                body
                        + ", \"MetricName\": \""
                        + metric
                        + "\", \"Timestamp\": "
                        + MINUTE_S
                        + ", \"Dimensions\": "
                        + dimensions
                        + "}");
    }

    private static JsonNode only(Path folder, String name) throws Exception {
        List<JsonNode> lines = lines(folder, name);
        assertThat(lines).as(name).hasSize(1);
        return lines.get(0);
    }

    private static List<JsonNode> lines(Path folder, String name) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        try (var files = Files.list(folder.resolve(name))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                for (String line : Files.readAllLines(file)) {
                    lines.add(JSON.readTree(line));
                }
            }
        }
        return lines;
    }
}
