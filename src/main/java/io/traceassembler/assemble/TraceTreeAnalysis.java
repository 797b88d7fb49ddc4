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

    // The trace's name tables as the tree reads them, plus the stand-ins for a missing name.
    private String[] serviceNames = new String[16];
    private String[] operationNames = new String[16];

    void analyze(TraceState trace, TraceSummary summary) {
        analyze(trace, summary, null);
    }

    void analyze(TraceState trace, TraceSummary summary, ServiceGraphEdges.Sink edges) {
        SpanTable spans = trace.spans;
        tree.clear();
        int serviceCount = copy(trace.services, true);
        int operationCount = copy(trace.names, false);
        int unknownService = -1;
        int unnamedOperation = -1;
        for (int i = 0; i < spans.size(); i++) {
            int service = spans.service(i);
            if (service < 0) {
                if (unknownService < 0) {
                    unknownService = trace.services.indexOf(UNKNOWN_SERVICE);
                    if (unknownService < 0) {
                        unknownService = serviceCount;
                        serviceNames[serviceCount++] = UNKNOWN_SERVICE;
                    }
                }
                service = unknownService;
            }
            int operation = spans.operation(i);
            if (operation < 0) {
                if (unnamedOperation < 0) {
                    unnamedOperation = trace.names.indexOf(UNNAMED_OPERATION);
                    if (unnamedOperation < 0) {
                        unnamedOperation = operationCount;
                        operationNames[operationCount++] = UNNAMED_OPERATION;
                    }
                }
                operation = unnamedOperation;
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
        tree.names(serviceNames, serviceCount, operationNames, operationCount);
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
     * Copies a name table of the trace into the tree's scratch table, with room for one stand-in;
     * returns the count.
     */
    private int copy(NameTable names, boolean services) {
        int count = names.size();
        String[] target = services ? serviceNames : operationNames;
        if (target.length < count + 1) {
            target = new String[Math.max(count + 1, target.length * 2)];
            if (services) {
                serviceNames = target;
            } else {
                operationNames = target;
            }
        }
        for (int i = 0; i < count; i++) {
            target[i] = names.get(i);
        }
        return count;
    }

    /** The service of a span that named none (the summary's services leave it out). */
    static final String UNKNOWN_SERVICE = "unknown";

    /** The operation of a span that named none, as the tree has always shown it. */
    private static final String UNNAMED_OPERATION = "null";
}
