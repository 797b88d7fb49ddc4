package io.traceassembler;

import io.traceassembler.generate.ArchiveManifest;
import io.traceassembler.generate.ArchiveOptions;
import io.traceassembler.generate.ArchiveWriter;
import io.traceassembler.generate.Compression;
import io.traceassembler.generate.Encoding;
import io.traceassembler.generate.GeneratedRecord;
import io.traceassembler.generate.GeneratedSpan;
import io.traceassembler.generate.GeneratorOptions;
import io.traceassembler.generate.TraceGenerator;
import io.traceassembler.generate.TrafficOptions;
import io.traceassembler.generate.TrafficShaper;
import io.traceassembler.testing.ExpectedTrace;
import io.traceassembler.testing.MiniClusters;

import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replays a generated archive that mixes every encoding and compression, KPL aggregates, gzip
 * files, Kinesis envelopes and plain JSON lines, out-of-order, duplicate, late and bad records,
 * through the real replay job on a MiniCluster, and compares every output line with values computed
 * here from the generated spans, independently of the job's code.
 */
class ReplayITCase {
    private static final int RETENTION_DAYS = 30;
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

    @TempDir java.nio.file.Path dir;

    @Test
    void replayGivesOneExactSummaryPerTraceAnInsightPerInsightAndADeadLetterPerBadRecord()
            throws Exception {
        GeneratorOptions generator =
                GeneratorOptions.defaults()
                        .seed(20261124L)
                        .traces(3_000)
                        .bigTraceRatio(0.002)
                        .bigTraceSpans(2_500);
        TrafficOptions traffic =
                TrafficOptions.defaults()
                        .seed(11L)
                        .duplicateRatio(0.03)
                        .lateRatio(0.01)
                        .kplRatio(0.05)
                        .badRatio(0.01)
                        .outOfOrderMillis(3_000);
        java.nio.file.Path archive = dir.resolve("archive");
        Map<String, List<GeneratedSpan>> traces = new HashMap<>();
        Map<GeneratedSpan, Encoding> deliveredIn = new IdentityHashMap<>();
        ArchiveManifest[] manifests =
                writeArchive(generator, traffic, archive, traces, deliveredIn, null);
        assertThat(tracesById(generator).keySet())
                .as("the traces the shaper got are the generator's")
                .isEqualTo(traces.keySet());
        assertThat(traces.values().stream().flatMap(List::stream).filter(g -> g.shared))
                .as("B3 shared halves in the default mix")
                .isNotEmpty();
        long expectedDeadLetters =
                manifests[0].tally.expectedDeadLetters() + manifests[1].tally.expectedDeadLetters();
        long spans = traces.values().stream().mapToLong(List::size).sum();
        assertThat(spans).as("archive size").isGreaterThan(45_000);
        assertThat(expectedDeadLetters).isPositive();

        java.nio.file.Path output = dir.resolve("out");
        ReplayRuns.replay(archive, output);

        Map<String, JsonNode> summaries =
                ReplayRuns.readLines(output.resolve("traces")).stream()
                        .collect(
                                Collectors.toMap(
                                        n -> n.get("trace_id").asText(),
                                        n -> n,
                                        (a, b) -> {
                                            throw new AssertionError(
                                                    "two summaries for trace " + a.get("trace_id"));
                                        }));
        assertThat(summaries.keySet()).isEqualTo(traces.keySet());
        List<String> expectedInsights = new ArrayList<>();
        for (Map.Entry<String, List<GeneratedSpan>> trace : traces.entrySet()) {
            ExpectedTrace expected =
                    new ExpectedTrace(
                            trace.getValue(),
                            ExpectedTrace.DEFAULT_SLOW_TRACE_THRESHOLD_MS,
                            deliveredIn);
            assertSummary(summaries.get(trace.getKey()), expected);
            assertAnalysis(summaries.get(trace.getKey()), expected);
            expected.insights.forEach(
                    type ->
                            expectedInsights.add(
                                    trace.getKey()
                                            + " "
                                            + type
                                            + " "
                                            + severity(type)
                                            + " "
                                            + expected.rootService));
        }

        List<JsonNode> insights = ReplayRuns.readLines(output.resolve("insights"));
        assertThat(insights)
                .extracting(
                        n ->
                                n.get("trace_id").asText()
                                        + " "
                                        + n.get("type").asText()
                                        + " "
                                        + n.get("severity").asText()
                                        + " "
                                        + n.get("service_name").asText())
                .containsExactlyInAnyOrderElementsOf(expectedInsights);
        assertThat(insights)
                .allSatisfy(
                        n -> {
                            assertThat(n.get("message").asText()).isNotBlank();
                            assertThat(Instant.parse(n.get("timestamp").asText()))
                                    .isAfter(Instant.parse("2020-01-01T00:00:00Z"));
                        });

        List<JsonNode> deadLetters = ReplayRuns.readLines(output.resolve("dead-letters"));
        assertThat(deadLetters).hasSize((int) expectedDeadLetters);
        assertThat(deadLetters)
                .allSatisfy(
                        n -> {
                            assertThat(n.get("reason").asText()).isNotBlank();
                            assertThat(n.get("origin").asText()).contains("archive");
                            assertThat(n.get("position").asText()).startsWith("line ");
                            assertThat(Base64.getDecoder().decode(n.get("record_base64").asText()))
                                    .isNotEmpty();
                        });
    }

