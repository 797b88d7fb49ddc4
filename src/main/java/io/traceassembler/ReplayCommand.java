package io.traceassembler;

import io.traceassembler.config.InsightsOptions;
import io.traceassembler.config.SpanSourceOptions;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.config.TraceAssemblyOptions;
import io.traceassembler.config.TraceStoreOptions;
import io.traceassembler.ingest.ArchiveFormat;
import io.traceassembler.model.RawRecord;
import io.traceassembler.sink.CallStats;
import io.traceassembler.sink.JsonLines;
import io.traceassembler.sink.MinuteRollup;
import io.traceassembler.sink.ReplayFiles;
import io.traceassembler.sink.ServiceGraphMinute;
import io.traceassembler.sink.SpanMetricsMinute;
import io.traceassembler.sink.TraceItems;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.enumerate.NonSplittingRecursiveEnumerator;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Replays archived span records through the same decode, assembly and analysis code as the live
 * job, bounded: by default in Flink's BATCH execution mode, which sorts by trace id and fires every
 * trace's timers once at the end of the input, so each trace gets exactly one final summary and the
 * same input always gives the same output.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        versionProvider = CommandVersion.class,
        sortOptions = false,
        description =
                "Replays archived span records (files or folders, local or s3://, optionally .gz) "
                        + "through the same assembly code as the live job and writes trace summaries, insights and "
                        + "dead letters as JSON lines under --output, or, without --output, to the DynamoDB table and "
                        + "CloudWatch namespace of the configuration.")
