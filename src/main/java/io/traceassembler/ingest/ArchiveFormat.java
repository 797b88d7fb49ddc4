package io.traceassembler.ingest;

import io.traceassembler.model.RawRecord;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.ArrayResultIterator;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.Path;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import javax.annotation.Nullable;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads archived span records for replay (docs/contracts.md, section 1, "Archives"): one record per
 * line; lines of {@code *.kinesis.jsonl} files are {@code aws kinesis get-records} envelopes whose
 * base64 {@code Data} is the record. A {@code .gz} file is decompressed as a whole.
 *
 * <p>A {@link BulkFormat} rather than a {@code StreamFormat} because each record carries its file
 * and line number, so a dead letter points at the exact line. Files are not split: gzip cannot be,
 * and line numbers need the whole file.
 */
public class ArchiveFormat implements BulkFormat<RawRecord, FileSourceSplit> {
    private static final long serialVersionUID = 1L;

    /** Records handed to Flink per batch. */
    private static final int BATCH_SIZE = 512;

    /** A line longer than this is cut and dead-lettered rather than read into memory whole. */
    static final int MAX_LINE_BYTES = 16 * 1024 * 1024;

    static final String KINESIS_SUFFIX = ".kinesis.jsonl";

    @Override
    public Reader<RawRecord> createReader(Configuration config, FileSourceSplit split)
            throws IOException {
        return new ArchiveReader(split, 0);
    }

    @Override
    public Reader<RawRecord> restoreReader(Configuration config, FileSourceSplit split)
            throws IOException {
        long recordsToSkip =
                split.getReaderPosition()
                        .map(CheckpointedPosition::getRecordsAfterOffset)
                        .orElse(0L);
        return new ArchiveReader(split, recordsToSkip);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }

    /**
     * True for the files replay reads; others in an input folder (a README, a _SUCCESS marker) are
     * skipped.
     */
    public static boolean isArchiveFile(Path path) {
        String name = stripGz(path.getName());
        if (name.startsWith(".") || name.startsWith("_")) {
            return false;
        }
        return name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson");
    }

    private static String stripGz(String name) {
        return name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
    }

    private static final class ArchiveReader implements BulkFormat.Reader<RawRecord> {
        private static final JsonFactory JSON = new JsonFactory();

        private final FSDataInputStream fileStream;
        private final InputStream in;
        private final String origin;
        private final boolean kinesisEnvelopes;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
        private final byte[] buffer = new byte[1 << 16];
        private int bufferPos;
        private int bufferLimit;
        private long lineNumber;
        private long recordsEmitted;

        /** Why a gzip file could not be read to its end (cut upload, corrupt data), or null. */
        private String corruption;

        private boolean corruptionReported;

        ArchiveReader(FileSourceSplit split, long recordsToSkip) throws IOException {
            Path path = split.path();
            this.origin = path.toString();
            this.kinesisEnvelopes = stripGz(path.getName()).endsWith(KINESIS_SUFFIX);
            this.fileStream = path.getFileSystem().open(path);
            this.in = path.getName().endsWith(".gz") ? openGzip(fileStream) : fileStream;
            for (long i = 0; i < recordsToSkip && nextRecord() != null; i++) {
                // skip what was emitted before the checkpoint
            }
        }

        @Nullable
        @Override
        public RecordIterator<RawRecord> readBatch() throws IOException {
            RawRecord[] batch = new RawRecord[BATCH_SIZE];
            long skipCountOfFirst = recordsEmitted;
            int n = 0;
            RawRecord record;
            while (n < BATCH_SIZE && (record = nextRecord()) != null) {
                batch[n++] = record;
            }
            if (n == 0) {
                return null;
            }
            ArrayResultIterator<RawRecord> iterator = new ArrayResultIterator<>();
            iterator.set(batch, n, CheckpointedPosition.NO_OFFSET, skipCountOfFirst);
            return iterator;
        }

