package io.traceassembler;

import io.traceassembler.config.TraceAssemblerConfig;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.TimeUtils;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code run}: the live job, configured from a local runtime-properties file and {@code --set}
 * overrides.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        versionProvider = CommandVersion.class,
        sortOptions = false,
        description =
                "Runs the live job: spans from the SpanSource Kinesis stream, trace summaries to the "
                        + "TraceStore DynamoDB table, insight metrics to CloudWatch, dead letters to the DeadLetters "
                        + "stream (or the log).")
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Mixin ConfigFlags configFlags = new ConfigFlags();

    @Option(
            names = "--web-ui-port",
            paramLabel = "PORT",
            description =
                    "Run in a local MiniCluster with the Flink web UI on this port (e.g. 8081).")
    Integer webUiPort;

    @Option(
            names = "--checkpoint-interval",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description =
                    "Checkpoint interval, e.g. '10 s' (default 10 s unless the cluster sets one).")
    Duration checkpointInterval;

    @Option(
            names = "--parallelism",
            paramLabel = "N",
            description = "Job parallelism (default: the environment's).")
    Integer parallelism;

    @Override
    public Integer call() throws Exception {
        TraceAssemblerConfig config = configFlags.resolve(groups -> {});
        StreamExecutionEnvironment env = environment();
        if (checkpointInterval != null) {
            env.enableCheckpointing(checkpointInterval.toMillis());
        }
        if (parallelism != null) {
            env.setParallelism(parallelism);
        }
        return TraceAssemblerJob.runLive(env, config);
    }

    private StreamExecutionEnvironment environment() {
        if (webUiPort == null) {
            // A MiniCluster under scripts/trace-assembler, the cluster under `flink run`.
            return StreamExecutionEnvironment.getExecutionEnvironment();
        }
        Configuration conf = new Configuration();
        conf.set(RestOptions.PORT, webUiPort);
        LOG.info("Flink web UI: http://localhost:{}", webUiPort);
        return StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
    }

    /** Flink's duration syntax: {@code 10 s}, {@code 500 ms}, {@code 1 min}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration duration = TimeUtils.parseDuration(value);
            if (duration.isZero() || duration.isNegative()) {
                throw new IllegalArgumentException("must be greater than zero: " + value);
            }
            return duration;
        }
    }
}
