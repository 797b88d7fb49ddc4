package io.traceassembler.bench;

import io.traceassembler.CommandVersion;
import io.traceassembler.TracePipeline;
import io.traceassembler.analyze.TraceAnalysis;
import io.traceassembler.assemble.AssemblySpan;
import io.traceassembler.assemble.TraceWatermarks;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.generate.OptionConverters;
import io.traceassembler.ingest.ArchiveFormat;
import io.traceassembler.ingest.DecodeSpans;
import io.traceassembler.model.RawRecord;
import io.traceassembler.model.Span;
import io.traceassembler.model.TraceId;
import io.traceassembler.model.TraceSummary;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.enumerate.NonSplittingRecursiveEnumerator;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.windowing.assigners.EventTimeSessionWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * End-to-end throughput of the replay pipeline on a local MiniCluster, in one JVM, one variant
 * after another with the same parallelism and discarding (counting) sinks, all in STREAMING mode
 * with watermarks and event-time timers as the live job runs on Managed Flink:
 *
 * <ol>
 *   <li>{@code full}: read, decode, watermarks, assemble, analyse on the heap state backend;
 *   <li>{@code full-rocksdb}: the same on RocksDB (what Managed Flink always uses);
 *   <li>{@code full-rocksdb-checkpointed}: the same with incremental exactly-once checkpoints every
 *       {@code --checkpoint-interval-ms} (10 s, as the issue asks; Managed Flink takes one every 60
 *       s) to a local temporary directory; the checkpoints' count, durations and sizes are printed.
 *       It reads {@code --checkpointed-archive} when given (scripts/bench.sh passes one five times
 *       the size): the default archive is read in ~5 s, before the first checkpoint is due;
 *   <li>{@code decode-only}: read and decode, spans discarded: the ceiling for everything after
 *       decoding;
 *   <li>{@code naive} / {@code naive-rocksdb}: the seed's approach, whole spans buffered in a
 *       session window (30 s gap) and summarised by a ProcessWindowFunction when it fires;
 * </ol>
 *
 * Throughput is spans in the archive / the job's net runtime (from submission to finish, as the
 * JobManager reports it; MiniCluster start-up excluded). Then {@link StateSize} measures the state
 * bytes per open trace. The last line printed is the RESULT line of {@code scripts/bench.sh}.
 *
 * <pre>
 * scripts/trace-assembler bench --archive target/bench-archive/PARAMS/data \
 *     --manifest target/bench-archive/PARAMS/manifest.json [--parallelism 2]
 *     [--variants full,full-rocksdb,decode-only,naive,naive-rocksdb] [--state-traces 100000]
 * scripts/trace-assembler bench --help
 * </pre>
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        versionProvider = CommandVersion.class,
        sortOptions = false,
        description =
                "End-to-end throughput of the replay pipeline on a local MiniCluster, one variant after "
                        + "another; the last line is the RESULT line. Usually started by scripts/bench.sh, which "
                        + "generates the archive.")
public final class PipelineBenchmark implements Callable<Integer> {

    static final String SPANS_ACCUMULATOR = "bench-spans";
    static final String SUMMARY_SPANS_ACCUMULATOR = "bench-summary-spans";
    static final String SUMMARIES_ACCUMULATOR = "bench-summaries";

    /** Configuration overrides (--set Group.key=value,...): the job's defaults otherwise. */
    private static final io.traceassembler.config.PropertyGroups overrides =
            io.traceassembler.config.PropertyGroups.empty();

    private static final Set<String> VARIANTS =
            Set.of(
                    "full",
                    "full-rocksdb",
                    "full-rocksdb-checkpointed",
                    "decode-only",
                    "decode-shuffle",
                    "decode-shuffle-batched",
                    "naive",
                    "naive-rocksdb");

    @Spec CommandSpec spec;

    @Option(
            names = "--archive",
            paramLabel = "DIR",
            required = true,
            description =
                    "The archive to read (a folder, read recursively; scripts/bench.sh generates it).")
    String archive;

    @Option(
            names = "--manifest",
            paramLabel = "FILE",
            description =
                    "The generator's manifest: its span_deliveries is the span count of the archive.")
    File manifest;

