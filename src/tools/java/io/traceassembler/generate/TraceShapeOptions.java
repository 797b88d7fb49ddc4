package io.traceassembler.generate;

import picocli.CommandLine.Option;

/**
 * The shape of generated traces (seed, errors, slow, fan-out and big traces): a picocli mixin
 * shared by {@code generate-spans archive}, {@code generate-spans kinesis} and the local run.
 * Defaults are {@link GeneratorOptions#defaults()}.
 */
public final class TraceShapeOptions {
    private static final GeneratorOptions DEFAULTS = GeneratorOptions.defaults();

    @Option(
            names = "--seed",
            paramLabel = "S",
            description =
                    "Random seed of the traces and the record mix; same seed, same output bytes "
                            + "(default ${DEFAULT-VALUE}).")
    long seed = DEFAULTS.seed();

    @Option(
            names = "--error-ratio",
            paramLabel = "X",
            converter = OptionConverters.Ratio.class,
            description = "Fraction of traces with errors (default ${DEFAULT-VALUE}).")
    double errorRatio = DEFAULTS.errorRatio();

    @Option(
            names = "--slow-ratio",
            paramLabel = "X",
            converter = OptionConverters.Ratio.class,
            description = "Fraction of traces longer than 5 s (default ${DEFAULT-VALUE}).")
    double slowRatio = DEFAULTS.slowRatio();

    @Option(
            names = "--fanout-ratio",
            paramLabel = "X",
            converter = OptionConverters.Ratio.class,
            description =
                    "Fraction of traces touching more than 5 services (default ${DEFAULT-VALUE}).")
    double fanOutRatio = DEFAULTS.fanOutRatio();

    @Option(
            names = "--big-trace-ratio",
            paramLabel = "X",
            converter = OptionConverters.Ratio.class,
            description = "Fraction of big bulk-import traces (default ${DEFAULT-VALUE}).")
    double bigTraceRatio = DEFAULTS.bigTraceRatio();

    @Option(
            names = "--big-trace-spans",
            paramLabel = "N",
            converter = OptionConverters.NonNegativeInt.class,
            description = "Spans of a big trace (default ${DEFAULT-VALUE}).")
    int bigTraceSpans = DEFAULTS.bigTraceSpans();

    @Option(
            names = "--max-repeat",
            paramLabel = "N",
            converter = OptionConverters.PositiveInt.class,
            description =
                    "Most repeated downstream calls, e.g. order lines (default ${DEFAULT-VALUE}).")
    int maxRepeat = DEFAULTS.maxRepeat();

    @Option(
            names = "--b3-ratio",
            paramLabel = "X",
            converter = OptionConverters.Ratio.class,
            description =
                    "Fraction of the client-to-server calls of traces sent as zipkin_json/zipkin_proto "
                            + "reported the B3 way: the server half shares the client's span id, "
                            + "marked shared (default ${DEFAULT-VALUE}).")
    double b3Ratio = DEFAULTS.b3Ratio();

    /**
     * The seed, which the traffic shaper shares: one {@code --seed} reproduces the whole output.
     */
    public long seed() {
        return seed;
    }

    /** Sets these options on {@code options} and returns it. */
    public GeneratorOptions applyTo(GeneratorOptions options) {
        return options.seed(seed)
                .errorRatio(errorRatio)
                .slowRatio(slowRatio)
                .fanOutRatio(fanOutRatio)
                .bigTraceRatio(bigTraceRatio)
                .bigTraceSpans(bigTraceSpans)
                .maxRepeat(maxRepeat)
                .b3Ratio(b3Ratio);
    }
}
