package io.traceassembler.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Keys of the {@code SpanMetrics} group: rate, errors and duration of the spans of each service and
 * operation (docs/contracts.md, section 3a).
 */
public final class SpanMetricsOptions {
    public static final ConfigOption<Boolean> ENABLED =
            ConfigOptions.key("enabled")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "compute span RED metrics (SpanCalls, SpanErrors, SpanDuration; DIR/span-metrics/ "
                                    + "in replay)");

    public static final ConfigOption<Boolean> OPERATION_DIMENSION =
            ConfigOptions.key("operation.dimension")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription("false drops the Operation dimension: one series per service");

    public static final ConfigOption<Integer> MAX_OPERATIONS_PER_SERVICE =
            ConfigOptions.key("max.operations.per.service")
                    .intType()
                    .defaultValue(50)
                    .withDescription(
                            "distinct operation names per service each subtask reports in the job's lifetime; "
                                    + "further ones report as Operation=_other");

    public static final OptionGroup GROUP =
            new OptionGroup(
                    "SpanMetrics", ENABLED, OPERATION_DIMENSION, MAX_OPERATIONS_PER_SERVICE);

    private SpanMetricsOptions() {}
}
