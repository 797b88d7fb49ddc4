package io.traceassembler.testing;

import io.traceassembler.generate.GeneratedSpan;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The contract's summary of a generated trace, computed from the generated spans alone,
 * independently of the job's code: what the integration tests compare the job's output with. Times
 * are the spans' nanoseconds rounded down to microseconds, as every encoding carries them.
 */
public final class ExpectedTrace {
    public static final double DEFAULT_SLOW_TRACE_THRESHOLD_MS = 5_000;

    public final String traceId;
    public final int spanCount;
    public final int errorCount;
    public final Set<String> services = new TreeSet<>();
    public final long startMicros;
    public final long endMicros;
    public final String rootService;
    public final String rootOperation;
    public final Set<String> insights = new TreeSet<>();

    public ExpectedTrace(List<GeneratedSpan> spans) {
        this(spans, DEFAULT_SLOW_TRACE_THRESHOLD_MS);
    }

    public ExpectedTrace(List<GeneratedSpan> spans, double slowTraceThresholdMs) {
        traceId = spans.get(0).traceId;
        spanCount = spans.size();
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        int errors = 0;
        GeneratedSpan root = null;
        for (GeneratedSpan span : spans) {
            services.add(span.serviceName);
            errors += span.isError() ? 1 : 0;
            start = Math.min(start, Math.floorDiv(span.startEpochNanos, 1000));
            end = Math.max(end, Math.floorDiv(span.endEpochNanos, 1000));
            root = span.parentSpanId == null ? span : root;
        }
        errorCount = errors;
        startMicros = start;
        endMicros = end;
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
    }

    public long startEpochMillis() {
        return Math.floorDiv(startMicros, 1000);
    }

    public long endEpochMillis() {
        return Math.floorDiv(endMicros, 1000);
    }
}
