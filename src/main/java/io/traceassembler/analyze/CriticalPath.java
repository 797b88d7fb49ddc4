package io.traceassembler.analyze;

import io.traceassembler.model.SpanKind;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The critical path of a trace's root span as the Jaeger UI computes it (docs/contracts.md, section
 * 2): from the root, repeatedly the last-finishing child; when a child's section is done, the walk
 * goes back to its parent at the child's start and takes the child that finished last before that,
 * and so on, so the sections tile the root's duration exactly. Before the walk, as in Jaeger: a
 * CONSUMER child of a PRODUCER does not block its parent and is dropped with its subtree; a child
 * entirely outside its parent (starting at or after its end, or ending at or before its start) is
 * dropped with its subtree; a child overflowing its parent is clamped to it (parents first, so a
 * grandchild is clamped to its clamped parent). "Before that start" is strict, as in Jaeger: a
 * child that ends exactly where the next one starts is not on the path.
 *
 * <p>Each section counts for its span's service; the service with the most time is the bottleneck
 * (ties: the smaller name), and within it the operation with the most time. Equal end times among
 * children go to the one that started first, then to the smaller span key. Iterative and O(n log
 * n): children are sorted by end once, and a cursor per span walks them, since the times the walk
 * returns to a span only decrease.
 */
public final class CriticalPath {
    private long[] from = new long[16];
    private long[] to = new long[16];
    private boolean[] dropped = new boolean[16];
    private int[] sorted = new int[16];
    private int[] sortedOffset = new int[17];
    private int[] cursor = new int[16];
    private long[] sectionMicros = new long[16];
    private int[] sectionSpan = new int[16];
    private int[] mergeScratch = new int[0];

    private static final int INSERTION_SORT_MAX = 16;

    /** What {@link #compute} found; {@code null} fields when there is no single root. */
    public static final class Result {
        /**
         * Critical-path microseconds per service, by service name; they sum to the root's duration.
         */
        public final Map<String, Long> microsByService;

        public final String bottleneckService;
        public final String bottleneckOperation;

        /**
         * The bottleneck service's time / the root's duration, 0..1 (1 for a root of zero
         * duration).
         */
        public final double bottleneckShare;

        Result(
                Map<String, Long> microsByService,
                String bottleneckService,
                String bottleneckOperation,
                double bottleneckShare) {
            this.microsByService = microsByService;
            this.bottleneckService = bottleneckService;
            this.bottleneckOperation = bottleneckOperation;
            this.bottleneckShare = bottleneckShare;
        }
    }

    /**
     * The critical path of the tree's only root span, or null when it has none or several roots.
     */
    public Result compute(SpanTree tree) {
        int n = tree.size();
        int root = SpanTree.NONE;
        for (int i = 0; i < n; i++) {
            if (tree.isRoot(i)) {
                if (root != SpanTree.NONE) {
                    return null;
                }
                root = i;
            }
        }
        if (root == SpanTree.NONE || tree.untimed(root)) {
            return null;
        }
        ensureCapacity(n);
        sanitize(tree, root);
        sortChildrenByEnd(tree);
        int sections = walk(tree, root);
        return summarise(tree, root, sections);
    }

    /** Clamps or drops every span under the root, parents first (breadth-first order). */
    private void sanitize(SpanTree tree, int root) {
        int n = tree.size();
        Arrays.fill(dropped, 0, n, true);
        dropped[root] = false;
        from[root] = tree.start(root);
        to[root] = Math.max(tree.start(root), tree.end(root));
        for (int k = 0; k < n; k++) {
            int i = tree.inOrder(k);
            int p = tree.parent(i);
            if (i == root || p == SpanTree.NONE || dropped[p]) {
                continue; // the root; or not under it; or under a dropped span
            }
            if (tree.kind(i) == SpanKind.CONSUMER && tree.kind(p) == SpanKind.PRODUCER) {
                continue; // does not block its producer
            }
            if (tree.untimed(i)) {
                continue; // no time of its own: not on the path, nor is anything below it
            }
            long start = tree.start(i);
            long end = Math.max(start, tree.end(i));
            if (start >= to[p] || end <= from[p]) {
                continue; // entirely outside its parent
            }
            from[i] = Math.max(start, from[p]);
            to[i] = Math.min(end, to[p]);
            dropped[i] = false;
        }
    }

    /**
     * Each kept span's kept children, latest end first (ties: earliest start, then smallest key).
     */
    private void sortChildrenByEnd(SpanTree tree) {
        int n = tree.size();
        int fill = 0;
        for (int i = 0; i < n; i++) {
            sortedOffset[i] = fill;
            cursor[i] = fill;
            if (dropped[i]) {
                continue;
            }
            int first = fill;
            for (int c = 0; c < tree.childCount(i); c++) {
                int child = tree.child(i, c);
                if (!dropped[child]) {
                    sorted[fill++] = child;
                }
            }
            sortRange(tree, first, fill);
        }
        sortedOffset[n] = fill;
    }

