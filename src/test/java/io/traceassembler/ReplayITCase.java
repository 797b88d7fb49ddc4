package io.traceassembler;

import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.generate.ArchiveManifest;
import io.traceassembler.generate.ArchiveOptions;
import io.traceassembler.generate.ArchiveWriter;
import io.traceassembler.generate.GeneratedRecord;
import io.traceassembler.generate.GeneratedSpan;
import io.traceassembler.generate.GeneratorOptions;
import io.traceassembler.generate.TraceGenerator;
import io.traceassembler.generate.TrafficOptions;
import io.traceassembler.generate.TrafficShaper;
import io.traceassembler.testing.ExpectedTrace;
import io.traceassembler.testing.MiniClusters;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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
        ArchiveManifest[] manifests = writeArchive(generator, traffic, archive);
        Map<String, List<GeneratedSpan>> traces = tracesById(generator);
        long expectedDeadLetters =
                manifests[0].tally.expectedDeadLetters() + manifests[1].tally.expectedDeadLetters();
        long spans = traces.values().stream().mapToLong(List::size).sum();
        assertThat(spans).as("archive size").isGreaterThan(45_000);
        assertThat(expectedDeadLetters).isPositive();

        java.nio.file.Path output = dir.resolve("out");
        runReplay(archive, output);

        Map<String, JsonNode> summaries =
                readLines(output.resolve("traces")).stream()
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
            ExpectedTrace expected = new ExpectedTrace(trace.getValue());
            assertSummary(summaries.get(trace.getKey()), expected);
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

        List<JsonNode> insights = readLines(output.resolve("insights"));
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

        List<JsonNode> deadLetters = readLines(output.resolve("dead-letters"));
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

    @Test
    void sameInputGivesTheSameOutput() throws Exception {
        GeneratorOptions generator = GeneratorOptions.defaults().seed(5L).traces(300);
        TrafficOptions traffic =
                TrafficOptions.defaults().seed(6L).duplicateRatio(0.05).badRatio(0.02);
        java.nio.file.Path archive = dir.resolve("archive");
        writeArchive(generator, traffic, archive);

        runReplay(archive, dir.resolve("first"));
        runReplay(archive, dir.resolve("second"));

        for (String folder : List.of("traces", "insights", "dead-letters")) {
            List<String> first = sortedLines(dir.resolve("first").resolve(folder));
            assertThat(first).as(folder).isNotEmpty();
            assertThat(sortedLines(dir.resolve("second").resolve(folder)))
                    .as(folder)
                    .isEqualTo(first);
        }
    }

    private static void runReplay(java.nio.file.Path archive, java.nio.file.Path output)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(2);
        ReplayCommand.build(
                env,
                TraceAssemblerConfig.defaults(),
                List.of(new Path(archive.toUri())),
                new Path(output.toUri()));
        env.execute("replay-it");
    }

    /**
     * Half the records in gzipped files, half in plain ones; both hold envelopes and JSON lines.
     */
    private static ArchiveManifest[] writeArchive(
            GeneratorOptions generator, TrafficOptions traffic, java.nio.file.Path archive)
            throws IOException {
        Iterator<GeneratedRecord> records =
                TrafficShaper.of(new TraceGenerator(generator), traffic);
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
        assertThat(actual.get("has_root").asBoolean()).as(id).isTrue();
        assertThat(actual.get("orphan_span_count").asInt()).as(id).isZero();
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

    private static List<JsonNode> readLines(java.nio.file.Path folder) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : sortedLines(folder)) {
            nodes.add(mapper.readTree(line));
        }
        return nodes;
    }

    /** Lines of the committed part files (hidden in-progress files would start with a dot). */
    private static List<String> sortedLines(java.nio.file.Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.walk(folder)) {
            for (java.nio.file.Path file :
                    files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                String name = file.getFileName().toString();
                assertThat(name).doesNotStartWith(".").doesNotStartWith("_");
                assertThat(file.getParent())
                        .as("part files lie directly in the output folder")
                        .isEqualTo(folder);
                lines.addAll(Files.readAllLines(file));
            }
        }
        lines.sort(null);
        return lines;
    }
}
