package io.traceassembler.assemble;

import io.traceassembler.analyze.TraceSummary;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.ingest.Span;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Assembles the spans of one trace id into a {@link TraceSummary}; keyed by trace id.
 *
 * <h2>Event time = span END time</h2>
 * A span's event time is its end ({@code endMicros / 1000} ms). Spans are exported when they finish, so
 * arrival order is close to end order. A parent or root span starts first but finishes, and therefore
 * arrives, last: with start time as event time a 12-second root span arriving after its children would
 * be 12 s behind the watermark and late. The function reads {@code span.endMicros} itself rather than
 * {@code ctx.timestamp()}, so it also works in batch execution where no timestamps may be assigned.
 *
 * <h2>Sessions with event-time timers</h2>
 * One trace per trace id: every span of a trace id merges into the one trace, whatever the gaps. (A
 * timer-based function instead of merging session windows: measured about twice the throughput with
 * less heap.) Timers, all in event time:
 * <ul>
 *   <li><b>gap close</b> at {@code maxEnd + sessionGap}: the trace has gone quiet; emit it.
 *   <li><b>forced close</b> at {@code firstEnd + maxTraceDuration}, then every further {@code
 *       maxTraceDuration}: a trace that never goes quiet is still emitted, each time with revision + 1
 *       and the counts of every span seen. It keeps its state.
 *   <li><b>cleanup</b> at {@code maxEnd + sessionGap + allowedLateness} once emitted: all state is
 *       cleared.
 * </ul>
 * Each trace has one pending timer, at its earliest deadline. A span that pushes the gap deadline
 * later registers nothing; when the pending timer fires it re-registers at the current deadline (lazy
 * invalidation), so a trace whose spans arrive in end order costs about one timer per session gap
 * instead of a delete and a register per span. A firing acts on the current watermark (what is due is
 * done), not on which timer it was. A timer registered behind the watermark (a late span re-opening a
 * closed trace) fires with the next watermark advance; {@link TraceWatermarks} keeps the watermark
 * advancing even on a quiet stream.
 *
 * <p>A timer emits only a trace that changed since its last emit (the dirty flag). In batch execution
 * all spans of a key are processed before its timers fire, with the watermark at {@code
 * Long.MAX_VALUE}: the first firing emits the complete trace and clears the state, so every trace is
 * emitted exactly once. (Timers registered while batch timers fire are ignored by Flink, which is why a
 * firing must not rely on a re-registered timer to finish its work.)
 *
 * <h2>Compact state, constant per-span cost</h2>
 * No read-modify-write of a growing accumulator (on RocksDB that re-serialises the whole trace for
 * every span). Per trace:
 * <ul>
 *   <li>{@link TraceProgress}: a fixed-size POJO of counters, bounds, root and emit/timer bookkeeping;
 *   <li>span id &rarr; parent span id ({@code ""} for a root): de-duplication (an exporter retry
 *       counts once, metric {@code duplicateSpans}) and, iterated once per emit, the orphan count;
 *   <li>the distinct service names (a blind put per span).
 * </ul>
 * Once the span map holds {@code maxSpansPerTrace} ids, further spans are not stored (so a retry of
 * one of them cannot be recognised) but still count in span/error counts, bounds and services; the
 * trace is marked truncated (metric {@code truncatedTraces}).
 *
 * <h2>Lateness</h2>
 * After an emit the state is kept until the watermark passes {@code maxEnd + sessionGap +
 * allowedLateness}. A span arriving meanwhile updates the state and re-opens the session; the trace is
 * emitted again (revision + 1, counts of every span seen) when the watermark passes its new gap
 * deadline, at once if it already has. A span without state whose {@code end + sessionGap +
 * allowedLateness} is at or behind the watermark is beyond lateness: it goes to {@link #LATE_SPANS}
 * (metric {@code lateSpansDropped}) and never starts a new trace, which would overwrite the stored
 * summary with a fragment. In batch execution the watermark is {@code Long.MIN_VALUE} while elements
 * are processed, so nothing is late there.
 *
 * <p>Known limit: the lateness of a span without state is judged by its own end. A span ending after
 * the cleaned-up trace's last span (typically a root or async span) whose exporter stalled for more
 * than {@code sessionGap + allowedLateness} is therefore not late, and starts a fragment with revision
 * 1. Only the store can rule that out completely (a conditional write on span count or revision).
 */
public class TraceAssembler extends KeyedProcessFunction<String, Span, TraceSummary> {
    private static final long serialVersionUID = 1L;

    /** Spans that arrived after their trace's state was cleaned up. */
    public static final OutputTag<Span> LATE_SPANS = new OutputTag<>("late-spans", TypeInformation.of(Span.class));

    private static final String ROOT_PARENT = "";

    private final long sessionGapMillis;
    private final long allowedLatenessMillis;
    private final long maxTraceDurationMillis;
    private final int maxSpansPerTrace;

    private transient ValueState<TraceProgress> progressState;
    /** Span id -> parent span id, {@code ""} for a root. */
    private transient MapState<String, String> spanParentsState;
    /** Distinct service names (the value is unused). */
    private transient MapState<String, Boolean> servicesState;
    /** The keys of both maps, recorded at an emit when known (RocksDB only): a cheaper cleanup. */
    private transient ValueState<TraceKeys> keysState;

    /** Recently touched traces, in memory only: saves state reads and writes (see {@link TraceCache}). */
    private transient TraceCache cache;

    /**
     * Set by {@link TraceAssemblerOperator} (RocksDB only): the cache holds the newest {@link TraceProgress}
     * of its traces and writes it to the state only before a snapshot, on eviction and at the end of input.
     */
    private transient KeySwitch writeBack;
    /** The key being processed while write-back may switch keys (to restore it). */
    private transient String currentTraceId;

    /** Sets the keyed state backend's current key (the operator's {@code setCurrentKey}). */
    interface KeySwitch {
        void setCurrentKey(String traceId);
    }

    private transient Counter tracesEmitted;
    private transient Counter lateSpansDropped;
    private transient Counter duplicateSpans;
    private transient Counter truncatedTraces;

    public TraceAssembler(TraceAssemblerConfig.TraceAssembly config) {
        this.sessionGapMillis = config.sessionGap.toMillis();
        this.allowedLatenessMillis = config.allowedLateness.toMillis();
        this.maxTraceDurationMillis = config.maxTraceDuration.toMillis();
        this.maxSpansPerTrace = config.maxSpansPerTrace;
    }

    /** The state descriptor of {@link TraceProgress}; its type is a PojoTypeInfo (no Kryo). */
    static ValueStateDescriptor<TraceProgress> progressDescriptor() {
        return new ValueStateDescriptor<>("trace-progress", TypeInformation.of(TraceProgress.class));
    }

    @Override
    public void open(OpenContext openContext) {
        progressState = getRuntimeContext().getState(progressDescriptor());
        spanParentsState = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("span-parents", Types.STRING, Types.STRING));
        servicesState = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("services", Types.STRING, Types.BOOLEAN));
        keysState = getRuntimeContext().getState(
                new ValueStateDescriptor<>("emitted-keys", TypeInformation.of(TraceKeys.class)));

        // On the heap backend a state access is a hash lookup already; the cache would only add work there.
        // Sized by JVM system properties for experiments and tests (a task manager's env.java.opts).
        cache = isRocksDb(progressState)
                ? new TraceCache(Integer.getInteger(TraceCache.MAX_TRACES_PROPERTY, TraceCache.DEFAULT_MAX_TRACES),
                        Integer.getInteger(TraceCache.MAX_SPANS_PROPERTY, TraceCache.DEFAULT_MAX_SPANS))
                : null;
        tracesEmitted = getRuntimeContext().getMetricGroup().counter("tracesEmitted");
        lateSpansDropped = getRuntimeContext().getMetricGroup().counter("lateSpansDropped");
        duplicateSpans = getRuntimeContext().getMetricGroup().counter("duplicateSpans");
        truncatedTraces = getRuntimeContext().getMetricGroup().counter("truncatedTraces");
    }

    @Override
    public void processElement(Span span, Context ctx, Collector<TraceSummary> out) throws Exception {
        long endMillis = Math.floorDiv(span.endMicros, 1000);
        String traceId = ctx.getCurrentKey();
        currentTraceId = traceId;
        TraceCache.Entry cached = cache == null ? null : cache.get(traceId);
        // A cached progress equals what the state holds. The cache exists on RocksDB only, where update()
        // serialises at once and the state never holds this instance: mutating it in place is safe (no copy).
        TraceProgress progress = cached != null ? cached.progress : progressState.value();

        if (progress == null) {
            long watermark = ctx.timerService().currentWatermark();
            if (endMillis + sessionGapMillis + allowedLatenessMillis <= watermark) {
                // Its trace was emitted and cleaned up (or would have been): a new trace from this span
                // alone would replace the stored summary with a fragment.
                lateSpansDropped.inc();
                ctx.output(LATE_SPANS, span);
                return;
            }
            progress = new TraceProgress();
            progress.firstEndMicros = span.endMicros;
            progress.forcedCloseAtMillis = endMillis + maxTraceDurationMillis;
            if (cache != null) {
                cached = cache.putNew(traceId, progress);
            }
        } else {
            boolean duplicate = cached != null && cached.spansKnown()
                    ? cached.spans.containsKey(span.spanId)
                    : spanParentsState.contains(span.spanId);
            if (duplicate) {
                duplicateSpans.inc();
                return;
            }
            if (cached == null && cache != null) {
                cached = cache.putExisting(traceId, progress);
            }
            progress.keysRecorded = false; // the maps may change now: the cleanup must clear them
        }

        boolean root = span.parentSpanId == null || span.parentSpanId.isEmpty();
        if (progress.storedSpanCount < maxSpansPerTrace) {
            String parent = root ? ROOT_PARENT : span.parentSpanId;
            spanParentsState.put(span.spanId, parent);
            if (cached != null) {
                cache.addSpan(cached, span.spanId, parent);
            }
            progress.storedSpanCount++;
        } else if (!progress.truncated) {
            progress.truncated = true;
            truncatedTraces.inc();
        }

        progress.spanCount++;
        if (span.error) {
            progress.errorCount++;
        }
        progress.minStartMicros = Math.min(progress.minStartMicros, span.startMicros);
        progress.maxEndMicros = Math.max(progress.maxEndMicros, span.endMicros);
        if (span.serviceName != null && (cached == null || cached.services.add(span.serviceName))) {
            servicesState.put(span.serviceName, Boolean.TRUE); // not yet known to be there
        }
        if (root && !progress.hasRoot) {
            progress.hasRoot = true;
            progress.rootService = span.serviceName;
            progress.rootOperation = span.operationName;
        }
        progress.dirty = true;

        registerIfEarlier(nextDeadline(progress), progress, ctx.timerService());
        store(progress, cached);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TraceSummary> out) throws Exception {
        String traceId = ctx.getCurrentKey();
        currentTraceId = traceId;
        // With write-back the cached progress is the newest (the state's may be older): read it first.
        TraceCache.Entry cached = cache == null ? null : cache.get(traceId);
        TraceProgress progress = cached != null ? cached.progress : progressState.value();
        if (progress == null) {
            return; // a stale timer of a trace already cleaned up
        }
        if (timestamp >= progress.timerAt) {
            progress.timerAt = TraceProgress.NO_TIMER; // the timer we relied on has fired
        }

        // Act on the watermark, not only on this timer's timestamp: in batch execution timers fire at the
        // end of each key with the watermark at Long.MAX_VALUE, and timers registered then are ignored.
        long now = Math.max(timestamp, ctx.timerService().currentWatermark());
        long gapCloseAt = gapCloseAt(progress);
        if (progress.dirty && (now >= gapCloseAt || now >= progress.forcedCloseAtMillis)) {
            out.collect(summarize(traceId, progress, cached));
            progress.dirty = false;
            if (now < gapCloseAt + allowedLatenessMillis && cached != null && cached.complete && cached.spansKnown()) {
                // Known keys now, probably not at the cleanup minutes later: record them for it.
                keysState.update(new TraceKeys(cached.spans.keySet().toArray(new String[0]),
                        cached.services.toArray(new String[0])));
                progress.keysRecorded = true;
            }
        }

        if (!progress.dirty && now >= gapCloseAt + allowedLatenessMillis) {
            if (progress.timerAt != TraceProgress.NO_TIMER) {
                ctx.timerService().deleteEventTimeTimer(progress.timerAt);
            }
            clearMaps(progress, cached);
            progressState.clear();
            if (cache != null) {
                cache.remove(traceId);
            }
            return;
        }

        if (now >= progress.forcedCloseAtMillis) {
            // The next forced close is whole maxTraceDurations after the previous one, beyond now.
            long periods = (now - progress.forcedCloseAtMillis) / maxTraceDurationMillis + 1;
            progress.forcedCloseAtMillis += periods * maxTraceDurationMillis;
        }
        registerIfEarlier(nextDeadline(progress), progress, ctx.timerService());
        store(progress, cached);
    }

    /**
     * Stores the trace's progress: with write-back into its (resident) cache entry only, marked dirty;
     * otherwise into the state, and the cache entry (if any) keeps the same instance.
     */
    private void store(TraceProgress progress, TraceCache.Entry cached) throws Exception {
        if (cached != null) {
            cached.progress = progress;
            if (writeBack != null && cached.resident) {
                cached.progressDirty = true;
                return;
            }
        }
        progressState.update(progress);
    }

    /**
     * Switches the assembler to write-back (called by {@link TraceAssemblerOperator} after {@code open}).
     * Only with the cache (RocksDB); on the heap backend nothing changes.
     */
    void enableWriteBack(KeySwitch keySwitch) {
        if (cache == null) {
            return;
        }
        writeBack = keySwitch;
        cache.setEvictionListener((traceId, entry) -> {
            if (entry.progressDirty) {
                writeProgress(traceId, entry);
            }
        });
    }

    /**
     * Writes every dirty cached progress to the state (before a snapshot, at the end of input): afterwards
     * the keyed state holds exactly what a write-through assembler would hold.
     */
    void flushDirty() throws Exception {
        if (writeBack == null) {
            return;
        }
        currentTraceId = null; // between elements: no key to restore
        for (Map.Entry<String, TraceCache.Entry> e : cache.entries()) {
            if (e.getValue().progressDirty) {
                writeProgress(e.getKey(), e.getValue());
            }
        }
    }

    /** Writes one entry's progress under its own key, then restores the key being processed (if any). */
    private void writeProgress(String traceId, TraceCache.Entry entry) throws Exception {
        writeBack.setCurrentKey(traceId);
        progressState.update(entry.progress);
        entry.progressDirty = false;
        if (currentTraceId != null && !currentTraceId.equals(traceId)) {
            writeBack.setCurrentKey(currentTraceId);
        }
    }

    /**
     * Deletes the trace's map entries: by key when they are known (from the cache, or recorded at the emit),
     * which on RocksDB are blind point deletes; otherwise by clearing the maps (a prefix seek and iteration).
     */
    private void clearMaps(TraceProgress progress, TraceCache.Entry cached) throws Exception {
        if (cached != null && cached.complete && cached.spansKnown()) {
            for (String spanId : cached.spans.keySet()) {
                spanParentsState.remove(spanId);
            }
            for (String service : cached.services) {
                servicesState.remove(service);
            }
            keysState.clear(); // keys recorded at an earlier emit, perhaps invalidated since
            return;
        }
        TraceKeys keys = progress.keysRecorded ? keysState.value() : null;
        if (keys != null) {
            for (String spanId : keys.spanIds) {
                spanParentsState.remove(spanId);
            }
            for (String service : keys.services) {
                servicesState.remove(service);
            }
        } else {
            spanParentsState.clear();
            servicesState.clear();
        }
        keysState.clear();
    }

    /** The RocksDB backend's states are its own classes (RocksDBValueState); wrapped or unknown ones count as heap. */
    private static boolean isRocksDb(Object state) {
        return state.getClass().getName().contains("RocksDB");
    }

    private long gapCloseAt(TraceProgress progress) {
        return progress.maxEndMillis() + sessionGapMillis;
    }

    /** A dirty trace waits for its gap or forced close; an emitted one for its cleanup. */
    private long nextDeadline(TraceProgress progress) {
        long gapCloseAt = gapCloseAt(progress);
        return progress.dirty
                ? Math.min(gapCloseAt, progress.forcedCloseAtMillis)
                : gapCloseAt + allowedLatenessMillis;
    }

    /**
     * A later deadline is not registered: the pending earlier timer re-registers when it fires. An
     * earlier one replaces the pending timer, which happens on the first span and when a span arrives
     * for an emitted trace (the cleanup timer gives way to the gap timer): one timer per trace.
     */
    private static void registerIfEarlier(long deadline, TraceProgress progress, TimerService timers) {
        if (deadline < progress.timerAt) {
            if (progress.timerAt != TraceProgress.NO_TIMER) {
                timers.deleteEventTimeTimer(progress.timerAt);
            }
            timers.registerEventTimeTimer(deadline);
            progress.timerAt = deadline;
        }
    }

    long tracesEmittedCount() {
        return tracesEmitted.getCount();
    }

    long lateSpansDroppedCount() {
        return lateSpansDropped.getCount();
    }

    long duplicateSpansCount() {
        return duplicateSpans.getCount();
    }

    long truncatedTracesCount() {
        return truncatedTraces.getCount();
    }

    private TraceSummary summarize(String traceId, TraceProgress progress, TraceCache.Entry cached) throws Exception {
        int orphans = 0;
        if (cached != null && cached.spansKnown()) {
            // The cache mirrors the span map exactly: no state iteration.
            for (String parent : cached.spans.values()) {
                if (!parent.isEmpty() && !cached.spans.containsKey(parent)) {
                    orphans++;
                }
            }
        } else {
            // One pass over the span map: ids into a set, parents into a list, then count the orphans.
            Set<String> spanIds = new HashSet<>(Math.max(16, progress.storedSpanCount * 2));
            List<String> parents = new ArrayList<>(progress.storedSpanCount);
            for (Map.Entry<String, String> entry : spanParentsState.entries()) {
                spanIds.add(entry.getKey());
                parents.add(entry.getValue());
            }
            for (String parent : parents) {
                if (!parent.isEmpty() && !spanIds.contains(parent)) {
                    orphans++;
                }
            }
        }

        TraceSummary summary = new TraceSummary();
        summary.traceId = traceId;
        summary.startMicros = progress.minStartMicros;
        summary.endMicros = progress.maxEndMicros;
        summary.spanCount = progress.spanCount;
        summary.errorCount = progress.errorCount;
        if (cached != null && cached.complete) {
            summary.services.addAll(cached.services);
        } else {
            for (String service : servicesState.keys()) {
                summary.services.add(service);
            }
        }
        Collections.sort(summary.services);
        summary.hasRoot = progress.hasRoot;
        summary.rootService = progress.rootService;
        summary.rootOperation = progress.rootOperation;
        summary.orphanSpanCount = orphans;
        summary.truncated = progress.truncated;
        summary.revision = ++progress.revision;
        tracesEmitted.inc();
        return summary;
    }
}
