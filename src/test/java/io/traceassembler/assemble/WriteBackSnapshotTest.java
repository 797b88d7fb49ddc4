package io.traceassembler.assemble;

import io.traceassembler.config.PropertyGroups;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.model.Span;
import io.traceassembler.model.TraceSummary;

import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.CheckpointType;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.runtime.checkpoint.SnapshotType;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TraceAssemblerOperator} keeps dirty {@link TraceState} in the cache and writes it to
 * RocksDB only before a snapshot: a snapshot taken mid-trace (every trace dirty, nothing written
 * since the first span) restored into a fresh operator must finish the traces exactly as the heap
 * backend does without any snapshot.
 */
class WriteBackSnapshotTest {
    private static final long T0 = 1_700_000_000_000L;

    /**
     * restoreInto: the write-back operator again, or the plain KeyedProcessOperator (savepoints are
     * interchangeable); barrier: prepareSnapshotPreBarrier before the snapshot, as a task does.
     */
    @ParameterizedTest
    @CsvSource({"writeback,true", "plain,true", "writeback,false", "plain,false"})
    void snapshotMidTraceWithDirtyCacheRestoresExactly(String restoreInto, boolean barrier)
            throws Exception {
        List<Span> first = new ArrayList<>();
        List<Span> second = new ArrayList<>();
        for (int t = 0; t < 50; t++) {
            for (int i = 0; i < 6; i++) {
                long end = (T0 + t * 10 + i * 100) * 1000;
                Span span =
                        new Span(
                                "trace-" + t,
                                "s" + t + "-" + i,
                                i == 0 ? null : "s" + t + "-" + (i - 1),
                                "svc-" + (i % 3),
                                "op-" + i,
                                end - 500,
                                end,
                                i == 4);
                (i < 3 ? first : second).add(span);
            }
        }
        second.add(first.get(7)); // a retry of a span seen before the snapshot: must count once

        // Reference: heap backend, no snapshot.
        var heap = harness(new KeyedProcessOperator<>(assembler()), false);
        heap.open();
        feed(heap, first);
        feed(heap, second);
        heap.processWatermark(Long.MAX_VALUE - 1);
        List<String> expected = summaries(heap);
        heap.close();

        var writeBack = harness(new TraceAssemblerOperator(assembler()), true);
        writeBack.open();
        feed(writeBack, first);
        if (barrier) {
            writeBack.prepareSnapshotPreBarrier(
                    1); // what the task does before every checkpoint and savepoint
        }
        OperatorSubtaskState snapshot =
                writeBack.snapshot(1, 1); // without: snapshotState's safety net
        assertThat(writeBack.extractOutputValues()).isEmpty();
        writeBack.close();

        var restored =
                harness(
                        restoreInto.equals("writeback")
                                ? new TraceAssemblerOperator(assembler())
                                : new KeyedProcessOperator<>(assembler()),
                        true);
        restored.initializeState(snapshot);
        restored.open();
        feed(restored, second);
        restored.processWatermark(Long.MAX_VALUE - 1);
        assertThat(summaries(restored)).isEqualTo(expected).hasSize(50);
        restored.close();
    }

