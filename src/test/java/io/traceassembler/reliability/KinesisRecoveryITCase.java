package io.traceassembler.reliability;

import io.traceassembler.LiveSinks;
import io.traceassembler.TracePipeline;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.local.AwsAdmin;
import io.traceassembler.local.CloudWatchStub;
import io.traceassembler.model.RawRecord;
import io.traceassembler.testing.LocalEmulators;
import io.traceassembler.testing.MetricProbe;
import io.traceassembler.testing.MiniClusters;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.traceassembler.testing.Eventually.within;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Promise 3 with Kinesis: the live pipeline (Kinesis source, checkpoints every second, DynamoDB and
 * CloudWatch sinks) loses a task mid-stream, after a checkpoint, while a wave of spans is being
 * read; the fixed-delay restart strategy restores it from the checkpoint (shard positions, open
 * traces, metric aggregates, buffered sink requests). The DynamoDB table then equals the
 * independently computed summaries of every trace sent; the CloudWatch over-count (summaries
 * emitted between the checkpoint and the failure are emitted again) is measured.
 */
class KinesisRecoveryITCase {
    static final AtomicBoolean ARMED = new AtomicBoolean();
    static final AtomicBoolean FAILED = new AtomicBoolean();
    static final AtomicInteger CHECKPOINTS_WHILE_ARMED = new AtomicInteger();
    static final AtomicInteger RECORDS_WHILE_ARMED = new AtomicInteger();

    /**
     * Set once the armed waves are put: fail half-way through them, when traces of the wave have
     * been emitted.
     */
    static volatile int failAfter = Integer.MAX_VALUE;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            MiniClusters.twoSlots(MetricProbe.configuration());

    @Test
    void aTaskFailureMidStreamRecoversToTheSameTable() throws Exception {
        try (LocalEmulators local = LiveHarness.startEmulators();
                CloudWatchStub cloudWatch = CloudWatchStub.start()) {
            AwsAdmin dynamoDbAdmin = local.dynamoDbAdmin();
            KinesisClient kinesis = local.kinesisAdmin().kinesis();
            TraceAssemblerConfig config = LiveHarness.config(local, cloudWatch);

            Configuration restart = new Configuration();
            restart.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            restart.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
            restart.set(
                    RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY,
                    Duration.ofMillis(500));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            DataStream<RawRecord> records = LiveHarness.kinesisRecords(env, config, restart);
            records =
                    records.map(new FailOnce(), records.getType())
                            .name("fail-once")
                            .uid("fail-once");
            LiveSinks.attach(TracePipeline.build(records, config), config, Duration.ofSeconds(1));
            JobClient job = env.executeAsync("kinesis-recovery-it");
            LiveHarness.Waves waves = new LiveHarness.Waves(7700L);
            try {
                waves.put(kinesis, 80);
                within(Duration.ofSeconds(60))
                        .untilAsserted(() -> LiveHarness.assertTable(dynamoDbAdmin, waves.all));
                within(Duration.ofSeconds(30))
                        .untilAsserted(
                                () ->
                                        assertThat(LiveHarness.tracesAssembled(cloudWatch.datums()))
                                                .isEqualTo(waves.all.size()));

                // The next waves are read slowly; the map fails on a record after a checkpoint
                // completed mid-wave.
                ARMED.set(true);
                long t0 = System.nanoTime();
                int before = waves.records;
                waves.put(kinesis, 150);
                waves.put(kinesis, 150);
                failAfter = (waves.records - before) / 2;
                within(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(FAILED).isTrue());
                within(Duration.ofSeconds(120))
                        .untilAsserted(() -> LiveHarness.assertTable(dynamoDbAdmin, waves.all));
                double recovered = (System.nanoTime() - t0) / 1e9;
                assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS))
                        .isEqualTo(JobStatus.RUNNING);
                assertThat(CHECKPOINTS_WHILE_ARMED.get())
                        .as("checkpoints between arming and failure")
                        .isPositive();

                // Metrics: every trace counted at least once; the surplus is the over-count of the
                // restore.
                within(Duration.ofSeconds(30))
                        .untilAsserted(
                                () ->
                                        assertThat(LiveHarness.tracesAssembled(cloudWatch.datums()))
                                                .isGreaterThanOrEqualTo(waves.all.size()));
                Thread.sleep(3_000);
                double counted = LiveHarness.tracesAssembled(cloudWatch.datums());
                System.out.printf(
                        "[reliability] Kinesis failure recovery: failed after %d of %d records and %d checkpoints"
                                + " of the armed waves; table exact for all %d traces %.1f s after the waves were put;"
                                + " CloudWatch TracesAssembled %.0f for %d traces (over-count %.0f, %.1f%%)%n",
                        RECORDS_WHILE_ARMED.get(),
                        2 * failAfter,
                        CHECKPOINTS_WHILE_ARMED.get(),
                        waves.all.size(),
                        recovered,
                        counted,
                        waves.all.size(),
                        counted - waves.all.size(),
                        100.0 * (counted - waves.all.size()) / waves.all.size());
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Once armed: slows each record by 10 ms and throws once, half-way through the armed waves,
     * after a checkpoint completed.
     */
    static final class FailOnce extends RichMapFunction<RawRecord, RawRecord>
            implements CheckpointListener {
        private static final long serialVersionUID = 1L;

        @Override
        public RawRecord map(RawRecord record) throws Exception {
            if (ARMED.get() && !FAILED.get()) {
                Thread.sleep(10);
                if (RECORDS_WHILE_ARMED.incrementAndGet() >= failAfter
                        && CHECKPOINTS_WHILE_ARMED.get() > 0
                        && FAILED.compareAndSet(false, true)) {
                    throw new IllegalStateException("injected failure (reliability test)");
                }
            }
            return record;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            if (ARMED.get() && !FAILED.get()) {
                CHECKPOINTS_WHILE_ARMED.incrementAndGet();
            }
        }
    }
}
