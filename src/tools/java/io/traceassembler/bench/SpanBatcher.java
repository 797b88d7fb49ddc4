package io.traceassembler.bench;

import io.traceassembler.assemble.AssemblySpan;

import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * For the {@code decode-shuffle-batched} variant only: groups the spans bound for each subtask of
 * the next operator (by their trace id's key group, as a {@code keyBy} would route them) into
 * records of up to {@link #BATCH} spans, so that the shuffle carries one record per batch instead
 * of one per span. Measures what the per-record part of the shuffle costs; not a pipeline stage.
 * Flushes before every watermark, checkpoint barrier and at the end of input, so no span overtakes
 * a watermark.
 */
final class SpanBatcher extends AbstractStreamOperator<Tuple2<Integer, List<AssemblySpan>>>
        implements OneInputStreamOperator<AssemblySpan, Tuple2<Integer, List<AssemblySpan>>>,
                BoundedOneInput {
    private static final long serialVersionUID = 1L;
    static final int BATCH = 64;

    private final int maxParallelism;
    private final int parallelism;
    private transient List<List<AssemblySpan>> pending;

    SpanBatcher(int maxParallelism, int parallelism) {
        this.maxParallelism = maxParallelism;
        this.parallelism = parallelism;
        setChainingStrategy(ChainingStrategy.ALWAYS);
    }

    @Override
    public void open() throws Exception {
        super.open();
        pending = new ArrayList<>();
        for (int i = 0; i < parallelism; i++) {
            pending.add(new ArrayList<>(BATCH));
        }
    }

    @Override
    public void processElement(StreamRecord<AssemblySpan> element) {
        AssemblySpan span = element.getValue();
        int target =
                KeyGroupRangeAssignment.assignKeyToParallelOperator(
                        span.traceId, maxParallelism, parallelism);
        List<AssemblySpan> batch = pending.get(target);
        batch.add(span);
        if (batch.size() == BATCH) {
            emit(target);
        }
    }

    private void emit(int target) {
        List<AssemblySpan> batch = pending.get(target);
        if (!batch.isEmpty()) {
            output.collect(new StreamRecord<>(Tuple2.of(target, batch)));
            pending.set(target, new ArrayList<>(BATCH));
        }
    }

    private void flush() {
        for (int i = 0; i < parallelism; i++) {
            emit(i);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() {
        flush();
    }
}
