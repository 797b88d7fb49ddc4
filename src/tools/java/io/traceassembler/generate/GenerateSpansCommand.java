package io.traceassembler.generate;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code scripts/generate-spans TARGET [options]}: generates realistic span traffic and sends it to a target.
 *
 * <p>Targets are looked up in {@link #TARGETS}; adding one means writing a {@link RecordSink} and registering
 * its factory there. Live targets ({@link #LIVE_TARGETS}) start traffic now rather than at a fixed date, so
 * that what the job derives (CloudWatch datums, TTLs) is current.
 */
public final class GenerateSpansCommand {

    /** Opens the sink of one target from the parsed options. */
    interface TargetFactory {
        RecordSink open(Options options) throws IOException;
    }

    private static final Map<String, TargetFactory> TARGETS = new LinkedHashMap<>();

    static {
        TARGETS.put("archive", GenerateSpansCommand::openArchive);
        TARGETS.put("kinesis", GenerateSpansCommand::openKinesis);
    }

    private static final Set<String> LIVE_TARGETS = Set.of("kinesis");

    private static final Set<String> FLAGS = Set.of("--gzip", "--all-kinesis", "--no-pacing", "--help", "-h");

    private static final String HELP = String.join("\n",
            "Usage: generate-spans TARGET [options]",
            "",
            "Generates deterministic, realistic distributed-trace span traffic.",
            "",
            "Targets:",
            "  archive   write replay archives (*.jsonl and *.kinesis.jsonl) into --output DIR",
            "  kinesis   put records on a Kinesis stream (PutRecords), in real time",
            "",
            "Traces:",
            "  --traces N              traces to generate (default 1000)",
            "  --seed S                random seed (default 42); same seed, same output bytes",
            "  --start T               first trace start: ISO-8601, epoch millis or 'now'",
            "                          (default 2025-01-01T00:00:00Z; 'now' for the kinesis target)",
            "  --rate R                mean traces per second (default 100); the kinesis target sends at this rate",
            "  --duration S            about S seconds of traffic: --traces becomes rate x S (not with --traces)",
            "  --error-ratio X         fraction of traces with errors (default 0.05)",
            "  --slow-ratio X          fraction of traces longer than 5 s (default 0.02)",
            "  --fanout-ratio X        fraction of traces touching more than 5 services (default 0.3)",
            "  --big-trace-ratio X     fraction of big bulk-import traces (default 0)",
            "  --big-trace-spans N     spans of a big trace (default 5000)",
            "  --max-repeat N          most repeated downstream calls, e.g. order lines (default 4)",
            "",
            "Records:",
            "  --encodings LIST        encodings and optional weights, e.g. otlp_proto=4,zipkin_json,native_span",
            "                          (native_span, native_kinesis_record, otlp_proto, otlp_json, zipkin_json; default all)",
            "  --compressions LIST     likewise: none, gzip, gzip_no_trailer, zlib, deflate (default all)",
            "  --max-batch-spans N     largest OTLP/Zipkin batch (default 50)",
            "  --out-of-order-ms MS    send-order jitter around span end time (default 2000)",
            "  --duplicate-ratio X     fraction of records re-sent later (default 0)",
            "  --late-ratio X          fraction of spans delivered late (default 0)",
            "  --late-delay-ms MS      how late (default 120000)",
            "  --kpl-ratio X           fraction of records that are KPL aggregates (default 0)",
            "  --bad-ratio X           bad records per good record, each one dead letter (default 0)",
            "",
            "Archive target:",
            "  --output DIR            output folder (required)",
            "  --gzip                  gzip each file as a whole (.gz)",
            "  --records-per-file N    roll files after N records (default 100000)",
            "  --all-kinesis           write every record as *.kinesis.jsonl (no plain *.jsonl)",
            "  --manifest FILE         also write the manifest as JSON to FILE (keep it outside DIR)",
            "",
            "Kinesis target:",
            "  --stream NAME           stream to put records on (required; it must exist)",
            "  --region R              AWS region (default us-east-1)",
            "  --endpoint URL          endpoint override for an emulator, e.g. http://127.0.0.1:4567 (dummy credentials);",
            "                          without it the default AWS credentials chain applies",
            "  --no-pacing             send as fast as PutRecords allows instead of at the traffic's real-time rate",
            "",
            "Examples:",
            "  generate-spans archive --output /tmp/spans --traces 10000 --duplicate-ratio 0.02 --gzip",
            "  generate-spans kinesis --stream trace-spans --endpoint http://127.0.0.1:4567 --rate 20 --duration 60",
            "");

    private GenerateSpansCommand() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the process exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.print(HELP);
            return args.length == 0 ? 2 : 0;
        }
        try {
            TargetFactory target = TARGETS.get(args[0]);
            if (target == null) {
                throw new UsageException("unknown target '" + args[0] + "'; expected one of " + TARGETS.keySet());
            }
            Options options = Options.parse(args, 1);
            if (options.has("--help") || options.has("-h")) {
                out.print(HELP);
                return 0;
            }
            TraceGenerator generator = new TraceGenerator(generatorOptions(options, LIVE_TARGETS.contains(args[0])));
            TrafficShaper records = TrafficShaper.of(generator, trafficOptions(options));
            RecordTally tally = new RecordTally();
            RecordSink sink = target.open(options);
            try (sink) {
                options.requireAllUsed();
                while (records.hasNext()) {
                    GeneratedRecord record = records.next();
                    tally.add(record);
                    sink.write(record);
                }
            }
            if (sink instanceof ArchiveWriter && options.has("--manifest")) {
                Files.write(Path.of(options.get("--manifest")),
                        ((ArchiveWriter) sink).manifest().toJson(generator.stats()).getBytes(StandardCharsets.UTF_8));
            }
            out.println("generated " + generator.stats() + "; wrote " + tally + "; " + sink.describe());
            return 0;
        } catch (UsageException | IllegalArgumentException e) {
            err.println("generate-spans: " + e.getMessage());
            err.println("Try 'generate-spans --help'.");
            return 2;
        } catch (IOException e) {
            err.println("generate-spans: " + e);
            return 1;
        }
    }

    private static RecordSink openArchive(Options options) throws IOException {
        ArchiveOptions archive = ArchiveOptions.to(Path.of(options.required("--output")))
                .gzip(options.has("--gzip"))
                .plainJsonLines(!options.has("--all-kinesis"));
        if (options.has("--records-per-file")) {
            archive.recordsPerFile(options.intValue("--records-per-file"));
        }
        options.markUsed("--manifest");
        return new ArchiveWriter(archive);
    }

    private static RecordSink openKinesis(Options options) {
        String region = options.has("--region") ? options.get("--region") : "us-east-1";
        String endpoint = options.has("--endpoint") ? options.get("--endpoint") : null;
        return KinesisRecordSink.open(options.required("--stream"), region, endpoint, !options.has("--no-pacing"));
    }

    /** {@code live}: traffic starts now unless {@code --start} says otherwise. */
    static GeneratorOptions generatorOptions(Options options, boolean live) {
        GeneratorOptions generator = GeneratorOptions.defaults();
        if (options.has("--seed")) {
            generator.seed(options.longValue("--seed"));
        }
        if (options.has("--start")) {
            generator.startEpochMillis(parseStart(options.get("--start")));
        } else if (live) {
            generator.startEpochMillis(System.currentTimeMillis());
        }
        if (options.has("--rate")) {
            generator.tracesPerSecond(options.doubleValue("--rate"));
        }
        if (options.has("--traces") && options.has("--duration")) {
            throw new UsageException("--traces and --duration exclude each other");
        }
        if (options.has("--traces")) {
            generator.traces(options.longValue("--traces"));
        }
        if (options.has("--duration")) {
            generator.traces((long) Math.ceil(generator.tracesPerSecond() * options.doubleValue("--duration")));
        }
        if (options.has("--error-ratio")) {
            generator.errorRatio(options.doubleValue("--error-ratio"));
        }
        if (options.has("--slow-ratio")) {
            generator.slowRatio(options.doubleValue("--slow-ratio"));
        }
        if (options.has("--fanout-ratio")) {
            generator.fanOutRatio(options.doubleValue("--fanout-ratio"));
        }
        if (options.has("--big-trace-ratio")) {
            generator.bigTraceRatio(options.doubleValue("--big-trace-ratio"));
        }
        if (options.has("--big-trace-spans")) {
            generator.bigTraceSpans(options.intValue("--big-trace-spans"));
        }
        if (options.has("--max-repeat")) {
            generator.maxRepeat(options.intValue("--max-repeat"));
        }
        return generator;
    }

    static TrafficOptions trafficOptions(Options options) {
        TrafficOptions traffic = TrafficOptions.defaults();
        // The shaper shares the seed: one --seed reproduces the whole output.
        if (options.has("--seed")) {
            traffic.seed(options.longValue("--seed"));
        }
        if (options.has("--encodings")) {
            traffic.encodingWeights(weights(options.get("--encodings"), Encoding.class));
        }
        if (options.has("--compressions")) {
            traffic.compressionWeights(weights(options.get("--compressions"), Compression.class));
        }
        if (options.has("--max-batch-spans")) {
            traffic.maxSpansPerBatch(options.intValue("--max-batch-spans"));
        }
        if (options.has("--out-of-order-ms")) {
            traffic.outOfOrderMillis(options.longValue("--out-of-order-ms"));
        }
        if (options.has("--duplicate-ratio")) {
            traffic.duplicateRatio(options.doubleValue("--duplicate-ratio"));
        }
        if (options.has("--late-ratio")) {
            traffic.lateRatio(options.doubleValue("--late-ratio"));
        }
        if (options.has("--late-delay-ms")) {
            traffic.lateDelayMillis(options.longValue("--late-delay-ms"));
        }
        if (options.has("--kpl-ratio")) {
            traffic.kplRatio(options.doubleValue("--kpl-ratio"));
        }
        if (options.has("--bad-ratio")) {
            traffic.badRatio(options.doubleValue("--bad-ratio"));
        }
        return traffic;
    }

    /** Parses {@code a=3,b,c=0.5} (weight 1 when omitted; names case- and dash-insensitive). */
    static <E extends Enum<E>> Map<E, Double> weights(String list, Class<E> type) {
        Map<E, Double> weights = new EnumMap<>(type);
        for (String item : list.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            String[] parts = item.split("=", 2);
            String name = parts[0].trim().toUpperCase(Locale.ROOT).replace('-', '_');
            try {
                weights.put(Enum.valueOf(type, name), parts.length > 1 ? Double.parseDouble(parts[1].trim()) : 1.0);
            } catch (IllegalArgumentException e) {
                throw new UsageException("unknown " + type.getSimpleName().toLowerCase(Locale.ROOT) + " '" + parts[0]
                        + "' in '" + list + "'");
            }
        }
        return weights;
    }

    static long parseStart(String value) {
        if (value.equalsIgnoreCase("now")) {
            return System.currentTimeMillis();
        }
        if (value.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(value);
        }
        try {
            return Instant.parse(value).toEpochMilli();
        } catch (RuntimeException e) {
            throw new UsageException("--start: expected ISO-8601, epoch millis or 'now': " + value);
        }
    }

    /** A mistake on the command line: reported with a hint, exit code 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    /** {@code --name value} options and valueless flags; unknown options are reported after the run. */
    static final class Options {
        private final Map<String, String> values = new HashMap<>();
        private final Set<String> used = new java.util.HashSet<>();

        static Options parse(String[] args, int from) {
            Options options = new Options();
            for (int i = from; i < args.length; i++) {
                String arg = args[i];
                if (!arg.startsWith("-")) {
                    throw new UsageException("unexpected argument '" + arg + "'");
                }
                String value;
                int equals = arg.indexOf('=');
                if (equals > 0) {
                    value = arg.substring(equals + 1);
                    arg = arg.substring(0, equals);
                } else if (FLAGS.contains(arg)) {
                    value = "true";
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new UsageException(arg + " needs a value");
                }
                options.values.put(arg, value);
            }
            // Unknown options fail fast, before anything is written.
            List<String> unknown = new ArrayList<>();
            for (String name : options.values.keySet()) {
                if (!HELP.contains(name + " ") && !HELP.contains(name + "\n")) {
                    unknown.add(name);
                }
            }
            if (!unknown.isEmpty()) {
                throw new UsageException("unknown option(s) " + unknown);
            }
            return options;
        }

        boolean has(String name) {
            used.add(name);
            return values.containsKey(name);
        }

        String get(String name) {
            used.add(name);
            return values.get(name);
        }

        void markUsed(String name) {
            used.add(name);
        }

        String required(String name) {
            if (!has(name)) {
                throw new UsageException(name + " is required");
            }
            return get(name);
        }

        long longValue(String name) {
            try {
                return Long.parseLong(get(name).replace("_", ""));
            } catch (NumberFormatException e) {
                throw new UsageException(name + ": not an integer: " + get(name));
            }
        }

        int intValue(String name) {
            long value = longValue(name);
            if (value != (int) value) {
                throw new UsageException(name + ": too large: " + value);
            }
            return (int) value;
        }

        double doubleValue(String name) {
            try {
                return Double.parseDouble(get(name));
            } catch (NumberFormatException e) {
                throw new UsageException(name + ": not a number: " + get(name));
            }
        }

        /** Rejects options valid in the help text but meaningless for the chosen target. */
        void requireAllUsed() {
            List<String> ignored = new ArrayList<>(values.keySet());
            ignored.removeAll(used);
            if (!ignored.isEmpty()) {
                throw new UsageException("option(s) " + ignored + " do not apply to this target");
            }
        }
    }
}
