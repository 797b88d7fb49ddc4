package io.traceassembler.assemble;

import io.traceassembler.model.HexIds;
import io.traceassembler.model.PeerType;
import io.traceassembler.model.SpanKind;

import java.util.Arrays;

/**
 * The stored spans of one trace in parallel arrays, what the span tree at emit needs and nothing
 * more: span id and parent id as 64-bit keys, start and end (epoch microseconds), the service and
 * the operation as indexes into the trace's name tables ({@link TraceState}), the peer attribute as
 * an index with its type, and one byte of flags (kind, Zipkin shared half, error). De-duplication
 * ({@link #isDuplicate}) and the orphan count ({@link #orphanCount}) need no {@code String} or map
 * node per span. Beyond {@link #LINEAR_SCAN_MAX} spans an open-addressing index over the ids is
 * kept on the heap (never serialised).
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

    /** {@link #peer} of a span without a kept attribute. */
    public static final int NO_PEER = -1;

    /** {@link #service} of a span without a service name. */
    public static final int NO_SERVICE = -1;

    /** {@link #service} of a span restored from format version 1, which kept ids only. */
    static final int UNKNOWN_COLUMNS = -2;

    private static final int KIND_MASK = 0x07;
    private static final int SHARED = 0x08;
    private static final int ERROR = 0x10;
    private static final int PEER_TYPE_SHIFT = 5;
    private static final int UNTIMED = 0x80;

    private long[] ids;
    private long[] parents;
    private long[] starts;
    private long[] ends;
    private int[] services;
    private int[] operations;
    private int[] peers;
    private byte[] flags;

    /** The text of span ids that are not their key (see {@link #key}); null while there is none. */
    private String[] idTexts;

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
        int n = Math.max(1, capacity);
        ids = new long[n];
        parents = new long[n];
        starts = new long[n];
        ends = new long[n];
        services = new int[n];
        operations = new int[n];
        peers = new int[n];
        flags = new byte[n];
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

    public long start(int index) {
        return starts[index];
    }

    public long end(int index) {
        return ends[index];
    }

    /** Index into the trace's services, or {@link #NO_SERVICE}. */
    public int service(int index) {
        return services[index];
    }

    /** Index into the trace's names. */
    public int operation(int index) {
        return operations[index];
    }

    /** Index into the trace's names, or {@link #NO_PEER}. */
    public int peer(int index) {
        return peers[index];
    }

    public PeerType peerType(int index) {
        return PeerType.of(((flags[index] & 0xff) >>> PEER_TYPE_SHIFT) & 0x3);
    }

    public SpanKind kind(int index) {
        return SpanKind.of(flags[index] & KIND_MASK);
    }

    public boolean shared(int index) {
        return (flags[index] & SHARED) != 0;
    }

    public boolean error(int index) {
        return (flags[index] & ERROR) != 0;
    }

    /** A span that came without a timestamp: its start and end are a stand-in. */
    public boolean untimed(int index) {
        return (flags[index] & UNTIMED) != 0;
    }

    /**
     * The span id's text when it is not its key, else null (the id is {@code HexIds.toHex(id)}).
     */
    public String idText(int index) {
        return idTexts == null ? null : idTexts[index];
    }

    /**
     * A span already stored: the same id reported again by the same half. For Zipkin shared spans
     * (B3) the server half has its client half's id: a span is a duplicate of one with the same id,
     * the same shared flag and, for a server half, the same service. Elsewhere a repeated id is a
     * retry.
     */
    public boolean isDuplicate(long id, boolean shared, int service) {
        if (size <= LINEAR_SCAN_MAX) {
            for (int i = 0; i < size; i++) {
                if (ids[i] == id && sameHalf(i, shared, service)) {
                    return true;
                }
            }
            return false;
        }
        if (slots == null) {
            buildIndex();
        }
        int mask = slots.length - 1;
        for (int s = mix(id) & mask; ; s = (s + 1) & mask) {
            int slot = slots[s];
            if (slot == 0) {
                return false;
            }
            if (ids[slot - 1] == id && sameHalf(slot - 1, shared, service)) {
                return true;
            }
        }
    }

    private boolean sameHalf(int i, boolean shared, int service) {
        return shared(i) == shared && (!shared || services[i] == service);
    }

    /**
     * Adds a span known by its ids alone (no service, name, times or flags); false, and nothing
     * changes, when its id is there already.
     */
    public boolean add(long id, long parent) {
        if (isDuplicate(id, false, NO_SERVICE)) {
            return false;
        }
        append(
                id,
                null,
                parent,
                0,
                0,
                NO_SERVICE,
                -1,
                NO_PEER,
                PeerType.NONE,
                SpanKind.UNSPECIFIED,
                false,
                false,
                false);
        return true;
    }

    /**
     * Appends a span (the caller checked {@link #isDuplicate}, or reads spans that were unique).
     * {@code idText} is the id's text when it is not its key, else null.
     */
    public void append(
            long id,
            String idText,
            long parent,
            long startMicros,
            long endMicros,
            int service,
            int operation,
            int peer,
            PeerType peerType,
            SpanKind kind,
            boolean shared,
            boolean error,
            boolean untimed) {
        appendRaw(
                id,
                idText,
                parent,
                startMicros,
                endMicros,
                service,
                operation,
                peer,
                (byte)
                        (kind.ordinal()
                                | (shared ? SHARED : 0)
                                | (error ? ERROR : 0)
                                | (peerType.ordinal() << PEER_TYPE_SHIFT)
                                | (untimed ? UNTIMED : 0)));
    }

    /** {@link #append} with the flags byte as {@link #flags} gives it (the serializer's form). */
    void appendRaw(
            long id,
            String idText,
            long parent,
            long startMicros,
            long endMicros,
            int service,
            int operation,
            int peer,
            byte flagsByte) {
        if (size == ids.length) {
            grow(size + Math.max(4, size >> 1));
        }
        ids[size] = id;
        parents[size] = parent;
        starts[size] = startMicros;
        ends[size] = endMicros;
        services[size] = service;
        operations[size] = operation;
        peers[size] = peer;
        flags[size] = flagsByte;
        if (idText != null) {
            if (idTexts == null) {
                idTexts = new String[ids.length];
            }
            idTexts[size] = idText;
        }
        size++;
        if (slots != null) {
            if (size * 2 > slots.length) {
                slots = null; // rebuilt larger on the next lookup
            } else {
                insertSlot(id, size);
            }
        }
    }

    /**
     * Appends a span of a state written before spans had columns (format version 1): service and
     * operation unknown (-1), so the trace's span tree cannot be analysed.
     */
    void appendIdOnly(long id, long parent) {
        append(
                id,
                null,
                parent,
                0,
                0,
                UNKNOWN_COLUMNS,
                -1,
                NO_PEER,
                PeerType.NONE,
                SpanKind.UNSPECIFIED,
                false,
                false,
                false);
    }

    /** Whether every stored span has its columns (none restored from format version 1). */
    public boolean hasColumns() {
        for (int i = 0; i < size; i++) {
            if (services[i] == UNKNOWN_COLUMNS) {
                return false;
            }
        }
        return true;
    }

    /** The flags byte as stored (kind, shared, error, peer type): for the serializer. */
    byte flags(int index) {
        return flags[index];
    }

    private void grow(int capacity) {
        ids = Arrays.copyOf(ids, capacity);
        parents = Arrays.copyOf(parents, capacity);
        starts = Arrays.copyOf(starts, capacity);
        ends = Arrays.copyOf(ends, capacity);
        services = Arrays.copyOf(services, capacity);
        operations = Arrays.copyOf(operations, capacity);
        peers = Arrays.copyOf(peers, capacity);
        flags = Arrays.copyOf(flags, capacity);
        if (idTexts != null) {
            idTexts = Arrays.copyOf(idTexts, capacity);
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
        System.arraycopy(starts, 0, copy.starts, 0, size);
        System.arraycopy(ends, 0, copy.ends, 0, size);
        System.arraycopy(services, 0, copy.services, 0, size);
        System.arraycopy(operations, 0, copy.operations, 0, size);
        System.arraycopy(peers, 0, copy.peers, 0, size);
        System.arraycopy(flags, 0, copy.flags, 0, size);
        if (idTexts != null) {
            copy.idTexts = Arrays.copyOf(idTexts, copy.ids.length);
        }
        copy.size = size;
        return copy;
    }
}