    /**
     * Snapshot of one subtask with a dirty cache, restored into two subtasks (rescaling), traces
     * finished there.
     */
    @org.junit.jupiter.api.Test
    void snapshotWithDirtyCacheRescalesFromOneToTwoSubtasks() throws Exception {
        List<Span> first = new ArrayList<>();
        List<Span> second = new ArrayList<>();
        for (int t = 0; t < 80; t++) {
            for (int i = 0; i < 6; i++) {
                long end = (T0 + t * 10 + i * 100) * 1000;
                Span span =
                        new Span(
                                "trace-" + t,
                                "s" + t + "-" + i,
                                i == 0 ? null : "s" + t + "-" + (i - 1),
                                "svc-" + (i % 3),
                                "op-" + i,
                                end - 500,
                                end,
                                i == 4);
                (i < 3 ? first : second).add(span);
            }
        }
        second.add(first.get(7));

        var heap = harness(new KeyedProcessOperator<>(assembler()), false);
        heap.open();
        feed(heap, first);
        feed(heap, second);
        heap.processWatermark(Long.MAX_VALUE - 1);
        List<String> expected = summaries(heap);
        heap.close();

        int maxParallelism = 128;
        var one =
                new AssemblerHarness(new TraceAssemblerOperator(assembler()), maxParallelism, 1, 0);
        rocksDb(one);
        one.open();
        feed(one, first);
        one.prepareSnapshotPreBarrier(1);
        OperatorSubtaskState snapshot = one.snapshot(1, 1);
        one.close();

        List<String> actual = new ArrayList<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            var h =
                    new AssemblerHarness(
                            new TraceAssemblerOperator(assembler()), maxParallelism, 2, subtask);
            rocksDb(h);
            h.initializeState(
                    org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness
                            .repartitionOperatorState(snapshot, maxParallelism, 1, 2, subtask));
            h.open();
            for (Span span : second) {
                if (org.apache.flink.runtime.state.KeyGroupRangeAssignment
                                .assignKeyToParallelOperator(span.traceId, maxParallelism, 2)
                        == subtask) {
                    h.processElement(span, Math.floorDiv(span.endMicros, 1000));
                }
            }
            h.processWatermark(Long.MAX_VALUE - 1);
            actual.addAll(summaries(h));
            h.close();
        }
        assertThat(actual.stream().sorted().collect(Collectors.toList()))
                .isEqualTo(expected)
                .hasSize(80);
    }

    /**
     * TraceAssembly.timers.on.heap changes where RocksDB keeps the timers. Flink moves them through
     * a canonical savepoint only; from a checkpoint or a native savepoint they are lost (traces
     * 0-19 were never emitted before TraceAssemblerOperator re-registered them). Traces 0-19 get no
     * span after the restore: only their timers can emit them. "plain": the snapshot of the release
     * before (a KeyedProcessOperator, no record of where the timers were).
     */
    @ParameterizedTest
    @CsvSource({
        "ROCKSDB,HEAP,canonical",
        "HEAP,ROCKSDB,canonical",
        "ROCKSDB,HEAP,native",
        "HEAP,ROCKSDB,native",
        "ROCKSDB,HEAP,checkpoint",
        "HEAP,ROCKSDB,checkpoint",
        "HEAP,HEAP,checkpoint",
        "ROCKSDB,HEAP,plain"
    })
    void timersMoveBetweenRocksDbAndTheHeapWithAnySnapshot(
            EmbeddedRocksDBStateBackend.PriorityQueueStateType before,
            EmbeddedRocksDBStateBackend.PriorityQueueStateType after,
            String snapshotType)
            throws Exception {
        List<Span> first = new ArrayList<>();
        List<Span> second = new ArrayList<>();
        for (int t = 0; t < 60; t++) {
            for (int i = 0; i < 4; i++) {
                long end = (T0 + t * 10 + i * 100) * 1000;
                Span span =
                        new Span(
                                "trace-" + t,
                                "s" + t + "-" + i,
                                i == 0 ? null : "s" + t + "-" + (i - 1),
                                "svc-" + (i % 2),
                                "op-" + i,
                                end - 500,
                                end,
                                false);
                (i < 2 || t < 20 ? first : second).add(span);
            }
        }
        var heap = harness(new KeyedProcessOperator<>(assembler()), false);
        heap.open();
        feed(heap, first);
        feed(heap, second);
        heap.processWatermark(Long.MAX_VALUE - 1);
        List<String> expected = summaries(heap);
        heap.close();

        var original =
                harness(
                        snapshotType.equals("plain")
                                ? new KeyedProcessOperator<>(assembler())
                                : new TraceAssemblerOperator(assembler()),
                        before);
        original.open();
        feed(original, first);
        original.prepareSnapshotPreBarrier(1);
        SnapshotType type =
                snapshotType.equals("canonical")
                        ? SavepointType.savepoint(SavepointFormatType.CANONICAL)
                        : snapshotType.equals("native")
                                ? SavepointType.savepoint(SavepointFormatType.NATIVE)
                                : CheckpointType.CHECKPOINT;
        OperatorSubtaskState snapshot =
                original.snapshotWithLocalState(1, 1, type).getJobManagerOwnedState();
        original.close();

        var restored = harness(new TraceAssemblerOperator(assembler()), after);
        restored.initializeState(snapshot);
        restored.open();
        feed(restored, second);
        restored.processWatermark(Long.MAX_VALUE - 1);
        assertThat(summaries(restored)).isEqualTo(expected).hasSize(60);
        restored.close();
    }

    private static AssemblerHarness harness(
            OneInputStreamOperator<AssemblySpan, TraceSummary> operator,
            EmbeddedRocksDBStateBackend.PriorityQueueStateType timers)
            throws Exception {
        var harness = new AssemblerHarness(operator);
        EmbeddedRocksDBStateBackend backend = new EmbeddedRocksDBStateBackend();
        backend.getMemoryConfiguration().setUseManagedMemory(false);
        backend.setPriorityQueueStateType(timers);
        harness.setStateBackend(backend);
        harness.getExecutionConfig().disableGenericTypes();
        return harness;
    }

    private static void rocksDb(AssemblerHarness harness) {
        EmbeddedRocksDBStateBackend backend = new EmbeddedRocksDBStateBackend();
        backend.getMemoryConfiguration().setUseManagedMemory(false);
        harness.setStateBackend(backend);
        harness.getExecutionConfig().disableGenericTypes();
    }

    private static TraceAssembler assembler() {
        return new TraceAssembler(TraceAssemblerConfig.from(PropertyGroups.empty()).traceAssembly);
    }

    private static AssemblerHarness harness(
            OneInputStreamOperator<AssemblySpan, TraceSummary> operator, boolean rocksdb)
            throws Exception {
        var harness = new AssemblerHarness(operator);
        if (rocksdb) {
            EmbeddedRocksDBStateBackend backend = new EmbeddedRocksDBStateBackend();
            backend.getMemoryConfiguration().setUseManagedMemory(false);
            harness.setStateBackend(backend);
        } else {
            harness.setStateBackend(new HashMapStateBackend());
        }
        harness.getExecutionConfig().disableGenericTypes();
        return harness;
    }

    private static void feed(AssemblerHarness harness, List<Span> spans) throws Exception {
        for (Span span : spans) {
            harness.processElement(span, Math.floorDiv(span.endMicros, 1000));
        }
    }

    private static List<String> summaries(AssemblerHarness h) {
        return h.extractOutputValues().stream()
                .map(Object::toString)
                .sorted()
                .collect(Collectors.toList());
    }
}
