package io.traceassembler.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Keys of the {@code InsightMetrics} group: the CloudWatch metrics. */
public final class InsightMetricsOptions {
    public static final ConfigOption<String> NAMESPACE =
            ConfigOptions.key("namespace")
                    .stringType()
                    .defaultValue("DistributedTracing/Insights")
                    .withDescription("CloudWatch namespace");

    public static final ConfigOption<Boolean> ENABLED =
            ConfigOptions.key("enabled")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription("publish metrics at all");

    public static final OptionGroup GROUP =
            new OptionGroup(
                    "InsightMetrics", NAMESPACE, AwsOptions.REGION, AwsOptions.ENDPOINT, ENABLED);

    private InsightMetricsOptions() {}
}