        /**
         * A file that is not gzip at all is bad input like a corrupt one: one dead letter, not a
         * failed job.
         */
        private InputStream openGzip(FSDataInputStream stream) throws IOException {
            try {
                return new GZIPInputStream(stream, 1 << 16);
            } catch (EOFException | ZipException e) {
                corruption = "not a gzip file: " + e.getMessage();
                return InputStream.nullInputStream();
            }
        }

        /** The next non-blank line as a record, or null at the end of the file. */
        @Nullable
        private RawRecord nextRecord() throws IOException {
            while (true) {
                // Most lines lie whole in the read buffer: read them from there, without a copy.
                int end = indexOfNewline(buffer, bufferPos, bufferLimit);
                if (end >= 0) {
                    int start = bufferPos;
                    bufferPos = end + 1;
                    lineNumber++;
                    int length = end - start;
                    if (length > 0 && buffer[end - 1] == '\r') {
                        length--;
                    }
                    if (isBlank(buffer, start, length)) {
                        continue;
                    }
                    recordsEmitted++;
                    return record(buffer, start, length, "line " + lineNumber);
                }
                RawRecord record = nextRecordAcrossReads();
                if (record != BLANK_LINE) {
                    return record;
                }
            }
        }

        /** Marks a blank line read by {@link #nextRecordAcrossReads}. */
        private static final RawRecord BLANK_LINE = new RawRecord();

        /**
         * The line that starts in the read buffer and ends after it (or the file's last line, or a
         * cut one), collected in {@link #line}: a record, {@link #BLANK_LINE}, or null at the end.
         */
        @Nullable
        private RawRecord nextRecordAcrossReads() throws IOException {
            line.reset();
            boolean cut = false;
            boolean sawNewline = false;
            // Scan the read buffer for the end of the line; copying whole segments keeps this
            // cheap.
            while (!sawNewline) {
                if (bufferPos == bufferLimit && !fill()) {
                    break;
                }
                int start = bufferPos;
                int newline = indexOfNewline(buffer, bufferPos, bufferLimit);
                bufferPos = newline >= 0 ? newline : bufferLimit;
                int length = bufferPos - start;
                int room = MAX_LINE_BYTES - line.size();
                if (length > room) {
                    cut = true;
                }
                line.write(buffer, start, Math.min(length, room));
                if (bufferPos < bufferLimit) {
                    bufferPos++; // the newline
                    sawNewline = true;
                }
            }
            if (corruption != null && !corruptionReported) {
                // The rest of a corrupt gzip file is lost: the partial line (if any) and the
                // reason go to the dead letters; the lines read before stay good.
                corruptionReported = true;
                lineNumber++;
                recordsEmitted++;
                return RawRecord.rejected(
                        line.toByteArray(),
                        origin,
                        "line " + lineNumber,
                        "gzip archive is corrupt or cut short after line "
                                + (lineNumber - 1)
                                + ", the rest of the file cannot be read: "
                                + corruption);
            }
            if (!sawNewline && line.size() == 0 && !cut) {
                return null;
            }
            lineNumber++;
            byte[] bytes = line.toByteArray();
            int length = bytes.length;
            if (length > 0 && bytes[length - 1] == '\r') {
                length--;
            }
            if (isBlank(bytes, 0, length)) {
                return BLANK_LINE;
            }
            recordsEmitted++;
            String position = "line " + lineNumber;
            if (cut) {
                return RawRecord.rejected(
                        Arrays.copyOf(bytes, length),
                        origin,
                        position,
                        "archive line is longer than " + MAX_LINE_BYTES + " bytes");
            }
            return record(bytes, 0, length, position);
        }

        /** The record of the line in {@code bytes[offset, offset + length)}. */
        private RawRecord record(byte[] bytes, int offset, int length, String position) {
            return kinesisEnvelopes
                    ? unwrapEnvelope(bytes, offset, length, position)
                    : new RawRecord(
                            Arrays.copyOfRange(bytes, offset, offset + length),
                            origin,
                            null,
                            position);
        }

        private static int indexOfNewline(byte[] bytes, int from, int to) {
            for (int i = from; i < to; i++) {
                if (bytes[i] == '\n') {
                    return i;
                }
            }
            return -1;
        }

