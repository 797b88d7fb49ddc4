package io.traceassembler.config;

import io.traceassembler.config.TraceAssemblerConfig.InitialPosition;
import io.traceassembler.config.TraceAssemblerConfig.ReaderType;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Keys of the {@code SpanSource} group: the Kinesis stream of spans the live job reads. */
public final class SpanSourceOptions {
    public static final ConfigOption<String> STREAM_NAME =
            ConfigOptions.key("stream.name")
                    .stringType()
                    .defaultValue("trace-spans")
                    .withDescription("Kinesis stream of spans");

    public static final ConfigOption<InitialPosition> INITIAL_POSITION =
            ConfigOptions.key("initial.position")
                    .enumType(InitialPosition.class)
                    .defaultValue(InitialPosition.LATEST)
                    .withDescription(
                            "where a job without state starts: LATEST, TRIM_HORIZON or AT_TIMESTAMP");

    public static final ConfigOption<String> INITIAL_TIMESTAMP =
            ConfigOptions.key("initial.timestamp")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "ISO-8601 instant or epoch milliseconds; required with AT_TIMESTAMP");

    public static final ConfigOption<ReaderType> READER =
            ConfigOptions.key("reader")
                    .enumType(ReaderType.class)
                    .defaultValue(ReaderType.POLLING)
                    .withDescription("POLLING (shared throughput) or EFO (enhanced fan-out)");

    public static final ConfigOption<String> EFO_CONSUMER_NAME =
            ConfigOptions.key("efo.consumer.name")
                    .stringType()
                    .defaultValue("trace-assembler")
                    .withDescription(
                            "fixed EFO consumer name (registered once, reused across restarts)");

    public static final ConfigOption<String> FORMAT =
            ConfigOptions.key("format")
                    .stringType()
                    .defaultValue("auto")
                    .withDescription(
                            "auto (sniff each record) or one encoding by the awskinesis exporter's name: "
                                    + "otlp (= otlp_proto), otlp_json, zipkin_json, zipkin_proto, jaeger_proto; or native_json");

    public static final OptionGroup GROUP =
            new OptionGroup(
                    "SpanSource",
                    STREAM_NAME,
                    AwsOptions.REGION,
                    AwsOptions.ENDPOINT,
                    INITIAL_POSITION,
                    INITIAL_TIMESTAMP,
                    READER,
                    EFO_CONSUMER_NAME,
                    FORMAT);

    private SpanSourceOptions() {}
}
