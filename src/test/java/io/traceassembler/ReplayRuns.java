package io.traceassembler;

import io.traceassembler.config.TraceAssemblerConfig;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs a replay as the command does (BATCH, parallelism 2) and reads its output folder back. */
final class ReplayRuns {
    private ReplayRuns() {}

    static void replay(java.nio.file.Path archive, java.nio.file.Path output) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);
        env.setParallelism(2);
        ReplayCommand.build(
                env,
                TraceAssemblerConfig.defaults(),
                List.of(new Path(archive.toUri())),
                new Path(output.toUri()));
        env.execute("replay-it");
    }

    static List<JsonNode> readLines(java.nio.file.Path folder) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : sortedLines(folder)) {
            nodes.add(mapper.readTree(line));
        }
        return nodes;
    }

    /** Lines of the committed part files (hidden in-progress files would start with a dot). */
    static List<String> sortedLines(java.nio.file.Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.walk(folder)) {
            for (java.nio.file.Path file :
                    files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                String name = file.getFileName().toString();
                assertThat(name).doesNotStartWith(".").doesNotStartWith("_");
                assertThat(file.getParent())
                        .as("part files lie directly in the output folder")
                        .isEqualTo(folder);
                lines.addAll(Files.readAllLines(file));
            }
        }
        lines.sort(null);
        return lines;
    }
}
