package io.traceassembler.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;

/**
 * Keys of the {@code TraceAssembly} group: session windows, watermarks, lateness and per-trace
 * bounds.
 */
public final class TraceAssemblyOptions {
    public static final ConfigOption<Duration> SESSION_GAP =
            ConfigOptions.key("session.gap")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "a trace closes after this long (event time) without a new span");

    public static final ConfigOption<Duration> MAX_OUT_OF_ORDERNESS =
            ConfigOptions.key("max.out.of.orderness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription("watermark delay behind the latest span end");

    public static final ConfigOption<Duration> IDLENESS =
            ConfigOptions.key("idleness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription(
                            "after this long without spans the watermark advances with the wall clock");

    public static final ConfigOption<Duration> ALLOWED_LATENESS =
            ConfigOptions.key("allowed.lateness")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(5))
                    .withDescription("late spans within this re-emit the trace with revision + 1");

    public static final ConfigOption<Duration> MAX_TRACE_DURATION =
            ConfigOptions.key("max.trace.duration")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "a trace that never goes quiet is emitted after this long (and every such period "
                                    + "after); longer than session.gap");

    public static final ConfigOption<Integer> MAX_SPANS_PER_TRACE =
            ConfigOptions.key("max.spans.per.trace")
                    .intType()
                    .defaultValue(10_000)
                    .withDescription(
                            "spans kept per trace for de-duplication and orphan counts; beyond it truncated");

    /*
     * The cache holds, ideally, the traces of one session gap: at the planned 50,000 spans/s per KPU and a 30 s
     * gap ~1.5 M spans in ~80,000 traces; the defaults hold about two thirds of that (a trace evicted before it
     * closes costs one more write and read, not one per span). From the measured heap state (~500 bytes per
     * trace plus 16-20 per span id): about 50-60 MB per subtask when full.
     */
    public static final ConfigOption<Integer> CACHE_MAX_TRACES =
            ConfigOptions.key("cache.max.traces")
                    .intType()
                    .defaultValue(65_536)
                    .withDescription(
                            "RocksDB only: traces each subtask keeps in its write-back cache");

    public static final ConfigOption<Integer> CACHE_MAX_SPANS =
            ConfigOptions.key("cache.max.spans")
                    .intType()
                    .defaultValue(1_000_000)
                    .withDescription(
                            "RocksDB only: span ids each subtask's write-back cache holds at most");

    /*
     * RocksDB keeps timers in a column family by default: every registration a write, every firing
     * a delete and, when a key group's small in-memory cache runs dry, a seek. The assembler has
     * one pending timer per open trace, so on the heap they are bounded by the open traces:
     * ~110 bytes each (the timer 32, its de-duplication map entry ~40, the trace id key 32).
     * Measured on the checkpointed RocksDB benchmark: 341k -> 388k spans/s (docs/performance.md).
     */
    public static final ConfigOption<Boolean> TIMERS_ON_HEAP =
            ConfigOptions.key("timers.on.heap")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "RocksDB only: keep the event-time timers (one per open trace, ~110 bytes of heap "
                                    + "each) on the JVM heap instead of in RocksDB (faster); the first restore after a "
                                    + "change registers every trace's timer again");

    public static final OptionGroup GROUP =
            new OptionGroup(
                    "TraceAssembly",
                    SESSION_GAP,
                    MAX_OUT_OF_ORDERNESS,
                    IDLENESS,
                    ALLOWED_LATENESS,
                    MAX_TRACE_DURATION,
                    MAX_SPANS_PER_TRACE,
                    CACHE_MAX_TRACES,
                    CACHE_MAX_SPANS,
                    TIMERS_ON_HEAP);

    private TraceAssemblyOptions() {}
}
