package io.traceassembler.analyze;

import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.model.Insight;
import io.traceassembler.model.InsightType;
import io.traceassembler.model.TraceSummary;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed's insight rules over a trace summary, with configurable thresholds (docs/contracts.md,
 * section 2): {@code slow_trace} when the duration exceeds the threshold, {@code trace_errors} when
 * any span failed, {@code high_service_count} when the trace fans out over more services than the
 * threshold.
 *
 * <p>All three are monotonic in the trace's spans (duration, errors and services only grow as spans
 * are added), so an insight of one revision also holds for every later revision.
 */
public class InsightRules implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The root service when the trace has none. */
    public static final String UNKNOWN_SERVICE = "unknown";

    private final double slowTraceThresholdMs;
    private final int highServiceCountThreshold;

    public InsightRules(TraceAssemblerConfig.Insights config) {
        this(config.slowTraceThresholdMs, config.highServiceCountThreshold);
    }

    public InsightRules(double slowTraceThresholdMs, int highServiceCountThreshold) {
        this.slowTraceThresholdMs = slowTraceThresholdMs;
        this.highServiceCountThreshold = highServiceCountThreshold;
    }

    /** The insights of one summary, in the seed's order: slow, errors, fan-out. */
    public List<Insight> evaluate(TraceSummary summary) {
        String service = summary.rootService != null ? summary.rootService : UNKNOWN_SERVICE;
        long timestamp = summary.endEpochMillis();
        List<Insight> insights = new ArrayList<>(3);
        double durationMillis = summary.durationMillis();
        if (durationMillis > slowTraceThresholdMs) {
            insights.add(
                    new Insight(
                            summary.traceId,
                            InsightType.SLOW_TRACE,
                            service,
                            "Trace duration "
                                    + wholeMillis(durationMillis)
                                    + "ms exceeds threshold",
                            timestamp));
        }
        if (summary.errorCount > 0) {
            insights.add(
                    new Insight(
                            summary.traceId,
                            InsightType.TRACE_ERRORS,
                            service,
                            "Trace contains " + summary.errorCount + " error(s)",
                            timestamp));
        }
        if (summary.serviceCount() > highServiceCountThreshold) {
            insights.add(
                    new Insight(
                            summary.traceId,
                            InsightType.HIGH_SERVICE_COUNT,
                            service,
                            "Trace spans " + summary.serviceCount() + " services",
                            timestamp));
        }
        return insights;
    }

    /**
     * As Python's {@code f"{x:.0f}"} in the seed: exact value, ties to even (Java's %.0f rounds
     * half up).
     */
    static String wholeMillis(double millis) {
        return new BigDecimal(millis).setScale(0, RoundingMode.HALF_EVEN).toPlainString();
    }
}
