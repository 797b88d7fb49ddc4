package io.traceassembler.bench;

import io.traceassembler.generate.GenerateSpansCommand;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark's smoke test (no timing is asserted; speed is measured by {@code
 * scripts/bench.sh}): on a small archive generated as bench.sh does (two time-ordered streams, big
 * traces included), every variant runs on the shared MiniCluster and accounts for every span, and
 * the state-size measurement works.
 */
class PipelineBenchmarkITCase {
    @TempDir Path dir;

    @AfterAll
    static void stopCluster() throws Exception {
        PipelineBenchmark.closeCluster();
        PipelineBenchmark.checkpointInterval = 10_000;
    }

    @Test
    void everyVariantAccountsForEverySpanAndStateIsMeasured() throws Exception {
        long spans = 0;
        for (int seed : new int[] {42, 43}) {
            Path manifest = dir.resolve("manifest-" + seed + ".json");
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exit =
                    GenerateSpansCommand.run(
                            new String[] {
                                "archive",
                                "--output",
                                dir.resolve("data/stream-" + seed).toString(),
                                "--traces",
                                "400",
                                "--seed",
                                Integer.toString(seed),
                                "--all-kinesis",
                                "--records-per-file",
                                "100000000",
                                "--big-trace-ratio",
                                "0.01",
                                "--big-trace-spans",
                                "500",
                                "--manifest",
                                manifest.toString()
                            },
                            new PrintStream(
                                    new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                            new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
            spans += new ObjectMapper().readTree(manifest.toFile()).get("span_deliveries").asLong();
        }
        assertThat(spans).isGreaterThan(10_000);

        String archive = dir.resolve("data").toString();
        // short enough for the small archive to see checkpoints taken, when the machine allows
        PipelineBenchmark.checkpointInterval = 100;
        for (String variant :
                List.of(
                        "full",
                        "full-rocksdb",
                        "full-rocksdb-checkpointed",
                        "decode-only",
                        "decode-shuffle",
                        "naive",
                        "naive-rocksdb")) {
            PipelineBenchmark.Run run = PipelineBenchmark.run(variant, archive, 2);
            long seen = variant.startsWith("decode-") ? run.spans : run.summarySpans;
            assertThat(seen).as(variant).isEqualTo(spans);
            assertThat(run.seconds).as(variant).isPositive();
            if (variant.endsWith("-checkpointed")) {
                // exactly-once checkpoints leave the counts as they are; their stats were read
                assertThat(run.checkpoints).as(variant).isNotNull();
                // (triggers that find a task not yet running or already finished count as failed)
                assertThat(run.checkpoints.durationsMs)
                        .hasSizeLessThanOrEqualTo((int) run.checkpoints.completed);
            } else {
                assertThat(run.checkpoints).as(variant).isNull();
            }
            if (!variant.startsWith("decode-")) {
                assertThat(run.summaries).as(variant).isEqualTo(800);
            }
        }

        StateSize.Result state = StateSize.measure(2_000, 2);
        assertThat(state.heapSavepointBytesPerTrace)
                .isGreaterThan(state.heapSavepointBytesPerSpan)
                .isPositive();
        assertThat(state.rocksdbBytesPerTrace).isPositive();
    }
}
