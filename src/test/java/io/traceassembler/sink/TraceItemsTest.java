package io.traceassembler.sink;

import io.traceassembler.model.TraceSummary;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TraceItemsTest {
    private static final long START_MICROS =
            Instant.parse("2026-01-05T10:00:00.123Z").toEpochMilli() * 1000 + 456;

    static TraceSummary fullSummary() {
        TraceSummary s = new TraceSummary();
        s.traceId = "trace-1";
        s.startMicros = START_MICROS;
        s.endMicros = START_MICROS + 1_234_567; // 1234.567 ms
        s.spanCount = 7;
        s.errorCount = 2;
        s.services = new ArrayList<>(List.of("api", "db", "orders"));
        s.rootService = "api";
        s.rootOperation = "GET /orders";
        s.hasRoot = true;
        s.orphanSpanCount = 1;
        s.truncated = false;
        s.revision = 3;
        s.insights = new ArrayList<>(List.of("slow_trace", "trace_errors"));
        return s;
    }

    static TraceSummary minimalSummary() {
        TraceSummary s = new TraceSummary();
        s.traceId = "trace-2";
        s.startMicros = 1_000_000;
        s.endMicros = 3_000_000;
        s.spanCount = 1;
        s.revision = 1;
        s.truncated = true;
        return s;
    }

    @Test
    void itemHasEveryFieldOfTheContract() {
        Map<String, AttributeValue> item = TraceItems.toItem(fullSummary(), 30);

        assertThat(item.get("trace_id").s()).isEqualTo("trace-1");
        assertThat(item.get("start_time").s()).isEqualTo("2026-01-05T10:00:00.123Z");
        assertThat(item.get("end_time").s()).isEqualTo("2026-01-05T10:00:01.358Z");
        assertThat(item.get("start_epoch_ms").n()).isEqualTo("1767607200123");
        assertThat(item.get("end_epoch_ms").n()).isEqualTo("1767607201358");
        assertThat(item.get("duration_ms").n()).isEqualTo("1234.567");
        assertThat(item.get("span_count").n()).isEqualTo("7");
        assertThat(item.get("service_count").n()).isEqualTo("3");
        assertThat(item.get("error_count").n()).isEqualTo("2");
        assertThat(item.get("services").ss()).containsExactly("api", "db", "orders");
        assertThat(item.get("root_service").s()).isEqualTo("api");
        assertThat(item.get("root_operation").s()).isEqualTo("GET /orders");
        assertThat(item.get("insights").ss()).containsExactly("slow_trace", "trace_errors");
        assertThat(item.get("has_root").bool()).isTrue();
        assertThat(item.get("orphan_span_count").n()).isEqualTo("1");
        assertThat(item.get("truncated").bool()).isFalse();
        assertThat(item.get("revision").n()).isEqualTo("3");
        assertThat(item.get("expires_at").n()).isEqualTo(Long.toString(1767607201L + 30 * 86_400L));
        assertThat(item.get("primary_insight").s()).isEqualTo("trace_errors");
        assertThat(item).hasSize(19);
    }

    @Test
    void analysisFieldsAsDynamoDbAttributesAndJson() {
        TraceSummary s = fullSummary();
        s.rootCauseService = "db";
        s.rootCauseOperation = "INSERT orders";
        s.rootCauseSpanId = "00f067aa0ba902b7";
        s.criticalPathMicros = new java.util.HashMap<>(Map.of("api", 234_567L, "db", 1_000_000L));
        s.bottleneckService = "db";
        s.bottleneckOperation = "INSERT orders";
        s.bottleneckShare = 0.81; // 1,000,000 / 1,234,567 = 0.8100...

        Map<String, AttributeValue> item = TraceItems.toItem(s, 30);
        assertThat(item.get("root_cause_service").s()).isEqualTo("db");
        assertThat(item.get("root_cause_operation").s()).isEqualTo("INSERT orders");
        assertThat(item.get("root_cause_span_id").s()).isEqualTo("00f067aa0ba902b7");
        assertThat(item.get("critical_path").m()).containsOnlyKeys("api", "db");
        assertThat(item.get("critical_path").m().get("api").n()).isEqualTo("234.567");
        assertThat(item.get("critical_path").m().get("db").n()).isEqualTo("1000");
        assertThat(item.get("bottleneck_service").s()).isEqualTo("db");
        assertThat(item.get("bottleneck_operation").s()).isEqualTo("INSERT orders");
        assertThat(item.get("bottleneck_share").n()).isEqualTo("0.81");

        assertThat(TraceItems.toJsonLine(s, 30))
                .contains("\"root_cause_service\":\"db\"")
                .contains("\"critical_path\":{\"api\":234.567,\"db\":1000}")
                .contains("\"bottleneck_share\":0.81");
        // Without errors and without a single root, none of them.
        assertThat(TraceItems.toItem(minimalSummary(), 1))
                .doesNotContainKeys(
                        "root_cause_service",
                        "critical_path",
                        "bottleneck_service",
                        "bottleneck_share");
    }

    @Test
    void absentFieldsAreOmittedNotEmpty() {
        Map<String, AttributeValue> item = TraceItems.toItem(minimalSummary(), 1);

        assertThat(item)
                .doesNotContainKeys(
                        "services",
                        "root_service",
                        "root_operation",
                        "insights",
                        "primary_insight");
        assertThat(item.get("service_count").n()).isEqualTo("0");
        assertThat(item.get("has_root").bool()).isFalse();
        assertThat(item.get("truncated").bool()).isTrue();
        assertThat(item.get("duration_ms").n()).isEqualTo("2000");
        assertThat(item.get("start_time").s()).isEqualTo("1970-01-01T00:00:01.000Z");
        assertThat(item.get("expires_at").n()).isEqualTo(Long.toString(3 + 86_400));
    }

    @Test
    void durationIsPlainMillisecondsToTheMicrosecond() {
        TraceSummary s = minimalSummary();
        long[][] cases = {
            {1_234_567, 0}, {1, 0}, {1_000, 0}, {10_000_000_000L, 0}, {0, 0}, {120, 0}
        };
        String[] expected = {"1234.567", "0.001", "1", "10000000", "0", "0.12"};
        for (int i = 0; i < cases.length; i++) {
            s.endMicros = s.startMicros + cases[i][0];
            assertThat(TraceItems.durationMillis(s))
                    .as("%d µs", cases[i][0])
                    .isEqualTo(expected[i]);
        }
    }

    @Test
    void primaryInsightIsTheMostSevere() {
        TraceSummary s = minimalSummary();
        s.insights = new ArrayList<>(List.of("high_service_count", "slow_trace"));
        assertThat(TraceItems.primaryInsight(s)).isEqualTo("slow_trace");
        s.insights = new ArrayList<>(List.of("high_service_count"));
        assertThat(TraceItems.primaryInsight(s)).isEqualTo("high_service_count");
        s.insights = new ArrayList<>();
        assertThat(TraceItems.primaryInsight(s)).isNull();
    }

    @Test
    void expiresAtComesFromTheTraceNotTheClock() {
        TraceSummary s = fullSummary();
        assertThat(TraceItems.expiresAtEpochSeconds(s, 7)).isEqualTo(1767607201L + 7 * 86_400L);
    }

    @Test
    void jsonLineHasTheSameFieldsAsTheItem() throws Exception {
        for (TraceSummary s : List.of(fullSummary(), minimalSummary())) {
            String line = TraceItems.toJsonLine(s, 30);
            assertThat(line).doesNotContain("\n").doesNotContain("E+").doesNotContain("null");
            JsonNode json = new ObjectMapper().readTree(line);
            Map<String, AttributeValue> item = TraceItems.toItem(s, 30);

            List<String> jsonFields = new ArrayList<>();
            json.fieldNames().forEachRemaining(jsonFields::add);
            assertThat(jsonFields).containsExactlyElementsOf(item.keySet());
            for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                AttributeValue value = item.get(field.getKey());
                JsonNode node = field.getValue();
                if (value.s() != null) {
                    assertThat(node.isTextual()).as(field.getKey()).isTrue();
                    assertThat(node.asText()).isEqualTo(value.s());
                } else if (value.n() != null) {
                    assertThat(node.isNumber()).as(field.getKey()).isTrue();
                    assertThat(node.decimalValue()).isEqualByComparingTo(value.n());
                } else if (value.bool() != null) {
                    assertThat(node.booleanValue()).isEqualTo(value.bool());
                } else {
                    List<String> array = new ArrayList<>();
                    node.forEach(e -> array.add(e.asText()));
                    assertThat(array).containsExactlyElementsOf(value.ss());
                }
            }
        }
        assertThat(TraceItems.toJsonLine(fullSummary(), 30)).contains("\"duration_ms\":1234.567,");
    }
}