    /**
     * Issue 11's done-when: B3 services reporting Zipkin only, shuffled, duplicated, compressed,
     * KPL-aggregated, a few bad records: every trace exact, analysis fields included.
     */
    @Test
    void zipkinArchiveFromB3ServicesShuffledAndDuplicatedGivesEveryTraceExact() throws Exception {
        assertEveryTraceExact(
                GeneratorOptions.defaults()
                        .seed(1111L)
                        .traces(1_500)
                        .errorRatio(0.3)
                        .zipkinTraceRatio(1.0)
                        .b3Ratio(0.8),
                Map.of(Encoding.ZIPKIN_JSON, 1.0, Encoding.ZIPKIN_PROTO, 1.0),
                true);
    }

    /** The same for an archive of jaeger_proto records only (no shared ids there). */
    @Test
    void jaegerArchiveShuffledAndDuplicatedGivesEveryTraceExact() throws Exception {
        assertEveryTraceExact(
                GeneratorOptions.defaults()
                        .seed(2222L)
                        .traces(1_500)
                        .errorRatio(0.3)
                        .zipkinTraceRatio(0),
                Map.of(Encoding.JAEGER_PROTO, 1.0),
                false);
    }

    private void assertEveryTraceExact(
            GeneratorOptions generator, Map<Encoding, Double> encodings, boolean b3)
            throws Exception {
        TrafficOptions traffic =
                TrafficOptions.defaults()
                        .seed(generator.seed() + 1)
                        .encodingWeights(encodings)
                        .compressionWeights(
                                Map.of(
                                        Compression.GZIP, 2.0,
                                        Compression.ZLIB, 1.0,
                                        Compression.DEFLATE, 1.0,
                                        Compression.GZIP_NO_TRAILER, 1.0,
                                        Compression.NONE, 1.0))
                        .duplicateRatio(0.2)
                        .kplRatio(0.05)
                        .badRatio(0.005);
        java.nio.file.Path archive = dir.resolve("archive");
        Map<String, List<GeneratedSpan>> traces = new HashMap<>();
        Map<GeneratedSpan, Encoding> deliveredIn = new IdentityHashMap<>();
        ArchiveManifest[] manifests =
                writeArchive(
                        generator,
                        traffic,
                        archive,
                        traces,
                        deliveredIn,
                        new Random(generator.seed()));
        long shared = traces.values().stream().flatMap(List::stream).filter(g -> g.shared).count();
        long pairs =
                traces.values().stream()
                        .flatMap(List::stream)
                        .filter(g -> "server".equals(g.kind) && g.parentSpanId != null)
                        .count();
        if (b3) {
            assertThat((double) shared / pairs).as("B3 share of server spans").isGreaterThan(0.7);
        } else {
            assertThat(shared).isZero();
        }
        assertThat(deliveredIn.values()).allMatch(encodings::containsKey);
        long expectedDeadLetters =
                manifests[0].tally.expectedDeadLetters() + manifests[1].tally.expectedDeadLetters();
        assertThat(expectedDeadLetters).isPositive();

        java.nio.file.Path output = dir.resolve("out");
        ReplayRuns.replay(archive, output);

        Map<String, JsonNode> summaries = new HashMap<>();
        for (JsonNode line : ReplayRuns.readLines(output.resolve("traces"))) {
            assertThat(summaries.put(line.get("trace_id").asText(), line))
                    .as("one summary per trace")
                    .isNull();
        }
        assertThat(summaries.keySet()).isEqualTo(traces.keySet());
        int errorTraces = 0;
        int causedByServerHalf = 0;
        for (Map.Entry<String, List<GeneratedSpan>> trace : traces.entrySet()) {
            ExpectedTrace expected =
                    new ExpectedTrace(
                            trace.getValue(),
                            ExpectedTrace.DEFAULT_SLOW_TRACE_THRESHOLD_MS,
                            deliveredIn);
            assertSummary(summaries.get(trace.getKey()), expected);
            assertAnalysis(summaries.get(trace.getKey()), expected);
            errorTraces += expected.errorCount > 0 ? 1 : 0;
            causedByServerHalf +=
                    trace.getValue().stream()
                                    .anyMatch(
                                            g ->
                                                    g.shared
                                                            && g.spanId.equals(
                                                                    expected.rootCauseSpanId)
                                                            && g.serviceName.equals(
                                                                    expected.rootCauseService))
                            ? 1
                            : 0;
        }
        assertThat(errorTraces).isGreaterThan(300);
        if (b3) {
            // The case issue 11 reports: an error whose culprit is a server half.
            assertThat(causedByServerHalf).isGreaterThan(50);
        }
        assertThat(ReplayRuns.readLines(output.resolve("dead-letters")))
                .hasSize((int) expectedDeadLetters);
    }

