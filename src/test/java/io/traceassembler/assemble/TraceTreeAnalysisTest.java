package io.traceassembler.assemble;

import io.traceassembler.model.PeerType;
import io.traceassembler.model.SpanKind;
import io.traceassembler.model.TraceSummary;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The analysis read from a trace's stored spans: the tree takes the trace's own name tables, with
 * one stand-in for a span that named no service ("unknown", merged with a service really called so)
 * and none for its operation ("null").
 */
class TraceTreeAnalysisTest {

    /**
     *
     *
     * <pre>
     * a  gateway   GET /    0 ........................ 100 ms
     * b  (none)    (none)      10 ......... 50
     * c  unknown   work                        50 .. 80
     * </pre>
     *
     * Critical path: a's own time 0-10 and 80-100 (30 ms), b 10-50 (40 ms), c 50-80 (30 ms). b and
     * c are the same service, "unknown": 70 ms, the bottleneck; its operation with most time is
     * b's, which has none ("null", 40 ms against work's 30).
     */
    @Test
    void spansWithoutAServiceShareTheUnknownServiceOfTheTrace() {
        TraceState trace = new TraceState();
        int gateway = trace.addService("gateway");
        add(trace, 1, SpanTable.ROOT, 0, 100, gateway, "GET /");
        add(trace, 2, 1, 10, 45, SpanTable.NO_SERVICE, null);
        add(trace, 3, 1, 50, 80, trace.addService("unknown"), "work");

        TraceSummary summary = new TraceSummary();
        new TraceTreeAnalysis().analyze(trace, summary);

        assertThat(summary.criticalPathMicros)
                .isEqualTo(Map.of("gateway", 35_000L, "unknown", 65_000L));
        assertThat(summary.bottleneckService).isEqualTo("unknown");
        assertThat(summary.bottleneckOperation).isEqualTo("null");
        assertThat(summary.bottleneckShare).isEqualTo(0.65);
    }

    /** Without a span called "unknown", the stand-in is a name of its own after the trace's. */
    @Test
    void aMissingServiceAloneIsStillUnknown() {
        TraceState trace = new TraceState();
        int gateway = trace.addService("gateway");
        add(trace, 1, SpanTable.ROOT, 0, 100, gateway, "GET /");
        add(trace, 2, 1, 0, 90, SpanTable.NO_SERVICE, "work");

        TraceSummary summary = new TraceSummary();
        new TraceTreeAnalysis().analyze(trace, summary);

        assertThat(summary.criticalPathMicros)
                .isEqualTo(Map.of("gateway", 10_000L, "unknown", 90_000L));
        assertThat(summary.bottleneckOperation).isEqualTo("work");
    }

    private static void add(
            TraceState trace,
            long id,
            long parent,
            long startMs,
            long endMs,
            int service,
            String operation) {
        trace.spans.append(
                id,
                null,
                parent,
                startMs * 1000,
                endMs * 1000,
                service,
                trace.nameIndex(operation),
                trace.nameIndex(null),
                PeerType.NONE,
                SpanKind.INTERNAL,
                false,
                false,
                false);
    }
}
