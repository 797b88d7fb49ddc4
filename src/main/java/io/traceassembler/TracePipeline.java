package io.traceassembler;

import io.traceassembler.analyze.InsightRules;
import io.traceassembler.analyze.TraceAnalysis;
import io.traceassembler.analyze.TraceAnalyzer;
import io.traceassembler.assemble.AssemblySpan;
import io.traceassembler.assemble.TraceAssembler;
import io.traceassembler.assemble.TraceAssemblerOperator;
import io.traceassembler.assemble.TraceWatermarks;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.ingest.DecodeSpans;
import io.traceassembler.model.DeadLetter;
import io.traceassembler.model.Insight;
import io.traceassembler.model.RawRecord;
import io.traceassembler.model.Span;
import io.traceassembler.model.TraceId;
import io.traceassembler.model.TraceSummary;
import io.traceassembler.sink.ServiceGraphAggregator;
import io.traceassembler.sink.ServiceGraphMinute;
import io.traceassembler.sink.SpanMetricsAggregator;
import io.traceassembler.sink.SpanMetricsMinute;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.contrib.streaming.state.RocksDBConfigurableOptions;
import org.apache.flink.contrib.streaming.state.RocksDBOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The processing graph shared by the live job and replay: records are decoded into spans, keyed by
 * trace id, assembled into traces and analysed. Sources and sinks are the caller's, so the same
 * code runs on Kinesis, on archives and in tests. Span RED metrics are pre-aggregated right after
 * decoding, before the keyBy (no span is shuffled for them); the service graph is pre-aggregated
 * from the assembler's edges in the assembler's subtask.
 *
 * <p>The operator uids below are part of the savepoint format: never change them.
 */
public final class TracePipeline {
    public static final String DECODE_UID = "decode-spans";
    public static final String WATERMARKS_UID = "span-watermarks";
    public static final String ASSEMBLY_SPANS_UID = "assembly-spans";

    /**
     * Also the operator's name: the uid of the first release, kept because savepoints name the
     * state by it.
     */
    public static final String ASSEMBLE_UID = "trace-assembler";

    public static final String ANALYZE_UID = "analyze-traces";
    public static final String SPAN_METRICS_UID = "span-metrics";
    public static final String SERVICE_GRAPH_UID = "service-graph";

    private TracePipeline() {}

    /** What the pipeline produces; each stream goes to a sink of the caller's choice. */
    public static final class Outputs {
        public final DataStream<TraceSummary> summaries;
        public final DataStream<Insight> insights;
        public final DataStream<DeadLetter> deadLetters;
        public final DataStream<Span> lateSpans;

        /**
         * Span RED metrics, per subtask and minute; null when {@code SpanMetrics.enabled} is off.
         */
        public final DataStream<SpanMetricsMinute> spanMetrics;

        /**
         * The service graph, per subtask and minute; null when {@code ServiceGraph.enabled} is off.
         */
        public final DataStream<ServiceGraphMinute> serviceGraph;

        Outputs(
                DataStream<TraceSummary> summaries,
                DataStream<Insight> insights,
                DataStream<DeadLetter> deadLetters,
                DataStream<Span> lateSpans,
                DataStream<SpanMetricsMinute> spanMetrics,
                DataStream<ServiceGraphMinute> serviceGraph) {
            this.summaries = summaries;
            this.insights = insights;
            this.deadLetters = deadLetters;
            this.lateSpans = lateSpans;
            this.spanMetrics = spanMetrics;
            this.serviceGraph = serviceGraph;
        }
    }

    /**
     * Insights of each summary of a stream that does not come from {@link #assemble} (which
     * analyses its summaries itself): keyed by trace id, each insight type is reported once per
     * trace.
     */
    public static SingleOutputStreamOperator<TraceSummary> analyze(
            DataStream<TraceSummary> summaries, TraceAssemblerConfig config) {
        TraceAssemblerConfig.TraceAssembly assembly = config.traceAssembly;
        return summaries
                .keyBy(summary -> TraceId.of(summary.traceId), TraceId.TYPE)
                .process(
                        new TraceAnalyzer(
                                new InsightRules(config.insights),
                                assembly.sessionGap
                                        .plus(assembly.allowedLateness)
                                        .plus(assembly.maxTraceDuration)))
                .name("analyze-traces")
                .uid(ANALYZE_UID);
    }

