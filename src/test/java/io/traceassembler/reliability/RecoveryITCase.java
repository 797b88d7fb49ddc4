package io.traceassembler.reliability;

import io.traceassembler.TracePipeline;
import io.traceassembler.assemble.TraceAssemblerOperator;
import io.traceassembler.config.PropertyGroups;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.generate.ArchiveManifest;
import io.traceassembler.generate.ArchiveOptions;
import io.traceassembler.generate.ArchiveWriter;
import io.traceassembler.generate.GeneratedSpan;
import io.traceassembler.generate.GeneratorOptions;
import io.traceassembler.generate.TraceGenerator;
import io.traceassembler.generate.TrafficOptions;
import io.traceassembler.generate.TrafficShaper;
import io.traceassembler.ingest.ArchiveFormat;
import io.traceassembler.model.RawRecord;
import io.traceassembler.model.TraceSummary;
import io.traceassembler.sink.TraceItems;
import io.traceassembler.testing.MiniClusters;

import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.enumerate.NonSplittingRecursiveEnumerator;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.traceassembler.testing.Eventually.within;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Promise 3: a streaming job stopped with a savepoint mid-stream and restored (same parallelism and
 * rescaled 2 -> 1 and 1 -> 2), and a job that fails once and recovers from its checkpoint, both end
 * with the summaries of an uninterrupted run: the last revision of every trace equals the values
 * computed independently from the generated spans (what the DynamoDB overwrite by trace_id leaves).
 */
class RecoveryITCase {
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

    /** Summary lines written by the running job (the same JVM as the MiniCluster). */
    static final ConcurrentLinkedQueue<String> OUTPUT = new ConcurrentLinkedQueue<>();

    static final AtomicBoolean FAILED_ONCE = new AtomicBoolean();
    static final AtomicInteger CHECKPOINTS_BEFORE_FAILURE = new AtomicInteger();

    @TempDir java.nio.file.Path dir;

    /**
     * Short gaps so the test is quick; lateness long enough that every re-opened trace stays whole.
     */
    static TraceAssemblerConfig config() {
        PropertyGroups groups = PropertyGroups.empty();
        groups.set("TraceAssembly.session.gap=4 s");
        groups.set("TraceAssembly.max.out.of.orderness=3 s");
        groups.set("TraceAssembly.idleness=2 s");
        groups.set("TraceAssembly.allowed.lateness=2 min");
        if (tinyCache) {
            groups.set("TraceAssembly.cache.max.traces=20");
            groups.set("TraceAssembly.cache.max.spans=400");
        }
        return TraceAssemblerConfig.from(groups);
    }

    static GeneratorOptions generator() {
        return GeneratorOptions.defaults().seed(303L).traces(300).tracesPerSecond(10);
    }

    /**
     * Archive files in arrival order, ~40 s of event time, with duplicates and out-of-order spans.
     */
    List<java.nio.file.Path> writeArchive() throws Exception {
        java.nio.file.Path staging = dir.resolve("staging");
        ArchiveManifest manifest =
                ArchiveWriter.write(
                        TrafficShaper.of(
                                new TraceGenerator(generator()),
                                TrafficOptions.defaults()
                                        .seed(304L)
                                        .duplicateRatio(0.03)
                                        .kplRatio(0.05)
                                        .outOfOrderMillis(1_500)),
                        ArchiveOptions.to(staging).plainJsonLines(false).recordsPerFile(100));
        assertThat(manifest.tally.expectedDeadLetters()).isZero();
        try (Stream<java.nio.file.Path> files = Files.list(staging)) {
            return files.sorted().collect(Collectors.toList());
        }
    }

    static void move(List<java.nio.file.Path> files, java.nio.file.Path to) throws Exception {
        Files.createDirectories(to);
        for (java.nio.file.Path file : files) {
            Files.move(file, to.resolve(file.getFileName()));
        }
    }

    /**
     * The streaming job: a monitored folder (or a bounded one) -> the pipeline -> summary lines.
     */
    static JobGraph job(
            java.nio.file.Path input, int parallelism, boolean continuous, boolean injectFailure) {
        return job(input, parallelism, continuous, injectFailure, false);
    }

