package io.traceassembler.sink;

import org.apache.flink.api.common.serialization.SimpleStringEncoder;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;

/**
 * The replay output folder (data contracts, section 4): {@code traces/}, {@code insights/} and
 * {@code dead-letters/}, each a set of JSON-lines part files. Flink's {@link FileSink} writes
 * in-progress files hidden (dot-prefixed) and commits them when the bounded job finishes.
 */
public final class ReplayFiles {
    public static final String TRACES = "traces";
    public static final String INSIGHTS = "insights";
    public static final String DEAD_LETTERS = "dead-letters";

    private ReplayFiles() {}

    public static void write(DataStream<String> jsonLines, Path outputDir, String folder) {
        FileSink<String> sink = FileSink.forRowFormat(new Path(outputDir, folder), new SimpleStringEncoder<String>())
                .withOutputFileConfig(OutputFileConfig.builder().withPartPrefix(folder).withPartSuffix(".jsonl").build())
                .build();
        jsonLines.sinkTo(sink).name("write-" + folder).uid("write-" + folder);
    }
}