    @Option(
            names = "--spans",
            paramLabel = "N",
            converter = OptionConverters.NonNegativeLong.class,
            description = "Span count of the archive, instead of --manifest.")
    Long archiveSpans;

    @Option(
            names = "--parallelism",
            paramLabel = "N",
            converter = OptionConverters.PositiveInt.class,
            description = "Job parallelism (default ${DEFAULT-VALUE}).")
    int parallelism = 2;

    @Option(
            names = "--variants",
            paramLabel = "LIST",
            split = ",",
            description =
                    "Comma-separated variants: full, full-rocksdb, full-rocksdb-checkpointed, decode-only, "
                            + "decode-shuffle, decode-shuffle-batched, naive, naive-rocksdb (default"
                            + " ${DEFAULT-VALUE}).")
    List<String> variants =
            new ArrayList<>(
                    List.of(
                            "full",
                            "full-rocksdb",
                            "full-rocksdb-checkpointed",
                            "decode-only",
                            "naive",
                            "naive-rocksdb"));

    @Option(
            names = "--checkpoint-interval-ms",
            paramLabel = "MS",
            converter = OptionConverters.PositiveInt.class,
            description =
                    "Checkpoint interval of full-rocksdb-checkpointed (default ${DEFAULT-VALUE}).")
    int checkpointIntervalMs = 10_000;

    @Option(
            names = "--checkpointed-archive",
            paramLabel = "DIR",
            description =
                    "A larger archive for full-rocksdb-checkpointed (default: --archive): at full"
                            + " speed a small archive is read before the first checkpoint is due.")
    String checkpointedArchive;

    @Option(
            names = "--checkpointed-manifest",
            paramLabel = "FILE",
            description = "The manifest of --checkpointed-archive.")
    File checkpointedManifest;

    @Option(
            names = "--state-traces",
            paramLabel = "N",
            converter = OptionConverters.NonNegativeInt.class,
            description =
                    "Open traces for the state-size measurement; 0 skips it (default ${DEFAULT-VALUE}).")
    int stateTraces = 100_000;

    @Option(
            names = "--repeat",
            paramLabel = "N",
            converter = OptionConverters.PositiveInt.class,
            description =
                    "Runs per variant, the best is reported (default ${DEFAULT-VALUE}; decode-only, "
                            + "the shortest, at least "
                            + DECODE_ONLY_RUNS
                            + ").")
    int repeat = 1;

    /** Fewest runs of decode-only, whose best is its figure. */
    static final int DECODE_ONLY_RUNS = 3;

    /**
     * Measured runs of {@code variant}: {@code repeat}, and at least {@link #DECODE_ONLY_RUNS} of
     * decode-only, which lasts under 2 s: one slow run (a third slower, seen on 2026-12-06) would
     * skew every ratio to it.
     */
    static int runsOf(String variant, int repeat) {
        return variant.equals("decode-only") ? Math.max(repeat, DECODE_ONLY_RUNS) : repeat;
    }

    @Option(
            names = "--warmup",
            paramLabel = "N",
            converter = OptionConverters.NonNegativeInt.class,
            description =
                    "Untimed warm-up runs of the full pipeline, plus one of each other variant before "
                            + "its measurement when N > 0 (default ${DEFAULT-VALUE}).")
    int warmups = 8;

    @Option(
            names = "--set",
            paramLabel = "Group.key=value",
            split = ",",
            description =
                    "Configuration overrides for experiments, comma-separated or repeated, e.g. "
                            + "--set TraceAssembly.allowed.lateness=0s,TraceAssembly.session.gap=10s.")
    List<String> settings = new ArrayList<>();

