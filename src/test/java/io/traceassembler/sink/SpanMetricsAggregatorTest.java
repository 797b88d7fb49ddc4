package io.traceassembler.sink;

import io.traceassembler.config.PropertyGroups;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.model.Span;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The span-metrics pre-aggregation, in Flink's operator harness. Processing time in ms. */
class SpanMetricsAggregatorTest {
    private static final long MINUTE = 60_000;

    /** 2026-01-05T10:00:00Z, a minute boundary. */
    private static final long T0 = Instant.parse("2026-01-05T10:00:00Z").toEpochMilli();

    @Test
    void aggregatesPerMinuteOfTheStartServiceAndOperationAndFlushesAtTheMinuteBoundary()
            throws Exception {
        try (var harness = harness(config())) {
            harness.setProcessingTime(1_000);
            harness.open();
            process(harness, "api", "GET /a", 1_000, 11_000, false); // 10 ms
            process(harness, "api", "GET /a", 2_000, 32_000, true); // 30 ms, error
            process(harness, "api", "GET /a", 59_999_000, 60_019_000, false); // ends next minute
            process(harness, "api", "GET /b", 3_000, 4_000, false); // 1 ms
            process(harness, "db", "GET /a", 3_000, 4_000, false); // other service
            process(harness, "api", "GET /a", MINUTE * 1000 + 5, MINUTE * 1000 + 6, false);

            harness.setProcessingTime(59_999);
            assertThat(harness.extractOutputValues()).as("nothing before the boundary").isEmpty();

            harness.setProcessingTime(60_000);
            assertThat(lines(harness))
                    .containsExactlyInAnyOrder(
                            "10:00 api GET /a calls=3 errors=1 max=30.0",
                            "10:00 api GET /b calls=1 errors=0 max=1.0",
                            "10:00 db GET /a calls=1 errors=0 max=1.0",
                            "10:01 api GET /a calls=1 errors=0 max=0.001");
            SpanMetricsMinute a =
                    harness.extractOutputValues().stream()
                            .filter(m -> m.key().equals(T0 + "|api|GET /a"))
                            .findFirst()
                            .get();
            assertThat(a.bucketCounts).containsExactly(1, 1, 1);
            assertThat(a.percentileMs(0.5))
                    .isCloseTo(20.0, org.assertj.core.data.Offset.offset(0.2));
            // The next minute's timer flushes only what arrived since.
            process(harness, "api", "GET /a", 1_000, 2_000, false);
            harness.setProcessingTime(120_000);
            assertThat(harness.extractOutputValues()).hasSize(5);
        }
    }

    @Test
    void aSnapshotFlushesEverythingOpenAndKeepsOnlyTheKnownNames() throws Exception {
        try (var harness = harness(config())) {
            harness.open();
            process(harness, "api", "GET /a", 1_000, 2_000, false);
            process(harness, "api", "GET /b", 1_000, 2_000, false);
            // As a checkpoint runs it: before the barrier goes downstream, then the snapshot.
            harness.prepareSnapshotPreBarrier(1L);
            assertThat(lines(harness)).hasSize(2);
            harness.snapshot(1L, 10L);
            assertThat(lines(harness)).hasSize(2);
            assertThat(((SpanMetricsAggregator) harness.getOperator()).openAggregates()).isZero();
        }
    }

    @Test
    void theEndOfInputAndTheFinalWatermarkFlush() throws Exception {
        try (var harness = harness(config())) {
            harness.open();
            process(harness, "api", "GET /a", 1_000, 2_000, false);
            harness.processWatermark(new Watermark(T0));
            assertThat(harness.extractOutputValues()).isEmpty();
            harness.processWatermark(Watermark.MAX_WATERMARK);
            assertThat(lines(harness)).containsExactly("10:00 api GET /a calls=1 errors=0 max=1.0");
            assertThat(new ArrayList<>(harness.getOutput()))
                    .as("the aggregates go out before the final watermark")
                    .last()
                    .isEqualTo(Watermark.MAX_WATERMARK);

            process(harness, "api", "GET /b", 1_000, 2_000, false);
            harness.endInput();
            assertThat(lines(harness)).hasSize(2);
        }
    }

    @Test
    void operationsBeyondTheCapOfAServiceReportAsOther() throws Exception {
        try (var harness = harness(config("SpanMetrics.max.operations.per.service=2"))) {
            harness.open();
            for (String operation : List.of("a", "b", "c", "a", "d", "b")) {
                process(harness, "api", operation, 1_000, 2_000, false);
            }
            process(harness, "db", "c", 1_000, 2_000, false); // another service, its own cap
            harness.endInput();
            assertThat(lines(harness))
                    .containsExactlyInAnyOrder(
                            "10:00 api a calls=2 errors=0 max=1.0",
                            "10:00 api b calls=2 errors=0 max=1.0",
                            "10:00 api _other calls=2 errors=0 max=1.0",
                            "10:00 db c calls=1 errors=0 max=1.0");
            assertThat(((SpanMetricsAggregator) harness.getOperator()).overCapCount()).isEqualTo(2);
        }
    }

