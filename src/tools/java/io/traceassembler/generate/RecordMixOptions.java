package io.traceassembler.generate;

import picocli.CommandLine.Option;

/**
 * The record mix and delivery faults of {@link TrafficShaper}: a picocli mixin of both generator
 * targets. Defaults are {@link TrafficOptions#defaults()}.
 */
final class RecordMixOptions {
    private static final TrafficOptions DEFAULTS = TrafficOptions.defaults();

    @Option(
            names = "--encodings",
            paramLabel = "LIST",
            converter = OptionConverters.EncodingWeights.class,
            description =
                    "Encodings and optional weights, e.g. otlp_proto=4,zipkin_json,native_span "
                            + "(native_span, native_kinesis_record, otlp_proto, otlp_json, zipkin_json, zipkin_proto, "
                            + "jaeger_proto; default all: otlp_proto=3,otlp_json=1,zipkin_json=1,zipkin_proto=1,"
                            + "jaeger_proto=1,native_span=1.5,native_kinesis_record=1.5).")
    OptionConverters.Weights<Encoding> encodings;

    @Option(
            names = "--compressions",
            paramLabel = "LIST",
            converter = OptionConverters.CompressionWeights.class,
            description =
                    "Likewise: none, gzip, gzip_no_trailer, zlib, deflate (default all, none the most).")
    OptionConverters.Weights<Compression> compressions;

    @Option(
            names = "--max-batch-spans",
            paramLabel = "N",
            converter = OptionConverters.PositiveInt.class,
            description =
                    "Largest OTLP/Zipkin batch; native and Jaeger records hold one span "
                            + "(default ${DEFAULT-VALUE}).")
    int maxBatchSpans = DEFAULTS.maxSpansPerBatch();

    @Option(
            names = "--out-of-order-ms",
            paramLabel = "MS",
            converter = OptionConverters.NonNegativeLong.class,
            description = "Send-order jitter around span end time (default ${DEFAULT-VALUE}).")
    long outOfOrderMillis = DEFAULTS.outOfOrderMillis();

    @Option(
            names = "--duplicate-ratio",
            paramLabel = "X",
            converter = OptionConverters.Ratio.class,
            description = "Fraction of records re-sent later (default ${DEFAULT-VALUE}).")
    double duplicateRatio = DEFAULTS.duplicateRatio();

    @Option(
            names = "--late-ratio",
            paramLabel = "X",
            converter = OptionConverters.Ratio.class,
            description = "Fraction of spans delivered late (default ${DEFAULT-VALUE}).")
    double lateRatio = DEFAULTS.lateRatio();

    @Option(
            names = "--late-delay-ms",
            paramLabel = "MS",
            converter = OptionConverters.NonNegativeLong.class,
            description = "How late (default ${DEFAULT-VALUE}).")
    long lateDelayMillis = DEFAULTS.lateDelayMillis();

    @Option(
            names = "--kpl-ratio",
            paramLabel = "X",
            converter = OptionConverters.Ratio.class,
            description = "Fraction of records that are KPL aggregates (default ${DEFAULT-VALUE}).")
    double kplRatio = DEFAULTS.kplRatio();

    @Option(
            names = "--bad-ratio",
            paramLabel = "X",
            converter = OptionConverters.Ratio.class,
            description =
                    "Bad records per good record, each one dead letter (default ${DEFAULT-VALUE}).")
    double badRatio = DEFAULTS.badRatio();

    TrafficOptions trafficOptions(long seed) {
        TrafficOptions traffic =
                TrafficOptions.defaults()
                        .seed(seed)
                        .maxSpansPerBatch(maxBatchSpans)
                        .outOfOrderMillis(outOfOrderMillis)
                        .duplicateRatio(duplicateRatio)
                        .lateRatio(lateRatio)
                        .lateDelayMillis(lateDelayMillis)
                        .kplRatio(kplRatio)
                        .badRatio(badRatio);
        if (encodings != null) {
            traffic.encodingWeights(encodings.asMap());
        }
        if (compressions != null) {
            traffic.compressionWeights(compressions.asMap());
        }
        return traffic;
    }
}
