package io.traceassembler;

import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.generate.ArchiveManifest;
import io.traceassembler.generate.ArchiveOptions;
import io.traceassembler.generate.ArchiveWriter;
import io.traceassembler.generate.Encoding;
import io.traceassembler.generate.GeneratedRecord;
import io.traceassembler.generate.GeneratedSpan;
import io.traceassembler.generate.GeneratorOptions;
import io.traceassembler.generate.RecordEncoder;
import io.traceassembler.generate.TraceGenerator;
import io.traceassembler.generate.TrafficOptions;
import io.traceassembler.generate.TrafficShaper;
import io.traceassembler.local.AwsAdmin;
import io.traceassembler.local.CloudWatchStub;
import io.traceassembler.sink.ServiceGraphMinute;
import io.traceassembler.sink.SpanMetricsMinute;
import io.traceassembler.sink.TraceMetricPoints;
import io.traceassembler.testing.ExpectedServiceGraph;
import io.traceassembler.testing.ExpectedTrace;
import io.traceassembler.testing.LocalEmulators;
import io.traceassembler.testing.MetricProbe;
import io.traceassembler.testing.MiniClusters;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.traceassembler.testing.Eventually.within;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live job end to end on emulators: generated spans in every encoding (with KPL aggregates,
 * duplicates and bad records) are put into shard 0 of a 2-shard kinesis-local stream, shard 1 stays
 * empty; the job writes trace summaries to dynalite, insight metrics to a CloudWatch stub and dead
 * letters to a second kinesis-local stream. Expected values are computed here from the generated
 * spans.
 */
class LiveJobITCase {
    private static final String SPAN_STREAM = "spans";
    private static final String DEAD_LETTER_STREAM = "dead-letters";
    private static final String TABLE = "traces";

