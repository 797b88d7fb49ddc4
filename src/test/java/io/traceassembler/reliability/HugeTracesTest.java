package io.traceassembler.reliability;

import io.traceassembler.assemble.AssemblerHarness;
import io.traceassembler.assemble.TraceAssembler;
import io.traceassembler.config.PropertyGroups;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.model.Span;
import io.traceassembler.model.TraceSummary;

import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Promise 2 at operator level (event time driven by explicit watermarks): a 200,000-span trace is
 * truncated at the span cap with every span counted; a trace that never ends is emitted every
 * max.trace.duration with increasing revisions and full counts; a normal trace next to the flood is
 * emitted when its own gap passes, not after the flood.
 */
class HugeTracesTest {
    private static final long T0 = 1_735_689_600_000L;

    static TraceAssemblerConfig config() {
        PropertyGroups groups = PropertyGroups.empty();
        groups.set("TraceAssembly.session.gap=10 s");
        groups.set("TraceAssembly.max.trace.duration=5 min");
        groups.set("TraceAssembly.max.spans.per.trace=10000");
        return TraceAssemblerConfig.from(groups);
    }

    @Test
    void floodTruncatesNeverEndingTraceIsRevisedAndNeighboursAreNotDelayed() throws Exception {
        TraceAssemblerConfig config = config();
        List<TraceSummary> out = new ArrayList<>();
        List<Long> emittedAtWatermark = new ArrayList<>();
        try (AssemblerHarness harness =
                new AssemblerHarness(
                        new KeyedProcessOperator<>(new TraceAssembler(config.traceAssembly)))) {
            harness.open();
            // 200,000 flood spans over 20 minutes of event time (one every 6 ms), a normal 3-span
            // trace
            // every minute, the watermark following the data (5 s out of orderness) every 1,000
            // spans.
            int flood = 200_000;
            int normal = 0;
            for (int i = 0; i < flood; i++) {
                long end = T0 + i * 6L;
                harness.processElement(
                        new Span(
                                "flood",
                                "f" + i,
                                i == 0 ? null : "f0",
                                "svc-" + (i % 3),
                                "op",
                                (end - 1) * 1000,
                                end * 1000,
                                i % 1000 == 0),
                        end);
                if (i % 10_000 == 5_000) {
                    String id = "normal-" + normal++;
                    for (int s = 0; s < 3; s++) {
                        harness.processElement(
                                new Span(
                                        id,
                                        "n" + s,
                                        s == 0 ? null : "n0",
                                        "svc",
                                        "op",
                                        (end - 500) * 1000,
                                        (end + s) * 1000,
                                        false),
                                end + s);
                    }
                }
                if (i % 1_000 == 999) {
                    harness.processWatermark(end - 5_000);
                    drain(harness, out, emittedAtWatermark, end - 5_000);
                }
            }
            harness.processWatermark(Long.MAX_VALUE);
            drain(harness, out, emittedAtWatermark, Long.MAX_VALUE);

            List<TraceSummary> floodRevisions = new ArrayList<>();
            List<Long> floodEmits = new ArrayList<>();
            for (int i = 0; i < out.size(); i++) {
                TraceSummary s = out.get(i);
                if (s.traceId.equals("flood")) {
                    floodRevisions.add(s);
                    floodEmits.add(emittedAtWatermark.get(i));
                } else {
                    // A normal trace: emitted once, complete, as soon as the watermark passed end +
                    // gap.
                    assertThat(s.spanCount).as(s.traceId).isEqualTo(3);
                    assertThat(s.revision).as(s.traceId).isEqualTo(1);
                    long dueAt = s.endMicros / 1000 + 10_000;
                    assertThat(emittedAtWatermark.get(i))
                            .as("%s emitted at its gap, not after the flood", s.traceId)
                            .isBetween(dueAt, dueAt + 6_000 + 5_000);
                }
            }
            assertThat(out.size() - floodRevisions.size()).isEqualTo(normal);

            // The never-ending flood: forced emits every 5 min of event time, revisions 1, 2, 3...,
            // non-decreasing counts, truncated at the cap, the final one counting every span.
            assertThat(floodRevisions.size())
                    .as("forced emits at 5, 10, 15 min and the final one")
                    .isGreaterThanOrEqualTo(4);
            for (int r = 0; r < floodRevisions.size(); r++) {
                TraceSummary s = floodRevisions.get(r);
                assertThat(s.revision).isEqualTo(r + 1);
                if (r > 0) {
                    assertThat(s.spanCount).isGreaterThan(floodRevisions.get(r - 1).spanCount);
                }
                if (r < floodRevisions.size() - 1) {
                    long forcedAt = T0 + (r + 1) * 300_000L;
                    assertThat(floodEmits.get(r))
                            .as("forced emit %d", r + 1)
                            .isBetween(forcedAt, forcedAt + 6_000);
                    // Every span up to the watermark is counted (those beyond it may be too).
                    assertThat(s.spanCount)
                            .isGreaterThanOrEqualTo((int) ((floodEmits.get(r) - T0) / 6));
                }
            }
            TraceSummary last = floodRevisions.get(floodRevisions.size() - 1);
            assertThat(last.spanCount).isEqualTo(flood);
            assertThat(last.errorCount).isEqualTo(flood / 1000);
            assertThat(last.truncated).isTrue();
            assertThat(last.services).containsExactly("svc-0", "svc-1", "svc-2");
            assertThat(last.startMicros).isEqualTo((T0 - 1) * 1000);
            assertThat(last.endMicros).isEqualTo((T0 + (flood - 1) * 6L) * 1000);
            System.out.printf(
                    "[reliability] flood: %d spans, %d revisions, last truncated=%s span_count=%d; %d normal "
                            + "traces each emitted within its gap%n",
                    flood, floodRevisions.size(), last.truncated, last.spanCount, normal);
        }
    }

    private static void drain(
            AssemblerHarness harness,
            List<TraceSummary> out,
            List<Long> emittedAt,
            long watermark) {
        List<TraceSummary> values = harness.extractOutputValues();
        for (int i = out.size(); i < values.size(); i++) {
            out.add(values.get(i));
            emittedAt.add(watermark);
        }
    }
}
