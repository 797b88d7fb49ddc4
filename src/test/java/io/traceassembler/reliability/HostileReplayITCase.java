package io.traceassembler.reliability;

import io.traceassembler.generate.GeneratedRecord;
import io.traceassembler.generate.GeneratedSpan;
import io.traceassembler.generate.GeneratorOptions;
import io.traceassembler.generate.TraceGenerator;
import io.traceassembler.generate.TrafficOptions;
import io.traceassembler.generate.TrafficShaper;
import io.traceassembler.reliability.HostileRecords.Hostile;
import io.traceassembler.testing.MiniClusters;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Promise 1 end to end: {@code trace-assembler replay} of an archive where hostile records sit
 * between good ones exits 0, with no restart allowed (any exception would fail the job), every good
 * trace exact and every hostile record in the dead letters with a reason.
 */
class HostileReplayITCase {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots(noRestart());

    @TempDir java.nio.file.Path dir;

    static Configuration noRestart() {
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return config;
    }

    @Test
    void replayOfAHostileArchiveExitsZeroWithEveryGoodTraceExactAndEveryHostileRecordDeadLettered()
            throws Exception {
        GeneratorOptions generator = GeneratorOptions.defaults().seed(606L).traces(400);
        TrafficOptions traffic =
                TrafficOptions.defaults()
                        .seed(607L)
                        .duplicateRatio(0.03)
                        .kplRatio(0.05)
                        .badRatio(0.01)
                        .outOfOrderMillis(2_000);
        List<Hostile> hostiles = HostileRecords.corpus(0);
        java.nio.file.Path archive = dir.resolve("archive");
        Files.createDirectories(archive);

        // Good and hostile records interleaved in the same files: Kinesis envelopes (any bytes) and
        // plain
        // JSON lines (JSON-text hostiles, raw invalid UTF-8). Records that may not be matched byte
        // for byte
        // (the envelope itself is broken, or the line is cut) are counted separately.
        long expectedDeadLetters = 0;
        Set<String> hostileRecords = new HashSet<>();
        int otherDeadLetters = 0;
        Iterator<GeneratedRecord> good = TrafficShaper.of(new TraceGenerator(generator), traffic);
        try (OutputStream kinesis =
                        Files.newOutputStream(archive.resolve("mixed-00000.kinesis.jsonl"));
                OutputStream plain = Files.newOutputStream(archive.resolve("mixed-00001.jsonl"))) {
            int h = 0;
            long sequence = 0;
            while (good.hasNext()) {
                GeneratedRecord record = good.next();
                expectedDeadLetters += record.expectedDeadLetters;
                if (record.isPlainJson()
                        && sequence % 2 == 0
                        && !new String(record.data, StandardCharsets.UTF_8).contains("\n")) {
                    line(plain, record.data);
                } else {
                    line(kinesis, envelope(sequence, record.data));
                }
                sequence++;
                if (sequence % 5 == 0 && h < hostiles.size()) {
                    Hostile hostile = hostiles.get(h++);
                    line(
                            hostile.lineSafe && h % 2 == 0 ? plain : kinesis,
                            hostile.lineSafe && h % 2 == 0
                                    ? hostile.data
                                    : envelope(sequence, hostile.data));
                    expectedDeadLetters += hostile.expectedDeadLetters;
                    hostileRecords.add(Base64.getEncoder().encodeToString(hostile.data));
                }
            }
            assertThat(h)
                    .as("every hostile record placed between good ones")
                    .isEqualTo(hostiles.size());
            // Raw invalid UTF-8 and a NUL on a plain JSON line.
            byte[] invalidUtf8 = {
                '{',
                '"',
                't',
                'r',
                'a',
                'c',
                'e',
                '_',
                'i',
                'd',
                '"',
                ':',
                '"',
                (byte) 0xFE,
                (byte) 0xFF,
                0,
                '"',
                '}'
            };
            line(plain, invalidUtf8);
            hostileRecords.add(Base64.getEncoder().encodeToString(invalidUtf8));
            expectedDeadLetters++;
            // Broken envelopes: not JSON, Data not base64, no Data, Data empty.
            line(
                    kinesis,
                    "{\"SequenceNumber\": \"1\", \"Data\": ".getBytes(StandardCharsets.UTF_8));
            line(
                    kinesis,
                    "{\"SequenceNumber\": \"2\", \"Data\": \"***not base64***\"}"
                            .getBytes(StandardCharsets.UTF_8));
            line(
                    kinesis,
                    "{\"SequenceNumber\": \"3\", \"PartitionKey\": \"k\"}"
                            .getBytes(StandardCharsets.UTF_8));
            line(
                    kinesis,
                    "{\"SequenceNumber\": \"4\", \"Data\": \"\"}".getBytes(StandardCharsets.UTF_8));
            // A line longer than the archive reader's 16 MiB line limit.
            byte[] huge = new byte[17 << 20];
            java.util.Arrays.fill(huge, (byte) 'z');
            line(plain, huge);
            otherDeadLetters += 5;
            expectedDeadLetters += 5;
        }
        // A gzip archive file cut short (an interrupted upload), holding good records of its own
        // traces
        // before the cut: those before the cut are read, the rest of the file is one dead letter.
        GeneratorOptions cutGenerator =
                GeneratorOptions.defaults()
                        .seed(608L)
                        .traces(40)
                        .zipkinTraceRatio(0) // written as OTLP JSON: no B3 halves
                        .startEpochMillis(
                                GeneratorOptions.DEFAULT_START_EPOCH_MILLIS + 86_400_000L);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        int cutTraces = 0;
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            Iterator<java.util.List<GeneratedSpan>> traces =
                    new TraceGenerator(cutGenerator).traces();
            while (traces.hasNext()) {
                List<GeneratedSpan> trace = traces.next();
                line(
                        out,
                        io.traceassembler.generate.RecordEncoder.encode(
                                trace, io.traceassembler.generate.Encoding.OTLP_JSON));
                cutTraces++;
            }
        }
        byte[] gzBytes = gz.toByteArray();
        Files.write(
                archive.resolve("cut-00000.jsonl.gz"),
                java.util.Arrays.copyOf(gzBytes, gzBytes.length * 3 / 4));
        otherDeadLetters += 1;
        expectedDeadLetters += 1;

