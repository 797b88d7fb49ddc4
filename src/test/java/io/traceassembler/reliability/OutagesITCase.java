package io.traceassembler.reliability;

import io.traceassembler.LiveSinks;
import io.traceassembler.TracePipeline;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.generate.GeneratedSpan;
import io.traceassembler.local.AwsAdmin;
import io.traceassembler.local.CloudWatchStub;
import io.traceassembler.local.Emulators;
import io.traceassembler.model.RawRecord;
import io.traceassembler.sink.TraceStoreSink;
import io.traceassembler.testing.LocalEmulators;
import io.traceassembler.testing.MetricProbe;
import io.traceassembler.testing.MiniClusters;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.traceassembler.testing.Eventually.within;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Promise 5: the live job rides out outages of its dependencies. One job on the emulators, restart
 * strategy {@code none} (so any failure would end it), traffic in waves, one outage per wave:
 *
 * <ol>
 *   <li>DynamoDB throttling: a WireMock proxy in front of dynalite answers the first {@value
 *       #THROTTLED_CALLS} PutItem calls with {@code ProvisionedThroughputExceededException};
 *   <li>CloudWatch failing (HTTP 500) for the whole wave: datums are retried, then dropped and
 *       counted;
 *   <li>DynamoDB unavailable for {@value #DYNAMODB_OUTAGE_S} s (dynalite frozen with SIGSTOP);
 *   <li>Kinesis unavailable for {@value #KINESIS_OUTAGE_S} s (kinesis-local frozen with SIGSTOP).
 * </ol>
 *
 * After each, every trace of the wave is in the table with the independently computed values, and
 * the job is still running without a restart.
 */
class OutagesITCase {
    static final int THROTTLED_CALLS = 12;
    static final int DYNAMODB_OUTAGE_S = 30;
    static final int KINESIS_OUTAGE_S = 20;
    static final int CLOUDWATCH_ATTEMPTS = 3;
    static final String THROTTLED =
            "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\","
                    + "\"message\":\"The level of configured provisioned throughput for the table was exceeded.\"}";

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            MiniClusters.twoSlots(MetricProbe.configuration());

    @Test
    void theJobRidesOutThrottlingAndOutagesOfDynamoDbCloudWatchAndKinesis() throws Exception {
        try (LocalEmulators local = LiveHarness.startEmulators();
                CloudWatchStub cloudWatch = CloudWatchStub.start()) {
            Emulators emulators = local.emulators();
            AwsAdmin dynamoDbAdmin = local.dynamoDbAdmin();
            KinesisClient kinesis = local.kinesisAdmin().kinesis();
            WireMockServer dynamoDbProxy =
                    new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
            dynamoDbProxy.start();
            try {
                dynamoDbProxy.stubFor(
                        any(anyUrl())
                                .atPriority(10)
                                .willReturn(aResponse().proxiedFrom(local.dynamoDbEndpoint())));
                // The job writes to DynamoDB through the proxy.
                TraceAssemblerConfig config =
                        TraceAssemblerConfig.from(
                                LiveHarness.properties(local, cloudWatch)
                                        .set(
                                                "TraceStore",
                                                "aws.endpoint",
                                                "http://127.0.0.1:" + dynamoDbProxy.port()));

                Configuration none = new Configuration();
                none.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
                StreamExecutionEnvironment env =
                        StreamExecutionEnvironment.getExecutionEnvironment();
                DataStream<RawRecord> records = LiveHarness.kinesisRecords(env, config, none);
                LiveSinks.attach(
                        TracePipeline.build(records, config),
                        config,
                        Duration.ofSeconds(1),
                        cw ->
                                cw.maxAttempts(CLOUDWATCH_ATTEMPTS)
                                        .backoff(Duration.ofMillis(100), Duration.ofMillis(400)));
                JobClient job = env.executeAsync("outages-it");
                LiveHarness.Waves waves = new LiveHarness.Waves(9100L);
                try {
                    // ---- 1. DynamoDB throttling ----
                    throttleItemWrites(dynamoDbProxy, THROTTLED_CALLS);
                    long t0 = System.nanoTime();
                    Map<String, List<GeneratedSpan>> wave = waves.put(kinesis, 60);
                    within(Duration.ofSeconds(90))
                            .untilAsserted(() -> LiveHarness.assertTable(dynamoDbAdmin, waves.all));
                    long throttled = itemWrites(dynamoDbProxy, 400);
                    long accepted = itemWrites(dynamoDbProxy, 200);
                    // The puts of a batch go out together, and concurrent calls may all match a
                    // scenario state before it moves on: at least N, at most a batch more.
                    assertThat(throttled)
                            .as("throttled PutItem calls")
                            .isBetween(
                                    (long) THROTTLED_CALLS,
                                    (long) THROTTLED_CALLS + TraceStoreSink.MAX_BATCH_SIZE);
                    assertThat(accepted).as("PutItem calls that went through").isPositive();
                    System.out.printf(
                            "[reliability] throttling: %d PutItem calls throttled, %d accepted; all %d"
                                    + " traces of the wave stored %.1f s after the put%n",
                            throttled, accepted, wave.size(), seconds(t0));
                    // The wave's metrics reached CloudWatch before the next phase fails it.
                    within(Duration.ofSeconds(30))
                            .untilAsserted(
                                    () ->
                                            assertThat(
                                                            LiveHarness.tracesAssembled(
                                                                    cloudWatch.datums()))
                                                    .isEqualTo(waves.all.size()));
                    assertRunningWithoutRestart(job);

                    // ---- 2. CloudWatch failing ----
                    int datumsBefore = cloudWatch.datums().size();
                    cloudWatch.respondWith(500);
                    t0 = System.nanoTime();
                    Map<String, List<GeneratedSpan>> failingWave = waves.put(kinesis, 60);
                    wave = failingWave;
                    within(Duration.ofSeconds(60))
                            .untilAsserted(() -> LiveHarness.assertTable(dynamoDbAdmin, waves.all));
                    double storedAfter = seconds(t0);
                    // Every datum of the wave is tried CLOUDWATCH_ATTEMPTS times, then dropped and
                    // counted.
                    within(Duration.ofSeconds(60))
                            .untilAsserted(
                                    () -> {
                                        long dropped =
                                                MetricProbe.counter("cloudWatchDatumsDropped");
                                        assertThat(dropped).isPositive();
                                        assertThat(cloudWatch.datums().size() - datumsBefore)
                                                .isEqualTo(dropped * CLOUDWATCH_ATTEMPTS);
                                        assertThat(
                                                        LiveHarness.tracesAssembled(
                                                                cloudWatch
                                                                        .datums()
                                                                        .subList(
                                                                                datumsBefore,
                                                                                cloudWatch
                                                                                        .datums()
                                                                                        .size())))
                                                .isEqualTo(
                                                        failingWave.size() * CLOUDWATCH_ATTEMPTS);
                                    });
                    long dropped = MetricProbe.counter("cloudWatchDatumsDropped");
                    Thread.sleep(2_000);
                    assertThat(MetricProbe.counter("cloudWatchDatumsDropped"))
                            .as("no more drops")
                            .isEqualTo(dropped);
                    System.out.printf(
                            "[reliability] CloudWatch 500: all %d traces stored %.1f s after the put; %d datums"
                                    + " dropped (counted), each after %d attempts; %d PutMetricData datums attempted%n",
                            wave.size(),
                            storedAfter,
                            dropped,
                            CLOUDWATCH_ATTEMPTS,
                            cloudWatch.datums().size() - datumsBefore);
                    assertRunningWithoutRestart(job);
                    cloudWatch.respondWith(200);

                    // ---- 3. DynamoDB unavailable ----
                    int storedBefore = waves.all.size();
                    emulators.suspendDynamoDb();
                    long outageStart = System.nanoTime();
                    try {
                        wave = waves.put(kinesis, 60);
                        Thread.sleep(
                                DYNAMODB_OUTAGE_S * 1000L
                                        - (System.nanoTime() - outageStart) / 1_000_000);
                        assertRunningWithoutRestart(job);
                    } finally {
                        emulators.resumeDynamoDb();
                    }
                    double outage = seconds(outageStart);
                    t0 = System.nanoTime();
                    within(Duration.ofSeconds(90))
                            .untilAsserted(() -> LiveHarness.assertTable(dynamoDbAdmin, waves.all));
                    System.out.printf(
                            "[reliability] DynamoDB frozen %.1f s with %d traces arriving: all %d traces stored"
                                    + " %.1f s after it came back (%d before the outage)%n",
                            outage, wave.size(), waves.all.size(), seconds(t0), storedBefore);
                    assertRunningWithoutRestart(job);

                    // ---- 4. Kinesis unavailable ----
                    emulators.suspendKinesis();
                    outageStart = System.nanoTime();
                    try {
                        Thread.sleep(KINESIS_OUTAGE_S * 1000L);
                        assertRunningWithoutRestart(job);
                    } finally {
                        emulators.resumeKinesis();
                    }
                    outage = seconds(outageStart);
                    t0 = System.nanoTime();
                    wave = waves.put(kinesis, 60);
                    within(Duration.ofSeconds(90))
                            .untilAsserted(() -> LiveHarness.assertTable(dynamoDbAdmin, waves.all));
                    System.out.printf(
                            "[reliability] Kinesis frozen %.1f s: the consumer resumed; all %d traces of the next"
                                    + " wave stored %.1f s after the put%n",
                            outage, wave.size(), seconds(t0));
                    assertRunningWithoutRestart(job);
                } finally {
                    job.cancel().get(30, TimeUnit.SECONDS);
                }
            } finally {
                dynamoDbProxy.stop();
            }
        }
    }

    /**
     * The first {@code calls} PutItem requests are answered as throttled; later ones pass to
     * dynalite.
     */
    private static void throttleItemWrites(WireMockServer proxy, int calls) {
        String state = Scenario.STARTED;
        for (int i = 0; i < calls; i++) {
            String next = "throttled-" + (i + 1);
            proxy.stubFor(
                    post(anyUrl())
                            .atPriority(1)
                            .withHeader("X-Amz-Target", equalTo("DynamoDB_20120810.PutItem"))
                            .inScenario("throttle")
                            .whenScenarioStateIs(state)
                            .willSetStateTo(next)
                            .willReturn(
                                    aResponse()
                                            .withStatus(400)
                                            .withHeader(
                                                    "Content-Type", "application/x-amz-json-1.0")
                                            .withBody(THROTTLED)));
            state = next;
        }
    }

    private static long itemWrites(WireMockServer proxy, int status) {
        return proxy.getAllServeEvents().stream()
                .filter(
                        e ->
                                "DynamoDB_20120810.PutItem"
                                        .equals(e.getRequest().getHeader("X-Amz-Target")))
                .filter(e -> e.getResponse().getStatus() == status)
                .count();
    }

    private static void assertRunningWithoutRestart(JobClient job) throws Exception {
        assertThat(job.getJobStatus().get(10, TimeUnit.SECONDS)).isEqualTo(JobStatus.RUNNING);
        assertThat(MetricProbe.gaugeMax("numRestarts")).as("restarts").isZero();
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }
}