    @Test
    void sameInputGivesTheSameOutput() throws Exception {
        GeneratorOptions generator = GeneratorOptions.defaults().seed(5L).traces(300);
        TrafficOptions traffic =
                TrafficOptions.defaults().seed(6L).duplicateRatio(0.05).badRatio(0.02);
        java.nio.file.Path archive = dir.resolve("archive");
        writeArchive(generator, traffic, archive, new HashMap<>(), new IdentityHashMap<>(), null);

        ReplayRuns.replay(archive, dir.resolve("first"));
        ReplayRuns.replay(archive, dir.resolve("second"));

        for (String folder : List.of("traces", "insights", "dead-letters")) {
            List<String> first = ReplayRuns.sortedLines(dir.resolve("first").resolve(folder));
            assertThat(first).as(folder).isNotEmpty();
            assertThat(ReplayRuns.sortedLines(dir.resolve("second").resolve(folder)))
                    .as(folder)
                    .isEqualTo(first);
        }
    }

    /**
     * Half the records in gzipped files, half in plain ones; both hold envelopes and JSON lines.
     * Fills {@code traces} with the traces the shaper got and {@code deliveredIn} with the encoding
     * each span was first delivered in; with {@code shuffle}, the records go out in random order.
     */
    private static ArchiveManifest[] writeArchive(
            GeneratorOptions generator,
            TrafficOptions traffic,
            java.nio.file.Path archive,
            Map<String, List<GeneratedSpan>> traces,
            Map<GeneratedSpan, Encoding> deliveredIn,
            Random shuffle)
            throws IOException {
        Iterator<List<GeneratedSpan>> generated = new TraceGenerator(generator).traces();
        Iterator<GeneratedRecord> shaped =
                new TrafficShaper(
                        new Iterator<>() {
                            @Override
                            public boolean hasNext() {
                                return generated.hasNext();
                            }

                            @Override
                            public List<GeneratedSpan> next() {
                                List<GeneratedSpan> trace = generated.next();
                                traces.put(trace.get(0).traceId, trace);
                                return trace;
                            }
                        },
                        traffic);
        List<GeneratedRecord> all = new ArrayList<>();
        shaped.forEachRemaining(all::add);
        for (GeneratedRecord record : all) {
            for (GeneratedRecord part :
                    record.isKplAggregate() ? record.aggregatedRecords : List.of(record)) {
                part.spans.forEach(span -> deliveredIn.putIfAbsent(span, part.encoding));
            }
        }
        if (shuffle != null) {
            Collections.shuffle(all, shuffle);
        }
        Iterator<GeneratedRecord> records = all.iterator();
        try (ArchiveWriter plain =
                        new ArchiveWriter(
                                ArchiveOptions.to(archive.resolve("plain")).recordsPerFile(2_000));
                ArchiveWriter gzipped =
                        new ArchiveWriter(
                                ArchiveOptions.to(archive.resolve("nested/gzipped"))
                                        .gzip(true)
                                        .recordsPerFile(2_000))) {
            boolean toPlain = true;
            while (records.hasNext()) {
                (toPlain ? plain : gzipped).write(records.next());
                toPlain = !toPlain;
            }
            plain.close();
            gzipped.close();
            return new ArchiveManifest[] {plain.manifest(), gzipped.manifest()};
        }
    }

    private static Map<String, List<GeneratedSpan>> tracesById(GeneratorOptions options) {
        Map<String, List<GeneratedSpan>> traces = new HashMap<>();
        new TraceGenerator(options).traces().forEachRemaining(t -> traces.put(t.get(0).traceId, t));
        return traces;
    }

