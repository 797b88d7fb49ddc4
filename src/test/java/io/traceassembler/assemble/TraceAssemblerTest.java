package io.traceassembler.assemble;

import io.traceassembler.analyze.InsightRules;
import io.traceassembler.analyze.TraceAnalysis;
import io.traceassembler.config.PropertyGroups;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.model.Span;
import io.traceassembler.model.SpanKind;
import io.traceassembler.model.SpanSerializer;
import io.traceassembler.model.TraceSummary;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.clock.ManualClock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class TraceAssemblerTest {
    /** 2023-11-14T22:13:20Z, in epoch milliseconds. */
    private static final long T0 = 1_700_000_000_000L;

    private static final long GAP = 30_000;
    private static final long LATENESS = 300_000;

    private final List<AssemblerHarness> harnesses = new ArrayList<>();

    @AfterEach
    void closeHarnesses() throws Exception {
        for (AssemblerHarness harness : harnesses) {
            harness.close();
        }
    }

    // ---------------------------------------------------------------- session close

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void closesTheSessionWhenTheWatermarkPassesTheGap(String backend) throws Exception {
        var harness = open(new TraceAssembler(defaults()), backend);

        harness.processElement(
                span("t1", "root", null, "gateway", "GET /order", 0, 900_250, false), 900);
        harness.processElement(
                span("t1", "a", "root", "orders", "load", 100_000, 400_000, false), 400);
        harness.processElement(
                span("t1", "b", "root", "payments", "charge", 400_000, 800_500, true), 800);

        harness.processWatermark(T0 + 900 + GAP - 1);
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.processWatermark(T0 + 900 + GAP);
        List<TraceSummary> out = harness.extractOutputValues();
        assertThat(out).hasSize(1);
        TraceSummary s = out.get(0);
        assertThat(s.traceId).isEqualTo("t1");
        assertThat(s.spanCount).isEqualTo(3);
        assertThat(s.errorCount).isEqualTo(1);
        assertThat(s.services).containsExactly("gateway", "orders", "payments");
        assertThat(s.hasRoot).isTrue();
        assertThat(s.rootService).isEqualTo("gateway");
        assertThat(s.rootOperation).isEqualTo("GET /order");
        assertThat(s.orphanSpanCount).isZero();
        assertThat(s.truncated).isFalse();
        assertThat(s.revision).isEqualTo(1);
        assertThat(s.startMicros).isEqualTo(T0 * 1000);
        assertThat(s.endMicros).isEqualTo(T0 * 1000 + 900_250);
        assertThat(s.durationMillis()).isEqualTo(900.25);
    }

    @Test
    void assemblesSpansArrivingOutOfOrderAndCountsOrphans() throws Exception {
        var fn = new TraceAssembler(defaults());
        var harness = open(fn, "heap");

        // Children before their parent, two traces interleaved, one span whose parent never
        // arrives.
        harness.processElement(
                span("t1", "c", "b", "db", "query", 2_000_000, 2_500_000, false), 2_500);
        harness.processElement(
                span("t2", "x", null, "search", "GET /q", 0, 1_000_000, false), 1_000);
        harness.processElement(
                span("t1", "b", "root", "orders", "load", 1_000_000, 3_000_000, false), 3_000);
        harness.processElement(
                span("t1", "lost", "missing", "cache", "get", 500_000, 600_000, true), 600);
        harness.processElement(
                span("t1", "root", null, "gateway", "GET /o", 0, 4_000_000, false), 4_000);

        harness.processWatermark(T0 + 4_000 + GAP);
        List<TraceSummary> out = harness.extractOutputValues();
        assertThat(out).extracting(s -> s.traceId).containsExactlyInAnyOrder("t1", "t2");

        TraceSummary t1 = byTrace(out, "t1");
        assertThat(t1.spanCount).isEqualTo(4);
        assertThat(t1.errorCount).isEqualTo(1);
        assertThat(t1.orphanSpanCount).isEqualTo(1);
        assertThat(t1.services).containsExactly("cache", "db", "gateway", "orders");
        assertThat(t1.rootService).isEqualTo("gateway");
        assertThat(t1.startMicros).isEqualTo(T0 * 1000);
        assertThat(t1.endMicros).isEqualTo(T0 * 1000 + 4_000_000);
        assertThat(t1.revision).isEqualTo(1);

        TraceSummary t2 = byTrace(out, "t2");
        assertThat(t2.spanCount).isEqualTo(1);
        assertThat(t2.services).containsExactly("search");
        assertThat(t2.rootOperation).isEqualTo("GET /q");
        assertThat(t2.orphanSpanCount).isZero();
        assertThat(fn.tracesEmittedCount()).isEqualTo(2);
    }

    @Test
    void traceWithoutRootHasNoRootAndCountsOrphans() throws Exception {
        var harness = open(new TraceAssembler(defaults()), "heap");
        harness.processElement(
                span("t1", "a", "gone", "orders", "load", 0, 1_000_000, false), 1_000);
        harness.processElement(span("t1", "b", "a", "db", "query", 100_000, 200_000, false), 200);

        harness.processWatermark(T0 + 1_000 + GAP);
        TraceSummary s = single(harness);
        assertThat(s.hasRoot).isFalse();
        assertThat(s.rootService).isNull();
        assertThat(s.rootOperation).isNull();
        assertThat(s.orphanSpanCount).isEqualTo(1);
        assertThat(s.spanCount).isEqualTo(2);
    }

    @Test
    void twelveSecondTraceArrivingInEndOrderDoesNotSplitUnderTheDefaults() throws Exception {
        TraceAssemblerConfig.TraceAssembly config = defaults();
        var fn = new TraceAssembler(config);
        var harness = open(fn, "heap");
        ManualClock clock = new ManualClock(T0);
        var generator =
                new TraceWatermarks.IdleAdvancingWatermarks(
                        config.maxOutOfOrderness, config.idleness, clock);
        WatermarkOutput toHarness = watermarkOutput(harness);

        // Children end one per second; the 12-second root starts first, ends last, and arrives
        // last.
        List<Span> arrivals = new ArrayList<>();
        for (int i = 1; i <= 11; i++) {
            arrivals.add(
                    span(
                            "t1",
                            "child-" + i,
                            "root",
                            "svc-" + (i % 3),
                            "step",
                            (i - 1) * 1_000_000L,
                            i * 1_000_000L,
                            false));
        }
        arrivals.add(span("t1", "root", null, "gateway", "POST /checkout", 0, 12_000_000, false));

        for (Span s : arrivals) {
            clock.advanceTime(Duration.ofSeconds(1)); // spans are exported as they finish
            long ts = TraceWatermarks.endMillis(s);
            generator.onEvent(s, ts, toHarness);
            harness.processElement(s, ts);
            generator.onPeriodicEmit(toHarness);
        }
        assertThat(harness.getSideOutput(TraceAssembler.LATE_SPANS)).isNull();
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.processWatermark(T0 + 12_000 + GAP);
        TraceSummary s = single(harness);
        assertThat(s.spanCount).isEqualTo(12);
        assertThat(s.hasRoot).isTrue();
        assertThat(s.rootOperation).isEqualTo("POST /checkout");
        assertThat(s.orphanSpanCount).isZero();
        assertThat(s.services).containsExactly("gateway", "svc-0", "svc-1", "svc-2");
        assertThat(s.durationMillis()).isEqualTo(12_000.0);
        assertThat(s.revision).isEqualTo(1);
        assertThat(fn.lateSpansDroppedCount()).isZero();
    }

    // ---------------------------------------------------------------- de-duplication and cap

    @Test
    void countsADuplicatedSpanOnce() throws Exception {
        var fn = new TraceAssembler(defaults());
        var harness = open(fn, "heap");
        Span child = span("t1", "a", "root", "orders", "load", 0, 500_000, true);
        harness.processElement(
                span("t1", "root", null, "gateway", "GET /", 0, 1_000_000, false), 1_000);
        harness.processElement(child, 500);
        harness.processElement(child, 500);
        harness.processElement(
                span("t1", "a", "root", "orders", "load-retry-differs", 0, 500_000, true), 500);

        harness.processWatermark(T0 + 1_000 + GAP);
        TraceSummary s = single(harness);
        assertThat(s.spanCount).isEqualTo(2);
        assertThat(s.errorCount).isEqualTo(1);
        assertThat(s.services).containsExactly("gateway", "orders");
        assertThat(fn.duplicateSpansCount()).isEqualTo(2);
    }

    @Test
    void capStopsStoringSpansButCountsEverySpan() throws Exception {
        var fn = new TraceAssembler(config("max.spans.per.trace", "3"));
        var harness = open(fn, "heap");
        harness.processElement(
                span("t1", "root", null, "gateway", "GET /", 0, 9_000_000, false), 9_000);
        harness.processElement(
                span("t1", "a", "root", "orders", "load", 0, 1_000_000, false), 1_000);
        harness.processElement(
                span("t1", "b", "root", "orders", "save", 0, 2_000_000, true), 2_000);
        // Beyond the cap: counted, not stored.
        harness.processElement(span("t1", "c", "b", "db", "insert", 0, 3_000_000, true), 3_000);
        harness.processElement(span("t1", "d", "zzz", "cache", "put", 0, 4_000_000, false), 4_000);
        // A retry of a stored span is still recognised.
        harness.processElement(
                span("t1", "a", "root", "orders", "load", 0, 1_000_000, false), 1_000);

        harness.processWatermark(T0 + 9_000 + GAP);
        TraceSummary s = single(harness);
        assertThat(s.truncated).isTrue();
        assertThat(s.spanCount).isEqualTo(5);
        assertThat(s.errorCount).isEqualTo(2);
        assertThat(s.services).containsExactly("cache", "db", "gateway", "orders");
        assertThat(s.orphanSpanCount).isZero(); // only stored spans are checked
        assertThat(s.rootService).isEqualTo("gateway");
        assertThat(fn.truncatedTracesCount()).isEqualTo(1);
        assertThat(fn.duplicateSpansCount()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- forced close

    @Test
    void forcesCloseOfANeverEndingTraceEveryMaxTraceDuration() throws Exception {
        var harness = open(new TraceAssembler(config("max.trace.duration", "1 min")), "heap");

        // A span ending every 10 s for 150 s; the watermark follows 5 s behind, as the generator
        // would.
        for (long endSec = 0; endSec <= 150; endSec += 10) {
            harness.processElement(
                    span(
                            "t1",
                            "s" + endSec,
                            endSec == 0 ? null : "s0",
                            "svc",
                            "poll",
                            endSec * 1_000_000,
                            endSec * 1_000_000 + 1,
                            false),
                    T0 + endSec * 1000);
            harness.processWatermark(T0 + endSec * 1000 - 5_001);
            assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        }

        // Forced at 60 s (the watermark passes it after the span ending at 70 s), then at 120 s
        // (after 130 s).
        List<TraceSummary> out = harness.extractOutputValues();
        assertThat(out).extracting(s -> s.revision).containsExactly(1, 2);
        assertThat(out.get(0).spanCount).isEqualTo(8);
        assertThat(out.get(0).endMicros).isEqualTo(T0 * 1000 + 70_000_001);
        assertThat(out.get(1).spanCount).isEqualTo(14);
        assertThat(out.get(1).startMicros).isEqualTo(T0 * 1000);
        assertThat(out.get(1).endMicros).isEqualTo(T0 * 1000 + 130_000_001);

        // Then the trace goes quiet and closes normally with every span.
        harness.processWatermark(T0 + 150_000 + GAP - 1);
        assertThat(harness.extractOutputValues()).hasSize(2);
        harness.processWatermark(T0 + 150_000 + GAP);
        out = harness.extractOutputValues();
        assertThat(out).hasSize(3);
        TraceSummary last = out.get(2);
        assertThat(last.revision).isEqualTo(3);
        assertThat(last.spanCount).isEqualTo(16);
        assertThat(last.endMicros).isEqualTo(T0 * 1000 + 150_000_001);
        assertThat(last.orphanSpanCount).isZero();
        assertThat(last.rootService).isEqualTo("svc");
    }

    @Test
    void forcedCloseWithoutNewSpansDoesNotEmitAgainAtTheGap() throws Exception {
        var harness = open(new TraceAssembler(config("max.trace.duration", "1 min")), "heap");
        harness.processElement(span("t1", "r", null, "svc", "op", 0, 1_000, false), T0);
        harness.processElement(
                span("t1", "a", "r", "svc", "op", 0, 50_000_000, false), T0 + 50_000);
        harness.processWatermark(T0 + 60_001); // first end (1 ms) + 1 min
        assertThat(single(harness).spanCount).isEqualTo(2);
        harness.processWatermark(T0 + 50_000 + GAP);
        assertThat(single(harness).revision).isEqualTo(1);
    }

    // ---------------------------------------------------------------- lateness

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void lateSpanWithinLatenessEmitsARevisionWithFullCounts(String backend) throws Exception {
        var harness = open(new TraceAssembler(defaults()), backend);
        harness.processElement(
                span("t1", "root", null, "gateway", "GET /", 0, 2_000_000, false), 2_000);
        harness.processElement(
                span("t1", "a", "root", "orders", "load", 0, 1_000_000, false), 1_000);
        harness.processWatermark(T0 + 2_000 + GAP);
        assertThat(single(harness).revision).isEqualTo(1);

        // Two minutes later: a span of the closed trace, with a new service and an error.
        harness.processWatermark(T0 + 2_000 + GAP + 120_000);
        harness.processElement(
                span("t1", "b", "a", "db", "query", 500_000, 1_500_000, true), 1_500);
        harness.processElement(
                span("t1", "b", "a", "db", "query", 500_000, 1_500_000, true), 1_500);
        assertThat(harness.extractOutputValues()).hasSize(1); // emitted with the next watermark

        harness.processWatermark(T0 + 2_000 + GAP + 121_000);
        List<TraceSummary> out = harness.extractOutputValues();
        assertThat(out).hasSize(2);
        TraceSummary revised = out.get(1);
        assertThat(revised.revision).isEqualTo(2);
        assertThat(revised.spanCount).isEqualTo(3);
        assertThat(revised.errorCount).isEqualTo(1);
        assertThat(revised.services).containsExactly("db", "gateway", "orders");
        assertThat(revised.rootService).isEqualTo("gateway");
        assertThat(revised.orphanSpanCount).isZero();
        assertThat(revised.startMicros).isEqualTo(T0 * 1000);
        assertThat(revised.endMicros).isEqualTo(T0 * 1000 + 2_000_000);
        assertThat(harness.getSideOutput(TraceAssembler.LATE_SPANS)).isNull();
    }

    @Test
    void lateSpanExtendingTheTraceReopensItsSession() throws Exception {
        var harness = open(new TraceAssembler(defaults()), "heap");
        harness.processElement(
                span("t1", "root", null, "gateway", "GET /", 0, 1_000_000, false), 1_000);
        harness.processWatermark(T0 + 1_000 + GAP);
        assertThat(harness.extractOutputValues()).hasSize(1);

        // Ends 20 s later than the trace: the session re-opens until 20 s + gap.
        harness.processElement(
                span("t1", "async", "root", "mailer", "send", 1_000_000, 21_000_000, false),
                21_000);
        harness.processWatermark(T0 + 21_000 + GAP - 1);
        assertThat(harness.extractOutputValues()).hasSize(1);
        harness.processWatermark(T0 + 21_000 + GAP);
        List<TraceSummary> out = harness.extractOutputValues();
        assertThat(out).hasSize(2);
        assertThat(out.get(1).revision).isEqualTo(2);
        assertThat(out.get(1).spanCount).isEqualTo(2);
        assertThat(out.get(1).durationMillis()).isEqualTo(21_000.0);
    }

    @Test
    void spanBeyondLatenessGoesToTheSideOutputAndNeverStartsATrace() throws Exception {
        var fn = new TraceAssembler(defaults());
        var harness = open(fn, "heap");
        harness.processElement(
                span("t1", "root", null, "gateway", "GET /", 0, 1_000_000, false), 1_000);
        harness.processWatermark(T0 + 1_000 + GAP + LATENESS);
        assertThat(single(harness).spanCount).isEqualTo(1);
        assertThat(harness.numKeyedStateEntries()).isZero();

        Span late = span("t1", "a", "root", "orders", "load", 0, 900_000, false);
        Span unknownTrace = span("t9", "x", null, "search", "GET /q", 0, 1_000_000, false);
        harness.processElement(late, 900);
        harness.processElement(unknownTrace, 1_000);
        harness.processWatermark(T0 + 1_000 + GAP + LATENESS + 600_000);

        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(harness.getSideOutput(TraceAssembler.LATE_SPANS))
                .extracting(StreamRecord::getValue)
                .containsExactly(late, unknownTrace);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(fn.lateSpansDroppedCount()).isEqualTo(2);
    }

    @Test
    void emitsNothingWhenTimersFireWithoutChanges() throws Exception {
        var fn = new TraceAssembler(defaults());
        var harness = open(fn, "heap");
        harness.processElement(
                span("t1", "root", null, "gateway", "GET /", 0, 1_000_000, false), 1_000);
        for (long wm = T0; wm < T0 + 1_000 + GAP + LATENESS; wm += 7_000) {
            harness.processWatermark(wm);
        }
        assertThat(harness.extractOutputValues()).extracting(s -> s.revision).containsExactly(1);
        assertThat(fn.tracesEmittedCount()).isEqualTo(1);
        assertThat(harness.numKeyedStateEntries()).isPositive();
    }

    @Test
    void clearsAllStateAndTimersAfterTheAllowedLateness() throws Exception {
        var harness = open(new TraceAssembler(defaults()), "heap");
        harness.processElement(
                span("t1", "root", null, "gateway", "GET /", 0, 1_000_000, false), 1_000);
        harness.processElement(span("t1", "a", "root", "orders", "load", 0, 500_000, false), 500);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1); // one TraceState per trace

        harness.processWatermark(T0 + 1_000 + GAP);
        assertThat(single(harness).spanCount).isEqualTo(2);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        assertThat(harness.numEventTimeTimers()).isEqualTo(1); // the cleanup timer

        harness.processWatermark(T0 + 1_000 + GAP + LATENESS - 1);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        harness.processWatermark(T0 + 1_000 + GAP + LATENESS);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.extractOutputValues()).hasSize(1);
    }

    @Test
    void registersNoTimerPerSpanWhenTheDeadlineOnlyMovesLater() throws Exception {
        var harness = open(new TraceAssembler(defaults()), "heap");
        for (int i = 1; i <= 100; i++) {
            harness.processElement(
                    span("t1", "s" + i, "s0", "svc", "op", 0, i * 100_000L, false), i * 100L);
        }
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        // The first timer (first end + gap) fires and re-registers at the real deadline: no emit
        // yet.
        harness.processWatermark(T0 + 100 + GAP);
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(harness.numEventTimeTimers()).isEqualTo(1);
        harness.processWatermark(T0 + 10_000 + GAP);
        TraceSummary s = single(harness);
        assertThat(s.spanCount).isEqualTo(100);
        assertThat(s.orphanSpanCount).isEqualTo(100);
        assertThat(s.hasRoot).isFalse();
    }

    @Test
    void allTimersFiringAtTheEndOfInputEmitEachTraceOnce() throws Exception {
        // Batch execution: every element first, then all timers (watermark jumps to the end).
        var harness = open(new TraceAssembler(config("max.trace.duration", "1 min")), "heap");
        for (long sec = 0; sec <= 300; sec += 10) {
            harness.processElement(
                    span(
                            "long",
                            "s" + sec,
                            sec == 0 ? null : "s0",
                            "svc",
                            "op",
                            sec * 1_000_000,
                            sec * 1_000_000 + 500,
                            false),
                    T0 + sec * 1000);
        }
        harness.processElement(span("short", "r", null, "web", "GET", 0, 1_000, true), T0);
        harness.processWatermark(Long.MAX_VALUE);

        List<TraceSummary> out = harness.extractOutputValues();
        assertThat(out).extracting(s -> s.traceId).containsExactlyInAnyOrder("long", "short");
        TraceSummary longTrace = byTrace(out, "long");
        assertThat(longTrace.spanCount).isEqualTo(31);
        assertThat(longTrace.revision).isEqualTo(1);
        assertThat(longTrace.endMicros).isEqualTo(T0 * 1000 + 300_000_500);
        assertThat(byTrace(out, "short").errorCount).isEqualTo(1);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    // ---------------------------------------------------------------- state

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void stateSurvivesSnapshotAndRestoreMidTrace(String backend) throws Exception {
        var first = open(new TraceAssembler(defaults()), backend);
        first.processElement(
                span("t1", "root", null, "gateway", "GET /", 0, 3_000_000, false), 3_000);
        first.processElement(span("t1", "a", "root", "orders", "load", 0, 1_000_000, true), 1_000);
        first.processWatermark(T0 + 1_000);
        OperatorSubtaskState snapshot = first.snapshot(1L, T0 + 1_000);
        first.close();
        harnesses.remove(first);

        var fn = new TraceAssembler(defaults());
        var restored = harness(fn, backend);
        restored.initializeState(snapshot);
        restored.open();
        restored.processElement(
                span("t1", "a", "root", "orders", "load", 0, 1_000_000, true), 1_000);
        restored.processElement(span("t1", "b", "a", "db", "query", 0, 2_000_000, false), 2_000);
        restored.processWatermark(T0 + 3_000 + GAP);

        TraceSummary s = single(restored);
        assertThat(s.spanCount).isEqualTo(3);
        assertThat(s.errorCount).isEqualTo(1);
        assertThat(s.services).containsExactly("db", "gateway", "orders");
        assertThat(s.rootService).isEqualTo("gateway");
        assertThat(s.orphanSpanCount).isZero();
        assertThat(s.revision).isEqualTo(1);
        assertThat(s.endMicros).isEqualTo(T0 * 1000 + 3_000_000);
        assertThat(fn.duplicateSpansCount()).isEqualTo(1);
    }

    @Test
    void analysesEachRevisionAndReportsEachInsightTypeOncePerTrace() throws Exception {
        // Thresholds: slow above 5 s, fan-out above 2 services.
        var fn = new TraceAssembler(defaults(), new TraceAnalysis(new InsightRules(5_000, 2)));
        var harness = open(fn, "heap");
        harness.processElement(span("t1", "a", "root", "orders", "load", 0, 500_000, true), 500);
        harness.processElement(span("t1", "b", "root", "db", "query", 0, 900_000, false), 900);
        harness.processElement(span("t1", "c", "root", "cache", "get", 0, 1_000_000, false), 1_000);
        harness.processElement(
                span("t2", "x", null, "search", "GET /q", 0, 1_000_000, false), 1_000);
        harness.processWatermark(T0 + 1_000 + GAP);
        // Within the lateness the root arrives: 7 s long, the trace is now slow too (revision 2).
        harness.processElement(
                span("t1", "root", null, "gateway", "POST /checkout", 0, 7_000_000, false), 7_000);
        harness.processWatermark(T0 + 7_000 + GAP);

        List<TraceSummary> out = harness.extractOutputValues();
        assertThat(out)
                .extracting(s -> s.traceId + " r" + s.revision + " " + s.insights)
                .containsExactlyInAnyOrder(
                        "t1 r1 [high_service_count, trace_errors]",
                        "t2 r1 []",
                        "t1 r2 [high_service_count, slow_trace, trace_errors]");
        assertThat(harness.getSideOutput(TraceAnalysis.INSIGHTS))
                .extracting(StreamRecord::getValue)
                .extracting(i -> i.type + "/" + i.traceId)
                .containsExactlyInAnyOrder(
                        "trace_errors/t1", "high_service_count/t1", "slow_trace/t1");
        // Without an analysis the assembler sets no insights.
        var plain = open(new TraceAssembler(defaults()), "heap");
        plain.processElement(span("t1", "a", null, "orders", "load", 0, 9_000_000, true), 9_000);
        plain.processWatermark(T0 + 9_000 + GAP);
        assertThat(single(plain).insights).isEmpty();
        assertThat(plain.getSideOutput(TraceAnalysis.INSIGHTS)).isNull();
    }

    @Test
    void stateAndSpansUseHandWrittenSerializersNeverKryo() {
        ExecutionConfig noKryo = new ExecutionConfig();
        noKryo.disableGenericTypes();
        ValueStateDescriptor<TraceState> descriptor = TraceAssembler.traceStateDescriptor();
        descriptor.initializeSerializerUnlessSet(noKryo);
        assertThat(descriptor.getSerializer()).isSameAs(TraceStateSerializer.INSTANCE);
        // Span has a hand-written serializer (SpanTypeInfoFactory): not a generic type, never Kryo.
        TypeInformation<Span> spanType = TypeInformation.of(Span.class);
        assertThat(spanType).isNotInstanceOf(GenericTypeInfo.class);
        assertThat(spanType.createSerializer(noKryo.getSerializerConfig()))
                .isInstanceOf(SpanSerializer.class);
        assertThat(TypeInformation.of(TraceSummary.class)).isInstanceOf(PojoTypeInfo.class);
    }

    // ---------------------------------------------------------------- helpers

    private AssemblerHarness open(TraceAssembler fn, String backend) throws Exception {
        var harness = harness(fn, backend);
        harness.open();
        return harness;
    }

    private AssemblerHarness harness(TraceAssembler fn, String backend) throws Exception {
        var harness = new AssemblerHarness(new KeyedProcessOperator<>(fn));
        harness.setStateBackend(
                backend.equals("rocksdb")
                        ? new EmbeddedRocksDBStateBackend()
                        : new HashMapStateBackend());
        harness.getExecutionConfig()
                .disableGenericTypes(); // any Kryo-serialised state fails the test
        harnesses.add(harness);
        return harness;
    }

    /** A span of a trace starting at {@link #T0}; offsets in microseconds. */
    // ---------------------------------------------------------------- Zipkin shared spans (B3)

    /** The server half of a B3 RPC: the client half's id and parent id, another service, shared. */
    private static Span serverHalf(
            Span client, String service, long start, long end, boolean error) {
        Span server =
                span(
                        client.traceId,
                        client.spanId,
                        client.parentSpanId,
                        service,
                        client.operationName,
                        start,
                        end,
                        error);
        server.kind = SpanKind.SERVER;
        server.shared = true;
        return server;
    }

    private static Span client(Span span) {
        span.kind = SpanKind.CLIENT;
        return span;
    }

    /**
     *
     *
     * <pre>
     * root   web      GET /      0..1000 ms
     *   c    checkout pay        100..900   client half
     *   c    payment  pay        150..850   server half (shared), ERROR
     *     d  db       insert     200..400   child of the shared id
     * </pre>
     *
     * Four spans, four services, one error: payment's. The server half is c's child, d the server
     * half's: the root cause is the payment half (depth 2, d is ok); no orphans.
     */
    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void bothHalvesOfASharedSpanCountAndTheServerErrorIsTheRootCause(String backend)
            throws Exception {
        var harness = open(new TraceAssembler(defaults()), backend);
        Span root = span("t1", "00000000000000a1", null, "web", "GET /", 0, 1_000_000, false);
        Span clientHalf =
                client(
                        span(
                                "t1",
                                "00000000000000c1",
                                "00000000000000a1",
                                "checkout",
                                "pay",
                                100_000,
                                900_000,
                                false));
        Span server = serverHalf(clientHalf, "payment", 150_000, 850_000, true);
        Span child =
                span(
                        "t1",
                        "00000000000000d1",
                        "00000000000000c1",
                        "db",
                        "insert",
                        200_000,
                        400_000,
                        false);

        // The server half first; then a retry of each half, which count once.
        harness.processElement(server, 850);
        harness.processElement(child, 400);
        harness.processElement(clientHalf, 900);
        harness.processElement(root, 1_000);
        harness.processElement(serverHalf(clientHalf, "payment", 150_000, 850_000, true), 850);
        harness.processElement(
                client(
                        span(
                                "t1",
                                "00000000000000c1",
                                "00000000000000a1",
                                "checkout",
                                "pay",
                                100_000,
                                900_000,
                                false)),
                900);
        harness.processWatermark(T0 + 1_000 + GAP);

        TraceSummary s = harness.extractOutputValues().get(0);
        assertThat(s.spanCount).isEqualTo(4);
        assertThat(s.services).containsExactly("checkout", "db", "payment", "web");
        assertThat(s.errorCount).isEqualTo(1);
        assertThat(s.orphanSpanCount).isZero();
        assertThat(s.rootService).isEqualTo("web");
        assertThat(s.rootCauseService).isEqualTo("payment");
        assertThat(s.rootCauseOperation).isEqualTo("pay");
        assertThat(s.rootCauseSpanId).isEqualTo("00000000000000c1");
        // Critical path, worked out by hand: web 900..1000 and 0..100 (200 ms); checkout (client
        // half)
        // 850..900 and 100..150 (100); payment 400..850 and 150..200 (500); db 200..400 (200).
        assertThat(s.criticalPathMicros)
                .containsOnly(
                        entry("web", 200_000L),
                        entry("checkout", 100_000L),
                        entry("payment", 500_000L),
                        entry("db", 200_000L));
        assertThat(s.bottleneckService).isEqualTo("payment");
        assertThat(s.bottleneckOperation).isEqualTo("pay");
        assertThat(s.bottleneckShare).isEqualTo(0.5);
    }

    /**
     * A Zipkin half without a timestamp counts (span, service, error) but not in the bounds: the
     * trace runs 0..500 ms from its timed span alone, though the untimed one's stand-in time is 900
     * ms.
     */
    @Test
    void anUntimedSpanCountsButTakesNoPartInTheBounds() throws Exception {
        var harness = open(new TraceAssembler(defaults()), "heap");
        harness.processElement(
                span("t1", "00000000000000a1", null, "web", "GET /", 0, 500_000, false), 500);
        Span untimed =
                span(
                        "t1",
                        "00000000000000b1",
                        "00000000000000a1",
                        "cache",
                        "get",
                        900_000,
                        900_000,
                        true);
        untimed.untimed = true;
        harness.processElement(untimed, 900);
        harness.processWatermark(T0 + 900 + GAP);

        TraceSummary s = harness.extractOutputValues().get(0);
        assertThat(s.spanCount).isEqualTo(2);
        assertThat(s.errorCount).isEqualTo(1);
        assertThat(s.services).containsExactly("cache", "web");
        assertThat(s.startMicros).isEqualTo(T0 * 1000);
        assertThat(s.endMicros).isEqualTo(T0 * 1000 + 500_000);
        assertThat(s.rootCauseService).isEqualTo("cache");
        assertThat(s.criticalPathMicros).containsExactly(entry("web", 500_000L));
    }

    @Test
    void aTraceWithoutATimedSpanIsADeadLetter() throws Exception {
        var harness = open(new TraceAssembler(defaults()), "heap");
        Span untimed =
                span("t1", "00000000000000b1", null, "cache", "get", 900_000, 900_000, false);
        untimed.untimed = true;
        harness.processElement(untimed, 900);
        harness.processWatermark(T0 + 900 + GAP);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(harness.getSideOutput(TraceAssembler.UNTIMED_TRACES))
                .extracting(r -> r.getValue().reason)
                .containsExactly(TraceAssembler.UNTIMED_TRACE_REASON);
    }

    @Test
    void outsideZipkinARepeatedSpanIdIsARetryEvenFromAnotherService() throws Exception {
        var harness = open(new TraceAssembler(defaults()), "heap");
        harness.processElement(
                span("t1", "00000000000000a1", null, "web", "GET /", 0, 10_000, false), 10);
        harness.processElement(
                span("t1", "00000000000000a1", null, "other", "GET /", 0, 10_000, true), 10);
        harness.processWatermark(T0 + 10 + GAP);

        TraceSummary s = harness.extractOutputValues().get(0);
        assertThat(s.spanCount).isEqualTo(1);
        assertThat(s.errorCount).isZero();
        assertThat(s.rootCauseService).isNull();
    }

    private static Span span(
            String traceId,
            String spanId,
            String parent,
            String service,
            String operation,
            long startOffsetMicros,
            long endOffsetMicros,
            boolean error) {
        return new Span(
                traceId,
                spanId,
                parent,
                service,
                operation,
                T0 * 1000 + startOffsetMicros,
                T0 * 1000 + endOffsetMicros,
                error);
    }

    private static TraceAssemblerConfig.TraceAssembly defaults() {
        return TraceAssemblerConfig.defaults().traceAssembly;
    }

    private static TraceAssemblerConfig.TraceAssembly config(String key, String value) {
        return TraceAssemblerConfig.from(PropertyGroups.empty().set("TraceAssembly", key, value))
                .traceAssembly;
    }

    private static TraceSummary single(AssemblerHarness harness) {
        List<TraceSummary> out = harness.extractOutputValues();
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    private static TraceSummary byTrace(List<TraceSummary> summaries, String traceId) {
        List<TraceSummary> matching =
                summaries.stream()
                        .filter(s -> s.traceId.equals(traceId))
                        .collect(Collectors.toList());
        assertThat(matching).hasSize(1);
        return matching.get(0);
    }

    private static WatermarkOutput watermarkOutput(AssemblerHarness harness) {
        return new WatermarkOutput() {
            @Override
            public void emitWatermark(Watermark watermark) {
                try {
                    harness.processWatermark(watermark.getTimestamp());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void markIdle() {}

            @Override
            public void markActive() {}
        };
    }
}
