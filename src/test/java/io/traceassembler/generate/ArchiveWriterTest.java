package io.traceassembler.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static io.traceassembler.generate.GeneratorFixtures.allRecords;
import static org.assertj.core.api.Assertions.assertThat;

class ArchiveWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final GeneratorOptions TRACES = GeneratorOptions.defaults().seed(5).traces(400);
    private static final TrafficOptions TRAFFIC =
            TrafficOptions.defaults()
                    .seed(5)
                    .duplicateRatio(0.05)
                    .kplRatio(0.05)
                    .badRatio(0.03)
                    .lateRatio(0.01);

    @TempDir Path temp;

    @Test
    void sameSeedWritesTheSameBytes() throws IOException {
        ArchiveManifest first = write(temp.resolve("a"), true, 100);
        ArchiveManifest second = write(temp.resolve("b"), true, 100);

        assertThat(second.files).isEqualTo(first.files).hasSizeGreaterThan(2);
        for (String file : first.files) {
            assertThat(Files.readAllBytes(temp.resolve("b").resolve(file)))
                    .as(file)
                    .isEqualTo(Files.readAllBytes(temp.resolve("a").resolve(file)));
        }
    }

    @Test
    void filesReadBackToTheRecordsInStreamOrder() throws IOException {
        List<GeneratedRecord> records = allRecords(TRACES, TRAFFIC);
        for (boolean gzip : new boolean[] {false, true}) {
            Path dir = temp.resolve("gzip-" + gzip);
            ArchiveManifest manifest = write(dir, gzip, 300);

            List<byte[]> plain = new ArrayList<>();
            List<JsonNode> kinesis = new ArrayList<>();
            for (String file : manifest.files) {
                assertThat(file).endsWith(gzip ? ".gz" : ".jsonl");
                for (String line : readLines(dir.resolve(file), gzip)) {
                    JsonNode node = JSON.readTree(line); // every line is one JSON document
                    if (file.contains(".kinesis.jsonl")) {
                        kinesis.add(node);
                    } else {
                        plain.add(line.getBytes(StandardCharsets.UTF_8));
                    }
                }
            }

            List<byte[]> expectedPlain = new ArrayList<>();
            List<GeneratedRecord> expectedKinesis = new ArrayList<>();
            records.forEach(
                    r -> {
                        if (r.isPlainJson()) {
                            expectedPlain.add(r.data);
                        } else {
                            expectedKinesis.add(r);
                        }
                    });
            assertThat(plain).hasSameSizeAs(expectedPlain);
            for (int i = 0; i < plain.size(); i++) {
                assertThat(plain.get(i)).isEqualTo(expectedPlain.get(i));
            }
            assertThat(kinesis).hasSameSizeAs(expectedKinesis);
            BigInteger previousSequence = BigInteger.ZERO;
            for (int i = 0; i < kinesis.size(); i++) {
                JsonNode line = kinesis.get(i);
                GeneratedRecord record = expectedKinesis.get(i);
                assertThat(Base64.getDecoder().decode(line.get("Data").asText()))
                        .isEqualTo(record.data);
                assertThat(line.get("PartitionKey").asText()).isEqualTo(record.partitionKey);
                BigInteger sequence = new BigInteger(line.get("SequenceNumber").asText());
                assertThat(line.get("SequenceNumber").asText()).hasSize(56);
                assertThat(sequence).isGreaterThan(previousSequence);
                previousSequence = sequence;
                assertThat(line.get("ApproximateArrivalTimestamp").isNumber()).isTrue();
                assertThat(
                                line.get("ApproximateArrivalTimestamp")
                                        .decimalValue()
                                        .movePointRight(9)
                                        .longValue())
                        .isEqualTo(record.arrivalEpochNanos / 1_000_000 * 1_000_000);
            }
        }
    }

    @Test
    void manifestCountsDuplicatesBadRecordsAndSpans() throws IOException {
        List<GeneratedRecord> records = allRecords(TRACES, TRAFFIC);
        long duplicates = records.stream().filter(r -> r.duplicate).count();
        long bad = records.stream().filter(GeneratedRecord::isBad).count();
        long distinctSpans =
                records.stream().filter(r -> !r.duplicate).mapToLong(r -> r.spans.size()).sum();
        TraceGenerator generator = new TraceGenerator(TRACES);
        generator.traces().forEachRemaining(trace -> {});

        ArchiveManifest manifest = write(temp.resolve("m"), false, 100_000);

        assertThat(manifest.tally.records()).isEqualTo(records.size());
        assertThat(manifest.tally.duplicateRecords()).isEqualTo(duplicates).isPositive();
        assertThat(manifest.tally.badRecords()).isEqualTo(bad).isPositive();
        assertThat(manifest.tally.expectedDeadLetters()).isEqualTo(bad);
        assertThat(manifest.tally.distinctSpans())
                .isEqualTo(distinctSpans)
                .isEqualTo(generator.stats().spans());
        assertThat(manifest.tally.traces()).isEqualTo(400);
        assertThat(manifest.plainJsonLineRecords + manifest.kinesisRecords)
                .isEqualTo(records.size());
        assertThat(manifest.files)
                .containsExactlyInAnyOrder("spans-00000.jsonl", "spans-00000.kinesis.jsonl");
        JsonNode json = JSON.readTree(manifest.toJson(generator.stats()));
        assertThat(json.get("bad_records").asLong()).isEqualTo(bad);
        assertThat(json.get("expected_insights").get("trace_errors").asLong())
                .isEqualTo(generator.stats().errorTraces());
    }

    @Test
    void allKinesisModeWritesOnlyKinesisFilesAndMultiLineJsonIsCompacted() throws IOException {
        ArchiveManifest manifest =
                ArchiveWriter.write(
                        allRecords(TRACES, TRAFFIC).iterator(),
                        ArchiveOptions.to(temp.resolve("k")).plainJsonLines(false));
        assertThat(manifest.files).allSatisfy(file -> assertThat(file).endsWith(".kinesis.jsonl"));
        assertThat(manifest.plainJsonLineRecords).isZero();

        GeneratedRecord pretty =
                new GeneratedRecord(
                        "{\n  \"a\": 1\n}".getBytes(StandardCharsets.UTF_8),
                        "k",
                        Encoding.NATIVE_SPAN,
                        Compression.NONE,
                        List.of(),
                        false,
                        0,
                        List.of(),
                        null,
                        0,
                        0);
        ArchiveWriter.write(List.of(pretty).iterator(), ArchiveOptions.to(temp.resolve("p")));
        assertThat(Files.readString(temp.resolve("p").resolve("spans-00000.jsonl")))
                .isEqualTo("{\"a\":1}\n");
    }

    private ArchiveManifest write(Path dir, boolean gzip, int recordsPerFile) throws IOException {
        return ArchiveWriter.write(
                TrafficShaper.of(new TraceGenerator(TRACES), TRAFFIC),
                ArchiveOptions.to(dir).gzip(gzip).recordsPerFile(recordsPerFile));
    }

    private static List<String> readLines(Path file, boolean gzip) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
                InputStream in = gzip ? new GZIPInputStream(raw) : raw;
                BufferedReader reader =
                        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            List<String> lines = new ArrayList<>();
            reader.lines().forEach(lines::add);
            return lines;
        }
    }
}
