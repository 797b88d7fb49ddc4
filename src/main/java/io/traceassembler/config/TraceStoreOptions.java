package io.traceassembler.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Keys of the {@code TraceStore} group: the DynamoDB table of trace summaries. */
public final class TraceStoreOptions {
    public static final ConfigOption<String> TABLE_NAME =
            ConfigOptions.key("table.name")
                    .stringType()
                    .defaultValue("distributed-traces")
                    .withDescription("DynamoDB table of trace summaries");

    public static final ConfigOption<Integer> RETENTION_DAYS =
            ConfigOptions.key("retention.days")
                    .intType()
                    .defaultValue(30)
                    .withDescription(
                            "expires_at (DynamoDB TTL) = the trace's end + this many days");

    public static final OptionGroup GROUP =
            new OptionGroup(
                    "TraceStore",
                    TABLE_NAME,
                    AwsOptions.REGION,
                    AwsOptions.ENDPOINT,
                    RETENTION_DAYS);

    private TraceStoreOptions() {}
}