final class ReplayCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayCommand.class);

    @Option(
            names = "--input",
            paramLabel = "PATH",
            required = true,
            description =
                    "An archive file or folder (read recursively). *.jsonl/*.json/*.ndjson: one record per line; "
                            + "*.kinesis.jsonl: `aws kinesis get-records` envelopes. Repeatable.")
    List<String> inputs = new ArrayList<>();

    @Option(
            names = "--output",
            paramLabel = "DIR",
            description =
                    "Output folder: DIR/traces/, DIR/insights/, DIR/dead-letters/, DIR/service-graph/, "
                            + "DIR/span-metrics/ (JSON lines). "
                            + "Without it, replay writes to DynamoDB and CloudWatch like the live job.")
    String output;

    @Option(
            names = "--parallelism",
            paramLabel = "N",
            description = "Job parallelism (default: number of cores).")
    Integer parallelism;

    @Option(
            names = "--streaming",
            description =
                    "Run in STREAMING mode with watermarks and timers as the live job does, instead of BATCH.")
    boolean streaming;

    @Mixin ConfigFlags configFlags = new ConfigFlags();

    @Spec CommandSpec spec;

    /**
     * Flags that stand for one configuration key each (added to the command by {@link
     * #newCommandLine}).
     */
    static final List<ConfigShortcut> CONFIG_SHORTCUTS =
            List.of(
                    new ConfigShortcut(
                            "--format",
                            "FORMAT",
                            SpanSourceOptions.GROUP,
                            SpanSourceOptions.FORMAT),
                    new ConfigShortcut(
                            "--session-gap",
                            "DURATION",
                            TraceAssemblyOptions.GROUP,
                            TraceAssemblyOptions.SESSION_GAP),
                    new ConfigShortcut(
                            "--max-trace-duration",
                            "DURATION",
                            TraceAssemblyOptions.GROUP,
                            TraceAssemblyOptions.MAX_TRACE_DURATION),
                    new ConfigShortcut(
                            "--max-spans-per-trace",
                            "N",
                            TraceAssemblyOptions.GROUP,
                            TraceAssemblyOptions.MAX_SPANS_PER_TRACE),
                    new ConfigShortcut(
                            "--slow-trace-threshold-ms",
                            "MS",
                            InsightsOptions.GROUP,
                            InsightsOptions.SLOW_TRACE_THRESHOLD_MS),
                    new ConfigShortcut(
                            "--high-service-count-threshold",
                            "N",
                            InsightsOptions.GROUP,
                            InsightsOptions.HIGH_SERVICE_COUNT_THRESHOLD),
                    new ConfigShortcut(
                            "--retention-days",
                            "DAYS",
                            TraceStoreOptions.GROUP,
                            TraceStoreOptions.RETENTION_DAYS));

    /** The command with its configuration shortcuts. */
    static CommandLine newCommandLine() {
        CommandLine commandLine = new CommandLine(new ReplayCommand());
        ConfigShortcut.addAll(commandLine.getCommandSpec(), CONFIG_SHORTCUTS);
        return commandLine;
    }

    @Override
    public Integer call() throws Exception {
        TraceAssemblerConfig config =
                configFlags.resolve(
                        groups -> ConfigShortcut.applyAll(spec, CONFIG_SHORTCUTS, groups));
        List<Path> paths = checkInputs();

        org.apache.flink.configuration.Configuration flinkConfig =
                new org.apache.flink.configuration.Configuration();
        if (ProgressLine.onATerminal()) {
            // Only a local replay (the launcher's MiniCluster) uses this; a cluster keeps its own
            // reporters.
            ReplayProgress.configure(flinkConfig);
        }
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(flinkConfig);
        env.setRuntimeMode(streaming ? RuntimeExecutionMode.STREAMING : RuntimeExecutionMode.BATCH);
        if (parallelism != null) {
            env.setParallelism(parallelism);
        }
        if (output != null) {
            ReplayFiles.createFolders(new Path(output));
        }
        build(env, config, paths, output == null ? null : new Path(output));

        long started = System.nanoTime();
        env.execute("trace-assembler replay");
        LOG.info(
                "Replay of {} finished in {} s",
                inputs,
                (System.nanoTime() - started) / 1_000_000_000L);
        if (output != null) {
            System.out.println(ReplaySummary.of(new Path(output)));
        }
        return 0;
    }

    /** The replay job graph; tests call this with their own environment. */
    static void build(
            StreamExecutionEnvironment env,
            TraceAssemblerConfig config,
            List<Path> inputs,
            Path output) {
        env.getConfig().disableGenericTypes();
        // No defensive copy between chained operators: no function of the pipeline keeps or changes
        // an input
        // record after passing it on (the decoder emits fresh spans, the assembler keeps only
        // immutable
        // strings, the analyzer completes the summary it forwards), and the file sinks only read.
        env.getConfig().enableObjectReuse();
        FileSource<RawRecord> source =
                FileSource.forBulkFileFormat(new ArchiveFormat(), inputs.toArray(new Path[0]))
                        .setFileEnumerator(
                                () -> new NonSplittingRecursiveEnumerator(new ArchiveFileFilter()))
                        .build();
        DataStream<RawRecord> records =
                env.fromSource(source, WatermarkStrategy.noWatermarks(), "span-archives")
                        .uid("span-archives");
        TracePipeline.Outputs outputs = TracePipeline.build(records, config);

        if (output == null) {
            // The live job's sinks: DynamoDB, CloudWatch and the dead-letter stream (or log) of the
            // configuration.
            LiveSinks.attach(outputs, config);
            return;
        }
        int retentionDays = config.traceStore.retentionDays;
        ReplayFiles.write(
                outputs.summaries
                        .map(s -> TraceItems.toJsonLine(s, retentionDays), Types.STRING)
                        .name("trace-json"),
                output,
                ReplayFiles.TRACES);
        ReplayFiles.write(
                outputs.insights.map(JsonLines::insight, Types.STRING).name("insight-json"),
                output,
                ReplayFiles.INSIGHTS);
        boolean includeRecord = config.deadLetters.includeRecord;
        ReplayFiles.write(
                outputs.deadLetters
                        .map(d -> JsonLines.deadLetter(d, includeRecord), Types.STRING)
                        .name("dead-letter-json"),
                output,
                ReplayFiles.DEAD_LETTERS);
        if (outputs.serviceGraph != null) {
            ReplayFiles.write(
                    rollUp(outputs.serviceGraph, ServiceGraphMinute.class, "service-graph")
                            .map(JsonLines::serviceGraph, Types.STRING)
                            .name("service-graph-json"),
                    output,
                    ReplayFiles.SERVICE_GRAPH);
        }
        if (outputs.spanMetrics != null) {
            ReplayFiles.write(
                    rollUp(outputs.spanMetrics, SpanMetricsMinute.class, "span-metrics")
                            .map(JsonLines::spanMetrics, Types.STRING)
                            .name("span-metrics-json"),
                    output,
                    ReplayFiles.SPAN_METRICS);
        }
    }

    /**
     * One record per key (minute and names) of the subtasks' pre-aggregated parts, at the end of
     * the input.
     */
    private static <A extends CallStats> DataStream<A> rollUp(
            DataStream<A> parts, Class<A> type, String name) {
        TypeInformation<A> info = TypeInformation.of(type);
        return parts.keyBy(CallStats::key, Types.STRING)
                .process(new MinuteRollup<>(info), info)
                .name(name + "-rollup")
                .uid(name + "-rollup");
    }

    /** Fails before the job starts when an input does not exist, naming it. */
    private List<Path> checkInputs() throws IOException {
        List<Path> paths = new ArrayList<>();
        for (String input : inputs) {
            Path path = new Path(input);
            FileSystem fs = path.getFileSystem();
            if (!fs.exists(path)) {
                throw new IllegalArgumentException("--input " + input + ": no such file or folder");
            }
            paths.add(path);
        }
        return paths;
    }

    /**
     * Folders are walked; files are read when they are archives (see {@link
     * ArchiveFormat#isArchiveFile}).
     */
    static final class ArchiveFileFilter implements Predicate<Path>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean test(Path path) {
            String name = path.getName();
            if (name.startsWith(".") || name.startsWith("_")) {
                return false;
            }
            try {
                return path.getFileSystem().getFileStatus(path).isDir()
                        || ArchiveFormat.isArchiveFile(path);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("Cannot read " + path, e);
            }
        }
    }
}
