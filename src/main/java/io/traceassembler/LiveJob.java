package io.traceassembler;

import io.traceassembler.config.TraceAssemblerConfig;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The live streaming job: Kinesis in, DynamoDB and CloudWatch out. */
public final class LiveJob {
    private LiveJob() {}

    /** Adds the live job's sources, pipeline and sinks to {@code env}; the caller executes it. */
    public static void build(StreamExecutionEnvironment env, TraceAssemblerConfig config) {
        throw new UnsupportedOperationException("the live job is being wired (issue 3)");
    }
}
