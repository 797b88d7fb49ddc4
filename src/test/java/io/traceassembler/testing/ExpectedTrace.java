package io.traceassembler.testing;

import io.traceassembler.generate.Encoding;
import io.traceassembler.generate.GeneratedSpan;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The contract's summary of a generated trace, computed from the generated spans alone,
 * independently of the job's code: what the integration tests compare the job's output with. Times
 * are the spans' nanoseconds rounded down to microseconds, as every encoding carries them.
 *
 * <p>The analysis fields (docs/contracts.md, section 2) are worked out here from the rules, with
 * plain lists and maps: the span tree (a span's parent is the span its parent id names; a B3 server
 * half's parent is its client half, and spans naming a shared id hang under the server half), the
 * root cause and the Jaeger UI's critical path. Both halves of a shared span are spans of their
 * own.
 */
public final class ExpectedTrace {
    public static final double DEFAULT_SLOW_TRACE_THRESHOLD_MS = 5_000;

    public final String traceId;

    /** Every span, both halves of a B3 shared span included. */
    public final int spanCount;

    public final int errorCount;
    public final Set<String> services = new TreeSet<>();
    public final long startMicros;
    public final long endMicros;
    public final String rootService;
    public final String rootOperation;
    public final boolean hasRoot;

    /** Spans whose parent id names no span of the trace. */
    public final int orphanSpanCount;

    public final Set<String> insights = new TreeSet<>();

    /** Null when the trace has no error. */
    public final String rootCauseService;

    public final String rootCauseOperation;
    public final String rootCauseSpanId;

    /**
     * Critical-path microseconds per service (only services with time on the path); null unless the
     * trace has exactly one root.
     */
    public final Map<String, Long> criticalPathMicros;

    public final String bottleneckService;
    public final String bottleneckOperation;

    /** Three decimals, rounded half up. */
    public final BigDecimal bottleneckShare;

    public ExpectedTrace(List<GeneratedSpan> spans) {
        this(spans, DEFAULT_SLOW_TRACE_THRESHOLD_MS);
    }

    public ExpectedTrace(List<GeneratedSpan> spans, double slowTraceThresholdMs) {
        this(spans, slowTraceThresholdMs, Map.of());
    }

    /**
     * With the encoding each span was delivered in, where known: a native Kinesis record carries no
     * span kind, so the job cannot know that such a consumer hangs under a producer (it then blocks
     * its parent on the critical path like any other child).
     */
    public ExpectedTrace(
            List<GeneratedSpan> spans,
            double slowTraceThresholdMs,
            Map<GeneratedSpan, Encoding> deliveredIn) {
        traceId = spans.get(0).traceId;
        spanCount = spans.size();
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        int errors = 0;
        GeneratedSpan root = null;
        int roots = 0;
        for (GeneratedSpan span : spans) {
            services.add(span.serviceName);
            errors += span.isError() ? 1 : 0;
            start = Math.min(start, micros(span.startEpochNanos));
            end = Math.max(end, micros(span.endEpochNanos));
            if (span.parentSpanId == null && !span.shared) {
                root = span;
                roots++;
            }
        }
        errorCount = errors;
        startMicros = start;
        endMicros = end;
        hasRoot = root != null;
        rootService = root == null ? null : root.serviceName;
        rootOperation = root == null ? null : root.operationName;
        if ((end - start) / 1000.0 > slowTraceThresholdMs) {
            insights.add("slow_trace");
        }
        if (errors > 0) {
            insights.add("trace_errors");
        }
        if (services.size() > 5) {
            insights.add("high_service_count");
        }

        List<Node> nodes = tree(spans, deliveredIn);
        int orphans = 0;
        for (Node node : nodes) {
            orphans += node.orphan ? 1 : 0;
        }
        orphanSpanCount = orphans;

        Node cause = rootCause(nodes);
        rootCauseService = cause == null ? null : cause.span.serviceName;
        rootCauseOperation = cause == null ? null : cause.span.operationName;
        rootCauseSpanId = cause == null ? null : cause.span.spanId;

        Node rootNode = null;
        for (Node node : nodes) {
            if (node.parent == null && !node.orphan && node.span == root) {
                rootNode = node;
            }
        }
        if (roots == 1 && rootNode != null) {
            Map<String, Long> byService = new TreeMap<>();
            Map<String, Map<String, Long>> byOperation = new TreeMap<>();
            criticalPath(rootNode, byService, byOperation);
            criticalPathMicros = Collections.unmodifiableMap(byService);
            String service = maxKey(byService);
            bottleneckService = service;
            bottleneckOperation = service == null ? null : maxKey(byOperation.get(service));
            long rootDuration = rootNode.end - rootNode.start;
            bottleneckShare =
                    rootDuration == 0 || service == null
                            ? BigDecimal.ONE.setScale(3)
                            : BigDecimal.valueOf(byService.get(service))
                                    .divide(
                                            BigDecimal.valueOf(rootDuration),
                                            3,
                                            RoundingMode.HALF_UP);
        } else {
            criticalPathMicros = null;
            bottleneckService = null;
            bottleneckOperation = null;
            bottleneckShare = null;
        }
    }

    public long startEpochMillis() {
        return Math.floorDiv(startMicros, 1000);
    }

    public long endEpochMillis() {
        return Math.floorDiv(endMicros, 1000);
    }

    // ---- the span tree ----

    private static final class Node {
        final GeneratedSpan span;
        final long start;
        final long end;

        /** Kind as the job receives it: null when the delivering encoding carries none. */
        final String kind;

        Node parent;
        boolean orphan;
        final List<Node> children = new ArrayList<>();
        int depth;

        // Critical path: the times clamped into the parent, and the children kept.
        long clampedStart;
        long clampedEnd;
        final List<Node> pathChildren = new ArrayList<>();

        Node(GeneratedSpan span, String kind) {
            this.span = span;
            this.start = micros(span.startEpochNanos);
            this.end = micros(span.endEpochNanos);
            this.kind = kind;
        }
    }

    private static List<Node> tree(
            List<GeneratedSpan> spans, Map<GeneratedSpan, Encoding> deliveredIn) {
        List<Node> nodes = new ArrayList<>();
        Map<String, Node> plainById = new HashMap<>();
        Map<String, Node> sharedById = new HashMap<>();
        for (GeneratedSpan span : spans) {
            Encoding encoding = deliveredIn.get(span);
            String kind = encoding == Encoding.NATIVE_KINESIS_RECORD ? null : span.kind;
            Node node = new Node(span, kind);
            nodes.add(node);
            (span.shared ? sharedById : plainById).put(span.spanId, node);
        }
        for (Node node : nodes) {
            GeneratedSpan span = node.span;
            Node parent = null;
            if (span.shared) {
                parent = plainById.get(span.spanId); // the client half
            }
            if (parent == null && span.parentSpanId != null) {
                parent = sharedById.get(span.parentSpanId); // a server half's child
                if (parent == null) {
                    parent = plainById.get(span.parentSpanId);
                }
                node.orphan = parent == null;
            }
            node.parent = parent;
            if (parent != null) {
                parent.children.add(node);
            }
        }
        for (Node node : nodes) {
            int depth = 0;
            for (Node up = node.parent; up != null && depth <= nodes.size(); up = up.parent) {
                depth++;
            }
            node.depth = depth;
        }
        return nodes;
    }

    // ---- root cause ----

    /**
     * Among the error spans with no error span below them, the deepest; ties: the earliest start,
     * then the smallest span id.
     */
    private static Node rootCause(List<Node> nodes) {
        Map<Node, Boolean> errorBelow = new HashMap<>();
        List<Node> deepestFirst = new ArrayList<>(nodes);
        deepestFirst.sort(Comparator.comparingInt((Node n) -> n.depth).reversed());
        for (Node node : deepestFirst) {
            boolean below = errorBelow.getOrDefault(node, false);
            if (node.parent != null && (below || node.span.isError())) {
                errorBelow.put(node.parent, true);
            }
        }
        Node best = null;
        for (Node node : nodes) {
            if (!node.span.isError() || errorBelow.getOrDefault(node, false)) {
                continue;
            }
            if (best == null
                    || node.depth > best.depth
                    || (node.depth == best.depth
                            && (node.start < best.start
                                    || (node.start == best.start
                                            && node.span.spanId.compareTo(best.span.spanId)
                                                    < 0)))) {
                best = node;
            }
        }
        return best;
    }

    // ---- critical path (the Jaeger UI's algorithm) ----

    /** Last-finishing first; equal ends: the earlier start, then the smaller span id. */
    private static final Comparator<Node> BY_END_DESCENDING =
            Comparator.comparingLong((Node n) -> -n.clampedEnd)
                    .thenComparingLong(n -> n.clampedStart)
                    .thenComparing(n -> n.span.spanId);

    private static void criticalPath(
            Node root, Map<String, Long> byService, Map<String, Map<String, Long>> byOperation) {
        // Sanitise parents first: a CONSUMER child of a PRODUCER does not block its parent, a
        // child entirely outside its parent is dropped (each with its subtree), an overflowing one
        // is clamped to its (clamped) parent.
        root.clampedStart = root.start;
        root.clampedEnd = root.end;
        Deque<Node> queue = new ArrayDeque<>();
        queue.add(root);
        while (!queue.isEmpty()) {
            Node parent = queue.poll();
            for (Node child : parent.children) {
                if ("consumer".equals(child.kind) && "producer".equals(parent.kind)) {
                    continue;
                }
                if (child.start >= parent.clampedEnd || child.end <= parent.clampedStart) {
                    continue;
                }
                child.clampedStart = Math.max(child.start, parent.clampedStart);
                child.clampedEnd = Math.min(child.end, parent.clampedEnd);
                parent.pathChildren.add(child);
                queue.add(child);
            }
            parent.pathChildren.sort(BY_END_DESCENDING);
        }
        // The walk: into the last-finishing child; when a span has no (more) child finishing
        // strictly before the point the walk came back at, its section runs from its start, and
        // the walk returns to its parent at that start.
        Node current = root;
        Long returningAt = null;
        while (true) {
            long sectionEnd = returningAt == null ? current.clampedEnd : returningAt;
            Node next = null;
            for (Node child : current.pathChildren) {
                if (returningAt == null || child.clampedEnd < returningAt) {
                    next = child;
                    break;
                }
            }
            if (next != null) {
                add(current, sectionEnd - next.clampedEnd, byService, byOperation);
                current = next;
                returningAt = null;
            } else {
                add(current, sectionEnd - current.clampedStart, byService, byOperation);
                if (current == root) {
                    return;
                }
                returningAt = current.clampedStart;
                current = current.parent;
            }
        }
    }

    private static void add(
            Node node,
            long micros,
            Map<String, Long> byService,
            Map<String, Map<String, Long>> byOperation) {
        if (micros <= 0) {
            return;
        }
        byService.merge(node.span.serviceName, micros, Long::sum);
        byOperation
                .computeIfAbsent(node.span.serviceName, s -> new TreeMap<>())
                .merge(node.span.operationName, micros, Long::sum);
    }

    /** The key with the largest value; ties: the smaller key (the map is sorted). */
    private static String maxKey(Map<String, Long> values) {
        String best = null;
        long max = Long.MIN_VALUE;
        if (values != null) {
            for (Map.Entry<String, Long> entry : values.entrySet()) {
                if (entry.getValue() > max) {
                    best = entry.getKey();
                    max = entry.getValue();
                }
            }
        }
        return best;
    }

    private static long micros(long nanos) {
        return Math.floorDiv(nanos, 1000);
    }
}
