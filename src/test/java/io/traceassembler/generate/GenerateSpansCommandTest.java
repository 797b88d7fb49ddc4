package io.traceassembler.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class GenerateSpansCommandTest {
    @TempDir Path temp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return GenerateSpansCommand.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void archiveWritesFilesAManifestAndOneSummaryLine() throws Exception {
        Path dir = temp.resolve("out");
        Path manifest = temp.resolve("manifest.json");

        int code =
                run(
                        "archive",
                        "--output",
                        dir.toString(),
                        "--traces",
                        "300",
                        "--seed",
                        "3",
                        "--gzip",
                        "--duplicate-ratio",
                        "0.1",
                        "--bad-ratio=0.05",
                        "--encodings",
                        "otlp_proto=3,zipkin-json",
                        "--compressions",
                        "none,gzip",
                        "--records-per-file",
                        "50",
                        "--manifest",
                        manifest.toString());

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String summary = out.toString(StandardCharsets.UTF_8);
        assertThat(summary.lines()).hasSize(1);
        assertThat(summary).contains("generated 300 traces").contains("dead letters");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files)
                    .isNotEmpty()
                    .allSatisfy(f -> assertThat(f.toString()).endsWith(".jsonl.gz"));
        }
        JsonNode json = new ObjectMapper().readTree(manifest.toFile());
        assertThat(json.get("traces").asLong()).isEqualTo(300);
        assertThat(json.get("duplicate_records").asLong()).isPositive();
        assertThat(json.get("user_records_by_encoding").has("NATIVE_SPAN")).isFalse();
    }

    @Test
    void theProtobufEncodingsAreAcceptedByTheirExporterNamesAndGoToKinesisRecordFiles()
            throws Exception {
        Path dir = temp.resolve("proto");
        Path manifest = temp.resolve("proto-manifest.json");

        int code =
                run(
                        "archive",
                        "--output",
                        dir.toString(),
                        "--traces",
                        "100",
                        "--seed",
                        "9",
                        "--encodings",
                        "zipkin_proto,jaeger-proto=2",
                        "--kpl-ratio",
                        "0.2",
                        "--manifest",
                        manifest.toString());

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        try (Stream<Path> files = Files.list(dir)) {
            // Protobuf is never a plain JSON line.
            assertThat(files)
                    .isNotEmpty()
                    .allSatisfy(f -> assertThat(f.toString()).endsWith(".kinesis.jsonl"));
        }
        JsonNode byEncoding =
                new ObjectMapper().readTree(manifest.toFile()).get("user_records_by_encoding");
        assertThat(byEncoding.get("ZIPKIN_PROTO").asLong()).isPositive();
        assertThat(byEncoding.get("JAEGER_PROTO").asLong())
                .isGreaterThan(byEncoding.get("ZIPKIN_PROTO").asLong());
        assertThat(byEncoding.size()).isEqualTo(2);
    }

    @Test
    void helpAndMistakes() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("archive").contains("kinesis");
        assertThat(run("archive", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("--duplicate-ratio=X")
                .contains("--gzip")
                .contains("--b3-ratio=X")
                .contains("zipkin_proto")
                .contains("jaeger_proto");
        assertThat(run("kinesis", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("--stream=NAME")
                .contains("--no-pacing");
        assertThat(run()).isEqualTo(2);
        assertThat(run("archive", "--output", temp.toString(), "--no-such-option", "1"))
                .isEqualTo(2);
        assertThat(run("archive", "--traces", "5")).isEqualTo(2);
        assertThat(run("archive", "--output", temp.toString(), "--error-ratio", "2")).isEqualTo(2);
        assertThat(run("archive", "--output", temp.toString(), "--encodings", "xml")).isEqualTo(2);
        assertThat(run("archive", "--output", temp.toString(), "--b3-ratio", "1.5")).isEqualTo(2);
        assertThat(run("kinesis", "--traces", "5")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("Missing required option: '--stream=NAME'");
        assertThat(run("kinesis", "--stream", "s", "--traces", "5", "--duration", "10"))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--traces and --duration exclude each other");
        assertThat(run("archive", "--output", temp.toString(), "--no-pacing")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown option: '--no-pacing'");
    }

    @Test
    void parsesTheSharedOptionsOfATarget() {
        CommandLine cli = new CommandLine(new GenerateSpansCommand());
        CommandLine.ParseResult parsed =
                cli.parseArgs(
                        "kinesis",
                        "--stream",
                        "s",
                        "--rate",
                        "20",
                        "--duration",
                        "60",
                        "--error-ratio",
                        "0.2",
                        "--seed",
                        "7",
                        "--duplicate-ratio=0.03",
                        "--start",
                        "1000");
        GenerateSpansCommand.Kinesis kinesis =
                parsed.subcommand().commandSpec().commandLine().getCommand();

        GeneratorOptions generator = kinesis.generatorOptions();
        assertThat(generator.errorRatio()).isEqualTo(0.2);
        assertThat(generator.seed()).isEqualTo(7);
        assertThat(generator.traces()).isEqualTo(1_200);
        assertThat(generator.startEpochMillis()).isEqualTo(1_000);
        assertThat(generator.slowRatio()).isEqualTo(GeneratorOptions.defaults().slowRatio());
        TrafficOptions traffic = kinesis.records.trafficOptions(kinesis.shape.seed());
        assertThat(traffic.duplicateRatio()).isEqualTo(0.03);
        assertThat(traffic.seed()).isEqualTo(7);
    }

    @Test
    void aBadValueIsRejectedNamingTheFlagAndTheValue() {
        assertThat(run("archive", "--output", temp.toString(), "--duplicate-ratio", "1.5"))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains(
                        "Invalid value for option '--duplicate-ratio': must be within [0, 1]: 1.5");
        assertThat(run("kinesis", "--stream", "s", "--rate", "0")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("Invalid value for option '--rate': must be positive: 0");
        assertThat(temp.toFile().list()).isEmpty();
    }
}