    @Test
    void withoutTheOperationDimensionOneSeriesPerService() throws Exception {
        try (var harness = harness(config("SpanMetrics.operation.dimension=false"))) {
            harness.open();
            process(harness, "api", "GET /a", 1_000, 2_000, false);
            process(harness, "api", "GET /b", 1_000, 3_000, true);
            harness.endInput();
            assertThat(lines(harness)).containsExactly("10:00 api - calls=2 errors=1 max=2.0");
            List<MetricPoint> points = new ArrayList<>();
            harness.extractOutputValues().get(0).metricPoints(collector(points));
            assertThat(points)
                    .extracting(MetricPoint::seriesKey)
                    .containsExactly(
                            "SpanCalls|Count|SUM|ServiceName=api",
                            "SpanErrors|Count|SUM|ServiceName=api",
                            "SpanDuration|Milliseconds|DISTRIBUTION|ServiceName=api");
        }
    }

    @Test
    void aRestoreKeepsTheKnownNamesOfEverySubtask() throws Exception {
        String cap = "SpanMetrics.max.operations.per.service=2";
        OperatorSubtaskState first;
        OperatorSubtaskState second;
        try (var one = harness(config(cap), 2, 0)) {
            one.open();
            process(one, "api", "a", 1_000, 2_000, false);
            first = one.snapshot(1L, 1L);
        }
        try (var two = harness(config(cap), 2, 1)) {
            two.open();
            process(two, "api", "b", 1_000, 2_000, false);
            second = two.snapshot(1L, 1L);
        }
        OperatorSubtaskState both = AbstractStreamOperatorTestHarness.repackageState(first, second);
        try (var restored = harness(config(cap), 1, 0)) {
            restored.initializeState(
                    AbstractStreamOperatorTestHarness.repartitionOperatorState(both, 128, 2, 1, 0));
            restored.open();
            for (String operation : List.of("c", "a", "b")) {
                process(restored, "api", operation, 1_000, 2_000, false);
            }
            restored.endInput();
            assertThat(lines(restored))
                    .as("a and b were known to one subtask each: both keep their series")
                    .containsExactlyInAnyOrder(
                            "10:00 api _other calls=1 errors=0 max=1.0",
                            "10:00 api a calls=1 errors=0 max=1.0",
                            "10:00 api b calls=1 errors=0 max=1.0");
        }
    }

    @Test
    void minuteRecordsArePojos() {
        for (Class<?> type : List.of(SpanMetricsMinute.class, ServiceGraphMinute.class)) {
            TypeInformation<?> info = TypeInformation.of(type);
            assertThat(info).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
            org.apache.flink.api.common.ExecutionConfig config =
                    new org.apache.flink.api.common.ExecutionConfig();
            config.disableGenericTypes();
            info.createSerializer(config.getSerializerConfig()); // throws on any Kryo field
        }
    }

    static TraceAssemblerConfig config(String... assignments) {
        PropertyGroups groups = PropertyGroups.empty();
        for (String a : assignments) {
            groups.set(a);
        }
        return TraceAssemblerConfig.from(groups);
    }

    private static OneInputStreamOperatorTestHarness<Span, SpanMetricsMinute> harness(
            TraceAssemblerConfig config) throws Exception {
        return harness(config, 1, 0);
    }

    private static OneInputStreamOperatorTestHarness<Span, SpanMetricsMinute> harness(
            TraceAssemblerConfig config, int parallelism, int subtask) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new SpanMetricsAggregator(config.spanMetrics), 128, parallelism, subtask);
    }

    /** A span of T0's minute onwards; times in microseconds after T0. */
    private static void process(
            OneInputStreamOperatorTestHarness<Span, SpanMetricsMinute> harness,
            String service,
            String operation,
            long startMicros,
            long endMicros,
            boolean error)
            throws Exception {
        harness.processElement(
                new Span(
                        "t",
                        "s",
                        null,
                        service,
                        operation,
                        T0 * 1000 + startMicros,
                        T0 * 1000 + endMicros,
                        error),
                0);
    }

    private static List<String> lines(
            OneInputStreamOperatorTestHarness<Span, SpanMetricsMinute> harness) {
        List<String> lines = new ArrayList<>();
        for (SpanMetricsMinute m : harness.extractOutputValues()) {
            lines.add(
                    Instant.ofEpochMilli(m.minuteMillis).toString().substring(11, 16)
                            + " "
                            + m.service
                            + " "
                            + (m.operation == null ? "-" : m.operation)
                            + " calls="
                            + m.calls
                            + " errors="
                            + m.errors
                            + " max="
                            + m.maxMs);
        }
        return lines;
    }

    static <T> org.apache.flink.util.Collector<T> collector(List<T> into) {
        return new org.apache.flink.util.Collector<>() {
            @Override
            public void collect(T record) {
                into.add(record);
            }

            @Override
            public void close() {}
        };
    }
}
