package io.traceassembler.bench;

import io.traceassembler.assemble.AssemblerHarness;
import io.traceassembler.assemble.TraceAssembler;
import io.traceassembler.assemble.TraceAssemblerOperator;
import io.traceassembler.config.PropertyGroups;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.model.Span;
import io.traceassembler.model.TraceSummary;

import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On RocksDB the assembler answers most lookups from its in-memory cache of recent traces (the heap
 * backend does not use it). Both must emit exactly the same summaries and late spans for the same
 * input: many interleaved traces (more than the cache holds, so entries are evicted and re-read),
 * retries, traces beyond the span cap, late spans re-opening emitted traces, spans beyond lateness,
 * and a snapshot/restore in the middle (the cache starts empty after it).
 */
class CachedAssemblyEquivalenceTest {
    private static final long T0 = 1_700_000_000_000L;

    @Test
    void rocksDbWithCacheEmitsWhatHeapEmits() throws Exception {
        List<Object> events = events();
        List<String> heap = run("heap", events);
        assertThat(heap).isEqualTo(run("rocksdb", events)).isNotEmpty();
        // Write-back of the progress (TraceAssemblerOperator): flushed on eviction and before the
        // snapshot.
        assertThat(heap).isEqualTo(run("rocksdb-writeback", events));
    }

    /** Spans and watermarks (Long) in arrival order. */
    private static List<Object> events() {
        Random random = new Random(11);
        List<Object> events = new ArrayList<>();
        List<Span> sent = new ArrayList<>();
        long now = T0;
        int traces = 12_000;
        int[] remaining = new int[traces];
        String[] lastSpan = new String[traces];
        for (int t = 0; t < traces; t++) {
            remaining[t] =
                    t % 997 == 0 ? 40 : 1 + random.nextInt(12); // some beyond the span cap of 30
        }
        int open = 0;
        for (int step = 0; step < 90_000; step++) {
            now += 10;
            int t = Math.min(traces - 1, open + random.nextInt(9_000)); // ~9,000 traces in flight
            if (remaining[t] == 0) {
                if (t == open) {
                    open++;
                }
                continue;
            }
            remaining[t]--;
            String spanId = Long.toHexString(random.nextLong());
            String parent =
                    lastSpan[t] == null
                            ? null
                            : (random.nextInt(20) == 0 ? "missing" : lastSpan[t]);
            long end = now * 1000;
            Span span =
                    new Span(
                            "trace-" + t,
                            spanId,
                            parent,
                            "svc-" + random.nextInt(7),
                            "op-" + random.nextInt(5),
                            end - 2_000,
                            end,
                            random.nextInt(30) == 0);
            lastSpan[t] = spanId;
            events.add(span);
            sent.add(span);
            if (random.nextInt(25) == 0 && !sent.isEmpty()) {
                events.add(sent.get(random.nextInt(sent.size()))); // a retry, possibly late
            }
            if (step % 500 == 0) {
                events.add(now - 40_000); // watermark
            }
        }
        events.add(Long.MAX_VALUE - 1);
        return events;
    }

    private static List<String> run(String backend, List<Object> events) throws Exception {
        List<String> out = new ArrayList<>();
        AssemblerHarness harness = open(backend, null);
        int half = events.size() / 2;
        for (int i = 0; i < events.size(); i++) {
            if (i == half) {
                harness.prepareSnapshotPreBarrier(
                        1); // as a task does before each checkpoint barrier
                OperatorSubtaskState snapshot = harness.snapshot(1, 1);
                collect(harness, out);
                harness.close();
                harness = open(backend, snapshot);
            }
            Object e = events.get(i);
            if (e instanceof Span) {
                Span span = (Span) e;
                harness.processElement(span, Math.floorDiv(span.endMicros, 1000));
            } else {
                harness.processWatermark((Long) e);
            }
        }
        collect(harness, out);
        out.add("late " + harness.getSideOutput(TraceAssembler.LATE_SPANS).size());
        // Every trace was emitted and cleaned up: no state may be left behind.
        for (String state : List.of("trace")) {
            try (var keys =
                    harness.getOperator()
                            .getKeyedStateBackend()
                            .getKeys(
                                    state, org.apache.flink.runtime.state.VoidNamespace.INSTANCE)) {
                assertThat(keys.count()).as(backend + " keys left in " + state).isZero();
            }
        }
        harness.close();
        return out.stream().sorted(Comparator.naturalOrder()).collect(Collectors.toList());
    }

    private static void collect(AssemblerHarness harness, List<String> out) {
        for (TraceSummary s : harness.extractOutputValues()) {
            out.add(s.toString());
        }
        harness.getOutput().clear();
    }

    private static AssemblerHarness open(String backend, OperatorSubtaskState restore)
            throws Exception {
        // A cache smaller than the ~9,000 traces in flight, so that entries are evicted and read
        // back.
        TraceAssemblerConfig config =
                TraceAssemblerConfig.from(
                        PropertyGroups.empty()
                                .set("TraceAssembly", "max.spans.per.trace", "30")
                                .set("TraceAssembly", "cache.max.traces", "4096")
                                .set("TraceAssembly", "cache.max.spans", "100000"));
        TraceAssembler assembler = new TraceAssembler(config.traceAssembly);
        var harness =
                new AssemblerHarness(
                        backend.endsWith("writeback")
                                ? new TraceAssemblerOperator(assembler)
                                : new KeyedProcessOperator<>(assembler));
        if (backend.startsWith("rocksdb")) {
            EmbeddedRocksDBStateBackend rocksdb = new EmbeddedRocksDBStateBackend();
            rocksdb.getMemoryConfiguration().setUseManagedMemory(false);
            harness.setStateBackend(rocksdb);
        } else {
            harness.setStateBackend(new HashMapStateBackend());
        }
        harness.getExecutionConfig().disableGenericTypes();
        if (restore != null) {
            harness.initializeState(restore);
        }
        harness.open();
        return harness;
    }
}
