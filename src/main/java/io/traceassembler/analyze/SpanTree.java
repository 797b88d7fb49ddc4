package io.traceassembler.analyze;

import io.traceassembler.model.PeerType;
import io.traceassembler.model.SpanKind;

import java.util.Arrays;

/**
 * The spans of one trace as a tree in parallel arrays, the input of the analysis ({@link
 * RootCause}, {@link CriticalPath}). Spans are added with their parent's id; {@link #link()}
 * resolves parents to indexes: a span's parent is the span its parent id names, and a Zipkin server
 * half (a {@code shared} span) hangs under the client half with the same id, as Jaeger's span-id
 * uniquifier arranges it. Service and operation names are indexes into the caller's tables ({@link
 * #names}). One instance is reused per subtask: {@link #clear()} keeps the arrays, so building a
 * tree allocates nothing once they have grown.
 *
 * <p>Every walk is iterative (a breadth-first order computed once), so a 10,000-deep chain cannot
 * overflow the stack. A parent cycle in bad data is broken at its first span, which then counts as
 * a top.
 */
public final class SpanTree {
    /** No span: as a parent index, a span without a parent in the tree. */
    public static final int NONE = -1;

    private int size;
    private long[] spanKey = new long[16];
    private long[] parentKey = new long[16];
    private boolean[] hasParent = new boolean[16];
    private boolean[] shared = new boolean[16];
    private long[] start = new long[16];
    private long[] end = new long[16];
    private byte[] kind = new byte[16];
    private boolean[] error = new boolean[16];
    private boolean[] untimed = new boolean[16];
    private int[] service = new int[16];
    private int[] operation = new int[16];
    private byte[] peerType = new byte[16];
    private String[] peerName = new String[16];

    private int[] parent = new int[16];
    private int[] childOffset = new int[17];
    private int[] children = new int[16];
    private int[] order = new int[16];
    private int[] depth = new int[16];
    private boolean[] seen = new boolean[16];

    private String[] serviceNames = new String[0];
    private int serviceCount;
    private String[] operationNames = new String[0];
    private int operationCount;
    private final SpanKeyIndex byKey = new SpanKeyIndex();
    private final SpanKeyIndex clientHalves = new SpanKeyIndex();
    private boolean linked;

    public void clear() {
        size = 0;
        serviceNames = new String[0];
        serviceCount = 0;
        operationNames = new String[0];
        operationCount = 0;
        linked = false;
    }

    /**
     * The names the spans' service and operation indexes refer to, each distinct within its table
     * (the assembler's per-trace tables: no name is looked up again per span). The arrays are the
     * caller's, read until the next {@link #clear()}.
     */
    public void names(
            String[] services, int serviceCount, String[] operations, int operationCount) {
        this.serviceNames = services;
        this.serviceCount = serviceCount;
        this.operationNames = operations;
        this.operationCount = operationCount;
    }

    /**
     * Adds a span. {@code spanKey} and {@code parentKey} are the 64-bit keys of the span's id and
     * its parent's ({@code hasParent} false for a span without a parent id); {@code sharedHalf}
     * marks a Zipkin server half, {@code untimed} a span that came without a timestamp. {@code
     * service} and {@code operation} are indexes into the tables of {@link #names}. Times in
     * microseconds. Returns the span's index.
     */
    public int add(
            long spanKey,
            boolean hasParent,
            long parentKey,
            boolean sharedHalf,
            int service,
            int operation,
            SpanKind kind,
            long startMicros,
            long endMicros,
            boolean error,
            boolean untimed) {
        if (size == this.spanKey.length) {
            grow(size * 2);
        }
        int i = size++;
        this.spanKey[i] = spanKey;
        this.hasParent[i] = hasParent;
        this.parentKey[i] = parentKey;
        this.shared[i] = sharedHalf;
        this.service[i] = service;
        this.operation[i] = operation;
        this.kind[i] = (byte) kind.ordinal();
        this.start[i] = startMicros;
        this.end[i] = endMicros;
        this.error[i] = error;
        this.untimed[i] = untimed;
        this.peerType[i] = (byte) PeerType.NONE.ordinal();
        this.peerName[i] = null;
        linked = false;
        return i;
    }

    /**
     * Sets the peer attribute of span {@code i} (the service graph's virtual node of a client span
     * without a child); a span added has none.
     */
    public void setPeer(int i, PeerType type, String name) {
        peerType[i] = (byte) type.ordinal();
        peerName[i] = name;
    }

