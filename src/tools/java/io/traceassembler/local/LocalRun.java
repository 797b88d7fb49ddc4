package io.traceassembler.local;

import io.traceassembler.CommandVersion;
import io.traceassembler.LiveJob;
import io.traceassembler.config.PropertyGroups;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.generate.GenerationStats;
import io.traceassembler.generate.GeneratorOptions;
import io.traceassembler.generate.OptionConverters;
import io.traceassembler.generate.TraceShapeOptions;
import io.traceassembler.generate.TrafficOptions;
import io.traceassembler.report.ReportCommand;
import io.traceassembler.report.ReportPage;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code scripts/run-local.sh}: the whole live pipeline on one machine, no AWS account needed.
 * Starts kinesis-local and dynalite ({@link Emulators}) and a CloudWatch stand-in ({@link
 * CloudWatchStub}), creates the stream, the dead-letter stream and the table, runs {@link LiveJob}
 * in a local Flink cluster with the web UI, feeds it with generated traffic in real time, reports
 * progress every 5 s, and on Ctrl-C or after {@code --duration} drains, summarises what landed in
 * DynamoDB and CloudWatch, and stops everything it started.
 *
 * <p>Configuration: {@code flink-conf/application-properties-local.json}, with the endpoints
 * pointed at the started emulators, {@code initial.position} TRIM_HORIZON and a session gap of
 * {@value #DEMO_SESSION_GAP_SECONDS} s, so that traces show up seconds after their last span
 * (production default: 30 s).
 *
 * <p>dynalite keeps the table in {@value #DYNAMODB_DATA}: it outlives the run, so that {@code
 * scripts/trace-assembler query ... --local} can read what the last run stored. Each run starts
 * from an empty table (the folder is deleted first), so its counts are its own.
 */
@Command(
        name = "run-local.sh",
        mixinStandardHelpOptions = true,
        versionProvider = CommandVersion.class,
        sortOptions = false,
        description = {
            "Runs the live job locally against emulators: kinesis-local (Kinesis), dynalite (DynamoDB) "
                    + "and an in-process CloudWatch stub; feeds it with generated span traffic in real time and prints "
                    + "progress. Stops on Ctrl-C or after --duration, then waits for the last traces and prints a summary."
        },
        footer = {
            "",
            "Emulator logs: target/emulators/. Session gap "
                    + LocalRun.DEMO_SESSION_GAP_SECONDS
                    + " s (production: 30 s); stream read from TRIM_HORIZON."
        })
public final class LocalRun implements Callable<Integer> {
    static final int DEMO_SESSION_GAP_SECONDS = 5;

    /**
     * dynalite's data folder under the project folder, kept after the run for {@code query
     * --local}.
     */
    public static final String DYNAMODB_DATA = "target/local-run/dynamodb";

    /** What the run stored, as a replay output folder (the report's input). */
    static final String RUN_OUTPUT = "target/local-run/output";

    /** The HTML report of the run. */
    static final String REPORT = "target/local-run/report.html";

    /** The local run's configuration, under the project folder. */
    public static final String CONFIG_FILE = "flink-conf/application-properties-local.json";

    private static final int SPAN_STREAM_SHARDS = 2;
    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(5);

    /**
     * Slow traces last up to about 15 s; the traces in flight when feeding stops get this long to
     * finish.
     */
    private static final Duration FEEDER_DRAIN_TIMEOUT = Duration.ofSeconds(25);

    /** The DynamoDB sink buffers up to 5 s; a few seconds more for checkpoints and scheduling. */
    private static final Duration SINK_SLACK = Duration.ofSeconds(10);

    /**
     * The job aggregates insight metrics per minute: waiting one flush longer shows the last
     * traces' insights.
     */
    private static final Duration METRICS_FLUSH_WAIT = Duration.ofSeconds(65);

    @Option(
            names = "--duration",
            paramLabel = "SECONDS",
            converter = OptionConverters.PositiveDouble.class,
            description = "Feed for this long, then stop (default: until Ctrl-C).")
    Double durationSeconds;

    @Option(
            names = "--rate",
            paramLabel = "TRACES_PER_S",
            converter = OptionConverters.PositiveDouble.class,
            description =
                    "Mean traces started per second (default ${DEFAULT-VALUE}; about 20 spans per trace).")
    double tracesPerSecond = 20;

    @Option(
            names = "--web-ui-port",
            paramLabel = "N",
            description = "Port of the Flink web UI (default ${DEFAULT-VALUE}).")
    int webUiPort = 8081;

    @Mixin TraceShapeOptions traceShape = new TraceShapeOptions();

    private final PrintStream out = System.out;
    private final long startedNanos = System.nanoTime();

    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalRun()).execute(args));
    }

    @Override
    public Integer call() {
        return runUntilStopped();
    }

    /** {@code --duration}, or null: until Ctrl-C. */
    Duration duration() {
        return durationSeconds == null ? null : Duration.ofMillis((long) (durationSeconds * 1000));
    }

    /**
     * Runs until Ctrl-C or the duration; returns the exit code: 0 when traces landed in DynamoDB.
     */
    int runUntilStopped() {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        // Ctrl-C: let the main thread drain, summarise and clean up before the JVM goes.
        Thread shutdownHook =
                new Thread(
                        () -> {
                            stop.countDown();
                            try {
                                finished.await(3, TimeUnit.MINUTES);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "local-run-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        // Ctrl-C: stop feeding and drain without starting the JVM's shutdown, which would also stop
        // Flink's local cluster under the job. SIGTERM still goes through the shutdown hook above.
        try {
            sun.misc.Signal.handle(
                    new sun.misc.Signal("INT"),
                    signal -> {
                        if (stop.getCount() > 0) {
                            out.println(
                                    "Ctrl-C: stopping the feed, waiting for the last traces, then stopping everything");
                            stop.countDown();
                        } else {
                            out.println("already stopping; the summary follows");
                        }
                    });
        } catch (IllegalArgumentException e) {
            // No SIGINT on this platform: the shutdown hook covers it.
        }
        Outcome outcome = new Outcome();
        try {
            run(stop, outcome);
        } catch (Exception
                | LinkageError e) { // LinkageError: a class-path problem, reported like any failure
            out.println("local run failed: " + e);
            e.printStackTrace(out);
        } finally {
            // Emulators and the stub are closed by now: print the verdict last.
            out.printf(
                    Locale.ROOT,
                    "local run: %d traces in DynamoDB, %d metric datums received by CloudWatch%n",
                    outcome.traces,
                    outcome.datums);
            out.flush();
            finished.countDown();
        }
        return outcome.traces > 0 ? 0 : 1;
    }

    /** What the verdict line reports, filled in as soon as known (before everything is closed). */
    private static final class Outcome {
        long traces;
        long datums;
    }

    private void run(CountDownLatch stop, Outcome outcome) throws Exception {
        Path home = Emulators.projectDirectory();
        Path configFile = home.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(configFile)) {
            throw new IllegalStateException("No " + configFile + " (run from the project folder)");
        }
        Path dynamoDbData = home.resolve(DYNAMODB_DATA);
        deleteRecursively(dynamoDbData);
        log(
                "starting kinesis-local, dynalite (logs in target/emulators/, table data in "
                        + DYNAMODB_DATA
                        + "/) and the CloudWatch stub");
        try (Emulators emulators = Emulators.all().dynamoDbDataDirectory(dynamoDbData).start();
                CloudWatchStub cloudWatch = CloudWatchStub.start()) {
            TraceAssemblerConfig config = localConfig(configFile, emulators, cloudWatch);
            log(
                    "kinesis-local "
                            + emulators.kinesisEndpoint()
                            + ", dynalite "
                            + emulators.dynamoDbEndpoint()
                            + ", CloudWatch stub "
                            + cloudWatch.endpoint());
            try (AwsAdmin kinesis =
                            new AwsAdmin(
                                    config.spanSource.aws.region, emulators.kinesisEndpoint());
                    AwsAdmin dynamoDb =
                            new AwsAdmin(
                                    config.traceStore.aws.region, emulators.dynamoDbEndpoint())) {
                kinesis.createStream(config.spanSource.streamName, SPAN_STREAM_SHARDS);
                if (config.deadLetters.streamName != null) {
                    kinesis.createStream(config.deadLetters.streamName, 1);
                }
                dynamoDb.createTraceTable(config.traceStore.tableName);
                log(
                        "created stream '"
                                + config.spanSource.streamName
                                + "' ("
                                + SPAN_STREAM_SHARDS
                                + " shards)"
                                + (config.deadLetters.streamName == null
                                        ? ""
                                        : ", dead-letter stream '"
                                                + config.deadLetters.streamName
                                                + "'")
                                + " and table '"
                                + config.traceStore.tableName
                                + "'");

                JobClient job = startJob(config);
                TraceTable table = new TraceTable(dynamoDb.dynamoDb(), config.traceStore.tableName);
                SpanFeeder feeder =
                        new SpanFeeder(
                                kinesis.kinesis(),
                                config.spanSource.streamName,
                                generatorOptions(),
                                trafficOptions());
                feeder.start();
                log(
                        String.format(
                                Locale.ROOT,
                                "feeding about %.0f traces/s into '%s'; %s",
                                tracesPerSecond,
                                config.spanSource.streamName,
                                duration() == null
                                        ? "Ctrl-C to stop"
                                        : "stopping after "
                                                + duration().toSeconds()
                                                + " s (or Ctrl-C)"));
                try {
                    feedUntilStopped(stop, job, feeder, table, cloudWatch);
                    log(
                            "stopped feeding; letting the traces in flight finish (up to "
                                    + FEEDER_DRAIN_TIMEOUT.toSeconds()
                                    + " s)");
                    feeder.stop(FEEDER_DRAIN_TIMEOUT);
                    settle(config, job, feeder, table, cloudWatch);
                } finally {
                    feeder.stop(Duration.ZERO);
                    cancel(job);
                }
                List<TraceTable.Trace> traces = table.scan();
                outcome.traces = traces.size();
                outcome.datums = cloudWatch.summary().datums();
                printSummary(feeder, traces, cloudWatch.summary());
                writeReport(home, table, cloudWatch);
            }
            log("stopping the emulators and the CloudWatch stub");
        }
    }

    /** The last run's table: this run starts from an empty one. */
    private static void deleteRecursively(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path file :
                    (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(file);
            }
        }
    }

    private TraceAssemblerConfig localConfig(
            Path file, Emulators emulators, CloudWatchStub cloudWatch) {
        PropertyGroups groups =
                PropertyGroups.fromJsonFile(file)
                        .set("SpanSource", "aws.endpoint", emulators.kinesisEndpoint())
                        .set("SpanSource", "initial.position", "TRIM_HORIZON")
                        .set("DeadLetters", "aws.endpoint", emulators.kinesisEndpoint())
                        .set("TraceStore", "aws.endpoint", emulators.dynamoDbEndpoint())
                        .set("InsightMetrics", "aws.endpoint", cloudWatch.endpoint())
                        .set("TraceAssembly", "session.gap", DEMO_SESSION_GAP_SECONDS + " s");
        return TraceAssemblerConfig.from(groups);
    }

    private JobClient startJob(TraceAssemblerConfig config) throws Exception {
        Configuration flink = new Configuration();
        flink.set(RestOptions.PORT, webUiPort);
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
        env.setParallelism(SPAN_STREAM_SHARDS); // one source subtask per shard
        LiveJob.build(env, config);
        JobClient job = env.executeAsync("trace-assembler (local run)");
        log("job " + job.getJobID() + " running; Flink web UI: http://localhost:" + webUiPort);
        return job;
    }

    private GeneratorOptions generatorOptions() {
        // Live traffic starts now: CloudWatch drops datums older than two weeks, and TTLs count
        // from the trace end.
        return traceShape
                .applyTo(GeneratorOptions.defaults())
                .traces(Long.MAX_VALUE)
                .startEpochMillis(System.currentTimeMillis())
                .tracesPerSecond(tracesPerSecond);
    }

    /**
     * Every encoding and compression, with a little of what real exporters also do: retries, KPL,
     * bad records.
     */
    private TrafficOptions trafficOptions() {
        return TrafficOptions.defaults()
                .seed(traceShape.seed())
                .duplicateRatio(0.01)
                .kplRatio(0.02)
                .badRatio(0.01);
    }

    private void feedUntilStopped(
            CountDownLatch stop,
            JobClient job,
            SpanFeeder feeder,
            TraceTable table,
            CloudWatchStub cloudWatch)
            throws Exception {
        Duration duration = duration();
        long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        while (!stop.await(
                Math.min(PROGRESS_INTERVAL.toNanos(), Math.max(0, deadline - System.nanoTime())),
                TimeUnit.NANOSECONDS)) {
            progress(feeder, table, cloudWatch);
            requireRunning(job);
            if (feeder.failure() != null) {
                throw new IllegalStateException("feeding Kinesis failed", feeder.failure());
            }
            if (System.nanoTime() >= deadline) {
                return;
            }
        }
        log("Ctrl-C: stopping");
    }

    /**
     * Waits until the last traces have closed and been written, then for one more CloudWatch flush.
     */
    private void settle(
            TraceAssemblerConfig config,
            JobClient job,
            SpanFeeder feeder,
            TraceTable table,
            CloudWatchStub cloudWatch)
            throws Exception {
        Duration quiet =
                config.traceAssembly
                        .sessionGap
                        .plus(config.traceAssembly.maxOutOfOrderness)
                        .plus(config.traceAssembly.idleness)
                        .plus(SINK_SLACK);
        log(
                "waiting "
                        + quiet.toSeconds()
                        + " s for the last traces (session gap + out-of-orderness + idleness + sink buffer)");
        waitWithProgress(quiet, job, feeder, table, cloudWatch, () -> false);
        if (config.insightMetrics.enabled) {
            int calls = cloudWatch.requestCount();
            log(
                    "waiting up to "
                            + METRICS_FLUSH_WAIT.toSeconds()
                            + " s for the job's next per-minute CloudWatch flush");
            waitWithProgress(
                    METRICS_FLUSH_WAIT,
                    job,
                    feeder,
                    table,
                    cloudWatch,
                    () -> cloudWatch.requestCount() > calls);
        }
    }

    private void waitWithProgress(
            Duration wait,
            JobClient job,
            SpanFeeder feeder,
            TraceTable table,
            CloudWatchStub cloudWatch,
            java.util.function.BooleanSupplier done)
            throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        long nextProgress = System.nanoTime() + PROGRESS_INTERVAL.toNanos();
        while (System.nanoTime() < deadline && !done.getAsBoolean()) {
            Thread.sleep(250);
            if (System.nanoTime() >= nextProgress) {
                progress(feeder, table, cloudWatch);
                requireRunning(job);
                nextProgress += PROGRESS_INTERVAL.toNanos();
            }
        }
    }

    private static void requireRunning(JobClient job) throws Exception {
        JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
        if (status.isGloballyTerminalState()) {
            try {
                job.getJobExecutionResult().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("the job stopped: " + status, e.getCause());
            }
            throw new IllegalStateException("the job stopped: " + status);
        }
    }

    private void cancel(JobClient job) {
        try {
            if (!job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
                job.cancel().get(30, TimeUnit.SECONDS);
                log("job cancelled");
            }
        } catch (Exception e) {
            log("could not cancel the job cleanly: " + e);
        }
    }

    private void progress(SpanFeeder feeder, TraceTable table, CloudWatchStub cloudWatch) {
        List<TraceTable.Trace> traces = table.scan();
        log(
                String.format(
                        Locale.ROOT,
                        "sent %,d spans (%,d records, %,d bad) | %,d traces in DynamoDB %s | CloudWatch %,d datums",
                        feeder.spansSent.get(),
                        feeder.recordsSent.get(),
                        feeder.badRecordsSent.get(),
                        traces.size(),
                        TraceTable.insightCounts(traces),
                        cloudWatch.summary().datums()));
    }

    private void printSummary(
            SpanFeeder feeder, List<TraceTable.Trace> traces, CloudWatchStub.Summary metrics) {
        GenerationStats generated = feeder.stats();
        out.println();
        out.println("== Summary");
        out.printf(
                Locale.ROOT,
                "generated: %s; sent %,d records (%,d bad, expected as dead letters)%n",
                generated,
                feeder.recordsSent.get(),
                feeder.badRecordsSent.get());
        out.printf(
                Locale.ROOT,
                "DynamoDB: %,d traces (%,d revised by late spans)%n",
                traces.size(),
                traces.stream().filter(t -> t.revision > 1).count());
        Map<String, Long> insights = TraceTable.insightCounts(traces);
        insights.forEach(
                (type, count) -> out.printf(Locale.ROOT, "  %-20s %,d traces%n", type, count));
        out.printf(
                Locale.ROOT,
                "  %-20s %,d traces%n",
                "(no insight)",
                traces.stream().filter(t -> t.insights.isEmpty()).count());
        out.println("slowest traces:");
        for (TraceTable.Trace trace : TraceTable.slowest(traces, 5)) {
            out.printf(
                    Locale.ROOT,
                    "  %10.1f ms  %4d spans  %-40s %s%n",
                    trace.durationMs,
                    trace.spanCount,
                    trace.root,
                    trace.traceId);
        }
        out.println(
                "CloudWatch: "
                        + metrics.calls
                        + " PutMetricData calls, namespaces "
                        + metrics.namespaces);
        metrics.metrics.forEach(
                (name, totals) -> out.printf(Locale.ROOT, "  %-20s %s%n", name, totals));
        out.println("the table stays in " + DYNAMODB_DATA + "/; query it (also after this run):");
        for (String command : queryCommands(traces)) {
            out.println("  " + command);
        }
    }

    /**
     * What this run stored (the table, the datums the stub received) as a replay output folder, and
     * its HTML report; prints the report's path. A report that fails to render is logged, the run's
     * verdict stands.
     */
    private void writeReport(Path home, TraceTable table, CloudWatchStub cloudWatch) {
        Path folder = home.resolve(RUN_OUTPUT);
        Path report = home.resolve(REPORT);
        try {
            LocalRunOutput.write(folder, table.items(), cloudWatch.datums());
            java.io.PrintWriter writer =
                    new java.io.PrintWriter(
                            new java.io.OutputStreamWriter(
                                    out, java.nio.charset.StandardCharsets.UTF_8),
                            true);
            ReportCommand.write(folder, report, ReportPage.DEFAULT_LIMIT, writer);
            out.println("report of this run: " + report + " (open it in a browser)");
        } catch (IOException | RuntimeException e) {
            out.println("local run: the report could not be written: " + e);
        }
    }

    /** Ready-to-paste {@code query --local} commands for what this run stored. */
    static List<String> queryCommands(List<TraceTable.Trace> traces) {
        List<String> commands = new java.util.ArrayList<>();
        commands.add(
                "scripts/trace-assembler query traces --local --insight slow_trace --since 1h");
        commands.add(
                "scripts/trace-assembler query traces --local --insight trace_errors --since 1h");
        TraceTable.slowest(traces, 1)
                .forEach(
                        slowest ->
                                commands.add(
                                        "scripts/trace-assembler query trace "
                                                + slowest.traceId
                                                + " --local"));
        return commands;
    }

    private void log(String message) {
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedNanos);
        out.printf(Locale.ROOT, "[%4d s] %s%n", seconds, message);
    }
}