    /**
     * writeBack: on RocksDB, where the assembler behind {@link TraceAssemblerOperator} writes
     * traces back (flushed before every barrier and on eviction); otherwise the MiniCluster's heap
     * backend.
     */
    static JobGraph job(
            java.nio.file.Path input,
            int parallelism,
            boolean continuous,
            boolean injectFailure,
            boolean writeBack) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (writeBack) {
            EmbeddedRocksDBStateBackend rocksdb = new EmbeddedRocksDBStateBackend();
            rocksdb.getMemoryConfiguration().setUseManagedMemory(false);
            env.setStateBackend(rocksdb);
        }
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        env.setParallelism(parallelism);
        env.enableCheckpointing(200);
        env.getConfig().disableGenericTypes();
        FileSource.FileSourceBuilder<RawRecord> source =
                FileSource.forBulkFileFormat(new ArchiveFormat(), new Path(input.toUri()))
                        .setFileEnumerator(NonSplittingRecursiveEnumerator::new);
        if (continuous) {
            source.monitorContinuously(Duration.ofMillis(200));
        }
        DataStream<RawRecord> records =
                env.fromSource(source.build(), WatermarkStrategy.noWatermarks(), "archives")
                        .uid("span-archives");
        if (injectFailure) {
            records = records.map(new FailOnce(), records.getType()).uid("fail-once");
        }
        TraceAssemblerConfig config = config();
        // The job as TracePipeline wires it (on RocksDB the assembler writes traces back before
        // each barrier).
        DataStream<TraceSummary> summaries = TracePipeline.build(records, config).summaries;
        summaries
                .map(s -> TraceItems.toJsonLine(s, 30), Types.STRING)
                .uid("summary-json")
                .addSink(new Collect())
                .uid("collect");
        return env.getStreamGraph().getJobGraph();
    }

    @Test
    void stopWithSavepointAndRestoreWithLowerParallelism(
            @InjectClusterClient ClusterClient<?> client) throws Exception {
        stopAndRestore(client, 2, 1);
    }

    @Test
    void stopWithSavepointAndRestoreWithHigherParallelism(
            @InjectClusterClient ClusterClient<?> client) throws Exception {
        stopAndRestore(client, 1, 2);
    }

    @Test
    void stopWithSavepointAndRestoreWithTheSameParallelism(
            @InjectClusterClient ClusterClient<?> client) throws Exception {
        stopAndRestore(client, 2, 2);
    }

    /**
     * RocksDB with write-back and a tiny cache (dirty entries evicted all the time), rescaled 2 ->
     * 1.
     */
    @Test
    void writeBackOnRocksDbStopWithSavepointAndRestoreWithLowerParallelism(
            @InjectClusterClient ClusterClient<?> client) throws Exception {
        withTinyCache(() -> stopAndRestore(client, 2, 1, true));
    }

    /** RocksDB with write-back and a tiny cache, rescaled 1 -> 2. */
    @Test
    void writeBackOnRocksDbStopWithSavepointAndRestoreWithHigherParallelism(
            @InjectClusterClient ClusterClient<?> client) throws Exception {
        withTinyCache(() -> stopAndRestore(client, 1, 2, true));
    }

    /**
     * RocksDB with write-back and the default cache (nothing evicted: only the barrier flush
     * persists progress).
     */
    @Test
    void writeBackOnRocksDbAFailureAfterACheckpointRecovers(
            @InjectClusterClient ClusterClient<?> client) throws Exception {
        failureAfterACheckpoint(client, true);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /**
     * While set, {@link #config()} gives the assembler a cache of 20 traces / 400 span ids:
     * evictions happen.
     */
    private static boolean tinyCache;

    private static void withTinyCache(ThrowingRunnable test) throws Exception {
        tinyCache = true;
        try {
            test.run();
        } finally {
            tinyCache = false;
        }
    }

    private void stopAndRestore(ClusterClient<?> client, int before, int after) throws Exception {
        stopAndRestore(client, before, after, false);
    }

    private void stopAndRestore(ClusterClient<?> client, int before, int after, boolean writeBack)
            throws Exception {
        OUTPUT.clear();
        List<java.nio.file.Path> files = writeArchive();
        java.nio.file.Path input = dir.resolve("input");
        int half = files.size() / 2;
        move(files.subList(0, half), input);

        JobID first = client.submitJob(job(input, before, true, false, writeBack)).get();
        within(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .alias("first summaries")
                .until(() -> !OUTPUT.isEmpty());
        String savepoint =
                client.stopWithSavepoint(
                                first,
                                false,
                                dir.resolve("savepoints").toUri().toString(),
                                SavepointFormatType.CANONICAL)
                        .get(60, TimeUnit.SECONDS);
        int emittedBeforeStop = ReplayHarness.lastRevisionById(parse()).size();

        move(files.subList(half, files.size()), input);
        JobGraph restored = job(input, after, true, false, writeBack);
        restored.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
        JobID second = client.submitJob(restored).get();
        Map<String, List<GeneratedSpan>> expected = ReplayHarness.tracesById(generator());
        within(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(100))
                .alias("every trace complete after restore")
                .until(() -> complete(expected));
        client.cancel(second).get(30, TimeUnit.SECONDS);

        Map<String, JsonNode> last = ReplayHarness.lastRevisionById(parse());
        assertThat(last.keySet()).isEqualTo(expected.keySet());
        expected.forEach((id, spans) -> ReplayHarness.assertSummary(last.get(id), spans));
        System.out.printf(
                "[reliability] savepoint%s %d -> %d: %d of %d traces emitted before the stop, %d summary lines,"
                        + " all %d last revisions exact%n",
                writeBack ? " (RocksDB, write-back)" : "",
                before,
                after,
                emittedBeforeStop,
                expected.size(),
                OUTPUT.size(),
                expected.size());
        assertThat(emittedBeforeStop).as("stopped mid-stream").isLessThan(expected.size());
    }

    @Test
    void aFailureAfterACheckpointRecoversToTheSameSummaries(
            @InjectClusterClient ClusterClient<?> client) throws Exception {
        failureAfterACheckpoint(client, false);
    }

    private void failureAfterACheckpoint(ClusterClient<?> client, boolean writeBack)
            throws Exception {
        OUTPUT.clear();
        FAILED_ONCE.set(false);
        CHECKPOINTS_BEFORE_FAILURE.set(0);
        java.nio.file.Path input = dir.resolve("input");
        move(writeArchive(), input);
        JobGraph job = job(input, 2, false, true, writeBack);
        Configuration restart = new Configuration();
        restart.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        restart.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1);
        restart.set(
                RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        job.getJobConfiguration().addAll(restart);
        JobID id = client.submitJob(job).get();
        org.apache.flink.runtime.jobmaster.JobResult result =
                client.requestJobResult(id).get(120, TimeUnit.SECONDS);
        assertThat(result.getSerializedThrowable()).as("job failure").isEmpty();
        assertThat(result.getApplicationStatus().deriveJobStatus()).isEqualTo(JobStatus.FINISHED);
        assertThat(FAILED_ONCE).as("the injected failure happened").isTrue();
        assertThat(CHECKPOINTS_BEFORE_FAILURE.get())
                .as("a checkpoint completed before the failure")
                .isPositive();

        Map<String, List<GeneratedSpan>> expected = ReplayHarness.tracesById(generator());
        Map<String, JsonNode> last = ReplayHarness.lastRevisionById(parse());
        assertThat(last.keySet()).isEqualTo(expected.keySet());
        expected.forEach((traceId, spans) -> ReplayHarness.assertSummary(last.get(traceId), spans));
        System.out.printf(
                "[reliability] failure recovery"
                        + (writeBack ? " (RocksDB, write-back)" : "")
                        + ": failed once after %d checkpoints, %d summary lines, all %d "
                        + "last revisions exact%n",
                CHECKPOINTS_BEFORE_FAILURE.get(),
                OUTPUT.size(),
                expected.size());
    }

    private static boolean complete(Map<String, List<GeneratedSpan>> expected) {
        Map<String, JsonNode> last;
        try {
            last = ReplayHarness.lastRevisionById(parse());
        } catch (Exception e) {
            return false;
        }
        if (!last.keySet().equals(expected.keySet())) {
            return false;
        }
        return expected.entrySet().stream()
                .allMatch(
                        e -> last.get(e.getKey()).get("span_count").asInt() == e.getValue().size());
    }

    static List<JsonNode> parse() throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : OUTPUT) {
            nodes.add(ReplayHarness.MAPPER.readTree(line));
        }
        return nodes;
    }

    static final class Collect implements SinkFunction<String> {
        private static final long serialVersionUID = 1L;

        @Override
        public void invoke(String value, Context context) {
            OUTPUT.add(value);
        }
    }

    /**
     * Slows the input until a checkpoint has completed and 100 records passed (per subtask), then
     * throws once.
     */
    static final class FailOnce extends RichMapFunction<RawRecord, RawRecord>
            implements CheckpointListener {
        private static final long serialVersionUID = 1L;
        private transient int seen;

        @Override
        public RawRecord map(RawRecord record) throws Exception {
            if (!FAILED_ONCE.get()) {
                Thread.sleep(5);
                if (++seen >= 100
                        && CHECKPOINTS_BEFORE_FAILURE.get() > 0
                        && FAILED_ONCE.compareAndSet(false, true)) {
                    throw new IllegalStateException("injected failure (reliability test)");
                }
            }
            return record;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            if (!FAILED_ONCE.get()) {
                CHECKPOINTS_BEFORE_FAILURE.incrementAndGet();
            }
        }
    }
}
