package io.traceassembler.bench;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark's command line as scripts/bench.sh passes it (the runs themselves:
 * PipelineBenchmarkITCase).
 */
class PipelineBenchmarkCommandTest {
    private final StringWriter err = new StringWriter();

    @Test
    void parsesTheCommandLineOfBenchSh() {
        PipelineBenchmark bench = new PipelineBenchmark();
        new CommandLine(bench)
                .parseArgs(
                        "--archive",
                        "a/data",
                        "--manifest",
                        "a/manifest.json",
                        "--parallelism",
                        "3",
                        "--variants",
                        "full,naive-rocksdb",
                        "--state-traces",
                        "5000",
                        "--repeat",
                        "2",
                        "--warmup",
                        "0",
                        "--set",
                        "TraceAssembly.allowed.lateness=0s,TraceAssembly.session.gap=10s");

        assertThat(bench.archive).isEqualTo("a/data");
        assertThat(bench.parallelism).isEqualTo(3);
        assertThat(bench.variants).containsExactly("full", "naive-rocksdb");
        assertThat(bench.stateTraces).isEqualTo(5000);
        assertThat(bench.repeat).isEqualTo(2);
        assertThat(bench.warmups).isZero();
        assertThat(bench.settings)
                .containsExactly(
                        "TraceAssembly.allowed.lateness=0s", "TraceAssembly.session.gap=10s");
    }

    @Test
    void defaults() {
        PipelineBenchmark bench = new PipelineBenchmark();
        new CommandLine(bench).parseArgs("--archive", "a", "--spans", "1000");

        assertThat(bench.archiveSpans).isEqualTo(1000);
        assertThat(bench.parallelism).isEqualTo(2);
        assertThat(bench.variants)
                .isEqualTo(
                        List.of(
                                "full",
                                "full-rocksdb",
                                "full-rocksdb-checkpointed",
                                "decode-only",
                                "naive",
                                "naive-rocksdb"));
        assertThat(bench.stateTraces).isEqualTo(100_000);
        assertThat(bench.warmups).isEqualTo(8);
    }

    @Test
    void badValuesAreRejectedNamingTheFlagBeforeAnythingRuns() {
        assertThat(execute("--archive", "a", "--spans", "1000", "--parallelism", "0")).isEqualTo(2);
        assertThat(err.toString())
                .contains("Invalid value for option '--parallelism': must be at least 1: 0");
        assertThat(execute("--archive", "a", "--spans", "1000", "--variants", "full,fastest"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--variants: unknown variant 'fastest'");
        assertThat(execute("--archive", "a", "--spans", "1000", "--set", "session.gap"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--set: expected Group.key=value, got 'session.gap'");
        assertThat(execute("--archive", "a")).isEqualTo(2);
        assertThat(err.toString()).contains("--manifest FILE or --spans N is required");
        assertThat(execute("--spans", "1000")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--archive=DIR'");
    }

    private int execute(String... args) {
        CommandLine cli = new CommandLine(new PipelineBenchmark());
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void decodeOnlyIsMeasuredAtLeastThreeTimesAndTheOthersAsOftenAsAsked() {
        assertThat(PipelineBenchmark.runsOf("decode-only", 1)).isEqualTo(3);
        assertThat(PipelineBenchmark.runsOf("decode-only", 5)).isEqualTo(5);
        assertThat(PipelineBenchmark.runsOf("full", 1)).isEqualTo(1);
        assertThat(PipelineBenchmark.runsOf("full-rocksdb-checkpointed", 2)).isEqualTo(2);
    }
}