    PipelineBenchmark() {}

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new PipelineBenchmark());
        cli.setExecutionExceptionHandler(
                (e, commandLine, parseResult) -> {
                    e.printStackTrace();
                    return 1;
                });
        // Also after a failure: the MiniCluster and RocksDB leave non-daemon threads behind.
        System.exit(cli.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        for (String variant : variants) {
            if (!VARIANTS.contains(variant)) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--variants: unknown variant '"
                                + variant
                                + "'; expected some of "
                                + new TreeSet<>(VARIANTS));
            }
        }
        for (String assignment : settings) {
            String[] kv = assignment.split("=", 2);
            int dot = kv[0].indexOf('.');
            if (kv.length < 2 || dot <= 0) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--set: expected Group.key=value, got '" + assignment + "'");
            }
            overrides.set(kv[0].substring(0, dot), kv[0].substring(dot + 1), kv[1]);
        }
        long spans = spansInArchive();
        if (checkpointedArchive != null && checkpointedManifest == null) {
            throw new ParameterException(
                    spec.commandLine(), "--checkpointed-archive needs --checkpointed-manifest");
        }
        long checkpointedSpans =
                checkpointedArchive != null ? spansOf(checkpointedManifest) : spans;
        checkpointInterval = checkpointIntervalMs;

        System.out.printf(
                Locale.ROOT,
                "bench: archive %s, %,d spans, parallelism %d, %d cores, max heap %d MB%n",
                archive,
                spans,
                parallelism,
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);

        for (int i = 0; i < warmups; i++) {
            // Untimed: lets the JIT compile the hot paths (decode, assemble) before the measured
            // runs.
            long jit = jitMillis();
            Run run = run("full", archive, parallelism);
            System.out.printf(
                    Locale.ROOT,
                    "bench: warm-up (full, heap, untimed) %.2f s net, JIT %.1f s, load %s%n",
                    run.seconds,
                    (jitMillis() - jit) / 1000.0,
                    load());
        }

        Map<String, Double> rates = new LinkedHashMap<>();
        long peakHeapMb = 0;
        for (String variant : variants) {
            boolean ownArchive =
                    variant.equals("full-rocksdb-checkpointed") && checkpointedArchive != null;
            String input = ownArchive ? checkpointedArchive : archive;
            long inputSpans = ownArchive ? checkpointedSpans : spans;
            if (ownArchive) {
                System.out.printf(
                        Locale.ROOT,
                        "bench: %s reads %s, %,d spans%n",
                        variant,
                        checkpointedArchive,
                        checkpointedSpans);
            }
            if (warmups > 0 && !variant.equals("full")) {
                // Each other variant gets one untimed run of its own first: its own code (windows,
                // RocksDB)
                // compiled too, so that no variant is measured while the JIT is still at work on
                // it.
                long jit = jitMillis();
                Run run = run(variant, input, parallelism);
                System.out.printf(
                        Locale.ROOT,
                        "bench: warm-up (%s, untimed) %.2f s net, JIT %.1f s%n",
                        variant,
                        run.seconds,
                        (jitMillis() - jit) / 1000.0);
            }
            double best = 0;
            for (int i = 0; i < runsOf(variant, repeat); i++) {
                System.gc();
                resetPeakHeap();
                long jit = jitMillis();
                long gc = gcMillis();
                long cpu = processCpuNanos();
                Run run = run(variant, input, parallelism);
                double cpuMicrosPerSpan = (processCpuNanos() - cpu) / 1000.0 / inputSpans;
                long peak = peakHeapMb();
                double rate = inputSpans / run.seconds;
                // GC and JIT time of the whole run (wall), for reading the figure: both take CPU
                // from the job. CPU per span (all threads of the JVM, JIT and GC included) varies
                // less between runs than the rate does on a machine whose cores the job's threads
                // share: compare changes by it.
                System.out.printf(
                        Locale.ROOT,
                        "bench: %-14s %,10.0f spans/s  %6.2f s net (%6.2f s wall)  cpu %.2f µs/span  "
                                + "decoded %,d  summaries %,d (spans %,d)  peak heap %d MB  GC %.2f s  "
                                + "JIT %.1f s  load %s%n",
                        variant,
                        rate,
                        run.seconds,
                        run.wallSeconds,
                        cpuMicrosPerSpan,
                        run.spans,
                        run.summaries,
                        run.summarySpans,
                        peak,
                        (gcMillis() - gc) / 1000.0,
                        (jitMillis() - jit) / 1000.0,
                        load());
                if (run.checkpoints != null) {
                    System.out.println("bench: " + run.checkpoints);
                }
                long seen = variant.startsWith("decode-") ? run.spans : run.summarySpans;
                if (seen != inputSpans) {
                    System.out.printf(
                            Locale.ROOT,
                            "bench: WARNING %s accounted for %,d spans, the manifest says %,d%n",
                            variant,
                            seen,
                            inputSpans);
                }
                best = Math.max(best, rate);
                if (variant.equals("full")) {
                    peakHeapMb = Math.max(peakHeapMb, peak);
                }
            }
            rates.put(variant, best);
        }

        StateSize.Result state =
                stateTraces > 0
                        ? StateSize.measure(stateTraces, parallelism)
                        : StateSize.Result.NONE;
        System.out.println("bench: " + state);

        double full = rates.getOrDefault("full", 0.0);
        double rocks = rates.getOrDefault("full-rocksdb", 0.0);
        double checkpointed = rates.getOrDefault("full-rocksdb-checkpointed", 0.0);
        double decode = rates.getOrDefault("decode-only", 0.0);
        double naive = rates.getOrDefault("naive", 0.0);
        double naiveRocks = rates.getOrDefault("naive-rocksdb", 0.0);
        if (decode > 0 && full > 0) {
            System.out.printf(
                    Locale.ROOT, "bench: full/decode-only %.2f (target >= 0.75)%n", full / decode);
        }
        if (decode > 0 && checkpointed > 0) {
            System.out.printf(
                    Locale.ROOT,
                    "bench: full-rocksdb-checkpointed/decode-only %.2f (target >= 0.6)%n",
                    checkpointed / decode);
        }
        if (naiveRocks > 0 && checkpointed > 0) {
            System.out.printf(
                    Locale.ROOT,
                    "bench: full-rocksdb-checkpointed/naive-rocksdb %.2f (target >= 3)%n",
                    checkpointed / naiveRocks);
        }
        if (naiveRocks > 0 && rocks > 0) {
            System.out.printf(
                    Locale.ROOT,
                    "bench: full-rocksdb/naive-rocksdb %.2f (target >= 1.5)%n",
                    rocks / naiveRocks);
        }
        System.out.printf(
                Locale.ROOT,
                "RESULT spans_per_s=%d rocksdb_spans_per_s=%d decode_only_spans_per_s=%d naive_spans_per_s=%d "
                        + "naive_rocksdb_spans_per_s=%d peak_heap_mb=%d state_bytes_per_open_trace=%d "
                        + "rocksdb_checkpointed_spans_per_s=%d%n",
                Math.round(full),
                Math.round(rocks),
                Math.round(decode),
                Math.round(naive),
                Math.round(naiveRocks),
                peakHeapMb,
                Math.round(state.heapBytesPerTrace),
                Math.round(checkpointed));
        System.out.flush();
        return 0;
    }

    /** The outcome of one timed job. */
    static final class Run {
        double seconds;
        double wallSeconds;
        long spans;
        long summaries;
        long summarySpans;

        /** What the checkpoints of a checkpointed variant were; null for the others. */
        CheckpointStats checkpoints;
    }

    /** Interval of the checkpointed variant (a field: the ITCase shortens it). */
    static int checkpointInterval = 10_000;

    /**
     * One MiniCluster for every job of the benchmark, as a task manager runs job after job: a new
     * cluster per job would load Flink's RPC system into a new class loader each time, and the JIT
     * would compile it again while the next job is being measured (seen: 1.5-3 s of compilation in
     * every run).
     */
    private static MiniCluster cluster;

    private static synchronized MiniCluster cluster(int parallelism) throws Exception {
        if (cluster == null) {
            Configuration conf = new Configuration();
            clusterSettings(conf);
            // Any free port for the REST endpoint: a fixed 8081 fails whenever another Flink on the
            // machine has it.
            conf.set(RestOptions.BIND_PORT, "0");
            cluster =
                    new MiniCluster(
                            new MiniClusterConfiguration.Builder()
                                    .setConfiguration(conf)
                                    .setNumTaskManagers(1)
                                    .setNumSlotsPerTaskManager(parallelism)
                                    .build());
            cluster.start();
        }
        return cluster;
    }

    /** Stops the shared cluster (tests; the benchmark's JVM just exits). */
    static synchronized void closeCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    static Run run(String variant, String archive, int parallelism) throws Exception {
        boolean rocksdb = variant.contains("-rocksdb");
        boolean checkpointed = variant.endsWith("-checkpointed");
        StreamExecutionEnvironment env = jobEnvironment(parallelism, rocksdb);
        java.nio.file.Path checkpointDir = null;
        if (checkpointed) {
            checkpointDir = java.nio.file.Files.createTempDirectory("bench-checkpoints");
            CheckpointStats.enable(env, checkpointInterval, checkpointDir);
        }
        TraceAssemblerConfig config = TraceAssemblerConfig.from(overrides);
        DataStream<RawRecord> records = source(env, archive);
        switch (variant) {
            case "full":
            case "full-rocksdb":
            case "full-rocksdb-checkpointed":
                {
                    TracePipeline.Outputs outputs = TracePipeline.build(records, config);
                    outputs.summaries
                            .addSink(new CountingSink.Summaries())
                            .name("discard-summaries");
                    outputs.insights.addSink(new CountingSink<>()).name("discard-insights");
                    outputs.deadLetters.addSink(new CountingSink<>()).name("discard-dead-letters");
                    outputs.lateSpans.addSink(new CountingSink<>()).name("discard-late-spans");
                    break;
                }
            case "decode-only":
                {
                    DataStream<Span> spans =
                            records.process(new DecodeSpans(config.spanSource.format))
                                    .name("decode-spans");
                    spans.addSink(new CountingSink<>(SPANS_ACCUMULATOR)).name("discard-spans");
                    ((org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator<Span>)
                                    spans)
                            .getSideOutput(DecodeSpans.DEAD_LETTERS)
                            .addSink(new CountingSink<>())
                            .name("discard-dead");
                    break;
                }
            case "decode-shuffle":
                {
                    // Decode, watermarks and the keyBy to the assembler's subtasks (as
                    // TracePipeline.assemble), spans
                    // discarded there: what the shuffle alone costs on top of decode-only (not in
                    // the RESULT line).
                    DataStream<AssemblySpan> spans =
                            shuffleInput(records, config)
                                    .keyBy(span -> span.traceId, TraceId.TYPE)
                                    .process(
                                            new KeyedProcessFunction<
                                                    TraceId, AssemblySpan, AssemblySpan>() {
                                                @Override
                                                public void processElement(
                                                        AssemblySpan span,
                                                        Context ctx,
                                                        Collector<AssemblySpan> out) {
                                                    out.collect(span);
                                                }
                                            })
                                    .name("shuffled");
                    spans.addSink(new CountingSink<>(SPANS_ACCUMULATOR)).name("discard-spans");
                    break;
                }
            case "decode-shuffle-batched":
                {
                    // As decode-shuffle, but the spans bound for each subtask travel in records of
                    // up to SpanBatcher.BATCH: what the per-record part of the shuffle costs (not
                    // in the RESULT line).
                    DataStream<AssemblySpan> spans =
                            shuffleInput(records, config)
                                    .transform(
                                            "batch-spans",
                                            Types.TUPLE(
                                                    Types.INT,
                                                    new ListTypeInfo<>(AssemblySpan.TYPE)),
                                            new SpanBatcher(
                                                    KeyGroupRangeAssignment
                                                            .computeDefaultMaxParallelism(
                                                                    parallelism),
                                                    parallelism))
                                    .partitionCustom(
                                            (Integer target, int subtasks) -> target,
                                            (Tuple2<Integer, List<AssemblySpan>> batch) -> batch.f0)
                                    .flatMap(
                                            (Tuple2<Integer, List<AssemblySpan>> batch,
                                                    Collector<AssemblySpan> out) ->
                                                    batch.f1.forEach(out::collect),
                                            AssemblySpan.TYPE)
                                    .name("shuffled");
                    spans.addSink(new CountingSink<>(SPANS_ACCUMULATOR)).name("discard-spans");
                    break;
                }
            case "naive":
            case "naive-rocksdb":
                {
                    // The same RocksDB settings as the job's (bloom filters, timers on the heap):
                    // a fair baseline.
                    env.configure(TracePipeline.rocksDbSettings(config.traceAssembly));
                    org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator<Span>
                            spans =
                                    records.process(new DecodeSpans(config.spanSource.format))
                                            .name("decode-spans");
                    DataStream<TraceSummary> summaries =
                            spans.assignTimestampsAndWatermarks(
                                            TraceWatermarks.forSpans(config.traceAssembly))
                                    .keyBy(span -> span.traceId, Types.STRING)
                                    .window(
                                            EventTimeSessionWindows.withGap(
                                                    config.traceAssembly.sessionGap))
                                    .process(new NaiveSummaries())
                                    .name("naive-window-summaries");
                    org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator<
                                    TraceSummary>
                            analyzed = TracePipeline.analyze(summaries, config);
                    analyzed.addSink(new CountingSink.Summaries()).name("discard-summaries");
                    analyzed.getSideOutput(TraceAnalysis.INSIGHTS)
                            .addSink(new CountingSink<>())
                            .name("discard-insights");
                    spans.getSideOutput(DecodeSpans.DEAD_LETTERS)
                            .addSink(new CountingSink<>())
                            .name("discard-dead");
                    break;
                }
            default:
                throw new IllegalArgumentException("unknown variant " + variant);
        }
        long started = System.nanoTime();
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName("bench-" + variant);
        org.apache.flink.runtime.jobgraph.JobGraph jobGraph = graph.getJobGraph();
        JobExecutionResult result = cluster(parallelism).executeJobBlocking(jobGraph);
        Run run = new Run();
        if (checkpointed) {
            run.checkpoints = CheckpointStats.of(cluster, jobGraph.getJobID(), checkpointDir);
        }
        run.wallSeconds = (System.nanoTime() - started) / 1e9;
        run.seconds = result.getNetRuntime() / 1000.0;
        run.spans = longAccumulator(result, SPANS_ACCUMULATOR);
        run.summaries = longAccumulator(result, SUMMARIES_ACCUMULATOR);
        run.summarySpans = longAccumulator(result, SUMMARY_SPANS_ACCUMULATOR);
        return run;
    }

    /**
     * Decoded spans with watermarks, as {@link AssemblySpan}s: what the shuffle variants send (as
     * {@code TracePipeline.assemble} does before its {@code keyBy}).
     */
    private static DataStream<AssemblySpan> shuffleInput(
            DataStream<RawRecord> records, TraceAssemblerConfig config) {
        return records.process(new DecodeSpans(config.spanSource.format))
                .name("decode-spans")
                .assignTimestampsAndWatermarks(TraceWatermarks.forSpans(config.traceAssembly))
                .map(AssemblySpan::of, AssemblySpan.TYPE);
    }

    /** Sum of the per-subtask accumulators {@code name-<subtask>}. */
    private static long longAccumulator(JobExecutionResult result, String name) {
        long sum = 0;
        for (Map.Entry<String, Object> e : result.getAllAccumulatorResults().entrySet()) {
            if (e.getKey().startsWith(name + "-") && e.getValue() instanceof Number) {
                sum += ((Number) e.getValue()).longValue();
            }
        }
        return sum;
    }

    /** A local MiniCluster environment of its own, STREAMING, heap or RocksDB state. */
    static StreamExecutionEnvironment environment(
            int parallelism, boolean rocksdb, Configuration conf) {
        clusterSettings(conf);
        return configure(
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf), rocksdb);
    }

    /** An environment for a job submitted to the benchmark's shared {@link #cluster}. */
    private static StreamExecutionEnvironment jobEnvironment(int parallelism, boolean rocksdb) {
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(new Configuration());
        env.setParallelism(parallelism);
        return configure(env, rocksdb);
    }

    private static StreamExecutionEnvironment configure(
            StreamExecutionEnvironment env, boolean rocksdb) {
        Configuration job = new Configuration();
        job.set(StateBackendOptions.STATE_BACKEND, rocksdb ? "rocksdb" : "hashmap");
        job.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.STREAMING);
        env.configure(job);
        env.getConfig().disableGenericTypes();
        env.getConfig().enableObjectReuse(); // as ReplayCommand.build
        return env;
    }

    /** Task manager settings: RocksDB's memory and working directory. */
    private static void clusterSettings(Configuration conf) {
        // RocksDB's block cache and write buffers come from managed memory: 256 MB per slot-ish, as
        // on a
        // small Managed Flink task manager (a KPU has 4 GB in all).
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("512m"));
        conf.setString(
                "state.backend.rocksdb.localdir",
                new File(System.getProperty("java.io.tmpdir"), "bench-rocksdb").getAbsolutePath());
    }

    static DataStream<RawRecord> source(StreamExecutionEnvironment env, String archive) {
        FileSource<RawRecord> source =
                FileSource.forBulkFileFormat(new ArchiveFormat(), new Path(archive))
                        .setFileEnumerator(
                                () ->
                                        new NonSplittingRecursiveEnumerator(
                                                path ->
                                                        !path.getName().startsWith(".")
                                                                && !path.getName().startsWith("_")))
                        .build();
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "span-archives");
    }

    /**
     * The seed's approach: every span of a session window kept, summarised when the window fires.
     */
    static final class NaiveSummaries
            extends ProcessWindowFunction<Span, TraceSummary, String, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(
                String traceId,
                Context context,
                Iterable<Span> spans,
                Collector<TraceSummary> out) {
            TraceSummary summary = new TraceSummary();
            summary.traceId = traceId;
            summary.startMicros = Long.MAX_VALUE;
            summary.endMicros = Long.MIN_VALUE;
            Map<String, String> parents = new LinkedHashMap<>();
            Set<String> halves = new HashSet<>();
            Set<String> services = new HashSet<>();
            for (Span span : spans) {
                // A retried span counts once; a Zipkin server half is a span of its own (same id).
                String half =
                        span.shared ? span.spanId + "/shared/" + span.serviceName : span.spanId;
                if (!halves.add(half)) {
                    continue;
                }
                parents.putIfAbsent(
                        span.spanId, span.parentSpanId == null ? "" : span.parentSpanId);
                summary.spanCount++;
                if (span.error) {
                    summary.errorCount++;
                }
                summary.startMicros = Math.min(summary.startMicros, span.startMicros);
                summary.endMicros = Math.max(summary.endMicros, span.endMicros);
                if (span.serviceName != null) {
                    services.add(span.serviceName);
                }
                if (span.parentSpanId == null && !span.shared && !summary.hasRoot) {
                    summary.hasRoot = true;
                    summary.rootService = span.serviceName;
                    summary.rootOperation = span.operationName;
                }
            }
            for (String parent : parents.values()) {
                if (!parent.isEmpty() && !parents.containsKey(parent)) {
                    summary.orphanSpanCount++;
                }
            }
            summary.services.addAll(services);
            Collections.sort(summary.services);
            summary.revision = 1;
            out.collect(summary);
        }
    }

    // ---------------------------------------------------------------- helpers

    static void resetPeakHeap() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /**
     * Sum of the heap pools' peaks since the last reset (an upper bound of the peak of their sum).
     */
    static long peakHeapMb() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes >> 20;
    }

    /** Time the JIT compilers spent so far (summed over compiler threads), 0 when not reported. */
    private static long jitMillis() {
        var compilation = ManagementFactory.getCompilationMXBean();
        return compilation != null && compilation.isCompilationTimeMonitoringSupported()
                ? compilation.getTotalCompilationTime()
                : 0;
    }

    /** CPU time of the whole JVM so far, all threads; 0 when the platform does not report it. */
    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os =
                ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean
                ? Math.max(0, ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime())
                : 0;
    }

    /** Time spent in garbage collections so far (all collectors). */
    private static long gcMillis() {
        long millis = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            millis += Math.max(0, gc.getCollectionTime());
        }
        return millis;
    }

    static String load() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return String.format(Locale.ROOT, "%.2f", load);
    }

    private long spansInArchive() throws Exception {
        if (archiveSpans != null) {
            return archiveSpans;
        }
        if (manifest == null) {
            throw new ParameterException(
                    spec.commandLine(), "--manifest FILE or --spans N is required");
        }
        return spansOf(manifest);
    }

    private static long spansOf(File manifest) throws Exception {
        JsonNode json = new ObjectMapper().readTree(manifest);
        return json.get("span_deliveries").asLong();
    }
}
