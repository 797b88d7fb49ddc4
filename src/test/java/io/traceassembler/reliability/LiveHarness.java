package io.traceassembler.reliability;

import io.traceassembler.config.PropertyGroups;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.generate.GeneratedSpan;
import io.traceassembler.generate.GeneratorOptions;
import io.traceassembler.generate.TraceGenerator;
import io.traceassembler.generate.TrafficOptions;
import io.traceassembler.generate.TrafficShaper;
import io.traceassembler.ingest.KinesisSpanSource;
import io.traceassembler.local.AwsAdmin;
import io.traceassembler.local.CloudWatchStub;
import io.traceassembler.model.RawRecord;
import io.traceassembler.testing.LocalEmulators;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shared by the live (Kinesis) reliability tests: the emulators with the span stream and the trace
 * table, configuration on them, traffic in waves whose event times never fall behind the job's
 * wall-clock-advancing watermark, the DynamoDB table compared with the independently computed
 * summaries, and a metric reporter that exposes the job's counters.
 */
final class LiveHarness {
    static final String SPAN_STREAM = "spans";
    static final String TABLE = "traces";

    private LiveHarness() {}

    /**
     * kinesis-local and dynalite, started, with the span stream (one shard) and the trace table
     * made.
     */
    static LocalEmulators startEmulators() throws Exception {
        LocalEmulators local = LocalEmulators.all().start();
        try {
            local.kinesisAdmin().createStream(SPAN_STREAM, 1);
            local.dynamoDbAdmin().createTraceTable(TABLE);
            return local;
        } catch (Exception | Error e) {
            local.close();
            throw e;
        }
    }

    /**
     * The live job's properties on {@code local} (insight metrics to {@code cloudWatch}), short
     * timings.
     */
    static PropertyGroups properties(LocalEmulators local, CloudWatchStub cloudWatch) {
        return local.jobProperties(SPAN_STREAM, TABLE, cloudWatch)
                .set("TraceAssembly", "session.gap", "3 s")
                .set("TraceAssembly", "max.out.of.orderness", "1 s")
                .set("TraceAssembly", "idleness", "1 s")
                .set("TraceAssembly", "allowed.lateness", "2 min");
    }

    static TraceAssemblerConfig config(LocalEmulators local, CloudWatchStub cloudWatch) {
        return TraceAssemblerConfig.from(properties(local, cloudWatch));
    }

    /**
     * The live job's environment as these tests run it (parallelism 2, a checkpoint every second,
     * no generic types, the restart strategy set in {@code restart}) and its Kinesis source: the
     * records to build on.
     */
    static DataStream<RawRecord> kinesisRecords(
            StreamExecutionEnvironment env, TraceAssemblerConfig config, Configuration restart) {
        env.setParallelism(2);
        env.enableCheckpointing(1_000);
        env.configure(restart);
        env.getConfig().disableGenericTypes();
        return env.addSource(KinesisSpanSource.create(config.spanSource))
                .name("kinesis-span-source")
                .uid(KinesisSpanSource.UID);
    }

    /**
     * Waves of generated traffic. Each wave's event times start after everything the previous wave
     * could have moved the watermark to (its last span end, plus the wall-clock time since it was
     * put), so no span of a wave is late: every trace is emitted once, whole, as revision 1.
     */
    static final class Waves {
        private long nextStartMillis;
        private long lastPutWallMillis;
        private long seed;

        /** Kinesis records put so far. */
        int records;

        final Map<String, List<GeneratedSpan>> all = new LinkedHashMap<>();

        Waves(long seed) {
            this.seed = seed;
        }

