package io.traceassembler.bench;

import io.traceassembler.assemble.AssemblerHarness;
import io.traceassembler.assemble.AssemblySpan;
import io.traceassembler.assemble.TraceAssembler;
import io.traceassembler.assemble.TraceAssemblerOperator;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.model.Span;

import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The per-span state update of {@link TraceAssembler} (processElement only, no watermark: nothing
 * closes), on the heap and the RocksDB state backend, in spans/s. Spans come as the job sees them:
 * traces of {@code spansPerTrace} spans, {@code interleave} traces in flight at once (spans of
 * concurrent traces interleaved), each new trace with fresh ids. With 64 interleaved traces the
 * assembler's cache of recent traces answers almost every lookup; with 16,384 (more than it holds)
 * most go to the state. A trial opens a fresh operator; its state grows by about 10 M spans per
 * minute of measuring.
 *
 * <pre>scripts/bench.sh --jmh StateUpdateBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// scripts/bench.sh --jmh prepends the project's JVM options file (-jvmArgsPrepend
// @scripts/flink-jvm.args).
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class StateUpdateBenchmark {

    @Param({"heap", "rocksdb"})
    public String backend;

    @Param({"20"})
    public int spansPerTrace;

    /** Traces whose spans arrive interleaved. */
    @Param({"64", "16384"})
    public int interleave;

    private AssemblerHarness harness;
    private String[] traceIds;
    private String[] lastSpan;
    private int[] emitted;
    private final Random random = new Random(3);
    private long sequence;
    private final StreamRecord<AssemblySpan> reusable = new StreamRecord<>(null);

    private static final String[] SERVICES = {
        "gateway", "orders", "payments", "inventory", "users", "search"
    };

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        // The operator as the job wires it (TracePipeline.assemble): on RocksDB with write-back of
        // cached traces.
        harness =
                new AssemblerHarness(
                        new TraceAssemblerOperator(
                                new TraceAssembler(TraceAssemblerConfig.defaults().traceAssembly)));
        if (backend.equals("rocksdb")) {
            EmbeddedRocksDBStateBackend rocksdb = new EmbeddedRocksDBStateBackend();
            // The harness's mock environment has almost no managed memory: RocksDB would get tiny
            // write
            // buffers and stall on flushes. Use RocksDB's own defaults (64 MB write buffers)
            // instead.
            rocksdb.getMemoryConfiguration().setUseManagedMemory(false);
            harness.setStateBackend(rocksdb);
        } else {
            harness.setStateBackend(new HashMapStateBackend());
        }
        harness.getExecutionConfig().disableGenericTypes();
        harness.open();
        traceIds = new String[interleave];
        lastSpan = new String[interleave];
        emitted = new int[interleave];
        for (int i = 0; i < interleave; i++) {
            newTrace(i);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        harness.close();
    }

    private void newTrace(int slot) {
        traceIds[slot] = hex(random.nextLong()) + hex(random.nextLong());
        lastSpan[slot] = null;
        emitted[slot] = 0;
    }

    @Benchmark
    public void processSpan() throws Exception {
        int slot = random.nextInt(interleave);
        String spanId = hex(random.nextLong());
        long start = 1_735_689_600_000_000L + (sequence++) * 50;
        Span span =
                new Span(
                        traceIds[slot],
                        spanId,
                        lastSpan[slot],
                        SERVICES[emitted[slot] % SERVICES.length],
                        "GET /api/orders/{id}",
                        start,
                        start + 2_000,
                        false);
        reusable.replace(AssemblySpan.of(span), start / 1000 + 2);
        harness.processElement(reusable);
        if (lastSpan[slot] == null) {
            lastSpan[slot] = spanId;
        }
        if (++emitted[slot] == spansPerTrace) {
            newTrace(slot);
        }
    }

    private static String hex(long value) {
        String s = Long.toHexString(value);
        return "0000000000000000".substring(s.length()) + s;
    }
}
