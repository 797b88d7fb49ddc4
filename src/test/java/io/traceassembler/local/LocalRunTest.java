package io.traceassembler.local;

import io.traceassembler.generate.GeneratorOptions;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local run's command line (the run itself needs the emulators: see {@code
 * scripts/run-local.sh}).
 */
class LocalRunTest {
    private final StringWriter err = new StringWriter();

    @Test
    void parsesTheDocumentedCommandLineAndTheTraceShape() {
        LocalRun run = new LocalRun();
        new CommandLine(run)
                .parseArgs(
                        "--duration",
                        "60",
                        "--rate",
                        "50",
                        "--web-ui-port",
                        "18081",
                        "--error-ratio",
                        "0.1");

        assertThat(run.duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(run.tracesPerSecond).isEqualTo(50);
        assertThat(run.webUiPort).isEqualTo(18081);
        assertThat(run.traceShape.applyTo(GeneratorOptions.defaults()).errorRatio()).isEqualTo(0.1);
    }

    @Test
    void defaultsRunUntilCtrlCAtTwentyTracesPerSecond() {
        LocalRun run = new LocalRun();
        new CommandLine(run).parseArgs();

        assertThat(run.duration()).isNull();
        assertThat(run.tracesPerSecond).isEqualTo(20);
        assertThat(run.webUiPort).isEqualTo(8081);
    }

    @Test
    void badValuesAreRejectedNamingTheFlagAndTheValue() {
        assertThat(execute("--rate", "-3")).isEqualTo(2);
        assertThat(err.toString())
                .contains("Invalid value for option '--rate': must be positive: -3");
        assertThat(execute("--duration", "soon")).isEqualTo(2);
        assertThat(err.toString())
                .contains("Invalid value for option '--duration': not a number: soon");
        assertThat(execute("--no-such-flag")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option: '--no-such-flag'");
    }

    @Test
    void helpExitsZero() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new LocalRun());
        cli.setOut(new PrintWriter(out));

        assertThat(cli.execute("--help")).isZero();
        assertThat(out.toString())
                .contains("--duration=SECONDS")
                .contains("--rate=TRACES_PER_S")
                .contains("--seed=S");
    }

    private int execute(String... args) {
        CommandLine cli = new CommandLine(new LocalRun());
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }
}
