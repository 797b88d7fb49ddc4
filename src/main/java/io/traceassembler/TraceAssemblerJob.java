package io.traceassembler;

import io.traceassembler.config.PropertyGroups;
import io.traceassembler.config.TraceAssemblerConfig;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;

/**
 * The job's entry point.
 *
 * <ul>
 *   <li>{@code run --config FILE [--set Group.key=value ...]}: the live job configured from a local
 *       runtime-properties file (a MiniCluster when started by {@code scripts/trace-assembler}).
 *   <li>{@code replay --input PATH ... --output DIR}: bounded replay of archived span records.
 *   <li>no arguments: the live job configured from the Managed Flink runtime properties (Managed
 *       Service for Apache Flink calls the jar's main class without arguments).
 * </ul>
 */
@Command(
        name = "trace-assembler",
        mixinStandardHelpOptions = true,
        versionProvider = CommandVersion.class,
        description = "Assembles distributed traces from span records with Apache Flink.")
public final class TraceAssemblerJob implements Runnable {
    /** Set by the local launcher: exit the JVM with the command's exit code instead of throwing. */
    static final String EXIT_PROPERTY = "trace-assembler.exit";

    private static final Logger LOG = LoggerFactory.getLogger(TraceAssemblerJob.class);

    /**
     * Where the no-argument path reads runtime properties: null for the Managed Flink runtime's own
     * location; tests point it at a JSON file of the same shape.
     */
    static String runtimePropertiesFile;

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            runOnManagedFlink();
            return;
        }
        int exitCode = execute(args);
        if (Boolean.getBoolean(EXIT_PROPERTY)) {
            System.exit(exitCode);
        }
        if (exitCode != 0) {
            // Flink clients (and Managed Flink) report an exception from main() as a failed
            // submission.
            throw new IllegalStateException(
                    "trace-assembler failed with exit code "
                            + exitCode
                            + "; the reason is printed above");
        }
    }

    static int execute(String... args) {
        CommandLine cli =
                new CommandLine(new TraceAssemblerJob())
                        .addSubcommand(new RunCommand())
                        .addSubcommand(ReplayCommand.newCommandLine());
        cli.setExecutionExceptionHandler(
                (e, commandLine, parseResult) -> {
                    commandLine.getErr().println("error: " + e.getMessage());
                    if (e instanceof IllegalArgumentException
                            || e instanceof IllegalStateException) {
                        // Configuration and start-up checks: the message names the key or resource
                        // at fault.
                        for (Throwable cause = e.getCause();
                                cause != null;
                                cause = cause.getCause()) {
                            commandLine.getErr().println("  caused by: " + cause);
                        }
                    } else {
                        e.printStackTrace(commandLine.getErr());
                    }
                    return 1;
                });
        return cli.execute(args);
    }

    /**
     * The Managed Flink entry point. A configuration error is thrown from {@code main} with its
     * message (naming group, key and value), which the service reports as the reason the job did
     * not start.
     */
    static void runOnManagedFlink() throws Exception {
        PropertyGroups properties = managedFlinkProperties();
        if (properties.asMap().isEmpty()) {
            // Fine on Managed Flink if every default suits; locally it usually means a command is
            // missing.
            LOG.warn(
                    "No runtime properties found: running the live job with the defaults. "
                            + "Locally use: run --config FILE (see --help).");
        }
        TraceAssemblerConfig config;
        try {
            config = TraceAssemblerConfig.from(properties);
        } catch (IllegalArgumentException e) {
            LOG.error("Invalid runtime properties: {}", e.getMessage());
            throw e;
        }
        runLive(StreamExecutionEnvironment.getExecutionEnvironment(), config);
    }

    static PropertyGroups managedFlinkProperties() throws IOException {
        if (runtimePropertiesFile == null) {
            return PropertyGroups.fromManagedFlinkRuntime();
        }
        return PropertyGroups.of(
                KinesisAnalyticsRuntime.getApplicationProperties(runtimePropertiesFile));
    }

    /**
     * Logs the configuration, builds the live job on {@code env} and runs it until it is cancelled.
     */
    static int runLive(StreamExecutionEnvironment env, TraceAssemblerConfig config)
            throws Exception {
        LOG.info("Starting the live job. {}", LiveJob.describe(config));
        LiveJob.build(env, config);
        env.execute("trace-assembler");
        return 0;
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
