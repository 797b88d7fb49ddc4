package io.traceassembler.sink;

import io.traceassembler.config.AwsEndpoint;
import io.traceassembler.local.CloudWatchStub;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CloudWatch sink against {@link CloudWatchStub} (WireMock speaking Smithy RPC v2 CBOR, what
 * SDK 2.57 sends).
 */
class CloudWatchMetricsSinkTest {
    private static final String NAMESPACE = "Test/Insights";
    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(REPORTER.addToConfiguration(new Configuration()))
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(1)
                            .build());

    private CloudWatchStub cloudWatch;

    @BeforeEach
    void startStub() {
        cloudWatch = CloudWatchStub.start();
    }

    @AfterEach
    void stopStub() {
        cloudWatch.close();
    }

    @Test
    void batchesAtMostAThousandDatumsPerCall() throws Exception {
        JobExecutionResult result =
                run(datums(2500), sink().maxTimeInBuffer(Duration.ofSeconds(30)).build());

        List<JsonNode> bodies = requestBodies();
        assertThat(bodies.size()).isEqualTo(3);
        List<Integer> sizes = new ArrayList<>();
        bodies.forEach(b -> sizes.add(b.get("MetricData").size()));
        assertThat(sizes).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(1000));
        assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(2500);
        assertThat(receivedIndexes(bodies)).hasSize(2500).doesNotHaveDuplicates();
        assertThat(counter(result, CloudWatchMetricsSinkWriter.DROPPED_COUNTER)).isZero();
        assertThat(counter(result, CloudWatchMetricsSinkWriter.SENT_COUNTER)).isEqualTo(2500);

        JsonNode body = bodies.get(0);
        assertThat(body.get("Namespace").asText()).isEqualTo(NAMESPACE);
        JsonNode datum = body.get("MetricData").get(0);
        assertThat(datum.get("MetricName").asText()).isEqualTo("trace_errors");
        assertThat(datum.get("Unit").asText()).isEqualTo("Count");
        assertThat(datum.get("Dimensions").get(0).get("Name").asText()).isEqualTo("ServiceName");
        assertThat(datum.get("Dimensions").get(1).get("Name").asText()).isEqualTo("Severity");
        assertThat(datum.get("Dimensions").get(1).get("Value").asText()).isEqualTo("error");
        for (JsonNode b : bodies) {
            for (JsonNode d : b.get("MetricData")) { // datum i carries value i + 1
                int index =
                        Integer.parseInt(
                                d.get("Dimensions").get(0).get("Value").asText().substring(4));
                assertThat(d.get("Values").get(0).asDouble()).isEqualTo(index + 1.0);
            }
        }
        assertThat(datum.get("Counts").get(0).asDouble()).isEqualTo(1.0);
        assertThat(datum.get("Timestamp").asDouble()).isGreaterThan(1.7e9); // epoch seconds
    }

    @Test
    void distributionsAreSentAsValuesAndCounts() throws Exception {
        MetricDatumRecord duration = datum(0);
        duration.metricName = "TraceDuration";
        duration.unit = "Milliseconds";
        duration.dimensionNames = new String[] {"ServiceName"};
        duration.dimensionValues = new String[] {"api"};
        duration.values = new double[] {12.5, 340.0};
        duration.counts = new double[] {3, 1};

        run(List.of(duration), sink().build());

        JsonNode datum = requestBodies().get(0).get("MetricData").get(0);
        assertThat(datum.get("MetricName").asText()).isEqualTo("TraceDuration");
        assertThat(datum.get("Unit").asText()).isEqualTo("Milliseconds");
        assertThat(datum.get("Dimensions").get(0).get("Value").asText()).isEqualTo("api");
        assertThat(datum.get("Values").get(0).asDouble()).isEqualTo(12.5);
        assertThat(datum.get("Values").get(1).asDouble()).isEqualTo(340.0);
        assertThat(datum.get("Counts").get(0).asDouble()).isEqualTo(3.0);
    }

    @Test
    void retriesAfterServiceUnavailableAndLosesNothing() throws Exception {
        cloudWatch.respondInSequence(503, 200);

        JobExecutionResult result = run(datums(40), sink().build());

        List<JsonNode> bodies = requestBodies();
        assertThat(bodies.size()).isEqualTo(2);
        assertThat(receivedIndexes(List.of(bodies.get(1))))
                .containsExactlyInAnyOrderElementsOf(receivedIndexes(List.of(bodies.get(0))));
        assertThat(receivedIndexes(List.of(bodies.get(1)))).hasSize(40);
        assertThat(counter(result, CloudWatchMetricsSinkWriter.DROPPED_COUNTER)).isZero();
        assertThat(counter(result, CloudWatchMetricsSinkWriter.SENT_COUNTER)).isEqualTo(40);
    }

    @Test
    void aFailingEndpointDropsAndCountsDatumsButTheJobCompletes() throws Exception {
        cloudWatch.respondWith(500);

        JobExecutionResult result = run(datums(1200), sink().maxAttempts(3).build());

        // Every datum was tried exactly three times, then dropped; the job still finished. (The
        // writer's
        // congestion control shrinks batches after failures, so the number of calls varies.)
        Map<Integer, Long> attemptsPerDatum =
                receivedIndexes(requestBodies()).stream()
                        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(attemptsPerDatum).hasSize(1200);
        assertThat(new HashSet<>(attemptsPerDatum.values())).containsExactly(3L);
        assertThat(counter(result, CloudWatchMetricsSinkWriter.DROPPED_COUNTER)).isEqualTo(1200);
        assertThat(counter(result, CloudWatchMetricsSinkWriter.SENT_COUNTER)).isZero();
    }

    @Test
    void rejectedRequestsAreDroppedWithoutRetries() throws Exception {
        cloudWatch.respondWith(400);

        JobExecutionResult result = run(datums(5), sink().build());

        assertThat(cloudWatch.requestCount()).isEqualTo(1);
        assertThat(counter(result, CloudWatchMetricsSinkWriter.DROPPED_COUNTER)).isEqualTo(5);
    }

    @Test
    void datumsOutsideCloudWatchsTimeRangeAreDroppedBeforeSending() throws Exception {
        List<MetricDatumRecord> datums = datums(3);
        datums.get(0).timestampMillis = System.currentTimeMillis() - Duration.ofDays(15).toMillis();

        JobExecutionResult result = run(datums, sink().build());

        assertThat(receivedIndexes(requestBodies())).containsExactlyInAnyOrder(1, 2);
        assertThat(counter(result, CloudWatchMetricsSinkWriter.DROPPED_COUNTER)).isEqualTo(1);
    }

    @Test
    void retryPolicyBacksOffExponentiallyUpToItsCap() {
        CloudWatchMetricsSink.RetryPolicy policy =
                new CloudWatchMetricsSink.RetryPolicy(5, 1000, 8000, 30_000);
        assertThat(
                        List.of(
                                policy.backoffMs(1),
                                policy.backoffMs(2),
                                policy.backoffMs(3),
                                policy.backoffMs(4),
                                policy.backoffMs(5),
                                policy.backoffMs(40)))
                .containsExactly(1000L, 2000L, 4000L, 8000L, 8000L, 8000L);
        assertThat(
                        CloudWatchMetricsSinkWriter.isRetryable(
                                CloudWatchException.builder().statusCode(503).build()))
                .isTrue();
        assertThat(
                        CloudWatchMetricsSinkWriter.isRetryable(
                                CloudWatchException.builder().statusCode(400).build()))
                .isFalse();
        assertThat(CloudWatchMetricsSinkWriter.isRetryable(new IOException("connection refused")))
                .isTrue();
    }

    @Test
    void bufferedDatumsSurviveACheckpoint() throws Exception {
        MetricDatumRecord d = datum(7);
        d.values = new double[] {1.5, 2.5};
        d.counts = new double[] {2, 3};
        CloudWatchDatumEntry entry = new CloudWatchDatumEntry(d, 2);
        CloudWatchDatumEntrySerializer serializer = new CloudWatchDatumEntrySerializer();
        ArrayDeque<RequestEntryWrapper<CloudWatchDatumEntry>> buffer = new ArrayDeque<>();
        buffer.add(new RequestEntryWrapper<>(entry, 100));
        BufferedRequestState<CloudWatchDatumEntry> state = new BufferedRequestState<>(buffer);

        BufferedRequestState<CloudWatchDatumEntry> restored =
                serializer.deserialize(serializer.getVersion(), serializer.serialize(state));

        CloudWatchDatumEntry back = restored.getBufferedRequestEntries().get(0).getRequestEntry();
        assertThat(back.datum()).isEqualTo(d);
        assertThat(back.attempts()).isEqualTo(2);
    }

    private CloudWatchMetricsSink.Builder sink() {
        return CloudWatchMetricsSink.builder()
                .namespace(NAMESPACE)
                .aws(new AwsEndpoint("us-east-1", cloudWatch.endpoint()))
                .backoff(Duration.ofMillis(20), Duration.ofMillis(100))
                .maxTimeInBuffer(Duration.ofMillis(200));
    }

    private static JobExecutionResult run(
            List<MetricDatumRecord> datums, CloudWatchMetricsSink sink) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.getConfig().disableGenericTypes();
        env.fromData(datums).sinkTo(sink);
        return env.execute("cloudwatch-sink-test");
    }

    private static List<MetricDatumRecord> datums(int n) {
        List<MetricDatumRecord> datums = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            datums.add(datum(i));
        }
        return datums;
    }

    /**
     * Datum {@code i} carries its index in its value and its ServiceName, to check what arrived.
     */
    private static MetricDatumRecord datum(int i) {
        MetricDatumRecord d = new MetricDatumRecord();
        d.metricName = "trace_errors";
        d.unit = "Count";
        d.dimensionNames = new String[] {"ServiceName", "Severity"};
        d.dimensionValues = new String[] {"svc-" + i, "error"};
        d.timestampMillis = System.currentTimeMillis() / 60_000 * 60_000;
        d.values = new double[] {i + 1};
        d.counts = new double[] {1};
        return d;
    }

    private List<JsonNode> requestBodies() {
        assertThat(cloudWatch.requestHeaders("smithy-protocol")).containsOnly("rpc-v2-cbor");
        return cloudWatch.requestBodies();
    }

    private static List<Integer> receivedIndexes(List<JsonNode> bodies) {
        List<Integer> indexes = new ArrayList<>();
        for (JsonNode body : bodies) {
            for (JsonNode datum : body.get("MetricData")) {
                indexes.add(
                        Integer.parseInt(
                                datum.get("Dimensions").get(0).get("Value").asText().substring(4)));
            }
        }
        return indexes;
    }

    private static long counter(JobExecutionResult result, String name) {
        long total = 0;
        for (Metric metric : REPORTER.findMetrics(result.getJobID(), name).values()) {
            total += ((Counter) metric).getCount();
        }
        return total;
    }
}
