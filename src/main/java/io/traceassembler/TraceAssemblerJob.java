package io.traceassembler;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The job's entry point.
 *
 * <ul>
 *   <li>{@code run --config FILE [--set Group.key=value ...]}: the live job configured from a local
 *       runtime-properties file (a MiniCluster when started by {@code scripts/trace-assembler}).
 *   <li>{@code replay --input PATH ... --output DIR}: bounded replay of archived span records.
 * </ul>
 */
@Command(name = "trace-assembler", mixinStandardHelpOptions = true, version = "trace-assembler 0.1.0",
        description = "Assembles distributed traces from span records with Apache Flink.",
        subcommands = {ReplayCommand.class})
public final class TraceAssemblerJob implements Runnable {
    /** Set by the local launcher: exit the JVM with the command's exit code instead of throwing. */
    static final String EXIT_PROPERTY = "trace-assembler.exit";

    public static void main(String[] args) {
        int exitCode = execute(args);
        if (Boolean.getBoolean(EXIT_PROPERTY)) {
            System.exit(exitCode);
        }
        if (exitCode != 0) {
            // Flink clients (and Managed Flink) report an exception from main() as a failed submission.
            throw new IllegalStateException("trace-assembler failed with exit code " + exitCode
                    + "; the reason is printed above");
        }
    }

    static int execute(String... args) {
        CommandLine cli = new CommandLine(new TraceAssemblerJob());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException) {
                // Configuration and usage problems: the message names the bad key or flag.
                commandLine.getErr().println("error: " + e.getMessage());
            } else {
                commandLine.getErr().println("error: " + e);
                e.printStackTrace(commandLine.getErr());
            }
            return 1;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
