package io.traceassembler.bench;

import io.traceassembler.generate.Compression;
import io.traceassembler.generate.Encoding;
import io.traceassembler.generate.GeneratedRecord;
import io.traceassembler.generate.TrafficShaper;
import io.traceassembler.ingest.SpanCollector;
import io.traceassembler.ingest.SpanDecoder;
import io.traceassembler.model.Span;
import io.traceassembler.model.SpanFormat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jaegertracing.api_v2.Model;
import io.opentelemetry.proto.trace.v1.TracesData;
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
import zipkin2.codec.SpanBytesDecoder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * Decoder throughput per encoding (and compression): the primary score is records/s, the secondary
 * {@code spans} score spans/s. The records are the span generator's (realistic batches of its
 * traffic shaper), decoded with format AUTO as the live job does.
 *
 * <p>{@link #libraryParse} is the yardstick in the same run: the encoding's own library parsing the
 * same records in full, as a reader built on it would ({@code TracesData.parseFrom} for OTLP
 * protobuf, Zipkin's {@code SpanBytesDecoder} for Zipkin JSON and protobuf, {@code
 * Model.Span.parseFrom} for Jaeger, Jackson's {@code readTree} for the JSON encodings: native,
 * native Kinesis record, OTLP JSON). It parses the uncompressed bytes: with {@code compression}
 * other than NONE the records are inflated once, before the measurement.
 *
 * <pre>scripts/bench.sh --jmh DecoderBenchmark -p compression=NONE -prof gc</pre>
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
    private byte[][] plain;
    private int[] spansOf;
    private int spans;
    private final ObjectMapper jackson = new ObjectMapper();
    private int next;
    private SpanDecoder decoder;
    private Counting out;

    @Setup(Level.Trial)
    public void setUp() {
        List<byte[]> data = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (GeneratedRecord record : TrafficShaper.recordsOf(encoding, compression, 2_000, 1, 2)) {
            data.add(record.data);
            counts.add(record.spans.size());
            spans += record.spans.size();
        }
        records = data.toArray(new byte[0][]);
        spansOf = counts.stream().mapToInt(Integer::intValue).toArray();
        plain = new byte[records.length][];
        for (int i = 0; i < records.length; i++) {
            plain[i] = inflate(records[i]);
        }
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

    /**
     * The library's full parse of the next record (uncompressed), the yardstick of {@link
     * #decodeRecord}.
     */
    @Benchmark
    public void libraryParse(Blackhole bh, SpansDecoded counter) throws IOException {
        int index = next;
        next = next + 1 == records.length ? 0 : next + 1;
        byte[] bytes = plain[index];
        switch (encoding) {
            case OTLP_PROTO:
                bh.consume(TracesData.parseFrom(bytes));
                break;
            case JAEGER_PROTO:
                bh.consume(Model.Span.parseFrom(bytes));
                break;
            case ZIPKIN_JSON:
                bh.consume(SpanBytesDecoder.JSON_V2.decodeList(bytes));
                break;
            case ZIPKIN_PROTO:
                bh.consume(SpanBytesDecoder.PROTO3.decodeList(bytes));
                break;
            default: // native span, native Kinesis record, OTLP JSON
                bh.consume(jackson.readTree(bytes));
        }
        counter.spans += spansOf[index];
    }

    private byte[] inflate(byte[] record) {
        try {
            switch (compression) {
                case NONE:
                    return record;
                case GZIP:
                    return new GZIPInputStream(new ByteArrayInputStream(record)).readAllBytes();
                default:
                    // the decoder's own inflation (zlib, raw deflate, gzip without trailer)
                    throw new IllegalArgumentException(
                            "libraryParse supports compression NONE and GZIP, not " + compression);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
