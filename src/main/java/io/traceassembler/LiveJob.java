package io.traceassembler;

import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.ingest.KinesisSpanSource;
import io.traceassembler.model.RawRecord;
import io.traceassembler.sink.InsightMetricAggregator;

import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;
import java.util.StringJoiner;

/**
 * The live streaming job: Kinesis in, DynamoDB, CloudWatch and the dead-letter stream out.
 *
 * <pre>
 * kinesis-span-source -> decode-spans -> span-watermarks -> assembly-spans -> trace-assembler
 *     summaries    -> trace-store (DynamoDB)
 *                  -> trace-metric-points -> insight-metrics -> cloudwatch-metrics
 *     dead letters -> dead-letter-stream (Kinesis) | dead-letter-log
 *     late spans   -> late-span-dead-letters -> (the same)
 * </pre>
 *
 * The trace-assembler operator also analyses each trace as it emits it (insights on a side output).
 * Watermarks are assigned after decoding, not in the source: see {@link KinesisSpanSource}.
 */
public final class LiveJob {
    /** Locally, when the environment has not enabled checkpointing (Managed Flink always has). */
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);

    private LiveJob() {}

    /** Adds the live job's sources, pipeline and sinks to {@code env}; the caller executes it. */
    public static void build(StreamExecutionEnvironment env, TraceAssemblerConfig config) {
        build(env, config, InsightMetricAggregator.DEFAULT_FLUSH_INTERVAL);
    }

    /**
     * As {@link #build(StreamExecutionEnvironment, TraceAssemblerConfig)}; tests flush metrics
     * sooner.
     */
    static void build(
            StreamExecutionEnvironment env,
            TraceAssemblerConfig config,
            Duration metricsFlushInterval) {
        // Every type that crosses operators has a Flink serializer; fail at build time rather than
        // fall back to Kryo.
        env.getConfig().disableGenericTypes();
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            // Sinks flush and the source commits shard positions on checkpoints.
            env.enableCheckpointing(DEFAULT_CHECKPOINT_INTERVAL.toMillis());
        }
        DataStream<RawRecord> records =
                env.addSource(KinesisSpanSource.create(config.spanSource))
                        .name("kinesis-span-source")
                        .uid(KinesisSpanSource.UID);
        LiveSinks.attach(TracePipeline.build(records, config), config, metricsFlushInterval);
    }

    /**
     * The resolved configuration, one {@code Group.key=value} per entry, for the log at job start.
     * The configuration holds no credentials (the SDK's default chain or the emulator dummies
     * supply them).
     */
    public static String describe(TraceAssemblerConfig config) {
        StringJoiner out = new StringJoiner("\n  ", "Configuration:\n  ", "");
        config.settings.forEach((key, value) -> out.add(key + " = " + value));
        return out.toString();
    }
}
