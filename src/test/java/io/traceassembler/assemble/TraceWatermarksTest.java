package io.traceassembler.assemble;

import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.model.Span;
import io.traceassembler.model.TraceSummary;

import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.util.clock.ManualClock;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TraceWatermarksTest {
    private static final long T0 = 1_700_000_000_000L;

    private final ManualClock clock = new ManualClock(T0);
    private final RecordingOutput output = new RecordingOutput();
    private final TraceWatermarks.IdleAdvancingWatermarks generator =
            new TraceWatermarks.IdleAdvancingWatermarks(
                    Duration.ofSeconds(5), Duration.ofSeconds(5), clock);

    @Test
    void followsTheLargestEndMinusTheOutOfOrderness() {
        event(T0 + 10_000);
        event(T0 + 8_000); // out of order: does not pull the watermark back
        generator.onPeriodicEmit(output);
        assertThat(output.watermarks).containsExactly(T0 + 10_000 - 5_000 - 1);
    }

    @Test
    void advancesWithTheWallClockOnceTheInputIsQuiet() {
        event(T0 + 10_000);
        generator.onPeriodicEmit(output);
        long base = T0 + 10_000 - 5_001;

        clock.advanceTime(Duration.ofMillis(4_999)); // not yet idle: unchanged, nothing re-emitted
        generator.onPeriodicEmit(output);
        assertThat(output.watermarks).containsExactly(base);

        clock.advanceTime(Duration.ofMillis(1)); // idle for 5 s
        generator.onPeriodicEmit(output);
        clock.advanceTime(Duration.ofSeconds(30));
        generator.onPeriodicEmit(output);
        assertThat(output.watermarks).containsExactly(base, base + 5_000, base + 35_000);
        assertThat(output.idleMarks).isZero();

        // A span arriving after the advance does not move the watermark back.
        event(T0 + 11_000);
        generator.onPeriodicEmit(output);
        assertThat(output.watermarks).containsExactly(base, base + 5_000, base + 35_000);
        assertThat(generator.currentWatermark()).isEqualTo(base + 35_000);

        // Normal progress resumes once event time overtakes the advanced watermark.
        event(T0 + 60_000);
        generator.onPeriodicEmit(output);
        assertThat(output.watermarks).endsWith(T0 + 60_000 - 5_001);
    }

    @Test
    void quietnessCountsFromThePeriodicEmitAfterTheLastSpanNeverFromBefore() {
        event(T0 + 10_000);
        clock.advanceTime(Duration.ofMillis(150)); // the span came 150 ms before the emit
        generator.onPeriodicEmit(output);
        long base = T0 + 10_000 - 5_001;

        clock.advanceTime(
                Duration.ofMillis(4_999)); // 5,149 ms after the span, 4,999 after the emit
        generator.onPeriodicEmit(output);
        assertThat(output.watermarks).containsExactly(base);

        clock.advanceTime(Duration.ofMillis(1));
        generator.onPeriodicEmit(output);
        assertThat(output.watermarks).containsExactly(base, base + 5_000);

        // A span between two emits restarts the count at the next emit, not at the one before.
        event(T0 + 10_000);
        clock.advanceTime(Duration.ofMillis(200));
        generator.onPeriodicEmit(output);
        clock.advanceTime(Duration.ofMillis(4_999));
        generator.onPeriodicEmit(output);
        assertThat(output.watermarks).containsExactly(base, base + 5_000);
        clock.advanceTime(Duration.ofMillis(5_001)); // idle again: 10 s since the emit that saw it
        generator.onPeriodicEmit(output);
        assertThat(output.watermarks).containsExactly(base, base + 5_000, base + 10_000);
    }

    @Test
    void marksAnInputThatNeverSawASpanIdleAfterTheIdleness() {
        generator.onPeriodicEmit(output);
        clock.advanceTime(Duration.ofMillis(4_999));
        generator.onPeriodicEmit(output);
        assertThat(output.idleMarks).isZero();

        clock.advanceTime(Duration.ofMillis(1));
        generator.onPeriodicEmit(output);
        generator.onPeriodicEmit(output);
        assertThat(output.idleMarks).isEqualTo(1);
        assertThat(output.watermarks).isEmpty();
    }

    @Test
    void strategyUsesTheSpanEndAsTimestamp() {
        WatermarkStrategy<Span> strategy =
                TraceWatermarks.forSpans(
                        TraceAssemblerConfig.defaults().traceAssembly, () -> clock);
        Span span =
                new Span(
                        "t",
                        "s",
                        null,
                        "svc",
                        "op",
                        T0 * 1000 + 1_000_999,
                        T0 * 1000 + 12_345_678,
                        false);

        long timestamp =
                strategy.createTimestampAssigner((TimestampAssignerSupplier.Context) null)
                        .extractTimestamp(span, Long.MIN_VALUE);
        assertThat(timestamp).isEqualTo(T0 + 12_345);

        WatermarkGenerator<Span> fromStrategy = strategy.createWatermarkGenerator(null);
        fromStrategy.onEvent(span, timestamp, output);
        fromStrategy.onPeriodicEmit(output);
        assertThat(output.watermarks).containsExactly(T0 + 12_345 - 5_001);
    }

    @Test
    void aQuietStreamStillClosesTheTraceWithinTheGapPlusTheOutOfOrderness() throws Exception {
        var harness =
                new AssemblerHarness(
                        new KeyedProcessOperator<>(
                                new TraceAssembler(TraceAssemblerConfig.defaults().traceAssembly)));
        harness.open();
        WatermarkOutput toHarness =
                new RecordingOutput() {
                    @Override
                    public void emitWatermark(Watermark watermark) {
                        try {
                            harness.processWatermark(watermark.getTimestamp());
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                };

        Span root =
                new Span(
                        "t1", "r", null, "gateway", "GET /", T0 * 1000, (T0 + 2_000) * 1000, false);
        generator.onEvent(root, T0 + 2_000, toHarness);
        harness.processElement(root, T0 + 2_000);

        // Then nothing arrives: the periodic emitter runs every 200 ms of wall-clock time.
        long quietMillis = 0;
        while (harness.extractOutputValues().isEmpty() && quietMillis < 120_000) {
            clock.advanceTime(Duration.ofMillis(200));
            quietMillis += 200;
            generator.onPeriodicEmit(toHarness);
        }
        List<TraceSummary> out = harness.extractOutputValues();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).spanCount).isEqualTo(1);
        assertThat(out.get(0).rootService).isEqualTo("gateway");
        // The gap (30 s) plus the out-of-orderness (5 s), counted from the first periodic emit
        // after the span (200 ms here), to the next periodic emit.
        assertThat(quietMillis).isBetween(35_200L, 35_400L);
        harness.close();
    }

    private void event(long timestamp) {
        generator.onEvent(new Span(), timestamp, output);
    }

    private static class RecordingOutput implements WatermarkOutput {
        final List<Long> watermarks = new ArrayList<>();
        int idleMarks;

        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {
            idleMarks++;
        }

        @Override
        public void markActive() {}
    }
}
