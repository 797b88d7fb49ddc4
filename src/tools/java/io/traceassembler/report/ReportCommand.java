package io.traceassembler.report;

import io.traceassembler.CommandVersion;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

/**
 * {@code scripts/trace-assembler report --input REPLAY_OUTPUT_DIR --output report.html}
 * (docs/contracts.md, section 4a): one self-contained HTML page of a replay output folder.
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        versionProvider = CommandVersion.class,
        sortOptions = false,
        description = {
            "Writes one self-contained HTML page (inline CSS and SVG, nothing fetched when opened) of a",
            "replay output folder: the service map, the slowest and the error traces, insights per",
            "minute and span RED per service."
        },
        footer = {
            "",
            "Example:",
            "  trace-assembler replay --input /tmp/spans --output /tmp/replay",
            "  trace-assembler report --input /tmp/replay --output /tmp/report.html"
        })
public final class ReportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--input",
            required = true,
            paramLabel = "DIR",
            description = "A replay output folder (with traces/ in it).")
    Path input;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "FILE",
            description = "The HTML file to write (its folder is created).")
    Path output;

    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "Rows of each trace table (default ${DEFAULT-VALUE}).")
    int limit = ReportPage.DEFAULT_LIMIT;

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the process exit code (2: a mistake on the command line). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new ReportCommand());
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setExecutionExceptionHandler(
                (e, commandLine, parseResult) -> {
                    commandLine
                            .getErr()
                            .println("report: " + (e instanceof IOException ? e : e.getMessage()));
                    // Not a replay output folder, a bad --limit: a usage error.
                    return e instanceof IllegalArgumentException ? 2 : 1;
                });
        return cli.execute(args);
    }

    @Override
    public Integer call() throws IOException {
        if (limit < 1) {
            throw new IllegalArgumentException("--limit must be at least 1, not " + limit);
        }
        write(input, output, limit, spec.commandLine().getOut());
        return 0;
    }

    /**
     * Writes the report of the replay output folder {@code input} to {@code output} and says so on
     * {@code out}; also used by the local run for the folder it writes.
     */
    public static void write(Path input, Path output, int limit, PrintWriter out)
            throws IOException {
        ReportData data = ReportData.load(input);
        ReportPage page = new ReportPage(data, limit, Instant.now());
        ReportRenderer.write(page, output);
        out.printf(
                "report: wrote %s (%s traces, %s service map edges)%n",
                output.toAbsolutePath(),
                Formats.count(data.traces.lines.size()),
                Formats.count(page.map == null ? 0 : page.map.edges.size()));
        page.notes.forEach(note -> out.println("report: " + note));
        out.flush();
    }
}