    /**
     * Sorts {@code sorted[first, last)} by {@link #before}, on primitive indexes (no boxing):
     * insertion sort for the usual few children, a bottom-up merge sort beyond (a 10,000-wide
     * fan-out stays n log n, and nothing recurses).
     */
    private void sortRange(SpanTree tree, int first, int last) {
        int length = last - first;
        if (length <= INSERTION_SORT_MAX) {
            for (int i = first + 1; i < last; i++) {
                int span = sorted[i];
                int j = i - 1;
                while (j >= first && before(tree, span, sorted[j])) {
                    sorted[j + 1] = sorted[j];
                    j--;
                }
                sorted[j + 1] = span;
            }
            return;
        }
        if (mergeScratch.length < length) {
            mergeScratch = new int[Math.max(length, mergeScratch.length * 2)];
        }
        int[] src = sorted;
        int[] dst = mergeScratch;
        int srcOffset = first;
        int dstOffset = 0;
        for (int width = 1; width < length; width *= 2) {
            for (int left = 0; left < length; left += 2 * width) {
                int middle = Math.min(left + width, length);
                int right = Math.min(left + 2 * width, length);
                int a = left;
                int b = middle;
                int out = left;
                while (a < middle && b < right) {
                    int x = src[srcOffset + a];
                    int y = src[srcOffset + b];
                    if (before(tree, y, x)) {
                        dst[dstOffset + out++] = y;
                        b++;
                    } else {
                        dst[dstOffset + out++] = x;
                        a++;
                    }
                }
                while (a < middle) {
                    dst[dstOffset + out++] = src[srcOffset + a++];
                }
                while (b < right) {
                    dst[dstOffset + out++] = src[srcOffset + b++];
                }
            }
            int[] swap = src;
            src = dst;
            dst = swap;
            int swapOffset = srcOffset;
            srcOffset = dstOffset;
            dstOffset = swapOffset;
        }
        if (src != sorted) {
            System.arraycopy(src, srcOffset, sorted, first, length);
        }
    }

    /** Latest end first; ties: earliest start, then smallest key. */
    private boolean before(SpanTree tree, int a, int b) {
        if (to[a] != to[b]) {
            return to[a] > to[b];
        }
        if (from[a] != from[b]) {
            return from[a] < from[b];
        }
        return Long.compareUnsigned(tree.spanKey(a), tree.spanKey(b)) < 0;
    }

    /** The walk; records the sections (span, microseconds) and returns how many. */
    private int walk(SpanTree tree, int root) {
        int sections = 0;
        int current = root;
        long returning = Long.MIN_VALUE; // none: the walk entered the span from its parent
        while (true) {
            int next = lastFinishingChild(current, returning);
            long sectionEnd = returning == Long.MIN_VALUE ? to[current] : returning;
            if (next != SpanTree.NONE) {
                sections = addSection(sections, current, sectionEnd - to[next]);
                current = next;
                returning = Long.MIN_VALUE;
            } else {
                sections = addSection(sections, current, sectionEnd - from[current]);
                if (current == root) {
                    return sections;
                }
                returning = from[current];
                current = tree.parent(current);
            }
        }
    }

    /**
     * The kept child that finished last, or last before {@code returning}; advances the span's
     * cursor.
     */
    private int lastFinishingChild(int span, long returning) {
        int end = sortedOffset[span + 1];
        while (cursor[span] < end
                && returning != Long.MIN_VALUE
                && to[sorted[cursor[span]]] >= returning) {
            cursor[span]++;
        }
        if (cursor[span] == end) {
            return SpanTree.NONE;
        }
        int child = sorted[cursor[span]];
        cursor[span]++; // once left, a child is never the last-finishing one again
        return child;
    }

    private int addSection(int sections, int span, long micros) {
        if (micros <= 0) {
            return sections;
        }
        if (sections == sectionSpan.length) {
            sectionSpan = Arrays.copyOf(sectionSpan, sections * 2);
            sectionMicros = Arrays.copyOf(sectionMicros, sections * 2);
        }
        sectionSpan[sections] = span;
        sectionMicros[sections] = micros;
        return sections + 1;
    }

    private Result summarise(SpanTree tree, int root, int sections) {
        long[] byService = new long[tree.serviceCount()];
        for (int s = 0; s < sections; s++) {
            byService[tree.service(sectionSpan[s])] += sectionMicros[s];
        }
        long rootMicros = to[root] - from[root];
        if (rootMicros == 0) {
            String service = tree.serviceName(tree.service(root));
            return new Result(
                    Collections.singletonMap(service, 0L),
                    service,
                    tree.operationName(tree.operation(root)),
                    1.0);
        }
        Map<String, Long> microsByService = new TreeMap<>();
        int bottleneck = -1;
        for (int s = 0; s < byService.length; s++) {
            if (byService[s] == 0) {
                continue;
            }
            microsByService.put(tree.serviceName(s), byService[s]);
            if (bottleneck < 0
                    || byService[s] > byService[bottleneck]
                    || (byService[s] == byService[bottleneck]
                            && tree.serviceName(s).compareTo(tree.serviceName(bottleneck)) < 0)) {
                bottleneck = s;
            }
        }
        long[] byOperation = new long[tree.operationCount()];
        for (int s = 0; s < sections; s++) {
            if (tree.service(sectionSpan[s]) == bottleneck) {
                byOperation[tree.operation(sectionSpan[s])] += sectionMicros[s];
            }
        }
        int operation = -1;
        for (int o = 0; o < byOperation.length; o++) {
            if (byOperation[o] > 0
                    && (operation < 0
                            || byOperation[o] > byOperation[operation]
                            || (byOperation[o] == byOperation[operation]
                                    && tree.operationName(o)
                                                    .compareTo(tree.operationName(operation))
                                            < 0))) {
                operation = o;
            }
        }
        double share = Math.round(byService[bottleneck] * 1000.0 / rootMicros) / 1000.0;
        return new Result(
                microsByService,
                tree.serviceName(bottleneck),
                tree.operationName(operation),
                share);
    }

    private void ensureCapacity(int n) {
        if (from.length < n) {
            int capacity = Math.max(n, from.length * 2);
            from = new long[capacity];
            to = new long[capacity];
            dropped = new boolean[capacity];
            sorted = new int[capacity];
            sortedOffset = new int[capacity + 1];
            cursor = new int[capacity];
        }
    }
}