    /** Resolves parents, children and the breadth-first order; call after the last {@link #add}. */
    public void link() {
        byKey.reset(size);
        clientHalves.reset(size);
        // A parent id names the server half when the trace has one (the children of a shared id run
        // in the
        // server's process), else the span with that id; the server half itself hangs under its
        // client half.
        for (int i = 0; i < size; i++) {
            if (shared[i]) {
                byKey.putIfAbsent(spanKey[i], i);
            } else {
                clientHalves.putIfAbsent(spanKey[i], i);
            }
        }
        for (int i = 0; i < size; i++) {
            if (!shared[i]) {
                byKey.putIfAbsent(spanKey[i], i);
            }
        }
        Arrays.fill(childOffset, 0, size + 1, 0);
        for (int i = 0; i < size; i++) {
            int p = NONE;
            if (shared[i]) {
                int clientHalf = clientHalves.get(spanKey[i]);
                p = clientHalf != SpanKeyIndex.ABSENT ? clientHalf : NONE;
            }
            if (p == NONE && hasParent[i]) {
                int named = byKey.get(parentKey[i]);
                p = named != SpanKeyIndex.ABSENT && named != i ? named : NONE;
            }
            parent[i] = p;
            if (p != NONE) {
                childOffset[p + 1]++;
            }
        }
        for (int i = 0; i < size; i++) {
            childOffset[i + 1] += childOffset[i];
        }
        int[] fill = Arrays.copyOf(childOffset, size);
        for (int i = 0; i < size; i++) {
            if (parent[i] != NONE) {
                children[fill[parent[i]]++] = i;
            }
        }
        computeOrder();
        linked = true;
    }

    /**
     * Breadth-first from every top (no parent in the tree), then any span left (a parent cycle) as
     * a top.
     */
    private void computeOrder() {
        if (seen.length < size) {
            seen = new boolean[spanKey.length];
        }
        Arrays.fill(seen, 0, size, false);
        int tail = 0;
        for (int top = 0; top < size; top++) {
            if (parent[top] == NONE) {
                tail = visitFrom(top, seen, tail);
            }
        }
        for (int i = 0; i < size && tail < size; i++) {
            if (!seen[i]) {
                parent[i] = NONE; // breaks the cycle here: the span becomes a top
                tail = visitFrom(i, seen, tail);
            }
        }
    }

    private int visitFrom(int top, boolean[] seen, int tail) {
        int head = tail;
        order[tail++] = top;
        seen[top] = true;
        depth[top] = 0;
        while (head < tail) {
            int i = order[head++];
            for (int c = childOffset[i]; c < childOffset[i + 1]; c++) {
                int child = children[c];
                if (!seen[child]) {
                    seen[child] = true;
                    depth[child] = depth[i] + 1;
                    order[tail++] = child;
                }
            }
        }
        return tail;
    }

    public int size() {
        return size;
    }

    /** The parent's index, or {@link #NONE}. */
    public int parent(int i) {
        checkLinked();
        return parent[i];
    }

    public int childCount(int i) {
        checkLinked();
        return childOffset[i + 1] - childOffset[i];
    }

    public int child(int i, int n) {
        checkLinked();
        return children[childOffset[i] + n];
    }

    /** The n-th span in breadth-first order: a parent always comes before its children. */
    public int inOrder(int n) {
        checkLinked();
        return order[n];
    }

    /** Distance from the span's top (the trace's root, or the topmost ancestor present). */
    public int depth(int i) {
        checkLinked();
        return depth[i];
    }

    /**
     * True for a span without a parent id (a root), as opposed to an orphan whose parent is
     * missing.
     */
    public boolean isRoot(int i) {
        return !hasParent[i] && !shared[i];
    }

    public long spanKey(int i) {
        return spanKey[i];
    }

    public long start(int i) {
        return start[i];
    }

    public long end(int i) {
        return end[i];
    }

    public SpanKind kind(int i) {
        return SpanKind.of(kind[i]);
    }

    public boolean error(int i) {
        return error[i];
    }

    /**
     * A span that came without a timestamp: its times are a stand-in, it has no place on a path.
     */
    public boolean untimed(int i) {
        return untimed[i];
    }

    public int service(int i) {
        return service[i];
    }

    /** Which attribute names the span's peer, or {@link PeerType#NONE}. */
    public PeerType peerType(int i) {
        return PeerType.of(peerType[i]);
    }

    /** The peer's name, or null. */
    public String peerName(int i) {
        return peerName[i];
    }

    public int operation(int i) {
        return operation[i];
    }

    public String serviceName(int serviceIndex) {
        return serviceNames[serviceIndex];
    }

    public String operationName(int operationIndex) {
        return operationNames[operationIndex];
    }

    public int serviceCount() {
        return serviceCount;
    }

    public int operationCount() {
        return operationCount;
    }

    private void checkLinked() {
        if (!linked) {
            throw new IllegalStateException("call link() after adding spans");
        }
    }

    private void grow(int capacity) {
        spanKey = Arrays.copyOf(spanKey, capacity);
        parentKey = Arrays.copyOf(parentKey, capacity);
        hasParent = Arrays.copyOf(hasParent, capacity);
        shared = Arrays.copyOf(shared, capacity);
        start = Arrays.copyOf(start, capacity);
        end = Arrays.copyOf(end, capacity);
        kind = Arrays.copyOf(kind, capacity);
        error = Arrays.copyOf(error, capacity);
        untimed = Arrays.copyOf(untimed, capacity);
        service = Arrays.copyOf(service, capacity);
        operation = Arrays.copyOf(operation, capacity);
        peerType = Arrays.copyOf(peerType, capacity);
        peerName = Arrays.copyOf(peerName, capacity);
        parent = Arrays.copyOf(parent, capacity);
        childOffset = Arrays.copyOf(childOffset, capacity + 1);
        children = Arrays.copyOf(children, capacity);
        order = Arrays.copyOf(order, capacity);
        depth = Arrays.copyOf(depth, capacity);
    }
}