        private boolean fill() throws IOException {
            if (corruption != null) {
                return false;
            }
            int n;
            try {
                n = in.read(buffer, 0, buffer.length);
            } catch (EOFException | ZipException e) {
                if (in == fileStream) {
                    throw e; // not decompressing: a real read error, let Flink fail and retry
                }
                corruption = e.getMessage();
                n = -1;
            }
            bufferPos = 0;
            bufferLimit = Math.max(n, 0);
            return n > 0;
        }

        /**
         * {@code {"SequenceNumber": "...", "Data": "<base64>", "PartitionKey": "...", ...}} → the
         * record in Data.
         */
        private RawRecord unwrapEnvelope(byte[] bytes, int offset, int length, String position) {
            byte[] data = null;
            String sequenceNumber = null;
            try (JsonParser p = JSON.createParser(bytes, offset, length)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return rejected(
                            bytes,
                            offset,
                            length,
                            position,
                            "Kinesis record envelope is not a JSON object");
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if ("Data".equals(field) && value == JsonToken.VALUE_STRING) {
                        try {
                            data = base64Value(p, bytes, offset, length);
                        } catch (IllegalArgumentException e) {
                            return rejected(
                                    bytes,
                                    offset,
                                    length,
                                    where(position, sequenceNumber),
                                    "Kinesis record envelope 'Data' is not base64: "
                                            + e.getMessage());
                        }
                    } else if ("SequenceNumber".equals(field) && value.isScalarValue()) {
                        sequenceNumber = p.getText();
                    } else {
                        p.skipChildren();
                    }
                }
            } catch (JsonProcessingException e) {
                return rejected(
                        bytes,
                        offset,
                        length,
                        position,
                        "Kinesis record envelope is not valid JSON: " + e.getOriginalMessage());
            } catch (IOException e) {
                return rejected(
                        bytes,
                        offset,
                        length,
                        position,
                        "Kinesis record envelope could not be read: " + e.getMessage());
            }
            if (data == null) {
                return rejected(
                        bytes,
                        offset,
                        length,
                        position,
                        "Kinesis record envelope has no string field 'Data'");
            }
            return new RawRecord(data, origin, null, where(position, sequenceNumber));
        }

        /**
         * The current string value, base64-decoded by the JDK's basic decoder straight from the
         * line's bytes when it holds no escape (base64 never needs one), so no String of the text
         * is made; else from the text.
         */
        private static byte[] base64Value(JsonParser p, byte[] bytes, int offset, int length)
                throws IOException {
            long quote = p.currentTokenLocation().getByteOffset(); // from offset on
            int lineEnd = offset + length;
            if (quote >= 0 && quote < length && bytes[offset + (int) quote] == '"') {
                int start = offset + (int) quote + 1;
                int end = start;
                while (end < lineEnd && bytes[end] != '"' && bytes[end] != '\\') {
                    end++;
                }
                if (end < lineEnd && bytes[end] == '"') {
                    ByteBuffer decoded =
                            Base64.getDecoder().decode(ByteBuffer.wrap(bytes, start, end - start));
                    return decoded.arrayOffset() == 0
                                    && decoded.position() == 0
                                    && decoded.remaining() == decoded.array().length
                            ? decoded.array()
                            : Arrays.copyOfRange(
                                    decoded.array(),
                                    decoded.arrayOffset() + decoded.position(),
                                    decoded.arrayOffset() + decoded.limit());
                }
            }
            return Base64.getDecoder().decode(p.getText());
        }

        private static String where(String position, @Nullable String sequenceNumber) {
            return sequenceNumber == null
                    ? position
                    : position + ", sequence number " + sequenceNumber;
        }

        /** A dead letter of the line (its own copy: the read buffer is reused). */
        private RawRecord rejected(
                byte[] bytes, int offset, int length, String position, String reason) {
            return RawRecord.rejected(
                    Arrays.copyOfRange(bytes, offset, offset + length), origin, position, reason);
        }

        private static boolean isBlank(byte[] bytes, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                byte b = bytes[i];
                if (b != ' ' && b != '\t' && b != '\r') {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
            fileStream.close();
        }
    }
}
