package io.traceassembler;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressLineTest {
    @Test
    void printsAtMostOncePerIntervalAndNothingWhenDisabled() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        ProgressLine everyHour = new ProgressLine(out, 3_600_000, true);
        everyHour.update(() -> "too soon");
        ProgressLine always = new ProgressLine(out, 0, true);
        always.update(() -> "one");
        always.update(() -> "two");
        ProgressLine off = new ProgressLine(out, 0, false);
        off.update(
                () -> {
                    throw new AssertionError("a disabled line is never built");
                });

        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .isEqualTo("one\ntwo\n".replace("\n", System.lineSeparator()));
    }

    @Test
    void replayProgressSumsEverySubtaskAndKeepsTheCountsOfFinishedOnes() {
        ReplayProgress progress = new ReplayProgress();
        UnregisteredMetricsGroup group = new UnregisteredMetricsGroup();
        Counter records1 = new SimpleCounter();
        Counter records2 = new SimpleCounter();
        Counter spans = new SimpleCounter();
        Counter other = new SimpleCounter();
        progress.notifyOfAddedMetric(records1, "recordsDecoded", group);
        progress.notifyOfAddedMetric(records2, "recordsDecoded", group);
        progress.notifyOfAddedMetric(spans, "spansDecoded", group);
        progress.notifyOfAddedMetric(other, "numRecordsOut", group);
        records1.inc(1200);
        records2.inc(34);
        spans.inc(20_000);
        other.inc(99);
        // A finished subtask's counter is removed; its count stays in the total.
        progress.notifyOfRemovedMetric(records2, "recordsDecoded", group);
        records1.inc(1);

        assertThat(progress.line())
                .isEqualTo("replay: 1,235 records, 20,000 spans, 0 traces so far");
    }
}
