package io.traceassembler.generate;

import io.traceassembler.CommandVersion;
import io.traceassembler.ProgressLine;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code scripts/generate-spans TARGET [options]}: generates realistic span traffic and sends it to
 * a target.
 *
 * <p>Each target is a subcommand ({@link Archive}, {@link Kinesis}); adding one means writing a
 * {@link RecordSink} and a subclass of {@link Target} that opens it. Live targets start traffic now
 * rather than at a fixed date, so that what the job derives (CloudWatch datums, TTLs) is current.
 */
@Command(
        name = "generate-spans",
        mixinStandardHelpOptions = true,
        versionProvider = CommandVersion.class,
        sortOptions = false,
        description = "Generates deterministic, realistic distributed-trace span traffic.",
        subcommands = {
            GenerateSpansCommand.Archive.class,
            GenerateSpansCommand.Kinesis.class,
            CommandLine.HelpCommand.class
        },
        footer = {
            "",
            "Examples:",
            "  generate-spans archive --output /tmp/spans --traces 10000 \\",
            "      --duplicate-ratio 0.02 --gzip",
            "  generate-spans kinesis --stream trace-spans --endpoint http://127.0.0.1:4567 \\",
            "      --rate 20 --duration 60",
            "  generate-spans archive --help"
        })
public final class GenerateSpansCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the process exit code (2: a mistake on the command line). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new GenerateSpansCommand());
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setExecutionExceptionHandler(
                (e, commandLine, parseResult) -> {
                    commandLine
                            .getErr()
                            .println(
                                    "generate-spans: "
                                            + (e instanceof IOException ? e : e.getMessage()));
                    // The generator's own checks of its knobs throw IllegalArgumentException: a
                    // usage error.
                    return e instanceof IllegalArgumentException ? 2 : 1;
                });
        return cli.execute(args);
    }

    /** Without a target: the usage and exit code 2. */
    @Override
    public Integer call() {
        throw new ParameterException(
                spec.commandLine(), "a target is required: archive or kinesis");
    }

    /**
     * What every target shares: how many traces, when, how fast, their shape and the record mix.
     */
    abstract static class Target implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(
                names = "--traces",
                paramLabel = "N",
                converter = OptionConverters.NonNegativeLong.class,
                description = "Traces to generate (default ${DEFAULT-VALUE}).")
        long traces = GeneratorOptions.defaults().traces();

        @Option(
                names = "--start",
                paramLabel = "T",
                converter = OptionConverters.StartTime.class,
                description =
                        "First trace start: ISO-8601, epoch millis or 'now' (default 2025-01-01T00:00:00Z; "
                                + "'now' for the kinesis target).")
        Long startEpochMillis;

        @Option(
                names = "--rate",
                paramLabel = "R",
                converter = OptionConverters.PositiveDouble.class,
                description =
                        "Mean traces per second (default ${DEFAULT-VALUE}); the kinesis target sends at this rate.")
        double rate = GeneratorOptions.defaults().tracesPerSecond();

        @Option(
                names = "--duration",
                paramLabel = "S",
                converter = OptionConverters.PositiveDouble.class,
                description =
                        "About S seconds of traffic: --traces becomes rate x S (not with --traces).")
        Double durationSeconds;

        @Mixin TraceShapeOptions shape = new TraceShapeOptions();

        @Mixin RecordMixOptions records = new RecordMixOptions();

        /**
         * Whether traffic starts now (not at a fixed date) unless {@code --start} says otherwise.
         */
        abstract boolean live();

        abstract RecordSink open() throws IOException;

        /** After the sink is closed. */
        void finish(RecordSink sink, GenerationStats stats) throws IOException {}

        @Override
        public Integer call() throws IOException {
            TraceGenerator generator = new TraceGenerator(generatorOptions());
            TrafficShaper shaper =
                    TrafficShaper.of(generator, records.trafficOptions(shape.seed()));
            RecordTally tally = new RecordTally();
            RecordSink sink = open();
            ProgressLine progress = ProgressLine.onTerminal();
            try (sink) {
                while (shaper.hasNext()) {
                    GeneratedRecord record = shaper.next();
                    tally.add(record);
                    sink.write(record);
                    progress.update(
                            () ->
                                    String.format(
                                            Locale.ROOT,
                                            "generate-spans: %,d records, %,d spans, %,d traces so far",
                                            tally.records(),
                                            tally.spanDeliveries(),
                                            tally.traces()));
                }
            }
            finish(sink, generator.stats());
            spec.commandLine()
                    .getOut()
                    .println(
                            "generated "
                                    + generator.stats()
                                    + "; wrote "
                                    + tally
                                    + "; "
                                    + sink.describe());
            return 0;
        }

        GeneratorOptions generatorOptions() {
            // Zipkin-reported traces (the only ones with B3 shared spans) in the mix's Zipkin
            // share.
            GeneratorOptions generator =
                    shape.applyTo(GeneratorOptions.defaults())
                            .tracesPerSecond(rate)
                            .zipkinTraceRatio(records.trafficOptions(shape.seed()).zipkinShare());
            if (startEpochMillis != null) {
                generator.startEpochMillis(startEpochMillis);
            } else if (live()) {
                generator.startEpochMillis(System.currentTimeMillis());
            }
            if (durationSeconds == null) {
                generator.traces(traces);
            } else if (spec.commandLine().getParseResult().hasMatchedOption("--traces")) {
                throw new ParameterException(
                        spec.commandLine(), "--traces and --duration exclude each other");
            } else {
                generator.traces((long) Math.ceil(rate * durationSeconds));
            }
            return generator;
        }
    }

    @Command(
            name = "archive",
            mixinStandardHelpOptions = true,
            versionProvider = CommandVersion.class,
            sortOptions = false,
            description = "Writes replay archives (*.jsonl and *.kinesis.jsonl) into --output DIR.")
    static final class Archive extends Target {
        private static final int DEFAULT_RECORDS_PER_FILE =
                ArchiveOptions.to(null).recordsPerFile();

        @Option(
                names = "--output",
                paramLabel = "DIR",
                required = true,
                description = "Output folder.")
        Path output;

        @Option(names = "--gzip", description = "Gzip each file as a whole (.gz).")
        boolean gzip;

        @Option(
                names = "--records-per-file",
                paramLabel = "N",
                converter = OptionConverters.PositiveInt.class,
                description = "Roll files after N records (default ${DEFAULT-VALUE}).")
        int recordsPerFile = DEFAULT_RECORDS_PER_FILE;

        @Option(
                names = "--all-kinesis",
                description = "Write every record as *.kinesis.jsonl (no plain *.jsonl).")
        boolean allKinesis;

        @Option(
                names = "--manifest",
                paramLabel = "FILE",
                description = "Also write the manifest as JSON to FILE (keep it outside DIR).")
        Path manifest;

        @Override
        boolean live() {
            return false;
        }

        @Override
        RecordSink open() throws IOException {
            return new ArchiveWriter(
                    ArchiveOptions.to(output)
                            .gzip(gzip)
                            .plainJsonLines(!allKinesis)
                            .recordsPerFile(recordsPerFile));
        }

        @Override
        void finish(RecordSink sink, GenerationStats stats) throws IOException {
            if (manifest != null) {
                Files.write(
                        manifest,
                        ((ArchiveWriter) sink)
                                .manifest()
                                .toJson(stats)
                                .getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Command(
            name = "kinesis",
            mixinStandardHelpOptions = true,
            versionProvider = CommandVersion.class,
            sortOptions = false,
            description = "Puts records on a Kinesis stream (PutRecords), in real time.")
    static final class Kinesis extends Target {
        @Option(
                names = "--stream",
                paramLabel = "NAME",
                required = true,
                description = "Stream to put records on (it must exist).")
        String stream;

        @Option(
                names = "--region",
                paramLabel = "R",
                description = "AWS region (default ${DEFAULT-VALUE}).")
        String region = "us-east-1";

        @Option(
                names = "--endpoint",
                paramLabel = "URL",
                description =
                        "Endpoint override for an emulator, e.g. http://127.0.0.1:4567 (dummy credentials); "
                                + "without it the default AWS credentials chain applies.")
        String endpoint;

        @Option(
                names = "--no-pacing",
                description =
                        "Send as fast as PutRecords allows instead of at the traffic's real-time rate.")
        boolean noPacing;

        @Override
        boolean live() {
            return true;
        }

        @Override
        RecordSink open() {
            return KinesisRecordSink.open(stream, region, endpoint, !noPacing);
        }
    }
}
