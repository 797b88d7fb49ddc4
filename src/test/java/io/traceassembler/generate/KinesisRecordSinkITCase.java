package io.traceassembler.generate;

import io.traceassembler.local.AwsAdmin;
import io.traceassembler.testing.LocalEmulators;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link KinesisRecordSink} and the {@code kinesis} target of {@code generate-spans} against
 * kinesis-local.
 */
class KinesisRecordSinkITCase {
    @RegisterExtension static final LocalEmulators EMULATORS = LocalEmulators.kinesisOnly();

    @Test
    void putsEveryRecordByteForByteInBatchesOfAtMostFiveHundred() throws Exception {
        List<GeneratedRecord> records = records(1_200);
        try (AwsAdmin admin = admin()) {
            admin.createStream("put-all", 2);
            KinesisRecordSink sink = new KinesisRecordSink(admin.kinesis(), "put-all", false);
            for (GeneratedRecord record : records) {
                sink.write(record);
            }
            sink.close();

            assertThat(sink.recordsSent()).isEqualTo(1_200);
            assertThat(sink.describe())
                    .contains("put 1200 records")
                    .contains("in 3 PutRecords calls");
            List<Record> received = readAll(admin.kinesis(), "put-all");
            assertThat(received).hasSize(1_200);
            assertThat(encoded(received, r -> r.data().asByteArray()))
                    .containsExactlyInAnyOrderElementsOf(encoded(records, r -> r.data));
            assertThat(received.stream().map(Record::partitionKey))
                    .containsExactlyInAnyOrderElementsOf(
                            records.stream().map(r -> r.partitionKey)::iterator);
        }
    }

    @Test
    void pacedRecordsArriveAtTheirRealTimeRate() throws Exception {
        // 40 traces at 20 per second: about two seconds of traffic.
        List<GeneratedRecord> records =
                GeneratorFixtures.allRecords(
                        GeneratorOptions.defaults().traces(40).tracesPerSecond(20).slowRatio(0),
                        TrafficOptions.defaults().outOfOrderMillis(0));
        long span =
                records.get(records.size() - 1).arrivalEpochNanos
                        - records.get(0).arrivalEpochNanos;
        try (AwsAdmin admin = admin()) {
            admin.createStream("paced", 1);
            long started = System.nanoTime();
            try (KinesisRecordSink sink = new KinesisRecordSink(admin.kinesis(), "paced", true)) {
                for (GeneratedRecord record : records) {
                    sink.write(record);
                }
            }
            long elapsed = System.nanoTime() - started;

            assertThat(elapsed).isBetween(span - 50_000_000L, span + 2_000_000_000L);
            assertThat(readAll(admin.kinesis(), "paced")).hasSize(records.size());
        }
    }

    @Test
    void generateSpansKinesisTargetFillsAStream() throws Exception {
        try (AwsAdmin admin = admin()) {
            admin.createStream("from-command", 2);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();

            int code =
                    GenerateSpansCommand.run(
                            new String[] {
                                "kinesis",
                                "--stream",
                                "from-command",
                                "--endpoint",
                                EMULATORS.kinesisEndpoint(),
                                "--region",
                                "us-east-1",
                                "--traces",
                                "50",
                                "--bad-ratio",
                                "0.05",
                                "--no-pacing"
                            },
                            new PrintStream(out, true, StandardCharsets.UTF_8),
                            new PrintStream(err, true, StandardCharsets.UTF_8));

            assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
            String summary = out.toString(StandardCharsets.UTF_8);
            assertThat(summary)
                    .contains("generated 50 traces")
                    .contains("on Kinesis stream 'from-command'");
            long put = Long.parseLong(summary.replaceAll("(?s).*; put (\\d+) records.*", "$1"));
            assertThat(readAll(admin.kinesis(), "from-command")).hasSize((int) put);
        }
    }

    private static AwsAdmin admin() {
        return new AwsAdmin("us-east-1", EMULATORS.kinesisEndpoint());
    }

    /** The first {@code n} records of a mix with bad records, KPL aggregates and duplicates. */
    private static List<GeneratedRecord> records(int n) {
        TrafficShaper shaper =
                TrafficShaper.of(
                        new TraceGenerator(GeneratorOptions.defaults().traces(10 * n)),
                        TrafficOptions.defaults()
                                .badRatio(0.05)
                                .kplRatio(0.05)
                                .duplicateRatio(0.02));
        List<GeneratedRecord> records = new ArrayList<>();
        while (records.size() < n && shaper.hasNext()) {
            records.add(shaper.next());
        }
        assertThat(records.size()).isEqualTo(n);
        return records;
    }

    private static List<Record> readAll(KinesisClient kinesis, String stream) {
        List<Record> records = new ArrayList<>();
        for (Shard shard : kinesis.listShards(r -> r.streamName(stream)).shards()) {
            String iterator =
                    kinesis.getShardIterator(
                                    r ->
                                            r.streamName(stream)
                                                    .shardId(shard.shardId())
                                                    .shardIteratorType(
                                                            ShardIteratorType.TRIM_HORIZON))
                            .shardIterator();
            while (iterator != null) {
                String current = iterator;
                GetRecordsResponse response =
                        kinesis.getRecords(r -> r.shardIterator(current).limit(1_000));
                records.addAll(response.records());
                // An open shard hands out iterators forever; caught up (no records, nothing behind)
                // means done.
                if (response.records().isEmpty()
                        && Long.valueOf(0).equals(response.millisBehindLatest())) {
                    break;
                }
                iterator = response.nextShardIterator();
            }
        }
        return records;
    }

    private static <T> List<String> encoded(
            List<T> items, java.util.function.Function<T, byte[]> bytes) {
        List<String> result = new ArrayList<>();
        items.forEach(item -> result.add(Base64.getEncoder().encodeToString(bytes.apply(item))));
        return result;
    }
}
