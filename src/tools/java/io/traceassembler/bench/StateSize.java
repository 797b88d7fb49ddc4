package io.traceassembler.bench;

import io.traceassembler.TracePipeline;
import io.traceassembler.assemble.TraceAssembler;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.model.Span;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.source.SourceFunction;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * State bytes per open trace of {@link TraceAssembler}, heap and RocksDB.
 *
 * <p>Method: a job (source → keyBy trace id → TraceAssembler, no watermarks, so no trace ever
 * closes) receives N synthetic traces of S spans with realistic ids (32/16 hex characters, three
 * services of a pool of eight, 20-character operation names), then idles. A savepoint is taken: its
 * completion also proves every span before the barrier was processed. Then, with the job still
 * running:
 *
 * <ul>
 *   <li>heap backend: the used heap after full GCs, minus the same with a single open trace, / N:
 *       the resident bytes per open trace (objects, strings, hash map entries and all);
 *   <li>both backends: the savepoint size (canonical format for heap, native for RocksDB: the SST
 *       files, as held on a task manager's local disk and in its block cache) / N.
 * </ul>
 *
 * Measured for S = 1 and S = {@link #SPANS_PER_TRACE} (about the archive's mean of 18); per-span
 * bytes are the difference / (S - 1).
 */
final class StateSize {
    static final int SPANS_PER_TRACE = 20;

    /** Spans emitted by the (single, same-JVM) source of the running measurement job. */
    static final AtomicLong EMITTED = new AtomicLong();

    private StateSize() {}

    static final class Result {
        static final Result NONE = new Result();

        int traces;
        double heapBytesPerTrace;
        double heapBytesPerSpan;
        double heapSavepointBytesPerTrace;
        double heapSavepointBytesPerSpan;
        double rocksdbBytesPerTrace;
        double rocksdbBytesPerSpan;

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "state per open trace of %d spans (%,d traces): heap resident %.0f B (+%.0f B per span), "
                            + "heap savepoint %.0f B (+%.0f B per span), RocksDB SST %.0f B (+%.0f B per span)",
                    SPANS_PER_TRACE,
                    traces,
                    heapBytesPerTrace,
                    heapBytesPerSpan,
                    heapSavepointBytesPerTrace,
                    heapSavepointBytesPerSpan,
                    rocksdbBytesPerTrace,
                    rocksdbBytesPerSpan);
        }
    }

    static Result measure(int traces, int parallelism) throws Exception {
        Result r = new Result();
        r.traces = traces;
        Measurement heapBase = measureOnce(1, 1, parallelism, false);
        Measurement heapOne = measureOnce(traces, 1, parallelism, false);
        Measurement heapMany = measureOnce(traces, SPANS_PER_TRACE, parallelism, false);
        r.heapBytesPerTrace = (heapMany.heapBytes - heapBase.heapBytes) / (double) traces;
        r.heapBytesPerSpan =
                (heapMany.heapBytes - heapOne.heapBytes) / (double) traces / (SPANS_PER_TRACE - 1);
        r.heapSavepointBytesPerTrace =
                (heapMany.savepointBytes - heapBase.savepointBytes) / (double) traces;
        r.heapSavepointBytesPerSpan =
                (heapMany.savepointBytes - heapOne.savepointBytes)
                        / (double) traces
                        / (SPANS_PER_TRACE - 1);
        Measurement rocksBase = measureOnce(1, 1, parallelism, true);
        Measurement rocksOne = measureOnce(traces, 1, parallelism, true);
        Measurement rocksMany = measureOnce(traces, SPANS_PER_TRACE, parallelism, true);
        r.rocksdbBytesPerTrace =
                (rocksMany.savepointBytes - rocksBase.savepointBytes) / (double) traces;
        r.rocksdbBytesPerSpan =
                (rocksMany.savepointBytes - rocksOne.savepointBytes)
                        / (double) traces
                        / (SPANS_PER_TRACE - 1);
        return r;
    }

    static final class Measurement {
        long heapBytes;
        long savepointBytes;
    }

    static Measurement measureOnce(int traces, int spansPerTrace, int parallelism, boolean rocksdb)
            throws Exception {
        Path checkpoints = Files.createTempDirectory("bench-checkpoints");
        org.apache.flink.configuration.Configuration conf =
                new org.apache.flink.configuration.Configuration();
        conf.setString("state.checkpoint-storage", "filesystem");
        conf.setString("state.checkpoints.dir", checkpoints.toUri().toString());
        StreamExecutionEnvironment env = PipelineBenchmark.environment(parallelism, rocksdb, conf);
        TraceAssemblerConfig config = TraceAssemblerConfig.defaults();
        TracePipeline.assemble(
                        env.addSource(
                                        new OpenTraces(traces, spansPerTrace),
                                        "open-traces",
                                        TypeInformation.of(Span.class))
                                .setParallelism(1),
                        config)
                .addSink(new CountingSink<>());
        EMITTED.set(0);
        long total = (long) traces * spansPerTrace;
        JobClient job = env.executeAsync("state-size-" + traces + "x" + spansPerTrace);
        try {
            while (EMITTED.get() < total) {
                Thread.sleep(50);
            }
            Path dir = Files.createTempDirectory("bench-savepoint");
            // The first attempts fail while a task is still starting (RocksDB opens slowly): retry.
            for (int attempt = 1; ; attempt++) {
                try {
                    job.triggerSavepoint(
                                    dir.toUri().toString(),
                                    rocksdb
                                            ? SavepointFormatType.NATIVE
                                            : SavepointFormatType.CANONICAL)
                            .get(10, TimeUnit.MINUTES);
                    break;
                } catch (java.util.concurrent.ExecutionException e) {
                    if (attempt >= 30) {
                        throw e;
                    }
                    Thread.sleep(500);
                }
            }
            Measurement m = new Measurement();
            m.savepointBytes = size(dir);
            m.heapBytes = usedHeapAfterGc();
            System.out.printf(
                    Locale.ROOT,
                    "bench: state-size %s %,d traces x %d spans: savepoint %,d B, heap %,d MB%n",
                    rocksdb ? "rocksdb" : "heap",
                    traces,
                    spansPerTrace,
                    m.savepointBytes,
                    m.heapBytes >> 20);
            delete(dir);
            delete(checkpoints);
            return m;
        } finally {
            job.cancel().get(1, TimeUnit.MINUTES);
            try {
                job.getJobExecutionResult().get(1, TimeUnit.MINUTES);
            } catch (Exception expected) {
                // cancelled
            }
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * Emits N traces of S spans, then idles until cancelled (no watermarks: nothing ever closes).
     */
    static final class OpenTraces implements SourceFunction<Span> {
        private static final long serialVersionUID = 1L;
        private static final String[] SERVICES = {
            "api-gateway",
            "checkout",
            "payments",
            "inventory",
            "shipping",
            "user-profile",
            "search",
            "pricing"
        };
        private static final String[] OPERATIONS = {
            "GET /api/orders/{id}",
            "POST /api/checkout..",
            "SELECT order_lines..",
            "PUT /inventory/{sku}"
        };

        private final int traces;
        private final int spansPerTrace;
        private volatile boolean running = true;

        OpenTraces(int traces, int spansPerTrace) {
            this.traces = traces;
            this.spansPerTrace = spansPerTrace;
        }

        @Override
        public void run(SourceContext<Span> ctx) throws Exception {
            java.util.Random random = new java.util.Random(7);
            long start = 1_735_689_600_000_000L; // 2025-01-01T00:00Z in micros
            for (int t = 0; t < traces && running; t++) {
                String traceId = hex(random.nextLong()) + hex(random.nextLong());
                int firstService = random.nextInt(SERVICES.length);
                String parent = null;
                synchronized (ctx.getCheckpointLock()) {
                    for (int s = 0; s < spansPerTrace; s++) {
                        String spanId = hex(random.nextLong());
                        long spanStart = start + t * 1000L + s * 100L;
                        ctx.collect(
                                new Span(
                                        traceId,
                                        spanId,
                                        parent,
                                        SERVICES[(firstService + s % 3) % SERVICES.length],
                                        OPERATIONS[s % OPERATIONS.length],
                                        spanStart,
                                        spanStart + 5_000,
                                        s == 3));
                        if (parent == null) {
                            parent = spanId;
                        }
                    }
                }
                EMITTED.addAndGet(spansPerTrace);
            }
            while (running) {
                Thread.sleep(100);
            }
        }

        private static String hex(long value) {
            String s = Long.toHexString(value);
            return "0000000000000000".substring(s.length()) + s;
        }

        @Override
        public void cancel() {
            running = false;
        }
    }
}
