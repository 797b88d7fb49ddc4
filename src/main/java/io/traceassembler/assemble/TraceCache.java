package io.traceassembler.assemble;

import io.traceassembler.model.TraceId;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A per-subtask, in-memory, bounded (LRU) cache of the {@link TraceState} of the traces {@link
 * TraceAssembler} touched last, used on RocksDB only (there every state access is a JNI call and a
 * (de)serialisation of the whole trace; on the heap backend a state access is a hash lookup
 * already). Never checkpointed; starts empty after a restore.
 *
 * <p>With write-back ({@link TraceAssemblerOperator}) a cached trace is changed in the cache only
 * and marked {@link Entry#dirty}; it is written to the state when the LRU evicts it and before
 * every snapshot, so a trace costs one read and one write per cache residency instead of one per
 * span. Bounded by traces and by the span ids held ({@code TraceAssembly.cache.max.traces}, {@code
 * cache.max.spans}); the most recently used entry is never evicted (a single trace larger than the
 * bound would otherwise be written and read back for every span).
 */
public final class TraceCache {
    /** One cached trace. */
    static final class Entry {
        final TraceState trace;

        /** Span ids counted for the bound (the trace's stored span ids when last weighed). */
        int weight;

        /**
         * Newer than the state's value: must be written before the next snapshot or when evicted.
         */
        boolean dirty;

        Entry(TraceState trace) {
            this.trace = trace;
        }
    }

    /** Told about every entry the LRU evicts (write-back of a dirty trace). */
    interface EvictionListener {
        void evicted(TraceId traceId, Entry entry) throws Exception;
    }

    private final int maxTraces;
    private final long maxSpans;
    private EvictionListener evictionListener;
    private final LinkedHashMap<TraceId, Entry> entries = new LinkedHashMap<>(1024, 0.75f, true);
    private long spans;

    TraceCache(int maxTraces, long maxSpans) {
        this.maxTraces = maxTraces;
        this.maxSpans = maxSpans;
    }

    void setEvictionListener(EvictionListener listener) {
        this.evictionListener = listener;
    }

    Entry get(TraceId traceId) {
        return entries.get(traceId);
    }

    /** Caches a trace (new, or just read from the state); may evict older entries. */
    Entry put(TraceId traceId, TraceState trace) throws Exception {
        Entry entry = new Entry(trace);
        Entry old = entries.put(traceId, entry);
        if (old != null) {
            spans -= old.weight;
        }
        weigh(entry);
        return entry;
    }

    /** Re-counts an entry's span ids after a change; may evict older entries. */
    void weigh(Entry entry) throws Exception {
        int weight = entry.trace.spans.size();
        spans += weight - entry.weight;
        entry.weight = weight;
        evict();
    }

    void remove(TraceId traceId) {
        Entry old = entries.remove(traceId);
        if (old != null) {
            spans -= old.weight;
        }
    }

    private void evict() throws Exception {
        if (entries.size() <= maxTraces && spans <= maxSpans) {
            return;
        }
        Iterator<Map.Entry<TraceId, Entry>> it = entries.entrySet().iterator();
        while (entries.size() > 1 && (entries.size() > maxTraces || spans > maxSpans)) {
            Map.Entry<TraceId, Entry> eldest = it.next();
            Entry entry = eldest.getValue();
            spans -= entry.weight;
            it.remove();
            if (evictionListener != null) {
                evictionListener.evicted(eldest.getKey(), entry);
            }
        }
    }

    /**
     * Every entry, in LRU order (eldest first); the caller must not add or remove entries
     * meanwhile.
     */
    Iterable<Map.Entry<TraceId, Entry>> entries() {
        return entries.entrySet();
    }

    int size() {
        return entries.size();
    }

    long spanCount() {
        return spans;
    }
}
