package io.traceassembler;

import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.generate.Encoding;
import io.traceassembler.generate.GeneratedSpan;
import io.traceassembler.generate.GeneratorOptions;
import io.traceassembler.generate.RecordEncoder;
import io.traceassembler.generate.TraceGenerator;
import io.traceassembler.local.AwsAdmin;
import io.traceassembler.testing.LocalEmulators;
import io.traceassembler.testing.MiniClusters;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.traceassembler.testing.Eventually.within;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live job reading with enhanced fan-out (SubscribeToShard) instead of polling, against
 * kinesis-local: every trace put on the stream lands in DynamoDB with its span count.
 */
class KinesisEfoITCase {
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

    @Test
    void readsWithEnhancedFanOut() throws Exception {
        try (LocalEmulators emulators = LocalEmulators.all().start()) {
            AwsAdmin kinesisAdmin = emulators.kinesisAdmin();
            AwsAdmin dynamoDbAdmin = emulators.dynamoDbAdmin();
            kinesisAdmin.createStream("efo-spans", 1);
            dynamoDbAdmin.createTraceTable("efo-traces");

            Map<String, Integer> expectedSpanCounts = new HashMap<>();
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            new TraceGenerator(
                            GeneratorOptions.defaults()
                                    .seed(3L)
                                    .traces(30)
                                    .slowRatio(0)
                                    // every span goes as OTLP, where B3 halves cannot be told
                                    // apart
                                    .zipkinTraceRatio(0)
                                    .startEpochMillis(System.currentTimeMillis() - 10_000))
                    .traces()
                    .forEachRemaining(
                            trace -> {
                                expectedSpanCounts.put(trace.get(0).traceId, trace.size());
                                for (GeneratedSpan span : trace) {
                                    entries.add(
                                            PutRecordsRequestEntry.builder()
                                                    .data(
                                                            SdkBytes.fromByteArray(
                                                                    RecordEncoder.encode(
                                                                            List.of(span),
                                                                            Encoding.OTLP_PROTO)))
                                                    .partitionKey(span.traceId)
                                                    .build());
                                }
                            });
            KinesisClient kinesis = kinesisAdmin.kinesis();
            for (int from = 0; from < entries.size(); from += 200) {
                List<PutRecordsRequestEntry> batch =
                        entries.subList(from, Math.min(entries.size(), from + 200));
                assertThat(
                                kinesis.putRecords(r -> r.streamName("efo-spans").records(batch))
                                        .failedRecordCount())
                        .isZero();
            }

            TraceAssemblerConfig config =
                    TraceAssemblerConfig.from(
                            emulators
                                    .jobProperties("efo-spans", "efo-traces")
                                    .set("SpanSource", "reader", "EFO")
                                    .set("SpanSource", "efo.consumer.name", "efo-it")
                                    .set("TraceAssembly", "session.gap", "3 s")
                                    .set("TraceAssembly", "idleness", "1 s"));
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            LiveJob.build(env, config);
            JobClient job = env.executeAsync("efo-it");
            try {
                within(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(
                                () -> {
                                    Map<String, Integer> stored = new HashMap<>();
                                    for (Map<String, AttributeValue> item :
                                            dynamoDbAdmin
                                                    .dynamoDb()
                                                    .scan(r -> r.tableName("efo-traces"))
                                                    .items()) {
                                        stored.put(
                                                item.get("trace_id").s(),
                                                Integer.parseInt(item.get("span_count").n()));
                                    }
                                    assertThat(stored).isEqualTo(expectedSpanCounts);
                                });
            } finally {
                job.cancel().get();
            }
        }
    }
}
