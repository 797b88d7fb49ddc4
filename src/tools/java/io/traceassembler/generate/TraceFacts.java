package io.traceassembler.generate;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the assembler should conclude about one generated trace, computed the way the contract
 * defines the summary fields and insight rules (default thresholds).
 */
public final class TraceFacts {
    public static final double SLOW_TRACE_THRESHOLD_MS = 5_000.0;
    public static final int HIGH_SERVICE_COUNT_THRESHOLD = 5;

    public final String traceId;
    public final int spanCount;
    public final int serviceCount;
    public final int errorCount;
    public final double durationMs;

    private TraceFacts(
            String traceId, int spanCount, int serviceCount, int errorCount, double durationMs) {
        this.traceId = traceId;
        this.spanCount = spanCount;
        this.serviceCount = serviceCount;
        this.errorCount = errorCount;
        this.durationMs = durationMs;
    }

    public static TraceFacts of(List<GeneratedSpan> trace) {
        Set<String> services = new HashSet<>();
        int errors = 0;
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        for (GeneratedSpan span : trace) {
            services.add(span.serviceName);
            if ("error".equals(span.status)) {
                errors++;
            }
            start = Math.min(start, span.startEpochNanos);
            end = Math.max(end, span.endEpochNanos);
        }
        String traceId = trace.isEmpty() ? null : trace.get(0).traceId;
        double durationMs = trace.isEmpty() ? 0.0 : (end - start) / 1_000_000.0;
        return new TraceFacts(traceId, trace.size(), services.size(), errors, durationMs);
    }

    public boolean isSlow() {
        return durationMs > SLOW_TRACE_THRESHOLD_MS;
    }

    public boolean hasErrors() {
        return errorCount > 0;
    }

    public boolean isHighServiceCount() {
        return serviceCount > HIGH_SERVICE_COUNT_THRESHOLD;
    }
}