        java.nio.file.Path output = dir.resolve("out");
        long started = System.nanoTime();
        int exitCode =
                ReplayHarness.cli(
                        "replay",
                        "--input",
                        archive.toString(),
                        "--output",
                        output.toString(),
                        "--parallelism",
                        "2");
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(exitCode).as("replay exit code").isZero();

        // Good traces: exactly the generated ones, each exact; nothing from a hostile record became
        // a trace.
        Map<String, List<GeneratedSpan>> expected = ReplayHarness.tracesById(generator);
        Map<String, List<GeneratedSpan>> cut = ReplayHarness.tracesById(cutGenerator);
        Map<String, JsonNode> summaries =
                ReplayHarness.uniqueById(ReplayHarness.readLines(output.resolve("traces")));
        Set<String> cutSeen = new HashSet<>(summaries.keySet());
        cutSeen.retainAll(cut.keySet());
        for (Map.Entry<String, List<GeneratedSpan>> trace : expected.entrySet()) {
            ReplayHarness.assertSummary(summaries.get(trace.getKey()), trace.getValue());
        }
        for (String id : cutSeen) {
            ReplayHarness.assertSummary(summaries.get(id), cut.get(id));
        }
        assertThat(cutSeen).as("traces read from the cut gzip file before the cut").isNotEmpty();
        assertThat(summaries.size())
                .as("no other trace")
                .isEqualTo(expected.size() + cutSeen.size());

        List<JsonNode> deadLetters = ReplayHarness.readLines(output.resolve("dead-letters"));
        assertThat(deadLetters)
                .allSatisfy(
                        n -> {
                            assertThat(n.get("reason").asText()).isNotBlank();
                            assertThat(n.get("origin").asText()).contains("archive");
                            assertThat(n.get("position").asText()).startsWith("line ");
                        });
        Set<String> deadRecords = new HashSet<>();
        deadLetters.forEach(n -> deadRecords.add(n.get("record_base64").asText()));
        for (String hostile : hostileRecords) {
            assertThat(deadRecords).as("a dead letter for every hostile record").contains(hostile);
        }
        assertThat(deadLetters).as("dead letters").hasSize((int) expectedDeadLetters);
        System.out.printf(
                "[reliability] hostile replay: %d good traces (+%d of %d from the cut gzip), %d hostile "
                        + "records + %d broken envelopes/lines/files, %d dead letters, exit 0 in %d ms%n",
                expected.size(),
                cutSeen.size(),
                cutTraces,
                hostileRecords.size(),
                otherDeadLetters,
                deadLetters.size(),
                millis);
    }

    private static void line(OutputStream out, byte[] data) throws IOException {
        out.write(data);
        out.write('\n');
    }

    private static byte[] envelope(long sequence, byte[] data) {
        return ("{\"SequenceNumber\":\"49"
                        + sequence
                        + "\",\"ApproximateArrivalTimestamp\":1735689600.000,\"Data\":\""
                        + Base64.getEncoder().encodeToString(data)
                        + "\",\"PartitionKey\":\"k\"}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
