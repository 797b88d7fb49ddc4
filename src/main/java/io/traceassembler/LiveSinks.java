package io.traceassembler;

import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.model.DeadLetter;
import io.traceassembler.model.Insight;
import io.traceassembler.model.Span;
import io.traceassembler.sink.CloudWatchMetricsSink;
import io.traceassembler.sink.DeadLetterLog;
import io.traceassembler.sink.DeadLetterStreamSink;
import io.traceassembler.sink.InsightMetricAggregator;
import io.traceassembler.sink.JsonLines;
import io.traceassembler.sink.MetricDatumRecord;
import io.traceassembler.sink.MetricPoint;
import io.traceassembler.sink.ServiceGraphMinute;
import io.traceassembler.sink.SpanMetricsMinute;
import io.traceassembler.sink.TraceMetricPoints;
import io.traceassembler.sink.TraceStoreSink;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.Collector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The AWS sinks of the pipeline's outputs, shared by the live job and by replay without {@code
 * --output}:
 *
 * <ul>
 *   <li>summaries &rarr; the DynamoDB trace table;
 *   <li>summaries, insights, span metrics and the service graph &rarr; metric points &rarr;
 *       per-minute aggregates &rarr; CloudWatch, when {@code InsightMetrics.enabled};
 *   <li>dead letters, and late spans beyond the allowed lateness, &rarr; the dead-letter stream
 *       when {@code DeadLetters.stream.name} is set, otherwise counted and logged at a bounded
 *       rate.
 * </ul>
 *
 * The uids below are part of the savepoint format: never change them.
 */
