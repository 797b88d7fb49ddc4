package io.traceassembler.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Keys of the {@code DeadLetters} group: where records that cannot be decoded go. */
public final class DeadLettersOptions {
    public static final ConfigOption<String> STREAM_NAME =
            ConfigOptions.key("stream.name")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Kinesis dead-letter stream; without it dead letters are counted and logged");

    /*
     * False is for deployments where records may hold tag values (tokens, e-mail addresses) that must not be
     * copied anywhere else.
     */
    public static final ConfigOption<Boolean> INCLUDE_RECORD =
            ConfigOptions.key("include.record")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "include the raw record (record_base64, record_text) in dead letters; false keeps "
                                    + "reason, origin and size only");

    public static final OptionGroup GROUP =
            new OptionGroup(
                    "DeadLetters",
                    STREAM_NAME,
                    AwsOptions.REGION,
                    AwsOptions.ENDPOINT,
                    INCLUDE_RECORD);

    private DeadLettersOptions() {}
}
