package io.traceassembler;

import io.traceassembler.sink.ReplayFiles;

import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** The line counts of a finished replay's output folder, printed as the command's last line. */
final class ReplaySummary {
    private ReplaySummary() {}

    static String of(Path output) throws IOException {
        return String.format(
                "replay done: %d traces, %d insights, %d dead letters, %d service-graph lines, "
                        + "%d span-metrics lines in %s",
                countLines(new Path(output, ReplayFiles.TRACES)),
                countLines(new Path(output, ReplayFiles.INSIGHTS)),
                countLines(new Path(output, ReplayFiles.DEAD_LETTERS)),
                countLines(new Path(output, ReplayFiles.SERVICE_GRAPH)),
                countLines(new Path(output, ReplayFiles.SPAN_METRICS)),
                output);
    }

    /** Lines in the committed part files of a folder (hidden in-progress files are skipped). */
    static long countLines(Path folder) throws IOException {
        FileSystem fs = folder.getFileSystem();
        if (!fs.exists(folder)) {
            return 0;
        }
        long lines = 0;
        for (FileStatus status : fs.listStatus(folder)) {
            if (status.isDir()) {
                lines += countLines(status.getPath());
                continue;
            }
            String name = status.getPath().getName();
            if (name.startsWith(".") || name.startsWith("_")) {
                continue;
            }
            try (BufferedReader reader =
                    new BufferedReader(
                            new InputStreamReader(
                                    fs.open(status.getPath()), StandardCharsets.UTF_8))) {
                while (reader.readLine() != null) {
                    lines++;
                }
            }
        }
        return lines;
    }
}
