package io.traceassembler.query;

import io.traceassembler.model.TraceSummary;
import io.traceassembler.sink.TraceItems;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A stored item printed with --json is the replay line of the same trace, byte for byte. */
class ItemJsonTest {
    @Test
    void aFullItemIsItsReplayLine() {
        TraceSummary trace =
                QueryFixtures.trace(
                        "4bf92f3577b34da6a3ce929d0e0e4736",
                        Instant.parse("2026-01-05T11:00:00Z"),
                        6234.567,
                        "checkout",
                        List.of("checkout", "payments", "cart"),
                        3,
                        "payments",
                        "slow_trace",
                        "trace_errors");

        assertThat(ItemJson.toJsonLine(shuffled(TraceItems.toItem(trace, 30))))
                .isEqualTo(TraceItems.toJsonLine(trace, 30));
    }

    @Test
    void aMinimalItemIsItsReplayLine() {
        TraceSummary trace =
                QueryFixtures.trace(
                        "ab",
                        Instant.parse("2026-01-05T11:00:00Z"),
                        0.001,
                        "a",
                        List.of("a"),
                        0,
                        null);
        trace.rootService = null;
        trace.rootOperation = null;
        trace.hasRoot = false;
        trace.orphanSpanCount = 2;
        trace.criticalPathMicros = null;
        trace.bottleneckService = null;
        trace.bottleneckOperation = null;
        trace.bottleneckShare = null;

        assertThat(ItemJson.toJsonLine(shuffled(TraceItems.toItem(trace, 30))))
                .isEqualTo(TraceItems.toJsonLine(trace, 30));
    }

    @Test
    void attributesOutsideTheContractComeLastSortedByName() {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("zeta", AttributeValue.builder().n("1").build());
        item.put("alpha", AttributeValue.builder().bool(true).build());
        item.put(TraceItems.TRACE_ID, AttributeValue.builder().s("t").build());

        assertThat(ItemJson.toJsonLine(item))
                .isEqualTo("{\"trace_id\":\"t\",\"alpha\":true,\"zeta\":1}");
    }

    /** DynamoDB returns attributes in no particular order, and sets in their own. */
    private static Map<String, AttributeValue> shuffled(Map<String, AttributeValue> item) {
        List<String> names = new java.util.ArrayList<>(item.keySet());
        Collections.reverse(names);
        Map<String, AttributeValue> out = new java.util.LinkedHashMap<>();
        for (String name : names) {
            AttributeValue value = item.get(name);
            if (value.hasSs()) {
                List<String> reversed = new java.util.ArrayList<>(value.ss());
                Collections.reverse(reversed);
                value = AttributeValue.builder().ss(reversed).build();
            }
            out.put(name, value);
        }
        return out;
    }
}
