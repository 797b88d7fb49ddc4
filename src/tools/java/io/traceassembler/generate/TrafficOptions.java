package io.traceassembler.generate;

import java.util.EnumMap;
import java.util.Map;

/** Knobs of {@link TrafficShaper}: the record mix and the delivery faults of real exporters. */
public final class TrafficOptions {
    private long seed = 42L;
    private final Map<Encoding, Double> encodingWeights = new EnumMap<>(Encoding.class);
    private final Map<Compression, Double> compressionWeights = new EnumMap<>(Compression.class);
    private int maxSpansPerBatch = 50;
    private long outOfOrderMillis = 2_000;
    private double duplicateRatio = 0.0;
    private long duplicateDelayMillis = 5_000;
    private double lateRatio = 0.0;
    private long lateDelayMillis = 120_000;
    private double kplRatio = 0.0;
    private int kplMaxRecords = 8;
    private double badRatio = 0.0;

    private TrafficOptions() {
        // OTLP protobuf is the exporter default, so it dominates; every encoding and compression
        // occurs.
        // Out of 10: OTLP proto 3, OTLP JSON 1, Zipkin JSON 1, Zipkin proto 1, Jaeger proto 1, each
        // native 1.5
        // (the RecordMixOptions --encodings help says so too).
        encodingWeights.put(Encoding.OTLP_PROTO, 3.0);
        encodingWeights.put(Encoding.OTLP_JSON, 1.0);
        encodingWeights.put(Encoding.ZIPKIN_JSON, 1.0);
        encodingWeights.put(Encoding.ZIPKIN_PROTO, 1.0);
        encodingWeights.put(Encoding.JAEGER_PROTO, 1.0);
        encodingWeights.put(Encoding.NATIVE_SPAN, 1.5);
        encodingWeights.put(Encoding.NATIVE_KINESIS_RECORD, 1.5);
        compressionWeights.put(Compression.NONE, 6.0);
        compressionWeights.put(Compression.GZIP, 2.0);
        compressionWeights.put(Compression.GZIP_NO_TRAILER, 0.5);
        compressionWeights.put(Compression.ZLIB, 1.0);
        compressionWeights.put(Compression.DEFLATE, 0.5);
    }

    public static TrafficOptions defaults() {
        return new TrafficOptions();
    }

    public TrafficOptions seed(long value) {
        seed = value;
        return this;
    }

    /** Relative record weights per encoding; encodings left out do not occur. */
    public TrafficOptions encodingWeights(Map<Encoding, Double> weights) {
        encodingWeights.clear();
        encodingWeights.putAll(requirePositiveTotal(weights, "encoding"));
        return this;
    }

    /** Relative record weights per compression; compressions left out do not occur. */
    public TrafficOptions compressionWeights(Map<Compression, Double> weights) {
        compressionWeights.clear();
        compressionWeights.putAll(requirePositiveTotal(weights, "compression"));
        return this;
    }

    /** Largest OTLP/Zipkin batch; native and Jaeger records always hold one span. */
    public TrafficOptions maxSpansPerBatch(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("maxSpansPerBatch must be at least 1");
        }
        maxSpansPerBatch = value;
        return this;
    }

    /** Spans are sent in end-time order give or take this much (bounded out-of-orderness). */
    public TrafficOptions outOfOrderMillis(long value) {
        outOfOrderMillis = GeneratorOptions.requireNonNegative(value, "outOfOrderMillis");
        return this;
    }

    /**
     * Fraction of records re-sent (identical bytes) up to {@link #duplicateDelayMillis()} later.
     */
    public TrafficOptions duplicateRatio(double value) {
        duplicateRatio = GeneratorOptions.requireRatio(value, "duplicateRatio");
        return this;
    }

    public TrafficOptions duplicateDelayMillis(long value) {
        duplicateDelayMillis = Math.max(1, value);
        return this;
    }

    /**
     * Fraction of spans held back and first delivered {@link #lateDelayMillis()} after they ended.
     */
    public TrafficOptions lateRatio(double value) {
        lateRatio = GeneratorOptions.requireRatio(value, "lateRatio");
        return this;
    }

    public TrafficOptions lateDelayMillis(long value) {
        lateDelayMillis = GeneratorOptions.requireNonNegative(value, "lateDelayMillis");
        return this;
    }

    /**
     * Fraction of records that are KPL aggregates of 2 to {@link #kplMaxRecords()} user records.
     */
    public TrafficOptions kplRatio(double value) {
        kplRatio = GeneratorOptions.requireRatio(value, "kplRatio");
        return this;
    }

    public TrafficOptions kplMaxRecords(int value) {
        kplMaxRecords = Math.max(2, value);
        return this;
    }

    /** Bad records mixed in per good record (each one dead letter). */
    public TrafficOptions badRatio(double value) {
        badRatio = GeneratorOptions.requireRatio(value, "badRatio");
        return this;
    }

    public long seed() {
        return seed;
    }

    public Map<Encoding, Double> encodingWeights() {
        return new EnumMap<>(encodingWeights);
    }

    /**
     * The Zipkin encodings' ({@code zipkin_json}, {@code zipkin_proto}) share of the encoding
     * weights, 0..1: the {@link GeneratorOptions#zipkinTraceRatio(double)} that matches this mix.
     */
    public double zipkinShare() {
        double total = 0;
        double zipkin = 0;
        for (Map.Entry<Encoding, Double> entry : encodingWeights.entrySet()) {
            total += entry.getValue();
            zipkin += entry.getKey().isZipkin() ? entry.getValue() : 0;
        }
        return total > 0 ? zipkin / total : 0;
    }

    public Map<Compression, Double> compressionWeights() {
        return new EnumMap<>(compressionWeights);
    }

    public int maxSpansPerBatch() {
        return maxSpansPerBatch;
    }

    public long outOfOrderMillis() {
        return outOfOrderMillis;
    }

    public double duplicateRatio() {
        return duplicateRatio;
    }

    public long duplicateDelayMillis() {
        return duplicateDelayMillis;
    }

    public double lateRatio() {
        return lateRatio;
    }

    public long lateDelayMillis() {
        return lateDelayMillis;
    }

    public double kplRatio() {
        return kplRatio;
    }

    public int kplMaxRecords() {
        return kplMaxRecords;
    }

    public double badRatio() {
        return badRatio;
    }

    private static <K> Map<K, Double> requirePositiveTotal(Map<K, Double> weights, String what) {
        double total = 0;
        for (double weight : weights.values()) {
            if (weight < 0 || Double.isNaN(weight)) {
                throw new IllegalArgumentException("negative " + what + " weight: " + weights);
            }
            total += weight;
        }
        if (total <= 0) {
            throw new IllegalArgumentException(
                    "at least one " + what + " needs a positive weight: " + weights);
        }
        return weights;
    }
}
