package io.traceassembler.query;

import io.traceassembler.model.TraceSummary;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Hand-built trace summaries for the query tests. */
final class QueryFixtures {
    private QueryFixtures() {}

    /**
     * A trace rooted in {@code root} over {@code services}; with {@code errors} > 0 the root cause
     * is {@code rootCause}; {@code insights} as the analysis would have set them.
     */
    static TraceSummary trace(
            String id,
            Instant start,
            double durationMs,
            String root,
            List<String> services,
            int errors,
            String rootCause,
            String... insights) {
        TraceSummary s = new TraceSummary();
        s.traceId = id;
        s.startMicros = start.toEpochMilli() * 1000 + 123;
        s.endMicros = s.startMicros + Math.round(durationMs * 1000);
        s.spanCount = services.size() * 2;
        s.errorCount = errors;
        s.services = new ArrayList<>(services);
        s.rootService = root;
        s.rootOperation = "GET /" + root;
        s.hasRoot = true;
        s.revision = 1;
        s.insights = new ArrayList<>(List.of(insights));
        s.insights.sort(null);
        if (errors > 0) {
            s.rootCauseService = rootCause;
            s.rootCauseOperation = "POST /" + rootCause;
            s.rootCauseSpanId = "00f067aa0ba902b7";
        }
        Map<String, Long> path = new TreeMap<>();
        path.put(root, (s.endMicros - s.startMicros) / 4);
        path.put(services.get(services.size() - 1), (s.endMicros - s.startMicros) * 3 / 4);
        s.criticalPathMicros = path;
        s.bottleneckService = services.get(services.size() - 1);
        s.bottleneckOperation = "work";
        s.bottleneckShare = 0.75;
        return s;
    }
}
