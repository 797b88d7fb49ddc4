package io.traceassembler.generate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** What an {@link ArchiveWriter} wrote: the files and the counts of the records in them. */
public final class ArchiveManifest {
    private static final ObjectMapper JSON = new ObjectMapper();

    public final Path outputDir;

    /** File names relative to {@link #outputDir}, in writing order. */
    public final List<String> files;

    public final long plainJsonLineRecords;
    public final long kinesisRecords;
    public final RecordTally tally;

    ArchiveManifest(
            Path outputDir,
            List<String> files,
            long plainJsonLineRecords,
            long kinesisRecords,
            RecordTally tally) {
        this.outputDir = outputDir;
        this.files = List.copyOf(files);
        this.plainJsonLineRecords = plainJsonLineRecords;
        this.kinesisRecords = kinesisRecords;
        this.tally = tally;
    }

    public String summaryLine() {
        return files.size()
                + " files ("
                + plainJsonLineRecords
                + " records in *.jsonl, "
                + kinesisRecords
                + " in *.kinesis.jsonl) in "
                + outputDir;
    }

    /** The manifest as one JSON object, e.g. for {@code --manifest FILE}. */
    public String toJson(GenerationStats generation) {
        ObjectNode root = JSON.createObjectNode();
        root.put("output_dir", outputDir.toString());
        files.forEach(root.putArray("files")::add);
        root.put("records", tally.records());
        root.put("plain_jsonl_records", plainJsonLineRecords);
        root.put("kinesis_jsonl_records", kinesisRecords);
        root.put("bytes", tally.bytes());
        root.put("span_deliveries", tally.spanDeliveries());
        root.put("distinct_spans", tally.distinctSpans());
        root.put("traces", tally.traces());
        root.put("duplicate_records", tally.duplicateRecords());
        root.put("duplicate_spans", tally.duplicateSpans());
        root.put("late_spans", tally.lateSpans());
        root.put("bad_records", tally.badRecords());
        root.put("expected_dead_letters", tally.expectedDeadLetters());
        root.put("kpl_aggregates", tally.kplAggregates());
        ObjectNode encodings = root.putObject("user_records_by_encoding");
        for (Map.Entry<Encoding, Long> e : tally.userRecordsByEncoding().entrySet()) {
            encodings.put(e.getKey().name(), e.getValue());
        }
        ObjectNode compressions = root.putObject("user_records_by_compression");
        for (Map.Entry<Compression, Long> e : tally.userRecordsByCompression().entrySet()) {
            compressions.put(e.getKey().name(), e.getValue());
        }
        if (generation != null) {
            ObjectNode expected = root.putObject("expected_insights");
            expected.put("slow_trace", generation.slowTraces());
            expected.put("trace_errors", generation.errorTraces());
            expected.put("high_service_count", generation.highServiceCountTraces());
            root.put("big_traces", generation.bigTraces());
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