    /**
     * Spans (with timestamps) to analysed trace summaries: each span becomes an {@link
     * AssemblySpan} (chained, no serialisation), is keyed by its {@link TraceId} and assembled;
     * each emitted summary gets its insights ({@link TraceAnalysis}, reported once per type and
     * trace on the {@link TraceAnalysis#INSIGHTS} side output; the reported types live in the
     * assembler's per-trace state, so analysis needs no state or timer of its own). The operator
     * around the assembler writes traces back to RocksDB before each checkpoint instead of on every
     * span (see TraceAssemblerOperator). Late spans are on the {@link TraceAssembler#LATE_SPANS}
     * side output.
     */
    public static SingleOutputStreamOperator<TraceSummary> assemble(
            DataStream<Span> spans, TraceAssemblerConfig config) {
        spans.getExecutionEnvironment().configure(rocksDbSettings(config.traceAssembly));
        return spans.map(AssemblySpan::of, AssemblySpan.TYPE)
                .name("assembly-spans")
                .uid(ASSEMBLY_SPANS_UID)
                .keyBy(span -> span.traceId, TraceId.TYPE)
                .transform(
                        ASSEMBLE_UID,
                        TypeInformation.of(TraceSummary.class),
                        new TraceAssemblerOperator(
                                new TraceAssembler(
                                        config.traceAssembly,
                                        new TraceAnalysis(new InsightRules(config.insights)),
                                        config.serviceGraph.enabled)))
                .uid(ASSEMBLE_UID);
    }

    /**
     * What the assembler's state needs of RocksDB, set on the job (the backend is configured with
     * the cluster's settings and the job's on top of them, on Managed Flink too; the heap backend
     * ignores it). Bloom filters: the first span of every trace looks its trace up and finds
     * nothing; without filters that search reads every level's index. Measured
     * (docs/performance.md, round 4): the checkpointed RocksDB run 316k spans/s with them, 256k
     * without. Timers on the heap unless {@code TraceAssembly.timers.on.heap} is off (see {@link
     * io.traceassembler.config.TraceAssemblyOptions#TIMERS_ON_HEAP}).
     */
    public static Configuration rocksDbSettings(TraceAssemblerConfig.TraceAssembly assembly) {
        Configuration settings = new Configuration();
        settings.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
        settings.set(
                RocksDBOptions.TIMER_SERVICE_FACTORY,
                assembly.timersOnHeap
                        ? EmbeddedRocksDBStateBackend.PriorityQueueStateType.HEAP
                        : EmbeddedRocksDBStateBackend.PriorityQueueStateType.ROCKSDB);
        return settings;
    }

    public static Outputs build(DataStream<RawRecord> records, TraceAssemblerConfig config) {
        SingleOutputStreamOperator<Span> spans =
                records.process(new DecodeSpans(config.spanSource.format))
                        .name("decode-spans")
                        .uid(DECODE_UID);

        SingleOutputStreamOperator<TraceSummary> assembled =
                assemble(
                        spans.assignTimestampsAndWatermarks(
                                        TraceWatermarks.forSpans(config.traceAssembly))
                                .name("span-watermarks")
                                .uid(WATERMARKS_UID),
                        config);

        return new Outputs(
                assembled,
                assembled.getSideOutput(TraceAnalysis.INSIGHTS),
                spans.getSideOutput(DecodeSpans.DEAD_LETTERS)
                        .union(assembled.getSideOutput(TraceAssembler.UNTIMED_TRACES)),
                assembled.getSideOutput(TraceAssembler.LATE_SPANS),
                config.spanMetrics.enabled ? spanMetrics(spans, config) : null,
                config.serviceGraph.enabled ? serviceGraph(assembled, config) : null);
    }

    /**
     * Chained to the decoder, before the keyBy: one pre-aggregated record per minute, service and
     * operation and subtask crosses the network instead of every span.
     */
    static DataStream<SpanMetricsMinute> spanMetrics(
            DataStream<Span> spans, TraceAssemblerConfig config) {
        return spans.transform(
                        "span-metrics",
                        TypeInformation.of(SpanMetricsMinute.class),
                        new SpanMetricsAggregator(config.spanMetrics))
                .uid(SPAN_METRICS_UID);
    }

    /** Chained to the assembler: its edges, pre-aggregated per minute and edge. */
    static DataStream<ServiceGraphMinute> serviceGraph(
            SingleOutputStreamOperator<TraceSummary> assembled, TraceAssemblerConfig config) {
        return assembled
                .getSideOutput(TraceAssembler.SERVICE_GRAPH_EDGES)
                .transform(
                        "service-graph",
                        TypeInformation.of(ServiceGraphMinute.class),
                        new ServiceGraphAggregator(config.serviceGraph))
                .uid(SERVICE_GRAPH_UID);
    }
}
