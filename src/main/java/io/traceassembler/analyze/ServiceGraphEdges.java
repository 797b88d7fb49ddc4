package io.traceassembler.analyze;

import io.traceassembler.model.ConnectionType;
import io.traceassembler.model.PeerType;
import io.traceassembler.model.SpanKind;

/**
 * The service-graph edges of a span tree (docs/contracts.md, section 3a):
 *
 * <ul>
 *   <li>a parent &rarr; child pair whose services differ: client = the parent's service, server =
 *       the child's; {@code messaging} when the child is a CONSUMER, else {@code request}; failed
 *       when the child has an error; the child's duration and start;
 *   <li>a CLIENT or PRODUCER span without a child in the trace that names its peer ({@code
 *       peer.service}, {@code db.system} or {@code messaging.system}): an edge to a virtual server
 *       node of that name, {@code database} for {@code db.system}, else {@code request}; failed,
 *       duration and start are the client span's.
 * </ul>
 *
 * <b>Counted once.</b> A trace is emitted again when late spans arrive; its edges must not count
 * again. Spans are stored in arrival order, so the spans at the last emit are the first {@code
 * counted} of the tree: a real edge is new when its parent or its child came later (a late child,
 * or the late parent of an orphan); a virtual edge is new when its client span came later (an old
 * client span without a child had its virtual edge counted; when its child arrives later, the real
 * edge is new then). An untimed span (no timestamp) has no latency: the edge takes the time of the
 * other span when that one is timed, else the stand-in start and no latency (NaN).
 *
 * <p>One pass over the tree, no recursion, nothing allocated: edges go to an {@link Sink}.
 */
public final class ServiceGraphEdges {
    /** Receives the edges; {@code latencyMs} is NaN when unknown, {@code startMicros} epoch µs. */
    public interface Sink {
        void edge(
                String client,
                String server,
                ConnectionType type,
                boolean failed,
                double latencyMs,
                long startMicros);
    }

    private ServiceGraphEdges() {}

    /**
     * Reports the edges of {@code tree} (linked) that spans from index {@code counted} on make new;
     * 0 reports every edge. Returns how many were reported.
     */
    public static int find(SpanTree tree, int counted, Sink out) {
        int found = 0;
        for (int child = 0; child < tree.size(); child++) {
            int parent = tree.parent(child);
            if (parent != SpanTree.NONE
                    && (child >= counted || parent >= counted)
                    && tree.service(parent) != tree.service(child)) {
                int timed = !tree.untimed(child) || tree.untimed(parent) ? child : parent;
                out.edge(
                        tree.serviceName(tree.service(parent)),
                        tree.serviceName(tree.service(child)),
                        tree.kind(child) == SpanKind.CONSUMER
                                ? ConnectionType.MESSAGING
                                : ConnectionType.REQUEST,
                        tree.error(child),
                        latencyMs(tree, timed),
                        tree.start(timed));
                found++;
            }
            if (child >= counted && isVirtualClient(tree, child)) {
                out.edge(
                        tree.serviceName(tree.service(child)),
                        tree.peerName(child),
                        tree.peerType(child) == PeerType.DATABASE
                                ? ConnectionType.DATABASE
                                : ConnectionType.REQUEST,
                        tree.error(child),
                        latencyMs(tree, child),
                        tree.start(child));
                found++;
            }
        }
        return found;
    }

    private static boolean isVirtualClient(SpanTree tree, int i) {
        SpanKind kind = tree.kind(i);
        return (kind == SpanKind.CLIENT || kind == SpanKind.PRODUCER)
                && tree.childCount(i) == 0
                && tree.peerType(i) != PeerType.NONE
                && tree.peerName(i) != null;
    }

    private static double latencyMs(SpanTree tree, int i) {
        return tree.untimed(i) ? Double.NaN : (tree.end(i) - tree.start(i)) / 1000.0;
    }
}
