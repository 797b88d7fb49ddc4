package io.traceassembler.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Keys of the {@code Insights} group: the thresholds of the insight rules; the defaults are the
 * seed's.
 */
public final class InsightsOptions {
    public static final ConfigOption<Double> SLOW_TRACE_THRESHOLD_MS =
            ConfigOptions.key("slow.trace.threshold.ms")
                    .doubleType()
                    .defaultValue(5000.0)
                    .withDescription("slow_trace when duration_ms is above this");

    public static final ConfigOption<Integer> HIGH_SERVICE_COUNT_THRESHOLD =
            ConfigOptions.key("high.service.count.threshold")
                    .intType()
                    .defaultValue(5)
                    .withDescription("high_service_count when service_count is above this");

    public static final OptionGroup GROUP =
            new OptionGroup("Insights", SLOW_TRACE_THRESHOLD_MS, HIGH_SERVICE_COUNT_THRESHOLD);

    private InsightsOptions() {}
}
