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
 * it has grown), then {@link RootCause} and {@link CriticalPath} read it. Root cause when the trace
 * has errors; critical path and bottleneck when it has exactly one root and is not truncated. Given
 * a sink, the service-graph edges that spans stored since the last emit make ({@link
 * ServiceGraphEdges}) go to it.
 */
final class TraceTreeAnalysis {
    private final SpanTree tree = new SpanTree();
    private final RootCause rootCause = new RootCause();
    private final CriticalPath criticalPath = new CriticalPath();

    void analyze(TraceState trace, TraceSummary summary) {
        analyze(trace, summary, null);
    }

    void analyze(TraceState trace, TraceSummary summary, ServiceGraphEdges.Sink edges) {
        SpanTable spans = trace.spans;
        tree.clear();
        for (int i = 0; i < spans.size(); i++) {
            int service = spans.service(i);
            tree.add(
                    spans.id(i),
                    spans.parent(i) != SpanTable.ROOT,
                    spans.parent(i),
                    spans.shared(i),
                    service < 0 ? UNKNOWN_SERVICE : trace.service(service),
                    String.valueOf(trace.name(spans.operation(i))),
                    spans.kind(i),
                    spans.start(i),
                    spans.end(i),
                    spans.error(i),
                    spans.untimed(i));
            if (spans.peer(i) != SpanTable.NO_PEER) {
                tree.setPeer(i, spans.peerType(i), trace.name(spans.peer(i)));
            }
        }
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

    /** The service of a span that named none (the summary's services leave it out). */
    static final String UNKNOWN_SERVICE = "unknown";
}