        /**
         * Generates {@code traces} traces and puts them (duplicates, KPL aggregates, out of order)
         * in a burst.
         */
        Map<String, List<GeneratedSpan>> put(KinesisClient kinesis, int traces) {
            long now = System.currentTimeMillis();
            long start = Math.max(now, nextStartMillis + (now - lastPutWallMillis)) + 2_000;
            GeneratorOptions options =
                    GeneratorOptions.defaults()
                            .seed(seed++)
                            .traces(traces)
                            .tracesPerSecond(50)
                            .slowRatio(0)
                            .startEpochMillis(start);
            Map<String, List<GeneratedSpan>> wave = new LinkedHashMap<>();
            long maxEnd = start;
            for (Iterator<List<GeneratedSpan>> it = new TraceGenerator(options).traces();
                    it.hasNext(); ) {
                List<GeneratedSpan> trace = it.next();
                wave.put(trace.get(0).traceId, trace);
                for (GeneratedSpan span : trace) {
                    maxEnd = Math.max(maxEnd, span.endEpochNanos / 1_000_000);
                }
            }
            List<byte[]> records = new ArrayList<>();
            new TrafficShaper(
                            wave.values().iterator(),
                            TrafficOptions.defaults()
                                    .seed(seed++)
                                    .outOfOrderMillis(300)
                                    .duplicateRatio(0.05)
                                    .duplicateDelayMillis(200)
                                    .kplRatio(0.1))
                    .forEachRemaining(r -> records.add(r.data));
            putData(kinesis, records);
            this.records += records.size();
            nextStartMillis = maxEnd;
            lastPutWallMillis = System.currentTimeMillis();
            all.putAll(wave);
            return wave;
        }
    }

    static void putData(KinesisClient kinesis, List<byte[]> records) {
        for (int from = 0; from < records.size(); from += 200) {
            List<PutRecordsRequestEntry> batch =
                    records.subList(from, Math.min(records.size(), from + 200)).stream()
                            .map(
                                    data ->
                                            PutRecordsRequestEntry.builder()
                                                    .data(SdkBytes.fromByteArray(data))
                                                    .partitionKey(
                                                            Integer.toHexString(
                                                                    java.util.Arrays.hashCode(
                                                                            data)))
                                                    .build())
                            .collect(Collectors.toList());
            PutRecordsResponse response =
                    kinesis.putRecords(r -> r.streamName(SPAN_STREAM).records(batch));
            assertThat(response.failedRecordCount()).as("throttled or failed puts").isZero();
        }
    }

    /**
     * Every item of the trace table as a summary line (the replay output's field names and types).
     */
    static Map<String, JsonNode> items(AwsAdmin dynamoDb) {
        Map<String, JsonNode> items = new HashMap<>();
        dynamoDb.dynamoDb()
                .scanPaginator(r -> r.tableName(TABLE).consistentRead(true))
                .items()
                .forEach(item -> items.put(item.get("trace_id").s(), toJson(item)));
        return items;
    }

    static JsonNode toJson(Map<String, AttributeValue> item) {
        ObjectNode node = ReplayHarness.MAPPER.createObjectNode();
        item.forEach(
                (name, value) -> {
                    if (value.s() != null) {
                        node.put(name, value.s());
                    } else if (value.n() != null) {
                        node.put(name, new BigDecimal(value.n()));
                    } else if (value.bool() != null) {
                        node.put(name, value.bool());
                    } else if (value.hasSs()) {
                        ArrayNode array = node.putArray(name);
                        value.ss().stream().sorted().forEach(array::add);
                    }
                });
        return node;
    }

    /**
     * The table holds every trace of {@code expected}, each exactly as computed from its spans; and
     * nothing else.
     */
    static void assertTable(AwsAdmin dynamoDb, Map<String, List<GeneratedSpan>> expected) {
        Map<String, JsonNode> items = items(dynamoDb);
        assertThat(items.keySet()).as("trace ids in the table").isEqualTo(expected.keySet());
        expected.forEach((id, spans) -> ReplayHarness.assertSummary(items.get(id), spans));
    }

    /** How many of {@code expected}'s traces are in the table with their full span count. */
    static long complete(AwsAdmin dynamoDb, Map<String, List<GeneratedSpan>> expected) {
        Map<String, JsonNode> items = items(dynamoDb);
        return expected.entrySet().stream()
                .filter(
                        e ->
                                items.containsKey(e.getKey())
                                        && items.get(e.getKey()).get("span_count").asInt()
                                                == e.getValue().size())
                .count();
    }

    /**
     * The sum of {@code TracesAssembled} that reached the stub (calls answered 200 only when the
     * stub always accepted).
     */
    static double tracesAssembled(List<JsonNode> datums) {
        double sum = 0;
        for (JsonNode datum : datums) {
            if (!"TracesAssembled".equals(datum.path("MetricName").asText())) {
                continue;
            }
            JsonNode values = datum.path("Values");
            for (int i = 0; i < values.size(); i++) {
                sum += values.get(i).asDouble() * datum.path("Counts").path(i).asDouble(1.0);
            }
            if (values.size() == 0) {
                sum += datum.path("Value").asDouble();
            }
        }
        return sum;
    }
}
