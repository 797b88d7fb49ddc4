package io.traceassembler.query;

import io.traceassembler.model.TraceSummary;
import io.traceassembler.sink.TraceItems;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TraceTableFormatTest {
    private static final Instant T0 = Instant.parse("2026-01-05T11:00:00Z");

    @Test
    void rowsAreAlignedNumbersOnTheRightMissingValuesAsDash() {
        TraceSummary slowWithErrors =
                QueryFixtures.trace(
                        "aaaa",
                        T0,
                        6234.5678,
                        "checkout",
                        List.of("checkout", "payments"),
                        2,
                        "payments",
                        "slow_trace",
                        "trace_errors");
        TraceSummary plain =
                QueryFixtures.trace(
                        "bbbbbbbbbbbb", T0.plusSeconds(1), 12, "cart", List.of("cart"), 0, null);
        plain.criticalPathMicros = null;
        plain.bottleneckService = null;
        plain.bottleneckOperation = null;
        plain.bottleneckShare = null;

        List<String> lines =
                TraceTableFormat.table(
                        List.of(
                                TraceItems.toItem(slowWithErrors, 30),
                                TraceItems.toItem(plain, 30)));

        // Worked out by hand: each column as wide as its widest cell, two spaces between columns.
        assertThat(lines)
                .containsExactly(
                        "START (UTC)               TRACE ID      DURATION MS  SPANS  SERVICES  ERRORS  ROOT      BOTTLENECK    ROOT CAUSE                 INSIGHTS",
                        "2026-01-05T11:00:00.000Z  aaaa               6234.6      4         2       2  checkout  payments 75%  payments (POST /payments)  slow_trace,trace_errors",
                        "2026-01-05T11:00:01.000Z  bbbbbbbbbbbb         12.0      2         1       0  cart      -             -                          -");
    }

    @Test
    void aTraceWithoutRootShowsADash() {
        TraceSummary orphans = QueryFixtures.trace("cccc", T0, 1, "x", List.of("x"), 0, null);
        orphans.rootService = null;
        orphans.rootOperation = null;
        Map<String, AttributeValue> item = TraceItems.toItem(orphans, 30);

        assertThat(TraceTableFormat.row(item)[6]).isEqualTo("-");
    }

    @Test
    void detailsListEveryFieldInTheContractOrderWithTheCriticalPathMostTimeFirst() {
        TraceSummary trace =
                QueryFixtures.trace(
                        "dddd",
                        T0,
                        100,
                        "checkout",
                        List.of("checkout", "payments"),
                        1,
                        "payments",
                        "trace_errors");

        List<String> lines = TraceTableFormat.details(TraceItems.toItem(trace, 30));

        assertThat(lines.get(0)).isEqualTo("trace_id              dddd");
        assertThat(lines.get(1)).isEqualTo("start_time            2026-01-05T11:00:00.000Z");
        assertThat(lines)
                .contains(
                        "services              checkout, payments",
                        "primary_insight       trace_errors",
                        "critical_path         payments=75 ms, checkout=25 ms",
                        "bottleneck_share      0.75");
        assertThat(lines).hasSize(ItemJson.FIELD_ORDER.size());
    }
}
