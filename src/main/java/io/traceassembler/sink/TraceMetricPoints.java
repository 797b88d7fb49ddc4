package io.traceassembler.sink;

import io.traceassembler.model.Insight;
import io.traceassembler.model.InsightType;
import io.traceassembler.model.TraceSummary;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * The CloudWatch metrics of traces (docs/contracts.md, section 3):
 *
 * <ul>
 *   <li>one {@code Count} point per insight ({@link #insightCount}), dimensions {@code Severity}
 *       and {@code ServiceName} (root service or {@code unknown});
 *   <li>{@code TracesAssembled} ({@code Count}, no dimensions): the total, one cheap series;
 *       per-service counts are the {@code SampleCount} of {@code TraceDuration};
 *   <li>{@code TraceDuration} ({@code Milliseconds}, dimension {@code ServiceName}) as a
 *       distribution, so dashboards can show p50/p99;
 *   <li>the culprit metrics ({@link #insightPoints}): with each {@code trace_errors} insight one
 *       {@code ErrorRootCause}, with each {@code slow_trace} one {@code SlowTraceBottleneck}
 *       ({@code Count}, dimensions {@code ServiceName} = the root cause's or bottleneck's service
 *       and {@code Operation}; {@code unknown} when the analysis found none), so they count once
 *       per trace too.
 * </ul>
 *
 * Trace points come from a summary's first revision only: later revisions describe the same trace
 * again. Every point is timestamped with the trace's end.
 */
public class TraceMetricPoints implements FlatMapFunction<TraceSummary, MetricPoint> {
    private static final long serialVersionUID = 1L;

    public static final String TRACES_ASSEMBLED = "TracesAssembled";
    public static final String TRACE_DURATION = "TraceDuration";
    public static final String DIMENSION_SERVICE_NAME = "ServiceName";
    public static final String DIMENSION_SEVERITY = "Severity";
    public static final String UNKNOWN_SERVICE = "unknown";
    public static final String ERROR_ROOT_CAUSE = "ErrorRootCause";
    public static final String SLOW_TRACE_BOTTLENECK = "SlowTraceBottleneck";
    public static final String DIMENSION_OPERATION = "Operation";

    @Override
    public void flatMap(TraceSummary summary, Collector<MetricPoint> out) {
        if (summary.revision > 1) {
            return;
        }
        String service = serviceName(summary.rootService);
        long at = summary.endEpochMillis();
        out.collect(MetricPoint.of(TRACES_ASSEMBLED, "Count", MetricPoint.Aggregation.SUM, 1, at));
        out.collect(
                MetricPoint.of(
                        TRACE_DURATION,
                        "Milliseconds",
                        MetricPoint.Aggregation.DISTRIBUTION,
                        summary.durationMillis(),
                        at,
                        DIMENSION_SERVICE_NAME,
                        service));
    }

    /**
     * The count point of one insight. Insights come from the assembler's emit ({@code
     * analyze.TraceAnalysis}), which reports each type once per trace, also when only a later
     * revision crosses the threshold.
     */
    public static MetricPoint insightCount(Insight insight) {
        return MetricPoint.of(
                insight.type,
                "Count",
                MetricPoint.Aggregation.SUM,
                1,
                insight.timestampMillis,
                DIMENSION_SEVERITY,
                insight.severity,
                DIMENSION_SERVICE_NAME,
                serviceName(insight.serviceName));
    }

    /** The insight's count point and, for errors and slowness, the culprit's. */
    public static void insightPoints(Insight insight, Collector<MetricPoint> out) {
        out.collect(insightCount(insight));
        String culpritMetric =
                InsightType.TRACE_ERRORS.id().equals(insight.type)
                        ? ERROR_ROOT_CAUSE
                        : InsightType.SLOW_TRACE.id().equals(insight.type)
                                ? SLOW_TRACE_BOTTLENECK
                                : null;
        if (culpritMetric != null) {
            out.collect(
                    MetricPoint.of(
                            culpritMetric,
                            "Count",
                            MetricPoint.Aggregation.SUM,
                            1,
                            insight.timestampMillis,
                            DIMENSION_SERVICE_NAME,
                            serviceName(insight.culpritService),
                            DIMENSION_OPERATION,
                            serviceName(insight.culpritOperation)));
        }
    }

    private static String serviceName(String rootService) {
        return rootService == null || rootService.isBlank() ? UNKNOWN_SERVICE : rootService;
    }
}
