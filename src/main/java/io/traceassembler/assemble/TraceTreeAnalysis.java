package io.traceassembler.assemble;

import io.traceassembler.analyze.CriticalPath;
import io.traceassembler.analyze.RootCause;
import io.traceassembler.analyze.ServiceGraphEdges;
import io.traceassembler.analyze.SpanTree;
import io.traceassembler.model.HexIds;
import io.traceassembler.model.TraceSummary;

import java.util.Map;
import java.util.TreeMap;

/**
 * The analysis fields of a summary (docs/contracts.md, section 2), from the trace's stored spans:
 * the span tree is built in a per-subtask {@link SpanTree} (reused, nothing per span allocated once
 * it has grown; its names are the trace's own name tables, so no name is looked up per span), then
 * {@link RootCause} and {@link CriticalPath} read it. Root cause when the trace has errors;
 * critical path and bottleneck when it has exactly one root and is not truncated. Given a sink, the
 * service-graph edges that spans stored since the last emit make ({@link ServiceGraphEdges}) go to
 * it.
 */
final class TraceTreeAnalysis {
    private final SpanTree tree = new SpanTree();
    private final RootCause rootCause = new RootCause();
    private final CriticalPath criticalPath = new CriticalPath();

    // The trace's name tables as the tree reads them, with the stand-in for a missing name.
    private final TreeNames services = new TreeNames(UNKNOWN_SERVICE);
    private final TreeNames operations = new TreeNames(UNNAMED_OPERATION);

    void analyze(TraceState trace, TraceSummary summary) {
        analyze(trace, summary, null);
    }

    void analyze(TraceState trace, TraceSummary summary, ServiceGraphEdges.Sink edges) {
        SpanTable spans = trace.spans;
        tree.clear();
        services.load(trace.services);
        operations.load(trace.names);
        for (int i = 0; i < spans.size(); i++) {
            int service = spans.service(i);
            if (service < 0) {
                service = services.standIn(trace.services);
            }
            int operation = spans.operation(i);
            if (operation < 0) {
                operation = operations.standIn(trace.names);
            }
            tree.add(
                    spans.id(i),
                    spans.parent(i) != SpanTable.ROOT,
                    spans.parent(i),
                    spans.shared(i),
                    service,
                    operation,
                    spans.kind(i),
                    spans.start(i),
                    spans.end(i),
                    spans.error(i),
                    spans.untimed(i));
            if (spans.peer(i) != SpanTable.NO_PEER) {
                tree.setPeer(i, spans.peerType(i), trace.name(spans.peer(i)));
            }
        }
        tree.names(services.names, services.count, operations.names, operations.count);
        tree.link();
        if (edges != null) {
            ServiceGraphEdges.find(tree, trace.emittedSpans, edges);
        }
        if (trace.errorCount > 0) {
            int cause = rootCause.find(tree);
            if (cause != SpanTree.NONE) {
                summary.rootCauseService = tree.serviceName(tree.service(cause));
                summary.rootCauseOperation = tree.operationName(tree.operation(cause));
                String text = spans.idText(cause);
                summary.rootCauseSpanId = text != null ? text : HexIds.toHex(spans.id(cause));
            }
        }
        if (!trace.truncated) {
            CriticalPath.Result path = criticalPath.compute(tree);
            if (path != null) {
                Map<String, Long> micros = new TreeMap<>(path.microsByService);
                summary.criticalPathMicros = micros;
                summary.bottleneckService = path.bottleneckService;
                summary.bottleneckOperation = path.bottleneckOperation;
                summary.bottleneckShare = path.bottleneckShare;
            }
        }
    }

    /**
     * One of the trace's name tables copied for the tree (reused: grows, never shrinks), and the
     * index of the stand-in name for spans that named none: the table's own entry of that name if
     * it has one, else one added after its names.
     */
    private static final class TreeNames {
        private final String standInName;
        String[] names = new String[16];
        int count;
        private int standIn;

        TreeNames(String standInName) {
            this.standInName = standInName;
        }

        void load(NameTable table) {
            count = table.size();
            if (names.length < count + 1) {
                names = new String[Math.max(count + 1, names.length * 2)];
            }
            for (int i = 0; i < count; i++) {
                names[i] = table.get(i);
            }
            standIn = -1;
        }

        int standIn(NameTable table) {
            if (standIn < 0) {
                standIn = table.indexOf(standInName);
                if (standIn < 0) {
                    standIn = count;
                    names[count++] = standInName;
                }
            }
            return standIn;
        }
    }

    /** The service of a span that named none (the summary's services leave it out). */
    static final String UNKNOWN_SERVICE = "unknown";

    /** The operation of a span that named none, as the tree has always shown it. */
    private static final String UNNAMED_OPERATION = "null";
}