    private static void assertSummary(JsonNode actual, ExpectedTrace e) {
        String id = e.traceId;
        assertThat(actual.get("span_count").asInt()).as(id).isEqualTo(e.spanCount);
        assertThat(actual.get("service_count").asInt()).as(id).isEqualTo(e.services.size());
        assertThat(actual.get("error_count").asInt()).as(id).isEqualTo(e.errorCount);
        assertThat(texts(actual.get("services"))).as(id).containsExactlyElementsOf(e.services);
        assertThat(actual.get("start_epoch_ms").asLong())
                .as(id)
                .isEqualTo(Math.floorDiv(e.startMicros, 1000));
        assertThat(actual.get("end_epoch_ms").asLong())
                .as(id)
                .isEqualTo(Math.floorDiv(e.endMicros, 1000));
        assertThat(actual.get("start_time").asText())
                .as(id)
                .isEqualTo(
                        ISO_MILLIS.format(
                                Instant.ofEpochMilli(Math.floorDiv(e.startMicros, 1000))));
        assertThat(actual.get("end_time").asText())
                .as(id)
                .isEqualTo(
                        ISO_MILLIS.format(Instant.ofEpochMilli(Math.floorDiv(e.endMicros, 1000))));
        assertThat(actual.get("duration_ms").decimalValue())
                .as(id)
                .isEqualByComparingTo(BigDecimal.valueOf(e.endMicros - e.startMicros, 3));
        assertThat(actual.get("root_service").asText()).as(id).isEqualTo(e.rootService);
        // The Zipkin library lower-cases span names, so a root sent as Zipkin JSON arrives
        // lower-cased.
        assertThat(actual.get("root_operation").asText())
                .as(id)
                .isEqualToIgnoringCase(e.rootOperation);
        assertThat(actual.get("has_root").asBoolean()).as(id).isTrue().isEqualTo(e.hasRoot);
        assertThat(actual.get("orphan_span_count").asInt())
                .as(id)
                .isZero()
                .isEqualTo(e.orphanSpanCount);
        assertThat(actual.get("truncated").asBoolean()).as(id).isFalse();
        assertThat(actual.get("revision").asInt()).as(id).isEqualTo(1);
        assertThat(actual.get("expires_at").asLong())
                .as(id)
                .isEqualTo(Math.floorDiv(e.endMicros, 1_000_000) + RETENTION_DAYS * 86_400L);
        if (e.insights.isEmpty()) {
            assertThat(actual.has("insights")).as(id).isFalse();
        } else {
            assertThat(texts(actual.get("insights")))
                    .as(id)
                    .containsExactlyInAnyOrderElementsOf(e.insights);
        }
    }

    /** The analysis fields (docs/contracts.md, section 2) against the independent computation. */
    private static void assertAnalysis(JsonNode actual, ExpectedTrace e) {
        String id = e.traceId;
        assertThat(actual.has("root_cause_service")).as(id).isEqualTo(e.errorCount > 0);
        if (e.errorCount > 0) {
            assertThat(actual.get("root_cause_span_id").asText())
                    .as(id + " root cause span")
                    .isEqualTo(e.rootCauseSpanId);
            assertThat(actual.get("root_cause_service").asText())
                    .as(id)
                    .isEqualTo(e.rootCauseService);
            assertThat(actual.get("root_cause_operation").asText())
                    .as(id)
                    .isEqualToIgnoringCase(e.rootCauseOperation);
        } else {
            assertThat(actual.has("root_cause_span_id")).as(id).isFalse();
        }
        assertThat(actual.has("critical_path")).as(id).isEqualTo(e.criticalPathMicros != null);
        if (e.criticalPathMicros != null) {
            Map<String, Long> path = new TreeMap<>();
            actual.get("critical_path")
                    .fields()
                    .forEachRemaining(
                            f ->
                                    path.put(
                                            f.getKey(),
                                            f.getValue()
                                                    .decimalValue()
                                                    .movePointRight(3)
                                                    .longValueExact()));
            assertThat(path).as(id + " critical path (µs)").isEqualTo(e.criticalPathMicros);
            assertThat(actual.get("bottleneck_service").asText())
                    .as(id)
                    .isEqualTo(e.bottleneckService);
            assertThat(actual.get("bottleneck_operation").asText())
                    .as(id)
                    .isEqualToIgnoringCase(e.bottleneckOperation);
            assertThat(actual.get("bottleneck_share").decimalValue())
                    .as(id)
                    .isEqualByComparingTo(e.bottleneckShare);
        }
    }

    private static String severity(String type) {
        return Map.of(
                        "slow_trace",
                        "warning",
                        "trace_errors",
                        "error",
                        "high_service_count",
                        "info")
                .get(type);
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
