package io.traceassembler.assemble;

import io.traceassembler.config.PropertyGroups;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.model.Span;

import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With write-back on RocksDB, a trace evicted from the cache while it waits only for its cleanup is
 * deleted at that cleanup without being read, unless a span came for it in between. A cache of one
 * trace, the default 30 s gap and 5 min lateness; times in seconds after T0:
 *
 * <pre>
 *  A   span ends 1 ............ emitted at 31 (rev 1)
 *  B                 span ends 41: evicts A (emitted: remembered for its cleanup at 331)
 *  A   late span ends 5 (watermark 40): A read again, hint forgotten, evicts B (not emitted)
 *                    watermark 50: A emitted again at 35 (rev 2, 2 spans)
 *  C                 span ends 60: evicts A (emitted again: remembered for its cleanup at 335)
 *                    watermark 100: B's close at 71 reads B (evicted), emits it, remembers its
 *                    cleanup at 371; C emitted at 90 (cached)
 *                    watermark 400: A cleaned at 335 and B at 371 without a read; C's cleanup at
 *                    390 finds it in the cache.
 * </pre>
 *
 * (A watermark that jumps past a trace's cleanup emits and cleans it in one timer, reading it.)
 *
 * <p>The summaries are those of the heap backend, which has no cache; no state is left.
 */
class CleanupWithoutReadTest {
    private static final long T0 = 1_700_000_000_000L;

    @Test
    void evictedEmittedTracesAreDeletedAtTheirCleanupWithoutARead() throws Exception {
        AssemblerHarness rocksdb = harness(true);
        List<String> withWriteBack = run(rocksdb);
        assertThat(rocksdb.cleanupsWithoutRead()).isEqualTo(2); // A and B
        assertNoStateLeft(rocksdb);
        rocksdb.close();

        AssemblerHarness heap = harness(false);
        assertThat(withWriteBack).isEqualTo(run(heap)).hasSize(4);
        heap.close();
    }

    /**
     * A span that comes for an evicted trace makes its cleanup read it again, even when its new
     * close falls where the old cleanup was: A emitted at 31 and evicted (cleanup at 331), then a
     * span ending at 301 closes A at 331 again; that timer must emit A's second revision, not
     * delete it.
     */
    @Test
    void aSpanForAnEvictedTraceCancelsItsCleanupWithoutARead() throws Exception {
        AssemblerHarness h = harness(true);
        h.open();
        h.processElement(span("a", "a1", 1), at(1));
        h.processWatermark(at(40));
        h.processElement(span("b", "b1", 41), at(41)); // evicts A, emitted
        h.processWatermark(at(290));
        h.processElement(span("a", "a2", 301), at(301)); // A open again, closes at 331
        h.processElement(span("c", "c1", 302), at(302)); // evicts A, not emitted yet
        h.processWatermark(at(400));

        assertThat(
                        h.extractOutputValues().stream()
                                .filter(s -> s.traceId.equals("a"))
                                .map(s -> "rev " + s.revision + " spans " + s.spanCount)
                                .collect(Collectors.toList()))
                .containsExactly("rev 1 spans 1", "rev 2 spans 2");
        h.close();
    }

    private static List<String> run(AssemblerHarness h) throws Exception {
        h.open();
        h.processElement(span("a", "a1", 1), at(1));
        h.processWatermark(at(40));
        h.processElement(span("b", "b1", 41), at(41));
        h.processElement(span("a", "a2", 5), at(5)); // late, within the lateness
        h.processWatermark(at(50));
        h.processElement(span("c", "c1", 60), at(60));
        h.processWatermark(at(100));
        h.processWatermark(at(400));
        return h.extractOutputValues().stream()
                .map(s -> s.traceId + " rev " + s.revision + " spans " + s.spanCount)
                .collect(Collectors.toList());
    }

    private static void assertNoStateLeft(AssemblerHarness h) throws Exception {
        try (Stream<?> keys =
                h.getOperator().getKeyedStateBackend().getKeys("trace", VoidNamespace.INSTANCE)) {
            assertThat(keys.count()).isZero();
        }
    }

    private static AssemblerHarness harness(boolean rocksdb) throws Exception {
        TraceAssembler assembler =
                new TraceAssembler(
                        TraceAssemblerConfig.from(
                                        PropertyGroups.empty()
                                                .set("TraceAssembly", "cache.max.traces", "1"))
                                .traceAssembly);
        AssemblerHarness h =
                new AssemblerHarness(
                        rocksdb
                                ? new TraceAssemblerOperator(assembler)
                                : new KeyedProcessOperator<>(assembler));
        if (rocksdb) {
            EmbeddedRocksDBStateBackend backend = new EmbeddedRocksDBStateBackend();
            backend.getMemoryConfiguration().setUseManagedMemory(false);
            h.setStateBackend(backend);
        } else {
            h.setStateBackend(new HashMapStateBackend());
        }
        h.getExecutionConfig().disableGenericTypes();
        return h;
    }

    private static long at(long seconds) {
        return T0 + seconds * 1000;
    }

    private static Span span(String trace, String id, long endSeconds) {
        long end = at(endSeconds) * 1000;
        return new Span(trace, id, null, "svc", "op", end - 500_000, end, false);
    }
}
