package io.traceassembler.generate;

import java.time.Instant;

/**
 * Knobs of {@link TraceGenerator}. Fluent setters on a mutable object keep call sites short: {@code
 * GeneratorOptions.defaults().seed(7).traces(2_000).errorRatio(0.1)}.
 */
public final class GeneratorOptions {
    /**
     * A fixed default start so that runs without {@code --start} are reproducible byte for byte.
     */
    public static final long DEFAULT_START_EPOCH_MILLIS =
            Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();

    private long seed = 42L;
    private long traces = 1_000L;
    private double errorRatio = 0.05;
    private double slowRatio = 0.02;
    private double fanOutRatio = 0.30;
    private double bigTraceRatio = 0.0;
    private int bigTraceSpans = 5_000;
    private int maxRepeat = 4;
    private long startEpochMillis = DEFAULT_START_EPOCH_MILLIS;
    private double tracesPerSecond = 100.0;
    private double zipkinTraceRatio = TrafficOptions.defaults().zipkinShare();
    private double b3Ratio = 0.3;

    public static GeneratorOptions defaults() {
        return new GeneratorOptions();
    }

    public GeneratorOptions copy() {
        GeneratorOptions c = new GeneratorOptions();
        c.seed = seed;
        c.traces = traces;
        c.errorRatio = errorRatio;
        c.slowRatio = slowRatio;
        c.fanOutRatio = fanOutRatio;
        c.bigTraceRatio = bigTraceRatio;
        c.bigTraceSpans = bigTraceSpans;
        c.maxRepeat = maxRepeat;
        c.startEpochMillis = startEpochMillis;
        c.tracesPerSecond = tracesPerSecond;
        c.zipkinTraceRatio = zipkinTraceRatio;
        c.b3Ratio = b3Ratio;
        return c;
    }

    /** Seed of all randomness; the same options always produce the same traces. */
    public GeneratorOptions seed(long value) {
        seed = value;
        return this;
    }

    /** Number of traces to generate. */
    public GeneratorOptions traces(long value) {
        traces = requireNonNegative(value, "traces");
        return this;
    }

    /** Fraction of traces with at least one span in status {@code error}. */
    public GeneratorOptions errorRatio(double value) {
        errorRatio = requireRatio(value, "errorRatio");
        return this;
    }

    /** Fraction of traces lasting more than 5 s (the default {@code slow_trace} threshold). */
    public GeneratorOptions slowRatio(double value) {
        slowRatio = requireRatio(value, "slowRatio");
        return this;
    }

    /**
     * Fraction of (non-big) traces touching more than 5 services (the {@code high_service_count}
     * threshold).
     */
    public GeneratorOptions fanOutRatio(double value) {
        fanOutRatio = requireRatio(value, "fanOutRatio");
        return this;
    }

    /** Fraction of traces that are bulk imports of exactly {@link #bigTraceSpans()} spans. */
    public GeneratorOptions bigTraceRatio(double value) {
        bigTraceRatio = requireRatio(value, "bigTraceRatio");
        return this;
    }

    /** Span count of a big trace (at least 7: the fixed part of a bulk import). */
    public GeneratorOptions bigTraceSpans(int value) {
        bigTraceSpans = (int) requireNonNegative(value, "bigTraceSpans");
        return this;
    }

    /** Upper bound of repeated downstream calls, e.g. one stock reservation per order line. */
    public GeneratorOptions maxRepeat(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("maxRepeat must be at least 1");
        }
        maxRepeat = value;
        return this;
    }

    /** Start time of the first trace. */
    public GeneratorOptions startEpochMillis(long value) {
        startEpochMillis = value;
        return this;
    }

    /** Mean trace start rate (Poisson arrivals); also the pace of live targets. */
    public GeneratorOptions tracesPerSecond(double value) {
        if (!(value > 0)) {
            throw new IllegalArgumentException("tracesPerSecond must be positive");
        }
        tracesPerSecond = value;
        return this;
    }

    /**
     * Fraction of traces whose services report with Zipkin reporters (Brave, Spring Cloud Sleuth):
     * the traffic shaper sends every span of such a trace as {@code zipkin_json} or {@code
     * zipkin_proto}, and only those traces may carry B3 shared spans. Default: the Zipkin share of
     * {@link TrafficOptions#defaults()}' encoding mix; set it to {@link
     * TrafficOptions#zipkinShare()} of a custom mix (0 when the mix has no Zipkin encoding).
     */
    public GeneratorOptions zipkinTraceRatio(double value) {
        zipkinTraceRatio = requireRatio(value, "zipkinTraceRatio");
        return this;
    }

    /**
     * Fraction of the client-to-server pairs of Zipkin-reported traces (see {@link
     * #zipkinTraceRatio(double)}) reported the B3 way: the server half takes the client half's span
     * id and parent id and is marked {@code shared}; the server's children name that shared id.
     */
    public GeneratorOptions b3Ratio(double value) {
        b3Ratio = requireRatio(value, "b3Ratio");
        return this;
    }

    public long seed() {
        return seed;
    }

    public long traces() {
        return traces;
    }

    public double errorRatio() {
        return errorRatio;
    }

    public double slowRatio() {
        return slowRatio;
    }

    public double fanOutRatio() {
        return fanOutRatio;
    }

    public double bigTraceRatio() {
        return bigTraceRatio;
    }

    public int bigTraceSpans() {
        return bigTraceSpans;
    }

    public int maxRepeat() {
        return maxRepeat;
    }

    public long startEpochMillis() {
        return startEpochMillis;
    }

    public double tracesPerSecond() {
        return tracesPerSecond;
    }

    public double zipkinTraceRatio() {
        return zipkinTraceRatio;
    }

    public double b3Ratio() {
        return b3Ratio;
    }

    static double requireRatio(double value, String name) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException(name + " must be within [0, 1]: " + value);
        }
        return value;
    }

    static long requireNonNegative(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }
        return value;
    }
}