public final class LiveSinks {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSinks.class);

    public static final String TRACE_STORE_UID = "trace-store";
    public static final String METRIC_POINTS_UID = "trace-metric-points";
    public static final String INSIGHT_POINTS_UID = "insight-metric-points";
    public static final String SPAN_METRIC_POINTS_UID = "span-metric-points";
    public static final String SERVICE_GRAPH_POINTS_UID = "service-graph-points";
    public static final String INSIGHT_METRICS_UID = "insight-metrics";
    public static final String CLOUDWATCH_UID = "cloudwatch-metrics";
    public static final String LATE_SPAN_DEAD_LETTERS_UID = "late-span-dead-letters";
    public static final String DEAD_LETTER_STREAM_UID = "dead-letter-stream";
    public static final String DEAD_LETTER_LOG_UID = "dead-letter-log";

    public static final String LATE_SPAN_REASON = "late span beyond allowed lateness";

    private LiveSinks() {}

    /** Attaches the sinks with the production metric flush interval (one wall-clock minute). */
    public static void attach(TracePipeline.Outputs outputs, TraceAssemblerConfig config) {
        attach(outputs, config, InsightMetricAggregator.DEFAULT_FLUSH_INTERVAL);
    }

    /**
     * As {@link #attach(TracePipeline.Outputs, TraceAssemblerConfig)}; tests shorten how often
     * metric aggregates are flushed. Checks that the trace table exists first, so a missing table
     * fails at job start with a clear message rather than at the first write.
     */
    public static void attach(
            TracePipeline.Outputs outputs,
            TraceAssemblerConfig config,
            Duration metricsFlushInterval) {
        attach(outputs, config, metricsFlushInterval, UnaryOperator.identity());
    }

    /**
     * As {@link #attach(TracePipeline.Outputs, TraceAssemblerConfig, Duration)}, with the
     * CloudWatch sink's builder (configured from {@code InsightMetrics}) passed through {@code
     * cloudWatchTuning} first: tests shorten its retries and backoff so an outage drops datums in
     * seconds rather than ~15 s.
     */
    public static void attach(
            TracePipeline.Outputs outputs,
            TraceAssemblerConfig config,
            Duration metricsFlushInterval,
            UnaryOperator<CloudWatchMetricsSink.Builder> cloudWatchTuning) {
        TraceStoreSink.verifyTableExists(config.traceStore);
        outputs.summaries
                .sinkTo(TraceStoreSink.create(config.traceStore))
                .name("trace-store")
                .uid(TRACE_STORE_UID);

        if (config.insightMetrics.enabled) {
            DataStream<MetricPoint> insightCounts =
                    outputs.insights
                            .flatMap(
                                    (Insight insight, Collector<MetricPoint> points) ->
                                            TraceMetricPoints.insightPoints(insight, points),
                                    TypeInformation.of(MetricPoint.class))
                            .name("insight-metric-points")
                            .uid(INSIGHT_POINTS_UID);
            DataStream<MetricPoint> points =
                    outputs.summaries
                            .flatMap(new TraceMetricPoints(), TypeInformation.of(MetricPoint.class))
                            .name("trace-metric-points")
                            .uid(METRIC_POINTS_UID)
                            .union(insightCounts);
            if (outputs.spanMetrics != null) {
                points =
                        points.union(
                                outputs.spanMetrics
                                        .flatMap(
                                                (SpanMetricsMinute minute,
                                                        Collector<MetricPoint> out) ->
                                                        minute.metricPoints(out),
                                                TypeInformation.of(MetricPoint.class))
                                        .name("span-metric-points")
                                        .uid(SPAN_METRIC_POINTS_UID));
            }
            if (outputs.serviceGraph != null) {
                points =
                        points.union(
                                outputs.serviceGraph
                                        .flatMap(
                                                (ServiceGraphMinute minute,
                                                        Collector<MetricPoint> out) ->
                                                        minute.metricPoints(out),
                                                TypeInformation.of(MetricPoint.class))
                                        .name("service-graph-points")
                                        .uid(SERVICE_GRAPH_POINTS_UID));
            }
            points.keyBy(InsightMetricAggregator::seriesKey, Types.STRING)
                    .process(
                            new InsightMetricAggregator(metricsFlushInterval),
                            TypeInformation.of(MetricDatumRecord.class))
                    .name("insight-metrics")
                    .uid(INSIGHT_METRICS_UID)
                    .sinkTo(
                            cloudWatchTuning
                                    .apply(CloudWatchMetricsSink.builder(config.insightMetrics))
                                    .build())
                    .name("cloudwatch-metrics")
                    .uid(CLOUDWATCH_UID);
        } else {
            LOG.info("InsightMetrics.enabled is false: no CloudWatch metrics");
        }

        String sourceStream = config.spanSource.streamName;
        DataStream<DeadLetter> deadLetters =
                outputs.deadLetters.union(
                        outputs.lateSpans
                                .map(
                                        new LateSpanDeadLetter(sourceStream),
                                        TypeInformation.of(DeadLetter.class))
                                .name("late-span-dead-letters")
                                .uid(LATE_SPAN_DEAD_LETTERS_UID));
        if (config.deadLetters.streamName != null) {
            deadLetters
                    .sinkTo(DeadLetterStreamSink.create(config.deadLetters))
                    .name("dead-letter-stream")
                    .uid(DEAD_LETTER_STREAM_UID);
        } else {
            deadLetters
                    .sinkTo(new DeadLetterLog())
                    .name("dead-letter-log")
                    .uid(DEAD_LETTER_LOG_UID);
        }
    }

    /**
     * A span that arrived after its trace's state was cleaned up, as a dead letter: the span in the
     * native JSON shape as the record, so it can be inspected or fed back in. The span's original
     * shard and sequence number are not known after decoding: origin is the span stream, partition
     * and position are absent.
     */
    public static final class LateSpanDeadLetter implements MapFunction<Span, DeadLetter> {
        private static final long serialVersionUID = 1L;
        private final String sourceStream;

        public LateSpanDeadLetter(String sourceStream) {
            this.sourceStream = sourceStream;
        }

        @Override
        public DeadLetter map(Span span) {
            DeadLetter deadLetter = new DeadLetter();
            deadLetter.reason = LATE_SPAN_REASON;
            deadLetter.origin = sourceStream;
            deadLetter.data = JsonLines.span(span).getBytes(StandardCharsets.UTF_8);
            return deadLetter;
        }
    }
}