    /** Every outcome is checked every 500 ms until it holds, for at most 40 s. */
    private static final ConditionFactory EVENTUALLY =
            within(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500));

    /**
     * Below the generator's 4 s bound for normal traces, so some of the short traces kept below are
     * slow.
     */
    private static final double SLOW_TRACE_THRESHOLD_MS = 2_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            MiniClusters.twoSlots(MetricProbe.configuration());

    @Test
    void assemblesTracesFromKinesisIntoDynamoDbCloudWatchAndTheDeadLetterStream() throws Exception {
        try (LocalEmulators emulators = LocalEmulators.all().start();
                CloudWatchStub cloudWatch = CloudWatchStub.start()) {
            AwsAdmin kinesisAdmin = emulators.kinesisAdmin();
            AwsAdmin dynamoDbAdmin = emulators.dynamoDbAdmin();
            kinesisAdmin.createStream(SPAN_STREAM, 2);
            kinesisAdmin.createStream(DEAD_LETTER_STREAM, 1);
            dynamoDbAdmin.createTraceTable(TABLE);
            KinesisClient kinesis = kinesisAdmin.kinesis();
            List<Shard> shards = kinesis.listShards(r -> r.streamName(SPAN_STREAM)).shards();
            Shard busyShard = shards.get(0);

            // Traffic for shard 0 only: KPL aggregates are filtered by the shard's hash range on
            // de-aggregation, so every trace id (the user records' partition key) must hash into
            // it.
            // Traces whose spans end more than a second apart are left out: with a 3 s session gap
            // they
            // would rightly be emitted in parts (revision 1 without the root, then revision 2).
            Map<String, List<GeneratedSpan>> traces = new LinkedHashMap<>();
            Iterator<List<GeneratedSpan>> generated =
                    new TraceGenerator(
                                    GeneratorOptions.defaults()
                                            .seed(2026L)
                                            .traces(160)
                                            .errorRatio(0.2)
                                            .slowRatio(0.1)
                                            .startEpochMillis(System.currentTimeMillis() - 20_000)
                                            .tracesPerSecond(20))
                            .traces();
            generated.forEachRemaining(
                    trace -> {
                        if (inShard(trace.get(0).traceId, busyShard)
                                && maxEndGapMillis(trace) <= 1_000) {
                            traces.put(trace.get(0).traceId, trace);
                        }
                    });
            assertThat(traces.values())
                    .extracting(t -> new ExpectedTrace(t, SLOW_TRACE_THRESHOLD_MS).insights)
                    .anyMatch(i -> i.contains("slow_trace"))
                    .anyMatch(i -> i.contains("trace_errors"))
                    .anyMatch(i -> i.contains("high_service_count"));
            assertThat(traces.values().stream().flatMap(List::stream).filter(g -> g.shared))
                    .as("B3 shared halves at the default --b3-ratio, both counted below")
                    .isNotEmpty();
            // One span of an unremarkable trace is held back and sent once that trace is stored.
            GeneratedSpan heldBack = spanToHoldBack(traces);
            Map<String, List<GeneratedSpan>> firstRevision = new LinkedHashMap<>(traces);
            firstRevision.computeIfPresent(
                    heldBack.traceId, (id, spans) -> without(spans, heldBack));
            // The conditional write, in the live pipeline: the table already holds a later
            // revision of one trace (as if a newer revision had landed first); the job's revision 1
            // of it must be skipped, never overwrite it.
            String guarded =
                    firstRevision.keySet().stream()
                            .filter(id -> !id.equals(heldBack.traceId))
                            .findFirst()
                            .orElseThrow();
            Map<String, List<GeneratedSpan>> storedAtRevision1 = new LinkedHashMap<>(firstRevision);
            storedAtRevision1.remove(guarded);
            dynamoDbAdmin
                    .dynamoDb()
                    .putItem(
                            r ->
                                    r.tableName(TABLE)
                                            .item(
                                                    Map.of(
                                                            "trace_id",
                                                            AttributeValue.fromS(guarded),
                                                            "revision",
                                                            AttributeValue.fromN("9"),
                                                            "span_count",
                                                            AttributeValue.fromN("4242"))));
            List<GeneratedRecord> records = new ArrayList<>();
            new TrafficShaper(
                            firstRevision.values().iterator(),
                            TrafficOptions.defaults()
                                    .seed(7L)
                                    .outOfOrderMillis(500)
                                    .duplicateRatio(0.05)
                                    .duplicateDelayMillis(300)
                                    .kplRatio(0.1)
                                    .badRatio(0.05))
                    .forEachRemaining(records::add);
            assertThat(records)
                    .anyMatch(GeneratedRecord::isKplAggregate)
                    .anyMatch(GeneratedRecord::isBad);

            // Sequence numbers of the records that must come back as dead letters, with their
            // bytes.
            Map<String, byte[]> badRecords = new HashMap<>();
            List<String> expectedDeadLetterPositions = new ArrayList<>();
            List<PutRecordsResultEntry> results = put(kinesis, busyShard, records);
            for (int i = 0; i < records.size(); i++) {
                for (int n = 0; n < records.get(i).expectedDeadLetters; n++) {
                    expectedDeadLetterPositions.add(results.get(i).sequenceNumber());
                    badRecords.put(results.get(i).sequenceNumber(), records.get(i).data);
                }
            }

            // The job starts after the puts and reads from TRIM_HORIZON: the spans arrive in a few
            // quick
            // fetches. (Puts paced slower than TraceAssembly.idleness would let the idle-advancing
            // watermark
            // run ahead of spans still coming, and revise traces: the trade-off TraceWatermarks
            // describes.)
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(2);
            LiveJob.build(env, config(emulators, cloudWatch), Duration.ofSeconds(1));
            JobClient job = env.executeAsync("live-job-it");
            try {

                // Every trace is stored once its session gap has passed, although shard 1 never
                // sees a record.
                EVENTUALLY.untilAsserted(
                        () -> {
                            assertItems(dynamoDbAdmin, storedAtRevision1, 1, null, guarded);
                            assertThat(MetricProbe.counter("traceStoreStaleRevisionsSkipped"))
                                    .as("revision 1 of the guarded trace, skipped")
                                    .isEqualTo(1);
                        });
                Map<String, AttributeValue> later =
                        dynamoDbAdmin
                                .dynamoDb()
                                .getItem(
                                        r ->
                                                r.tableName(TABLE)
                                                        .key(
                                                                Map.of(
                                                                        "trace_id",
                                                                        AttributeValue.fromS(
                                                                                guarded))))
                                .item();
                assertThat(later.get("revision").n()).isEqualTo("9");
                assertThat(later.get("span_count").n()).isEqualTo("4242");

                // Insight counts per type and root service, and one TracesAssembled per trace, in
                // the stub.
                // Span metrics count every span delivered; the service graph every edge once.
                Map<GeneratedSpan, Encoding> deliveredIn = new IdentityHashMap<>();
                for (GeneratedRecord record : records) {
                    for (GeneratedRecord part :
                            record.isKplAggregate() ? record.aggregatedRecords : List.of(record)) {
                        part.spans.forEach(span -> deliveredIn.putIfAbsent(span, part.encoding));
                    }
                }
                Map<String, Double> expectedSums = expectedDatumSums(traces);
                expectedSums.putAll(
                        callSums(
                                ExpectedServiceGraph.spanMetrics(records),
                                ExpectedServiceGraph.serviceGraph(
                                        firstRevision.values(), deliveredIn)));
                EVENTUALLY.untilAsserted(
                        () -> assertThat(datumSums(cloudWatch)).isEqualTo(expectedSums));

                // The held-back span arrives within the allowed lateness: revision 2 with every
                // span.
                // A span of a trace that ended 10 minutes ago is beyond the lateness: a dead
                // letter.
                GeneratedSpan tooLate =
                        new GeneratedSpan(
                                "f00dfeedf00dfeedf00dfeedf00dfeed",
                                "00000000000000aa",
                                null,
                                "GET /late",
                                "api-gateway",
                                "server",
                                nanosAgo(Duration.ofMinutes(10).plusMillis(50)),
                                nanosAgo(Duration.ofMinutes(10)),
                                "ok");
                putData(
                        kinesis,
                        busyShard,
                        List.of(
                                RecordEncoder.encode(List.of(heldBack), Encoding.NATIVE_SPAN),
                                RecordEncoder.encode(List.of(tooLate), Encoding.NATIVE_SPAN)));
                EVENTUALLY.untilAsserted(
                        () ->
                                assertItems(
                                        dynamoDbAdmin,
                                        Map.of(heldBack.traceId, traces.get(heldBack.traceId)),
                                        2,
                                        heldBack.traceId));

                // The held-back span and the too-late one are two more span calls; the revision
                // counts only the edges the held-back span makes (its client's virtual edge of
                // revision 1 stays counted: the documented price of counting as traces are
                // emitted).
                deliveredIn.put(heldBack, Encoding.NATIVE_SPAN);
                double newEdges = newEdgesOf(heldBack, traces.get(heldBack.traceId), deliveredIn);
                assertThat(newEdges).isPositive();
                EVENTUALLY.untilAsserted(
                        () -> {
                            Map<String, Double> sums = datumSums(cloudWatch);
                            assertThat(sums.get(SpanMetricsMinute.SPAN_CALLS))
                                    .isEqualTo(expectedSums.get(SpanMetricsMinute.SPAN_CALLS) + 2);
                            assertThat(sums.get(ServiceGraphMinute.REQUESTS))
                                    .isEqualTo(
                                            expectedSums.get(ServiceGraphMinute.REQUESTS)
                                                    + newEdges);
                        });

                // Bad records and the too-late span are in the dead-letter stream, pointing back at
                // the records.
                List<JsonNode> deadLetters = new ArrayList<>();
                EVENTUALLY.untilAsserted(
                        () -> {
                            deadLetters.addAll(readNew(kinesis));
                            assertThat(deadLetters).hasSize(expectedDeadLetterPositions.size() + 1);
                        });
                List<JsonNode> lateSpans =
                        deadLetters.stream()
                                .filter(
                                        d ->
                                                d.get("reason")
                                                        .asText()
                                                        .equals(LiveSinks.LATE_SPAN_REASON))
                                .collect(Collectors.toList());
                assertThat(lateSpans).hasSize(1);
                JsonNode lateSpan = JSON.readTree(lateSpans.get(0).get("record_text").asText());
                assertThat(lateSpan.get("trace_id").asText()).isEqualTo(tooLate.traceId);
                assertThat(lateSpan.get("span_id").asText()).isEqualTo(tooLate.spanId);
                assertThat(lateSpans.get(0).get("origin").asText()).isEqualTo(SPAN_STREAM);

                deadLetters.removeAll(lateSpans);
                assertThat(deadLetters)
                        .extracting(d -> d.get("position").asText())
                        .containsExactlyInAnyOrderElementsOf(expectedDeadLetterPositions);
                assertThat(deadLetters)
                        .allSatisfy(
                                d -> {
                                    assertThat(d.get("reason").asText())
                                            .isNotBlank()
                                            .isNotEqualTo(LiveSinks.LATE_SPAN_REASON);
                                    assertThat(d.get("origin").asText()).isEqualTo(SPAN_STREAM);
                                    assertThat(d.get("partition").asText())
                                            .isEqualTo(busyShard.shardId());
                                    assertThat(
                                                    Base64.getDecoder()
                                                            .decode(
                                                                    d.get("record_base64")
                                                                            .asText()))
                                            .isEqualTo(badRecords.get(d.get("position").asText()));
                                });
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
        // LocalEmulators stopped kinesis-local and dynalite with their child processes.
        assertThat(
                        ProcessHandle.current()
                                .descendants()
                                .map(p -> p.info().commandLine().orElse(""))
                                .filter(cmd -> cmd.contains("main.js") || cmd.contains("dynalite")))
                .isEmpty();
    }

    /** Replay without {@code --output} writes through the same sinks as the live job. */
    @Test
    void replayWithoutOutputWritesToTheLiveSinks(@TempDir java.nio.file.Path dir) throws Exception {
        try (LocalEmulators emulators = LocalEmulators.all().start();
                CloudWatchStub cloudWatch = CloudWatchStub.start()) {
            AwsAdmin kinesisAdmin = emulators.kinesisAdmin();
            AwsAdmin dynamoDbAdmin = emulators.dynamoDbAdmin();
            kinesisAdmin.createStream(DEAD_LETTER_STREAM, 1);
            dynamoDbAdmin.createTraceTable(TABLE);
            GeneratorOptions generator =
                    GeneratorOptions.defaults()
                            .seed(3L)
                            .traces(200)
                            .startEpochMillis(System.currentTimeMillis() - 600_000);
            Map<String, List<GeneratedSpan>> traces = new LinkedHashMap<>();
            new TraceGenerator(generator)
                    .traces()
                    .forEachRemaining(t -> traces.put(t.get(0).traceId, t));
            ArchiveManifest manifest;
            try (ArchiveWriter archive =
                    new ArchiveWriter(ArchiveOptions.to(dir.resolve("archive")))) {
                for (Iterator<GeneratedRecord> records =
                                TrafficShaper.of(
                                        new TraceGenerator(generator),
                                        TrafficOptions.defaults()
                                                .seed(4L)
                                                .kplRatio(0.1)
                                                .badRatio(0.05));
                        records.hasNext(); ) {
                    archive.write(records.next());
                }
                archive.close();
                manifest = archive.manifest();
            }

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setRuntimeMode(RuntimeExecutionMode.BATCH);
            env.setParallelism(2);
            ReplayCommand.build(
                    env,
                    config(emulators, cloudWatch),
                    List.of(new org.apache.flink.core.fs.Path(dir.resolve("archive").toUri())),
                    null);
            env.execute("replay-to-sinks-it");

            assertItemsWithDefaults(dynamoDbAdmin, traces);
            List<JsonNode> deadLetters = new ArrayList<>();
            EVENTUALLY.untilAsserted(
                    () -> {
                        deadLetters.addAll(readNew(kinesisAdmin.kinesis()));
                        assertThat(deadLetters).hasSize((int) manifest.tally.expectedDeadLetters());
                    });
            assertThat(deadLetters)
                    .allSatisfy(d -> assertThat(d.get("position").asText()).startsWith("line "));
            // Insight counts reach CloudWatch in replay too (the aggregator's timers fire at the
            // end of input).
            assertThat(datumSums(cloudWatch).get("TracesAssembled"))
                    .isEqualTo((double) traces.size());
        }
    }

    private static void assertItemsWithDefaults(
            AwsAdmin dynamoDb, Map<String, List<GeneratedSpan>> traces) {
        Map<String, Map<String, AttributeValue>> items = new HashMap<>();
        dynamoDb.dynamoDb()
                .scanPaginator(r -> r.tableName(TABLE))
                .items()
                .forEach(item -> items.put(item.get("trace_id").s(), item));
        assertThat(items.keySet()).isEqualTo(traces.keySet());
        traces.forEach(
                (id, spans) -> {
                    assertThat(items.get(id).get("span_count").n())
                            .as(id)
                            .isEqualTo(Integer.toString(spans.size()));
                    assertThat(items.get(id).get("revision").n()).as(id).isEqualTo("1");
                });
    }

    private static TraceAssemblerConfig config(
            LocalEmulators emulators, CloudWatchStub cloudWatch) {
        // Records put before the job started are read too (TRIM_HORIZON).
        return TraceAssemblerConfig.from(
                emulators
                        .jobProperties(SPAN_STREAM, TABLE, cloudWatch)
                        .set("TraceAssembly", "session.gap", "3 s")
                        .set("TraceAssembly", "max.out.of.orderness", "2 s")
                        .set("TraceAssembly", "idleness", "1 s")
                        .set("TraceAssembly", "allowed.lateness", "1 min")
                        .set(
                                "Insights",
                                "slow.trace.threshold.ms",
                                Double.toString(SLOW_TRACE_THRESHOLD_MS))
                        .set("DeadLetters", "stream.name", DEAD_LETTER_STREAM)
                        .set("DeadLetters", "aws.region", LocalEmulators.REGION)
                        .set("DeadLetters", "aws.endpoint", emulators.kinesisEndpoint()));
    }

    // ---- traffic ----

    private static boolean inShard(String partitionKey, Shard shard) {
        try {
            BigInteger hash =
                    new BigInteger(
                            1,
                            MessageDigest.getInstance("MD5")
                                    .digest(partitionKey.getBytes(StandardCharsets.UTF_8)));
            return hash.compareTo(new BigInteger(shard.hashKeyRange().startingHashKey())) >= 0
                    && hash.compareTo(new BigInteger(shard.hashKeyRange().endingHashKey())) <= 0;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A leaf span (the last of a parents-first list) of the first trace without insights: without
     * it the trace has no insights either, so the insight metrics do not depend on when it arrives.
     */
    private static GeneratedSpan spanToHoldBack(Map<String, List<GeneratedSpan>> traces) {
        for (List<GeneratedSpan> trace : traces.values()) {
            // Not from a Zipkin-reported trace: the span is sent on its own as native JSON, where
            // a B3 server half would be a retry of its client half.
            if (new ExpectedTrace(trace, SLOW_TRACE_THRESHOLD_MS).insights.isEmpty()
                    && trace.size() >= 3
                    && !trace.get(0).zipkinReported) {
                return trace.get(trace.size() - 1);
            }
        }
        throw new AssertionError("no trace without insights");
    }

    /** The longest pause between consecutive span ends of a trace. */
    private static long maxEndGapMillis(List<GeneratedSpan> trace) {
        long[] ends =
                trace.stream().mapToLong(span -> span.endEpochNanos / 1_000_000).sorted().toArray();
        long gap = 0;
        for (int i = 1; i < ends.length; i++) {
            gap = Math.max(gap, ends[i] - ends[i - 1]);
        }
        return gap;
    }

    private static List<GeneratedSpan> without(List<GeneratedSpan> spans, GeneratedSpan excluded) {
        List<GeneratedSpan> rest = new ArrayList<>(spans);
        rest.remove(excluded);
        return rest;
    }

    private static List<PutRecordsResultEntry> put(
            KinesisClient kinesis, Shard shard, List<GeneratedRecord> records) {
        return putData(
                kinesis, shard, records.stream().map(r -> r.data).collect(Collectors.toList()));
    }

    /**
     * PutRecords into {@code shard} (explicit hash key), in order, in small paced batches; retries
     * throttled entries.
     */
    private static List<PutRecordsResultEntry> putData(
            KinesisClient kinesis, Shard shard, List<byte[]> records) {
        List<PutRecordsResultEntry> results = new ArrayList<>();
        for (int from = 0; from < records.size(); from += 100) {
            List<PutRecordsRequestEntry> batch = new ArrayList<>();
            for (byte[] data : records.subList(from, Math.min(records.size(), from + 100))) {
                batch.add(
                        PutRecordsRequestEntry.builder()
                                .data(SdkBytes.fromByteArray(data))
                                .partitionKey("k")
                                .explicitHashKey(shard.hashKeyRange().startingHashKey())
                                .build());
            }
            PutRecordsResponse response =
                    kinesis.putRecords(r -> r.streamName(SPAN_STREAM).records(batch));
            assertThat(response.failedRecordCount()).as("throttled or failed puts").isZero();
            results.addAll(response.records());
            sleep(150);
        }
        return results;
    }

    private static long nanosAgo(Duration ago) {
        return (System.currentTimeMillis() - ago.toMillis()) * 1_000_000L;
    }

    // ---- DynamoDB ----

    /**
     * The table holds exactly these traces' summaries (or, with {@code only}, that trace's) at
     * {@code revision}.
     */
    private static void assertItems(
            AwsAdmin dynamoDb, Map<String, List<GeneratedSpan>> traces, int revision, String only) {
        assertItems(dynamoDb, traces, revision, only, null);
    }

    /** As above; the table also holds {@code otherId} (not checked here) when it is not null. */
    private static void assertItems(
            AwsAdmin dynamoDb,
            Map<String, List<GeneratedSpan>> traces,
            int revision,
            String only,
            String otherId) {
        Map<String, Map<String, AttributeValue>> items = new HashMap<>();
        dynamoDb.dynamoDb()
                .scanPaginator(r -> r.tableName(TABLE))
                .items()
                .forEach(item -> items.put(item.get("trace_id").s(), item));
        if (otherId != null) {
            assertThat(items.remove(otherId)).as(otherId).isNotNull();
        }
        if (only == null) {
            assertThat(items.keySet()).isEqualTo(traces.keySet());
        }
        for (Map.Entry<String, List<GeneratedSpan>> trace : traces.entrySet()) {
            Map<String, AttributeValue> item = items.get(trace.getKey());
            ExpectedTrace e = new ExpectedTrace(trace.getValue(), SLOW_TRACE_THRESHOLD_MS);
            String id = e.traceId;
            assertThat(item).as(id).isNotNull();
            assertThat(item.get("revision").n()).as(id).isEqualTo(Integer.toString(revision));
            assertThat(item.get("span_count").n()).as(id).isEqualTo(Integer.toString(e.spanCount));
            assertThat(item.get("error_count").n())
                    .as(id)
                    .isEqualTo(Integer.toString(e.errorCount));
            assertThat(item.get("service_count").n())
                    .as(id)
                    .isEqualTo(Integer.toString(e.services.size()));
            assertThat(new TreeSet<>(item.get("services").ss())).as(id).isEqualTo(e.services);
            assertThat(item.get("root_service").s()).as(id).isEqualTo(e.rootService);
            // The Zipkin library lower-cases span names.
            assertThat(item.get("root_operation").s())
                    .as(id)
                    .isEqualToIgnoringCase(e.rootOperation);
            assertThat(new BigDecimal(item.get("duration_ms").n()))
                    .as(id)
                    .isEqualByComparingTo(BigDecimal.valueOf(e.endMicros - e.startMicros, 3));
            if (e.errorCount > 0) {
                assertThat(item.get("root_cause_span_id").s()).as(id).isEqualTo(e.rootCauseSpanId);
                assertThat(item.get("root_cause_service").s()).as(id).isEqualTo(e.rootCauseService);
                assertThat(item.get("root_cause_operation").s())
                        .as(id)
                        .isEqualToIgnoringCase(e.rootCauseOperation);
            } else {
                assertThat(item).as(id).doesNotContainKey("root_cause_service");
            }
            if (e.insights.isEmpty()) {
                assertThat(item).as(id).doesNotContainKey("insights");
            } else {
                assertThat(new TreeSet<>(item.get("insights").ss())).as(id).isEqualTo(e.insights);
            }
        }
    }

    // ---- CloudWatch ----

    /**
     * Sum of values per metric and dimensions, for the Count metrics (insights and
     * TracesAssembled).
     */
    private static Map<String, Double> datumSums(CloudWatchStub cloudWatch) {
        Map<String, Double> sums = new TreeMap<>();
        for (JsonNode datum : cloudWatch.datums()) {
            if (!"Count".equals(datum.get("Unit").asText())) {
                continue;
            }
            StringBuilder key = new StringBuilder(datum.get("MetricName").asText());
            if (datum.has("Dimensions")) {
                List<String> dimensions = new ArrayList<>();
                datum.get("Dimensions")
                        .forEach(
                                d ->
                                        dimensions.add(
                                                d.get("Name").asText()
                                                        + "="
                                                        + d.get("Value").asText()));
                dimensions.sort(Comparator.naturalOrder());
                dimensions.forEach(d -> key.append(' ').append(d));
            }
            double sum = 0;
            for (int i = 0; i < datum.get("Values").size(); i++) {
                sum +=
                        datum.get("Values").get(i).asDouble()
                                * datum.get("Counts").get(i).asDouble();
            }
            String metric = datum.get("MetricName").asText();
            if (metric.equals(TraceMetricPoints.ERROR_ROOT_CAUSE)
                    || metric.equals(TraceMetricPoints.SLOW_TRACE_BOTTLENECK)
                    || CALL_METRICS.contains(metric)) {
                // The culprit metrics: one per error / slow trace, over all culprits.
                sums.merge(metric, sum, Double::sum);
            } else {
                sums.merge(key.toString(), sum, Double::sum);
            }
        }
        return sums;
    }

    /** The span-metrics and service-graph counts, summed over every dimension and minute. */
    private static final Set<String> CALL_METRICS =
            Set.of(
                    SpanMetricsMinute.SPAN_CALLS,
                    SpanMetricsMinute.SPAN_ERRORS,
                    ServiceGraphMinute.REQUESTS,
                    ServiceGraphMinute.REQUESTS_FAILED);

    private static Map<String, Double> callSums(
            Map<String, ExpectedServiceGraph.Calls> spanMetrics,
            Map<String, ExpectedServiceGraph.Calls> serviceGraph) {
        Map<String, Double> sums = new TreeMap<>();
        sums.put(
                SpanMetricsMinute.SPAN_CALLS,
                (double) spanMetrics.values().stream().mapToLong(c -> c.calls).sum());
        sums.put(
                SpanMetricsMinute.SPAN_ERRORS,
                (double) spanMetrics.values().stream().mapToLong(c -> c.failed).sum());
        sums.put(
                ServiceGraphMinute.REQUESTS,
                (double) serviceGraph.values().stream().mapToLong(c -> c.calls).sum());
        sums.put(
                ServiceGraphMinute.REQUESTS_FAILED,
                (double) serviceGraph.values().stream().mapToLong(c -> c.failed).sum());
        return sums;
    }

    /**
     * Edges a late span makes (it has no children: the generator's last span is a leaf): to its
     * parent's service when that differs, or to its own peer when it is a client without a child.
     */
    private static double newEdgesOf(
            GeneratedSpan late, List<GeneratedSpan> trace, Map<GeneratedSpan, Encoding> in) {
        long all =
                ExpectedServiceGraph.serviceGraph(List.of(trace), in).values().stream()
                        .mapToLong(c -> c.calls)
                        .sum();
        long without =
                ExpectedServiceGraph.serviceGraph(List.of(without(trace, late)), in)
                        .values()
                        .stream()
                        .mapToLong(c -> c.calls)
                        .sum();
        // Without the late span its client parent may have had a virtual edge (counted then):
        // that edge is gone from the whole trace's count but was not taken back.
        GeneratedSpan parent =
                trace.stream()
                        .filter(g -> !g.shared && g.spanId.equals(late.parentSpanId))
                        .findFirst()
                        .orElse(null);
        boolean parentHadOnlyThisChild =
                parent != null
                        && trace.stream()
                                        .filter(g -> late.parentSpanId.equals(g.parentSpanId))
                                        .count()
                                == 1;
        boolean parentWasVirtual =
                parentHadOnlyThisChild
                        && ("client".equals(parent.kind) || "producer".equals(parent.kind))
                        && in.get(parent) != Encoding.NATIVE_KINESIS_RECORD
                        && (parent.tags.containsKey("peer.service")
                                || parent.tags.containsKey("db.system")
                                || parent.tags.containsKey("messaging.system"));
        return all - without + (parentWasVirtual ? 1 : 0);
    }

    private static Map<String, Double> expectedDatumSums(Map<String, List<GeneratedSpan>> traces) {
        Map<String, String> severities =
                Map.of(
                        "slow_trace",
                        "warning",
                        "trace_errors",
                        "error",
                        "high_service_count",
                        "info");
        Map<String, Double> sums = new TreeMap<>();
        sums.put("TracesAssembled", (double) traces.size());
        for (List<GeneratedSpan> trace : traces.values()) {
            ExpectedTrace e = new ExpectedTrace(trace, SLOW_TRACE_THRESHOLD_MS);
            if (e.insights.contains("trace_errors")) {
                sums.merge(TraceMetricPoints.ERROR_ROOT_CAUSE, 1.0, Double::sum);
            }
            if (e.insights.contains("slow_trace")) {
                sums.merge(TraceMetricPoints.SLOW_TRACE_BOTTLENECK, 1.0, Double::sum);
            }
            for (String type : e.insights) {
                sums.merge(
                        type
                                + " ServiceName="
                                + e.rootService
                                + " Severity="
                                + severities.get(type),
                        1.0,
                        Double::sum);
            }
        }
        return sums;
    }

    // ---- dead-letter stream ----

    private String deadLetterIterator;

    private List<JsonNode> readNew(KinesisClient kinesis) throws Exception {
        if (deadLetterIterator == null) {
            String shardId =
                    kinesis.listShards(r -> r.streamName(DEAD_LETTER_STREAM))
                            .shards()
                            .get(0)
                            .shardId();
            deadLetterIterator =
                    kinesis.getShardIterator(
                                    r ->
                                            r.streamName(DEAD_LETTER_STREAM)
                                                    .shardId(shardId)
                                                    .shardIteratorType(
                                                            ShardIteratorType.TRIM_HORIZON))
                            .shardIterator();
        }
        List<JsonNode> read = new ArrayList<>();
        var response = kinesis.getRecords(r -> r.shardIterator(deadLetterIterator));
        deadLetterIterator = response.nextShardIterator();
        for (Record record : response.records()) {
            read.add(JSON.readTree(record.data().asUtf8String()));
        }
        return read;
    }

    // ---- helpers ----

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
