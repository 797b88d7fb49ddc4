package io.traceassembler.assemble;

import io.traceassembler.model.TraceId;
import io.traceassembler.model.TraceSummary;

import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * The operator for {@link TraceAssembler} with <b>write-back</b> of {@link TraceState} on RocksDB:
 * a span of a cached trace updates the trace in the assembler's {@link TraceCache} only (no RocksDB
 * write per span); dirty traces are written to the keyed state
 *
 * <ul>
 *   <li>before every checkpoint or savepoint barrier ({@link #prepareSnapshotPreBarrier}), so
 *       snapshots hold exactly the state a write-through assembler would hold (restore and
 *       rescaling unchanged);
 *   <li>when the LRU evicts the entry (the next read of that trace comes from the state);
 *   <li>at the end of input ({@link #finish});
 *   <li>again in {@link #snapshotState} (nothing is dirty then, unless a snapshot came without a
 *       barrier).
 * </ul>
 *
 * Timers read the cached trace first, so they always see the newest. On the heap backend (no cache)
 * it behaves exactly like a {@link KeyedProcessOperator}. Same state names and operator state as
 * the plain {@code process(new TraceAssembler(...))}: savepoints are interchangeable.
 */
public class TraceAssemblerOperator
        extends KeyedProcessOperator<TraceId, AssemblySpan, TraceSummary> {
    private static final long serialVersionUID = 1L;

    public TraceAssemblerOperator(TraceAssembler assembler) {
        super(assembler);
    }

    @Override
    public void open() throws Exception {
        super.open(); // opens the assembler (creates its cache)
        ((TraceAssembler) userFunction).enableWriteBack(this::setCurrentKey);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        ((TraceAssembler) userFunction).flushDirty();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    /**
     * Runs in the synchronous part of every snapshot, before the keyed state backend's snapshot: a
     * safety net for snapshots not preceded by {@link #prepareSnapshotPreBarrier} (then nothing is
     * dirty any more and this only iterates the cache).
     */
    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        ((TraceAssembler) userFunction).flushDirty();
        super.snapshotState(context);
    }

    @Override
    public void finish() throws Exception {
        ((TraceAssembler) userFunction).flushDirty();
        super.finish();
    }
}
