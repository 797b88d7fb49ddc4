package io.traceassembler.assemble;

import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.model.ServiceGraphEdge;
import io.traceassembler.model.Span;
import io.traceassembler.model.SpanKind;
import io.traceassembler.model.TraceSummary;

import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The assembler's service-graph side output: each edge of a trace once, also when late spans emit
 * it again, and across a snapshot and restore in between.
 */
class ServiceGraphAssemblyTest {
    /** 2023-11-14T22:13:20Z, in epoch milliseconds. */
    private static final long T0 = 1_700_000_000_000L;

    private static final long GAP = 30_000;

    @ParameterizedTest
    @ValueSource(strings = {"heap", "rocksdb"})
    void lateSpansEmitOnlyTheEdgesTheyMake(String backend) throws Exception {
        // Revision 1:
        // r gateway SERVER 0..2000 ms
        // └ a orders SERVER 100..1500                  gateway -> orders
        //   └ c orders CLIENT db.system 200..300       orders -> postgresql (virtual, database)
        AssemblerHarness first = open(backend);
        first.processElement(span("r", null, "gateway", SpanKind.SERVER, 0, 2_000, false), 2_000);
        first.processElement(span("a", "r", "orders", SpanKind.SERVER, 100, 1_500, false), 1_500);
        Span query = span("c", "a", "orders", SpanKind.CLIENT, 200, 300, false);
        query.dbSystem = "postgresql";
        first.processElement(query, 300);
        first.processWatermark(T0 + 2_000 + GAP);
        assertThat(revisions(first)).containsExactly(1);
        assertThat(edges(first))
                .containsExactlyInAnyOrder(
                        "gateway -> orders request 1400.0 @ 100",
                        "orders -> postgresql database 100.0 @ 200");
        OperatorSubtaskState snapshot = first.snapshot(1L, T0 + 2_000 + GAP);
        first.close();

        // Within the lateness, after a restore: a failing payments call, the database's own span
        // (the instrumented server of c), and a retry of a.
        AssemblerHarness restored = harness(backend);
        restored.initializeState(snapshot);
        restored.open();
        restored.processElement(span("d", "a", "payments", SpanKind.SERVER, 500, 900, true), 900);
        restored.processElement(span("s", "c", "postgres", SpanKind.SERVER, 210, 290, false), 290);
        restored.processElement(
                span("a", "r", "orders", SpanKind.SERVER, 100, 1_500, false), 1_500);
        restored.processWatermark(T0 + 2_000 + GAP + 60_000);

        assertThat(revisions(restored)).containsExactly(2);
        assertThat(edges(restored))
                .as("gateway -> orders and the virtual postgresql edge counted with revision 1")
                .containsExactlyInAnyOrder(
                        "orders -> payments request failed 400.0 @ 500",
                        "orders -> postgres request 80.0 @ 210");
        restored.close();
    }

    @Test
    void timersWithoutNewSpansEmitNoEdgesAndALateSpanOnlyItsOwn() throws Exception {
        AssemblerHarness harness = open("heap");
        harness.processElement(span("r", null, "web", SpanKind.SERVER, 0, 1_000, false), 1_000);
        harness.processElement(span("a", "r", "api", SpanKind.SERVER, 10, 990, false), 990);
        harness.processWatermark(T0 + 1_000 + GAP);
        // No new span: timers that fire later emit nothing, so no edge again.
        harness.processWatermark(T0 + 1_000 + GAP + 10_000);
        harness.processElement(span("b", "a", "search", SpanKind.SERVER, 20, 40, false), 40);
        harness.processWatermark(T0 + 1_000 + GAP + 20_000);

        assertThat(revisions(harness)).containsExactly(1, 2);
        assertThat(edges(harness))
                .containsExactly(
                        "web -> api request 980.0 @ 10", "api -> search request 20.0 @ 20");
        harness.close();
    }

    @Test
    void withoutTheServiceGraphNoEdgesAreEmitted() throws Exception {
        AssemblerHarness harness =
                new AssemblerHarness(
                        new TraceAssemblerOperator(
                                new TraceAssembler(TraceAssemblerConfig.defaults().traceAssembly)));
        harness.open();
        harness.processElement(span("r", null, "web", SpanKind.SERVER, 0, 1_000, false), 1_000);
        harness.processElement(span("a", "r", "api", SpanKind.SERVER, 10, 990, false), 990);
        harness.processWatermark(T0 + 1_000 + GAP);
        assertThat(revisions(harness)).containsExactly(1);
        assertThat(harness.getSideOutput(TraceAssembler.SERVICE_GRAPH_EDGES)).isNull();
        harness.close();
    }

    private static AssemblerHarness open(String backend) throws Exception {
        AssemblerHarness harness = harness(backend);
        harness.open();
        return harness;
    }

    /** The assembler as the pipeline wires it (write-back on RocksDB), service graph on. */
    private static AssemblerHarness harness(String backend) throws Exception {
        AssemblerHarness harness =
                new AssemblerHarness(
                        new TraceAssemblerOperator(
                                new TraceAssembler(
                                        TraceAssemblerConfig.defaults().traceAssembly,
                                        null,
                                        true)));
        harness.setStateBackend(
                backend.equals("rocksdb")
                        ? new EmbeddedRocksDBStateBackend()
                        : new HashMapStateBackend());
        harness.getExecutionConfig().disableGenericTypes();
        return harness;
    }

    private static List<Integer> revisions(AssemblerHarness harness) {
        List<Integer> revisions = new ArrayList<>();
        for (TraceSummary summary : harness.extractOutputValues()) {
            revisions.add(summary.revision);
        }
        return revisions;
    }

    private static List<String> edges(AssemblerHarness harness) {
        List<String> edges = new ArrayList<>();
        Queue<StreamRecord<ServiceGraphEdge>> out =
                harness.getSideOutput(TraceAssembler.SERVICE_GRAPH_EDGES);
        if (out != null) {
            for (StreamRecord<ServiceGraphEdge> record : out) {
                ServiceGraphEdge e = record.getValue();
                edges.add(
                        e.client
                                + " -> "
                                + e.server
                                + " "
                                + e.connectionType.id()
                                + (e.failed ? " failed " : " ")
                                + e.latencyMs
                                + " @ "
                                + (e.startMillis - T0));
            }
        }
        return edges;
    }

    /** A span of trace t1 starting at {@link #T0}; offsets in milliseconds. */
    private static Span span(
            String id,
            String parent,
            String service,
            SpanKind kind,
            long startMs,
            long endMs,
            boolean error) {
        Span span =
                new Span(
                        "t1",
                        id,
                        parent,
                        service,
                        service + "-op",
                        (T0 + startMs) * 1000,
                        (T0 + endMs) * 1000,
                        error);
        span.kind = kind;
        return span;
    }
}
