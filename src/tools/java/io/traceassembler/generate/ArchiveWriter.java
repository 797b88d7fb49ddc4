package io.traceassembler.generate;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Writes records as replay archives: uncompressed JSON records as lines of {@code *.jsonl}, all
 * others as {@code *.kinesis.jsonl} lines in the shape {@code aws kinesis get-records} prints.
 * Files roll by record count and may be gzipped whole. Output is a pure function of the records:
 * same records, same bytes.
 */
public final class ArchiveWriter implements RecordSink {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Kinesis sequence numbers are 56-digit decimals; ours count up behind a fixed shard-like
     * prefix.
     */
    private static final String SEQUENCE_PREFIX = "49";

    private final ArchiveOptions options;
    private final RecordTally tally = new RecordTally();
    private final List<String> files = new ArrayList<>();
    private final RollingFile plainFiles;
    private final RollingFile kinesisFiles;
    private final ByteArrayOutputStream lineBuffer = new ByteArrayOutputStream();
    private long nextSequence = 1;
    private boolean closed;

    public ArchiveWriter(ArchiveOptions options) throws IOException {
        this.options = options;
        Files.createDirectories(options.outputDir());
        this.plainFiles = new RollingFile(".jsonl");
        this.kinesisFiles = new RollingFile(".kinesis.jsonl");
    }

    /** Writes all {@code records} and returns the manifest. */
    public static ArchiveManifest write(Iterator<GeneratedRecord> records, ArchiveOptions options)
            throws IOException {
        ArchiveWriter writer = new ArchiveWriter(options);
        try (writer) {
            while (records.hasNext()) {
                writer.write(records.next());
            }
        }
        return writer.manifest();
    }

    @Override
    public void write(GeneratedRecord record) throws IOException {
        tally.add(record);
        if (options.plainJsonLines() && record.isPlainJson()) {
            plainFiles.writeLine(singleLineJson(record.data));
        } else {
            kinesisFiles.writeLine(kinesisLine(record));
        }
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            try (OutputStream a = plainFiles.out;
                    OutputStream b = kinesisFiles.out) {
                // closing both, even if one fails
            }
        }
    }

    /** The files and counts so far (complete after {@link #close()}). */
    public ArchiveManifest manifest() {
        return new ArchiveManifest(
                options.outputDir(),
                files,
                plainFiles.totalRecords,
                kinesisFiles.totalRecords,
                tally);
    }

    @Override
    public String describe() {
        return manifest().summaryLine();
    }

    /** JSON records must fit one line; a multi-line encoding is re-serialised compactly. */
    private static byte[] singleLineJson(byte[] json) throws IOException {
        for (byte b : json) {
            if (b == '\n' || b == '\r') {
                return JSON.writeValueAsBytes(JSON.readTree(json));
            }
        }
        return json;
    }

    private byte[] kinesisLine(GeneratedRecord record) throws IOException {
        lineBuffer.reset();
        try (JsonGenerator json =
                JSON.getFactory().createGenerator(lineBuffer, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeStringField("SequenceNumber", sequenceNumber(nextSequence++));
            json.writeFieldName("ApproximateArrivalTimestamp");
            json.writeNumber(epochSecondsWithMillis(record.arrivalEpochNanos));
            json.writeStringField("Data", Base64.getEncoder().encodeToString(record.data));
            json.writeStringField("PartitionKey", record.partitionKey);
            json.writeEndObject();
        }
        return lineBuffer.toByteArray();
    }

    static String sequenceNumber(long counter) {
        return SEQUENCE_PREFIX + String.format("%054d", counter);
    }

    /**
     * Epoch seconds with millisecond decimals, as the AWS CLI prints ApproximateArrivalTimestamp.
     */
    static String epochSecondsWithMillis(long epochNanos) {
        long seconds = Math.floorDiv(epochNanos, 1_000_000_000L);
        long millis = Math.floorMod(epochNanos, 1_000_000_000L) / 1_000_000L;
        return seconds + "." + String.format("%03d", millis);
    }

    /** One kind of archive file, rolled by record count and opened lazily (no empty files). */
    private final class RollingFile {
        final String suffix;
        OutputStream out;
        int recordsInFile;
        int fileIndex;
        long totalRecords;

        RollingFile(String suffix) {
            this.suffix = suffix;
        }

        void writeLine(byte[] line) throws IOException {
            if (out == null || recordsInFile >= options.recordsPerFile()) {
                roll();
            }
            out.write(line);
            out.write('\n');
            recordsInFile++;
            totalRecords++;
        }

        private void roll() throws IOException {
            if (out != null) {
                out.close();
            }
            String name =
                    String.format(
                            "%s-%05d%s%s",
                            options.filePrefix(), fileIndex++, suffix, options.gzip() ? ".gz" : "");
            OutputStream file =
                    new BufferedOutputStream(
                            Files.newOutputStream(options.outputDir().resolve(name)), 1 << 16);
            // GZIPOutputStream writes a zero modification time, so gzipped archives stay
            // reproducible.
            out = options.gzip() ? new GZIPOutputStream(file, 1 << 16) : file;
            recordsInFile = 0;
            files.add(name);
        }
    }
}
