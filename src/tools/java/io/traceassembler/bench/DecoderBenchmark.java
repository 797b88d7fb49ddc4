package io.traceassembler.bench;

import io.traceassembler.generate.Compression;
import io.traceassembler.generate.Encoding;
import io.traceassembler.generate.GeneratedRecord;
import io.traceassembler.generate.GeneratorOptions;
import io.traceassembler.generate.TraceGenerator;
import io.traceassembler.generate.TrafficOptions;
import io.traceassembler.generate.TrafficShaper;
import io.traceassembler.ingest.SpanCollector;
import io.traceassembler.ingest.SpanDecoder;
import io.traceassembler.model.Span;
import io.traceassembler.model.SpanFormat;

import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Decoder throughput per encoding (and compression): the primary score is records/s, the secondary
 * {@code spans} score spans/s. The records are the span generator's (realistic batches of its
 * traffic shaper), decoded with format AUTO as the live job does.
 *
 * <pre>scripts/bench.sh --jmh DecoderBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx1g"})
public class DecoderBenchmark {

    @Param({
        "NATIVE_SPAN",
        "NATIVE_KINESIS_RECORD",
        "OTLP_PROTO",
        "OTLP_JSON",
        "ZIPKIN_JSON",
        "ZIPKIN_PROTO",
        "JAEGER_PROTO"
    })
    public Encoding encoding;

    @Param({"NONE", "GZIP"})
    public Compression compression;

    private byte[][] records;
    private int spans;
    private int next;
    private SpanDecoder decoder;
    private Counting out;

    @Setup(Level.Trial)
    public void setUp() {
        TrafficOptions traffic =
                TrafficOptions.defaults()
                        .seed(2)
                        .encodingWeights(Map.of(encoding, 1.0))
                        .compressionWeights(Map.of(compression, 1.0));
        GeneratorOptions generator =
                GeneratorOptions.defaults()
                        .seed(1)
                        .traces(2_000)
                        .zipkinTraceRatio(traffic.zipkinShare());
        TrafficShaper shaper = TrafficShaper.of(new TraceGenerator(generator), traffic);
        List<byte[]> data = new ArrayList<>();
        while (shaper.hasNext()) {
            GeneratedRecord record = shaper.next();
            data.add(record.data);
            spans += record.spans.size();
        }
        records = data.toArray(new byte[0][]);
        decoder = new SpanDecoder(SpanFormat.AUTO);
        out = new Counting();
        for (byte[] record : records) {
            decoder.decode(record, out);
        }
        if (out.spans != spans || out.rejects != 0) {
            throw new IllegalStateException(
                    "decoded "
                            + out.spans
                            + " spans and "
                            + out.rejects
                            + " rejects, expected "
                            + spans
                            + " spans");
        }
        System.out.printf(
                "%n%s/%s: %d records, %d spans, %.1f spans per record%n",
                encoding, compression, records.length, spans, spans / (double) records.length);
    }

    /**
     * Reported by JMH as a rate of its own: spans/s (the benchmark's primary score is records/s).
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class SpansDecoded {
        public long spans;

        @Setup(Level.Iteration)
        public void reset() {
            spans = 0;
        }
    }

    /** Decodes the next record. */
    @Benchmark
    public void decodeRecord(Blackhole bh, SpansDecoded counter) {
        byte[] record = records[next];
        next = next + 1 == records.length ? 0 : next + 1;
        out.bh = bh;
        long before = out.spans;
        decoder.decode(record, out);
        counter.spans += out.spans - before;
    }

    static final class Counting implements SpanCollector {
        Blackhole bh;
        long spans;
        long rejects;

        @Override
        public void collect(Span span) {
            spans++;
            if (bh != null) {
                bh.consume(span);
            }
        }

        @Override
        public void reject(String reason) {
            rejects++;
        }
    }
}
