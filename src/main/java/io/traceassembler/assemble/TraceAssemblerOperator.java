package io.traceassembler.assemble;

import io.traceassembler.model.TraceId;
import io.traceassembler.model.TraceSummary;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.CheckpointType;
import org.apache.flink.runtime.state.AbstractKeyedStateBackend;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.SimpleTimerService;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

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
 * it behaves exactly like a {@link KeyedProcessOperator}. Same keyed state as the plain {@code
 * process(new TraceAssembler(...))}: savepoints are interchangeable (the plain operator ignores the
 * operator state below).
 *
 * <h2>Timers that did not survive a restore</h2>
 *
 * Where RocksDB keeps the timers ({@code TraceAssembly.timers.on.heap}) can change between snapshot
 * and restore. Flink moves them only through a canonical savepoint; restored from a checkpoint or a
 * native savepoint the timers are silently gone (WriteBackSnapshotTest shows it), and with them
 * every trace's only way to be emitted and cleaned up. So each snapshot records where the timers
 * were ({@link #TIMER_STORAGE}, union operator state); when a restore finds they are elsewhere now,
 * every trace in the state registers its pending timer again (one pass over the state; a timer that
 * did survive is the same timer, de-duplicated by Flink).
 */
public class TraceAssemblerOperator
        extends KeyedProcessOperator<TraceId, AssemblySpan, TraceSummary> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(TraceAssemblerOperator.class);

    /** Where the timers were at the snapshot: {@link #HEAP} or {@link #ROCKSDB}. */
    static final ListStateDescriptor<String> TIMER_STORAGE =
            new ListStateDescriptor<>("timer-storage", Types.STRING);

    static final String HEAP = "heap";
    static final String ROCKSDB = "rocksdb";

    private transient ListState<String> timerStorage;

    /** Where this backend keeps timers ({@link #HEAP} or {@link #ROCKSDB}). */
    private transient String timersNow;

    /** Set at a restore that finds the timers stored elsewhere than at the snapshot. */
    private transient boolean reRegisterTimers;

    public TraceAssemblerOperator(TraceAssembler assembler) {
        super(assembler);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        timerStorage = context.getOperatorStateStore().getUnionListState(TIMER_STORAGE);
        timersNow = timerStorage(getKeyedStateBackend());
        if (context.isRestored()) {
            Set<String> before = new TreeSet<>();
            timerStorage.get().forEach(before::add);
            if (before.isEmpty()) {
                // A snapshot of a release before the marker: RocksDB kept timers in RocksDB then.
                before.add(TraceAssembler.isRocksDb(getKeyedStateBackend()) ? ROCKSDB : HEAP);
            }
            reRegisterTimers = !before.equals(Set.of(timersNow));
            if (reRegisterTimers) {
                LOG.info(
                        "Timers were stored in {} at the snapshot and are stored in {} now "
                                + "(TraceAssembly.timers.on.heap): registering every trace's timer again",
                        String.join(", ", before),
                        timersNow);
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open(); // opens the assembler (creates its cache)
        TraceAssembler assembler = (TraceAssembler) userFunction;
        assembler.enableWriteBack(this::setCurrentKey);
        if (reRegisterTimers) {
            TimerService timers =
                    new SimpleTimerService(
                            getInternalTimerService(
                                    "user-timers", VoidNamespaceSerializer.INSTANCE, this));
            long[] traces = {0};
            getKeyedStateBackend()
                    .applyToAllKeys(
                            VoidNamespace.INSTANCE,
                            VoidNamespaceSerializer.INSTANCE,
                            TraceAssembler.traceStateDescriptor(),
                            (traceId, state) -> {
                                assembler.registerPendingTimer(state.value(), timers);
                                traces[0]++;
                            });
            LOG.info("Registered the timers of {} traces again", traces[0]);
        }
    }

    /** Where this backend keeps timers: RocksDB with heap timers snapshots them the legacy way. */
    static String timerStorage(KeyedStateBackend<?> backend) {
        return !TraceAssembler.isRocksDb(backend)
                        || (backend instanceof AbstractKeyedStateBackend
                                && ((AbstractKeyedStateBackend<?>) backend)
                                        .requiresLegacySynchronousTimerSnapshots(
                                                CheckpointType.CHECKPOINT))
                ? HEAP
                : ROCKSDB;
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
        timerStorage.update(List.of(timersNow));
        super.snapshotState(context);
    }

    @Override
    public void finish() throws Exception {
        ((TraceAssembler) userFunction).flushDirty();
        super.finish();
    }
}
