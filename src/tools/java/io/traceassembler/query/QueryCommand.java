package io.traceassembler.query;

import io.traceassembler.CommandVersion;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.Callable;

/**
 * {@code scripts/trace-assembler query}: reads trace summaries back from the {@code TraceStore}
 * DynamoDB table (docs/contracts.md, section 4a), one trace by id or the newest traces of a root
 * service, an insight or a root-cause service through the table's indexes. Failures the user can
 * fix (missing table or index, bad time range, no credentials, no filter) print one line and exit
 * 2.
 */
@Command(
        name = "query",
        mixinStandardHelpOptions = true,
        versionProvider = CommandVersion.class,
        description = {
            "Reads trace summaries from the TraceStore DynamoDB table (the same configuration as run:"
                    + " --config, --set), through its indexes, newest first."
        },
        footer = {
            "",
            "Examples:",
            "  query traces --service checkout --since 1h",
            "  query traces --insight slow_trace --from 2026-01-05T10:00:00Z --to 2026-01-05T11:00:00Z",
            "  query traces --root-cause payments --limit 50 --json",
            "  query trace 4bf92f3577b34da6a3ce929d0e0e4736",
            "  query traces --local --insight trace_errors   (what scripts/run-local.sh stored)"
        })
public final class QueryCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the exit code (2: a mistake the message explains). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, QueryTuning.defaults(), Clock.systemUTC());
    }

    static int run(
            String[] args, PrintStream out, PrintStream err, QueryTuning tuning, Clock clock) {
        CommandLine cli =
                new CommandLine(new QueryCommand())
                        .addSubcommand(new TraceCommand(tuning))
                        .addSubcommand(new TracesCommand(tuning, clock));
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setParameterExceptionHandler(
                (e, arguments) -> {
                    CommandLine command = e.getCommandLine();
                    command.getErr()
                            .println(
                                    "query: "
                                            + e.getMessage()
                                            + " (see: "
                                            + command.getCommandSpec().qualifiedName()
                                            + " --help)");
                    return 2;
                });
        cli.setExecutionExceptionHandler(
                (e, command, parseResult) -> {
                    if (e instanceof QueryException) {
                        command.getErr().println("query: " + e.getMessage());
                        return 2;
                    }
                    command.getErr().println("query failed: " + e);
                    e.printStackTrace(command.getErr());
                    return 1;
                });
        return cli.execute(args);
    }

    /** Without a subcommand: say which exist, exit 2. */
    @Override
    public Integer call() {
        throw new ParameterException(
                spec.commandLine(), "a subcommand is required: trace TRACE_ID, or traces");
    }
}
