package io.traceassembler.assemble;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A per-subtask, in-memory, bounded (LRU) mirror of the state of the traces {@link TraceAssembler} touched
 * last; it is never checkpointed and starts empty after a restore. It only saves state accesses, which on
 * RocksDB are each a JNI call, a lookup and a (de)serialisation:
 * <ul>
 *   <li>the trace's {@link TraceProgress} as last written to the state: saves the read per span. The
 *       assembler mutates the cached instance in place and writes it: the cache is used on RocksDB only,
 *       where a state update serialises at once, so the state never shares the instance. (On the heap
 *       backend it would be the very object in the state map, which an asynchronous snapshot may be
 *       writing: there it would have to be copied per span.)
 *   <li>for a trace first seen while cached ({@link Entry#complete}): all its span ids with their parents
 *       and all its services, exactly as in the map states. De-duplication then needs no state read, the
 *       summary no iteration over the map states; an already known service is not written again;
 *   <li>otherwise the services known to be in the state already, which are not written again.
 * </ul>
 * Bounded by traces and by the span ids held, so big traces cannot blow it up.
 */
public final class TraceCache {
    /**
     * It should hold the traces of one session gap plus their span ids: at 15,000 spans/s per subtask
     * (the planned load of one KPU) and a 30 s gap about 450,000 spans. Measured ~350 bytes of heap per
     * cached span id (entry, strings, progress copy): about 175 MB per subtask when full.
     */
    static final int DEFAULT_MAX_TRACES = 32_768;
    static final int DEFAULT_MAX_SPANS = 500_000;
    public static final String MAX_TRACES_PROPERTY = "traceassembler.cache.max-traces";
    public static final String MAX_SPANS_PROPERTY = "traceassembler.cache.max-spans";

    /** One trace. */
    static final class Entry {
        TraceProgress progress;
        /** Span id &rarr; parent id ({@code ""} for a root), as in the state; null when not known completely. */
        HashMap<String, String> spans;
        /** Services known to be in the state; all of them when {@link #complete}. */
        final Set<String> services = new HashSet<>(8);
        /** {@link #services} holds every service of the trace (first seen while cached). */
        boolean complete;
        /**
         * Write-back ({@link TraceAssemblerOperator}): {@link #progress} is newer than the state's and must be
         * written before the next snapshot or when the entry leaves the cache.
         */
        boolean progressDirty;
        /** In the cache (false once evicted or removed). */
        boolean resident = true;

        boolean spansKnown() {
            return spans != null;
        }
    }

    /** Told about every entry the LRU evicts (write-back of a dirty progress). */
    interface EvictionListener {
        void evicted(String traceId, Entry entry) throws Exception;
    }

    private final int maxTraces;
    private final int maxSpans;
    private EvictionListener evictionListener;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(1024, 0.75f, true);
    private long spans;

    TraceCache(int maxTraces, int maxSpans) {
        this.maxTraces = maxTraces;
        this.maxSpans = maxSpans;
    }

    void setEvictionListener(EvictionListener listener) {
        this.evictionListener = listener;
    }

    Entry get(String traceId) {
        return entries.get(traceId);
    }

    /** A new entry for a trace that has no state yet: everything about it will be known. */
    Entry putNew(String traceId, TraceProgress progress) throws Exception {
        Entry e = new Entry();
        e.progress = progress;
        e.spans = new HashMap<>();
        e.complete = true;
        put(traceId, e);
        return e;
    }

    /** A new entry for a trace read from the state: its span ids and services are not known. */
    Entry putExisting(String traceId, TraceProgress progress) throws Exception {
        Entry e = new Entry();
        e.progress = progress;
        put(traceId, e);
        return e;
    }

    private void put(String traceId, Entry e) throws Exception {
        Entry old = entries.put(traceId, e);
        if (old != null) {
            old.resident = false;
            if (old.spans != null) {
                spans -= old.spans.size();
            }
        }
        evict();
    }

    /** Records a span id written to the state. */
    void addSpan(Entry e, String spanId, String parent) throws Exception {
        if (e.spans == null) {
            return;
        }
        if (e.spans.put(spanId, parent) == null) {
            spans++;
        }
        if (e.spans.size() > maxSpans / 4) {
            // A huge trace: forget its span ids rather than crowding out every other trace.
            spans -= e.spans.size();
            e.spans = null;
        }
        evict();
    }

    void remove(String traceId) {
        Entry old = entries.remove(traceId);
        if (old != null) {
            old.resident = false;
            if (old.spans != null) {
                spans -= old.spans.size();
            }
        }
    }

    private void evict() throws Exception {
        if (entries.size() <= maxTraces && spans <= maxSpans) {
            return;
        }
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while (it.hasNext() && (entries.size() > maxTraces || spans > maxSpans)) {
            Map.Entry<String, Entry> eldest = it.next();
            Entry entry = eldest.getValue();
            if (entry.spans != null) {
                spans -= entry.spans.size();
            }
            it.remove();
            entry.resident = false;
            if (evictionListener != null) {
                evictionListener.evicted(eldest.getKey(), entry);
            }
        }
    }

    /** Every entry, in LRU order (eldest first); the caller must not add or remove entries meanwhile. */
    Iterable<Map.Entry<String, Entry>> entries() {
        return entries.entrySet();
    }

    int size() {
        return entries.size();
    }

    long spanCount() {
        return spans;
    }
}
