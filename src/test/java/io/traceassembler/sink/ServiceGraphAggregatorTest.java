package io.traceassembler.sink;

import io.traceassembler.model.ConnectionType;
import io.traceassembler.model.ServiceGraphEdge;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.traceassembler.sink.SpanMetricsAggregatorTest.collector;
import static io.traceassembler.sink.SpanMetricsAggregatorTest.config;
import static org.assertj.core.api.Assertions.assertThat;

/** The service-graph pre-aggregation and its edge cap, in Flink's operator harness. */
class ServiceGraphAggregatorTest {
    /** 2026-01-05T10:00:00Z, a minute boundary. */
    private static final long T0 = Instant.parse("2026-01-05T10:00:00Z").toEpochMilli();

    @Test
    void aggregatesCallsPerMinuteAndEdgeIntoTheContractMetrics() throws Exception {
        try (var harness = harness("ServiceGraph.max.edges=10")) {
            harness.open();
            process(harness, "web", "api", ConnectionType.REQUEST, false, 12.5, 1_000);
            process(harness, "web", "api", ConnectionType.REQUEST, true, 40, 59_999);
            process(harness, "web", "api", ConnectionType.REQUEST, false, 7, 60_000);
            process(harness, "api", "postgresql", ConnectionType.DATABASE, false, Double.NaN, 10);
            harness.setProcessingTime(60_000);

            assertThat(lines(harness))
                    .containsExactlyInAnyOrder(
                            "10:00 web -> api request requests=2 failed=1 max=40.0",
                            "10:01 web -> api request requests=1 failed=0 max=7.0",
                            "10:00 api -> postgresql database requests=1 failed=0 max=NaN");
            ServiceGraphMinute first =
                    harness.extractOutputValues().stream()
                            .filter(m -> m.minuteMillis == T0 && m.client.equals("web"))
                            .findFirst()
                            .get();
            List<MetricPoint> points = new ArrayList<>();
            first.metricPoints(collector(points));
            assertThat(points)
                    .extracting(p -> p.seriesKey() + " " + p.value)
                    .containsExactly(
                            "ServiceGraphRequests|Count|SUM|Client=web|ConnectionType=request|Server=api 2.0",
                            "ServiceGraphRequestsFailed|Count|SUM|Client=web|ConnectionType=request|Server=api 1.0",
                            "ServiceGraphLatency|Milliseconds|DISTRIBUTION|Client=web|ConnectionType=request|Server=api 0.0");
            assertThat(points.get(2).bucketCounts).containsExactly(1, 1);
            assertThat(points).allSatisfy(p -> assertThat(p.timestampMillis).isEqualTo(T0));
        }
    }

    @Test
    void edgesBeyondTheCapReportAsServerOther() throws Exception {
        try (var harness = harness("ServiceGraph.max.edges=2")) {
            harness.open();
            process(harness, "web", "api", ConnectionType.REQUEST, false, 1, 0);
            process(harness, "api", "db", ConnectionType.DATABASE, false, 1, 0);
            process(harness, "web", "search", ConnectionType.REQUEST, true, 1, 0); // known client
            process(harness, "cron", "api", ConnectionType.REQUEST, false, 1, 0); // new client
            process(harness, "web", "api", ConnectionType.MESSAGING, false, 1, 0); // new type
            process(harness, "web", "api", ConnectionType.REQUEST, false, 1, 0); // known edge
            harness.endInput();

            assertThat(lines(harness))
                    .containsExactlyInAnyOrder(
                            "10:00 web -> api request requests=2 failed=0 max=1.0",
                            "10:00 api -> db database requests=1 failed=0 max=1.0",
                            "10:00 web -> _other request requests=1 failed=1 max=1.0",
                            "10:00 web -> _other messaging requests=1 failed=0 max=1.0",
                            "10:00 _other -> _other request requests=1 failed=0 max=1.0");
            assertThat(((ServiceGraphAggregator) harness.getOperator()).overCapCount())
                    .isEqualTo(3);
        }
    }

    @Test
    void aRestoreKeepsTheKnownEdges() throws Exception {
        OperatorSubtaskState snapshot;
        try (var harness = harness("ServiceGraph.max.edges=1")) {
            harness.open();
            process(harness, "web", "api", ConnectionType.REQUEST, false, 1, 0);
            snapshot = harness.snapshot(1L, 1L);
        }
        try (var restored = harness("ServiceGraph.max.edges=1")) {
            restored.initializeState(snapshot);
            restored.open();
            process(restored, "web", "search", ConnectionType.REQUEST, false, 1, 0);
            process(restored, "web", "api", ConnectionType.REQUEST, false, 1, 0);
            restored.endInput();
            assertThat(lines(restored))
                    .containsExactlyInAnyOrder(
                            "10:00 web -> _other request requests=1 failed=0 max=1.0",
                            "10:00 web -> api request requests=1 failed=0 max=1.0");
        }
    }

    private static OneInputStreamOperatorTestHarness<ServiceGraphEdge, ServiceGraphMinute> harness(
            String... config) throws Exception {
        OneInputStreamOperatorTestHarness<ServiceGraphEdge, ServiceGraphMinute> harness =
                new OneInputStreamOperatorTestHarness<>(
                        new ServiceGraphAggregator(config(config).serviceGraph));
        harness.setProcessingTime(0);
        return harness;
    }

    private static void process(
            OneInputStreamOperatorTestHarness<ServiceGraphEdge, ServiceGraphMinute> harness,
            String client,
            String server,
            ConnectionType type,
            boolean failed,
            double latencyMs,
            long startOffsetMillis)
            throws Exception {
        harness.processElement(
                new ServiceGraphEdge(
                        client, server, type, failed, latencyMs, T0 + startOffsetMillis),
                0);
    }

    private static List<String> lines(
            OneInputStreamOperatorTestHarness<ServiceGraphEdge, ServiceGraphMinute> harness) {
        List<String> lines = new ArrayList<>();
        for (ServiceGraphMinute m : harness.extractOutputValues()) {
            lines.add(
                    Instant.ofEpochMilli(m.minuteMillis).toString().substring(11, 16)
                            + " "
                            + m.client
                            + " -> "
                            + m.server
                            + " "
                            + m.connectionType
                            + " requests="
                            + m.calls
                            + " failed="
                            + m.errors
                            + " max="
                            + m.maxMs);
        }
        return lines;
    }
}
