package io.traceassembler.sink;

import io.traceassembler.model.Insight;
import io.traceassembler.model.InsightType;

import org.apache.flink.util.Collector;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The culprit metrics travel with the insight they explain: once per trace, by the culprit. */
class TraceMetricPointsTest {
    private static List<String> points(Insight insight) {
        List<String> keys = new ArrayList<>();
        TraceMetricPoints.insightPoints(
                insight,
                new Collector<>() {
                    @Override
                    public void collect(MetricPoint point) {
                        keys.add(point.seriesKey() + " value=" + point.value);
                    }

                    @Override
                    public void close() {}
                });
        return keys;
    }

    @Test
    void anErrorInsightCountsItsRootCause() {
        Insight errors = new Insight("t1", InsightType.TRACE_ERRORS, "web", "2 errors", 1_000L);
        errors.culpritService = "payment";
        errors.culpritOperation = "charge";

        assertThat(points(errors))
                .containsExactly(
                        "trace_errors|Count|SUM|ServiceName=web|Severity=error value=1.0",
                        "ErrorRootCause|Count|SUM|Operation=charge|ServiceName=payment value=1.0");
    }

    @Test
    void aSlowInsightCountsItsBottleneckOrUnknown() {
        Insight slow = new Insight("t1", InsightType.SLOW_TRACE, "web", "slow", 1_000L);

        assertThat(points(slow))
                .containsExactly(
                        "slow_trace|Count|SUM|ServiceName=web|Severity=warning value=1.0",
                        "SlowTraceBottleneck|Count|SUM|Operation=unknown|ServiceName=unknown value=1.0");
    }

    @Test
    void fanOutHasNoCulprit() {
        Insight fanOut = new Insight("t1", InsightType.HIGH_SERVICE_COUNT, "web", "7 services", 1L);

        assertThat(points(fanOut)).hasSize(1);
    }
}
