package io.traceassembler;

import io.traceassembler.config.ConfigException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Argument handling of the entry point: subcommands, configuration errors, the Managed Flink
 * no-argument path.
 */
class TraceAssemblerJobTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @TempDir Path dir;

    @BeforeEach
    void captureOutput() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreOutput() {
        System.setOut(originalOut);
        System.setErr(originalErr);
        TraceAssemblerJob.runtimePropertiesFile = null;
    }

    @Test
    void helpListsTheSubcommands() {
        assertThat(TraceAssemblerJob.execute("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("run").contains("replay");

        assertThat(TraceAssemblerJob.execute("run", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("--config")
                .contains("--set")
                .contains("--web-ui-port")
                .contains("--checkpoint-interval");
    }

    @Test
    void runStopsOnABadValueNamingGroupKeyAndValue() {
        assertThat(TraceAssemblerJob.execute("run", "--set", "TraceAssembly.session.gap=soon"))
                .isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("error: TraceAssembly.session.gap = 'soon': expected a duration");
    }

    @Test
    void runStopsOnAnUnknownKeyInTheConfigFile() throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(
                config,
                "[{\"PropertyGroupId\": \"SpanSource\", \"PropertyMap\": {\"stream.nam\": \"x\"}}]");

        assertThat(TraceAssemblerJob.execute("run", "--config", config.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("error: Unknown key(s) [stream.nam] in property group 'SpanSource'");
    }

    @Test
    void runRejectsABadCheckpointInterval() {
        assertThat(TraceAssemblerJob.execute("run", "--checkpoint-interval", "0 s")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--checkpoint-interval");
    }

    @Test
    void withoutArgumentsTheRuntimePropertiesConfigureTheLiveJob() throws Exception {
        Path properties = dir.resolve("application_properties.json");
        Files.writeString(
                properties,
                "[{\"PropertyGroupId\": \"SpanSource\", \"PropertyMap\": "
                        + "{\"stream.name\": \"spans\", \"reader\": \"FAN_OUT\"}}]");
        TraceAssemblerJob.runtimePropertiesFile = properties.toString();

        assertThat(
                        TraceAssemblerJob.managedFlinkProperties()
                                .group("SpanSource")
                                .getProperty("stream.name"))
                .isEqualTo("spans");
        // Managed Flink reports the exception thrown from main as the reason the job did not start.
        assertThatThrownBy(() -> TraceAssemblerJob.main(new String[0]))
                .isInstanceOf(ConfigException.class)
                .hasMessage("SpanSource.reader = 'FAN_OUT': expected one of [POLLING, EFO]");
    }
}
