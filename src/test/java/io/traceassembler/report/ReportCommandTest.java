package io.traceassembler.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line: what it writes, and the messages of a wrong --input. */
class ReportCommandTest {
    @TempDir Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return ReportCommand.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void writesThePageAndSaysWhere() throws Exception {
        Path input = ReplayOutputFixtures.write(dir.resolve("replay"));
        Path output = dir.resolve("site/report.html");

        assertThat(run("--input", input.toString(), "--output", output.toString())).isZero();

        assertThat(Files.readString(output)).startsWith("<!DOCTYPE html>").contains("t-slow");
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("report: wrote " + output + " (4 traces, 4 service map edges)")
                .contains("report: traces/: 1 unreadable lines skipped");
        try (var files = Files.list(output.getParent())) {
            assertThat(files).as("no temporary file left").containsExactly(output);
        }
    }

    @Test
    void aMissingInputFolderIsAUsageErrorNamingIt() {
        Path missing = dir.resolve("no-such-replay");

        assertThat(run("--input", missing.toString(), "--output", dir.resolve("r.html").toString()))
                .isEqualTo(2);

        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("report: --input " + missing + ": no such folder");
        assertThat(dir.resolve("r.html")).doesNotExist();
    }

    @Test
    void aFolderWithoutTracesIsNotAReplayOutput() throws Exception {
        Files.createDirectories(dir.resolve("spans"));

        assertThat(run("--input", dir.resolve("spans").toString(), "--output", "r.html"))
                .isEqualTo(2);

        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--input " + dir.resolve("spans") + ": not a replay output folder");
    }

    @Test
    void helpNamesTheOptions() {
        assertThat(run("--help")).isZero();

        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--input", "--output", "--limit");
    }
}
