package io.traceassembler.assemble;

import io.traceassembler.model.HexIds;

import java.util.Arrays;

/**
 * The span ids of one trace with their parents, as 64-bit keys in two parallel {@code long} arrays:
 * de-duplication ({@link #contains}) and the orphan count ({@link #orphanCount}) without a {@code
 * String} or a map node per span. 16 bytes per span in a snapshot; on the heap 16 bytes plus the
 * array slack and, beyond {@link #LINEAR_SCAN_MAX} spans, 8 to 16 bytes of the open-addressing
 * index.
 *
 * <p>Keys ({@link #key}): a span id of 16 lower-case hex digits (OTLP, Zipkin, the native format: 8
 * bytes) is its own value, so two such ids are equal exactly when their keys are; any other id is
 * hashed to 64 bits, where two different ids of one trace collide with a probability of about
 * {@code n² / 2^65} (for 10,000 spans ~3e-12). {@link #ROOT} (0) is the parent of a root span; no
 * id has key 0.
 */
public final class SpanTable {
    /** The parent key of a root span. */
    public static final long ROOT = 0L;

    /**
     * Up to this many spans a lookup scans the ids (contiguous, a few cache lines: faster than
     * hashing, and no index to keep); beyond it an index is kept.
     */
    static final int LINEAR_SCAN_MAX = 32;

    private long[] ids;
    private long[] parents;
    private int size;

    /**
     * Open addressing over {@link #ids}: slot = index + 1, 0 = empty; null while small. Never
     * serialised.
     */
    private int[] slots;

    public SpanTable() {
        this(8);
    }

    public SpanTable(int capacity) {
        ids = new long[Math.max(1, capacity)];
        parents = new long[ids.length];
    }

    /**
     * The key of a span id (see the class comment); {@link #ROOT} for null or empty (no parent).
     */
    public static long key(String spanId) {
        if (spanId == null || spanId.isEmpty()) {
            return ROOT;
        }
        long exact = exactKey(spanId);
        return exact != ROOT ? exact : hashKey(spanId);
    }

    /**
     * The key of a span id that is its exact value (16 lower-case hex digits, not all zero), else
     * {@link #ROOT}.
     */
    public static long exactKey(String spanId) {
        if (spanId == null || spanId.length() != 16) {
            return ROOT;
        }
        long value = 0;
        int bad = 0; // negative once a char is no lower-case hex digit
        for (int i = 0; i < 16; i++) {
            int digit = HexIds.digit(spanId.charAt(i));
            bad |= digit;
            value = (value << 4) | (digit & 0xf);
        }
        return bad < 0 ? ROOT : value;
    }

    /** FNV-1a over the UTF-16 chars, finished with MurmurHash3's fmix64; never {@link #ROOT}. */
    private static long hashKey(String spanId) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < spanId.length(); i++) {
            h = (h ^ spanId.charAt(i)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == ROOT ? 1 : h;
    }

    public int size() {
        return size;
    }

    public long id(int index) {
        return ids[index];
    }

    public long parent(int index) {
        return parents[index];
    }

    public boolean contains(long id) {
        return indexOf(id) >= 0;
    }

    /** Adds a span; false (and nothing changes) when its id is already there. */
    public boolean add(long id, long parent) {
        if (indexOf(id) >= 0) {
            return false;
        }
        append(id, parent);
        return true;
    }

    /**
     * Appends without the duplicate check (the caller checked {@link #contains}, or reads ids that
     * were unique).
     */
    void append(long id, long parent) {
        if (size == ids.length) {
            int capacity = size + Math.max(4, size >> 1);
            ids = Arrays.copyOf(ids, capacity);
            parents = Arrays.copyOf(parents, capacity);
        }
        ids[size] = id;
        parents[size] = parent;
        size++;
        if (slots != null) {
            if (size * 2 > slots.length) {
                slots = null; // rebuilt larger on the next lookup
            } else {
                insertSlot(id, size);
            }
        }
    }

    /** Spans whose parent is not a span of this table (roots excluded). */
    public int orphanCount() {
        int orphans = 0;
        for (int i = 0; i < size; i++) {
            if (parents[i] != ROOT && indexOf(parents[i]) < 0) {
                orphans++;
            }
        }
        return orphans;
    }

    private int indexOf(long id) {
        if (size <= LINEAR_SCAN_MAX) {
            for (int i = 0; i < size; i++) {
                if (ids[i] == id) {
                    return i;
                }
            }
            return -1;
        }
        if (slots == null) {
            buildIndex();
        }
        int mask = slots.length - 1;
        for (int s = mix(id) & mask; ; s = (s + 1) & mask) {
            int slot = slots[s];
            if (slot == 0) {
                return -1;
            }
            if (ids[slot - 1] == id) {
                return slot - 1;
            }
        }
    }

    private void buildIndex() {
        slots = new int[Integer.highestOneBit(Math.max(16, size * 4) - 1) << 1];
        for (int i = 0; i < size; i++) {
            insertSlot(ids[i], i + 1);
        }
    }

    private void insertSlot(long id, int slot) {
        int mask = slots.length - 1;
        int s = mix(id) & mask;
        while (slots[s] != 0) {
            s = (s + 1) & mask;
        }
        slots[s] = slot;
    }

    private static int mix(long id) {
        long h = id * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    /** A deep copy (the heap backend copies state that a running snapshot still reads). */
    public SpanTable copy() {
        SpanTable copy = new SpanTable(Math.max(1, size));
        System.arraycopy(ids, 0, copy.ids, 0, size);
        System.arraycopy(parents, 0, copy.parents, 0, size);
        copy.size = size;
        return copy;
    }
}
