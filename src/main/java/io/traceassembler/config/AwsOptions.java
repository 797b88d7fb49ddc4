package io.traceassembler.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The region/endpoint pair, declared once and listed in every group that talks to AWS ({@code
 * SpanSource}, {@code TraceStore}, {@code InsightMetrics}, {@code DeadLetters}); read into one
 * {@link AwsEndpoint}.
 */
public final class AwsOptions {
    /**
     * The region when {@code aws.region} is not set and the environment has no {@code AWS_REGION}.
     */
    public static final String DEFAULT_REGION = "us-east-1";

    public static final ConfigOption<String> REGION =
            ConfigOptions.key("aws.region")
                    .stringType()
                    .defaultValue(DEFAULT_REGION)
                    .withDescription(
                            "AWS region; when unset, the environment's AWS_REGION if there is one, else this default");

    public static final ConfigOption<String> ENDPOINT =
            ConfigOptions.key("aws.endpoint")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "endpoint override, for emulators and test stubs only: implies dummy static credentials");

    private AwsOptions() {}

    /**
     * The default region in force: {@code AWS_REGION} from the environment, else {@link
     * #DEFAULT_REGION}.
     */
    static String defaultRegion() {
        String env = System.getenv("AWS_REGION");
        return env == null || env.isBlank() ? DEFAULT_REGION : env;
    }
}
