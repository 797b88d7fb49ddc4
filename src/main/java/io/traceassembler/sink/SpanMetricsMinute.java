package io.traceassembler.sink;

import org.apache.flink.util.Collector;

/**
 * The spans of one service and operation that started in one minute (docs/contracts.md, section
 * 3a): {@code SpanCalls}, {@code SpanErrors} and {@code SpanDuration}, dimensions {@code
 * ServiceName} and {@code Operation} (absent when {@code SpanMetrics.operation.dimension} is
 * false).
 */
public class SpanMetricsMinute extends CallStats {
    public static final String SPAN_CALLS = "SpanCalls";
    public static final String SPAN_ERRORS = "SpanErrors";
    public static final String SPAN_DURATION = "SpanDuration";

    public String service;

    /** Null when the operation dimension is off. */
    public String operation;

    public SpanMetricsMinute() {}

    public SpanMetricsMinute(long minuteMillis, String service, String operation) {
        this.minuteMillis = minuteMillis;
        this.service = service;
        this.operation = operation;
    }

    @Override
    public String key() {
        return minuteMillis + "|" + service + "|" + (operation == null ? "" : operation);
    }

    @Override
    public SpanMetricsMinute emptyOfSameKey() {
        return new SpanMetricsMinute(minuteMillis, service, operation);
    }

    /** The CloudWatch points of this minute: calls and errors (counts), durations. */
    public void metricPoints(Collector<MetricPoint> out) {
        String[] dimensions =
                operation == null
                        ? new String[] {TraceMetricPoints.DIMENSION_SERVICE_NAME, service}
                        : new String[] {
                            TraceMetricPoints.DIMENSION_SERVICE_NAME,
                            service,
                            TraceMetricPoints.DIMENSION_OPERATION,
                            operation
                        };
        metricPoints(SPAN_CALLS, SPAN_ERRORS, SPAN_DURATION, dimensions, out);
    }

    @Override
    public String toString() {
        return "SpanMetricsMinute{"
                + key()
                + ", calls="
                + calls
                + ", errors="
                + errors
                + ", max="
                + maxMs
                + '}';
    }
}
