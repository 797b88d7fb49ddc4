package io.traceassembler.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading a replay output folder: committed part files only, bad lines counted, not fatal. */
class ReportDataTest {
    @TempDir Path dir;

    @Test
    void readsCommittedPartFilesAndSkipsWhatIsNotATraceLine() throws Exception {
        ReportData data = ReportData.load(ReplayOutputFixtures.write(dir));

        assertThat(data.traces.lines)
                .extracting(t -> t.traceId)
                .as("part files in name order, the in-progress file left out")
                .containsExactly("t-slow", "t-err", "t-ok", "t-err2");
        assertThat(data.traces.skippedLines).isEqualTo(1);
        assertThat(data.traces.firstProblem).startsWith("traces-1-0.jsonl line 2: ");
        ReportData.TraceLine slow = data.traces.lines.get(0);
        assertThat(slow.durationMs).isEqualTo(7200.5);
        assertThat(slow.bottleneckService).isEqualTo("payments");
        assertThat(slow.bottleneckShare).isEqualTo(0.62);
        assertThat(slow.rootCauseService).isNull();
        ReportData.TraceLine rootless = data.traces.lines.get(3);
        assertThat(rootless.rootService).isNull();
        assertThat(rootless.rootCauseOperation).isEqualTo("reserve");
        assertThat(data.insights.lines).hasSize(4);
        assertThat(data.insights.lines.get(2).epochMs).isEqualTo(1767607300000L);
        assertThat(data.serviceGraph.lines).hasSize(5);
        assertThat(data.spanMetrics.lines).hasSize(5);
    }

    @Test
    void aFolderTheJobDidNotWriteIsAbsentNotAnError() throws Exception {
        ReplayOutputFixtures.write(
                dir.resolve("traces/traces-0-0.jsonl"), java.util.List.of(ReplayOutputFixtures.OK));

        ReportData data = ReportData.load(dir);

        assertThat(data.traces.lines).hasSize(1);
        assertThat(data.serviceGraph.present).isFalse();
        assertThat(data.spanMetrics.present).isFalse();
        assertThat(data.insights.present).isFalse();
    }

    @Test
    void namesTheFolderThatIsMissingOrNotAReplayOutput() throws Exception {
        Path missing = dir.resolve("nowhere");
        assertThatThrownBy(() -> ReportData.load(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--input " + missing + ": no such folder");

        Files.createDirectories(dir.resolve("insights"));
        assertThatThrownBy(() -> ReportData.load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "--input " + dir + ": not a replay output folder (no traces/ in it");
    }
}
