package io.traceassembler.sink;

import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;

import java.io.IOException;

/**
 * The replay output folder (docs/contracts.md, sections 3a and 4): {@code traces/}, {@code
 * insights/}, {@code dead-letters/}, {@code service-graph/} and {@code span-metrics/}, each a set
 * of JSON-lines part files. Flink's {@link FileSink} writes in-progress files hidden (dot-prefixed)
 * and commits them when the bounded job finishes.
 */
public final class ReplayFiles {
    public static final String TRACES = "traces";
    public static final String INSIGHTS = "insights";
    public static final String DEAD_LETTERS = "dead-letters";
    public static final String SERVICE_GRAPH = "service-graph";
    public static final String SPAN_METRICS = "span-metrics";

    private ReplayFiles() {}

    /**
     * Creates the folders up front, so an output without dead letters still has its (empty) folder.
     */
    public static void createFolders(Path outputDir) throws IOException {
        FileSystem fs = outputDir.getFileSystem();
        for (String folder :
                new String[] {TRACES, INSIGHTS, DEAD_LETTERS, SERVICE_GRAPH, SPAN_METRICS}) {
            fs.mkdirs(new Path(outputDir, folder));
        }
    }

    public static void write(DataStream<String> jsonLines, Path outputDir, String folder) {
        FileSink<String> sink =
                FileSink.forRowFormat(
                                new Path(outputDir, folder), new SimpleStringEncoder<String>())
                        // One flat folder per output, not the default wall-clock date buckets:
                        // replay output
                        // must not depend on when it ran.
                        .withBucketAssigner(new BasePathBucketAssigner<>())
                        .withOutputFileConfig(
                                OutputFileConfig.builder()
                                        .withPartPrefix(folder)
                                        .withPartSuffix(".jsonl")
                                        .build())
                        .build();
        jsonLines.sinkTo(sink).name("write-" + folder).uid("write-" + folder);
    }
}
