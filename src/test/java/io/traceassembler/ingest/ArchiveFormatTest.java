package io.traceassembler.ingest;

import io.traceassembler.model.RawRecord;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.apache.flink.core.fs.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class ArchiveFormatTest {
    @TempDir java.nio.file.Path dir;

    @Test
    void readsJsonLinesWithLineNumbersAndSkipsBlankLines() throws Exception {
        java.nio.file.Path file = dir.resolve("spans.jsonl");
        Files.write(
                file, "{\"a\":1}\r\n\n  \n[{\"b\":2}]\n{\"c\":3}".getBytes(StandardCharsets.UTF_8));

        List<RawRecord> records = readAll(file, null);

        assertThat(records)
                .extracting(r -> new String(r.data, StandardCharsets.UTF_8))
                .containsExactly("{\"a\":1}", "[{\"b\":2}]", "{\"c\":3}");
        assertThat(records)
                .extracting(r -> r.position)
                .containsExactly("line 1", "line 4", "line 5");
        assertThat(records)
                .allSatisfy(
                        r -> {
                            assertThat(r.origin).endsWith("spans.jsonl");
                            assertThat(r.rejectReason).isNull();
                        });
    }

    @Test
    void unwrapsGzippedKinesisEnvelopesAndRejectsBrokenOnes() throws Exception {
        byte[] protobufLike = {0x0a, 0x03, 0x01, 0x02, (byte) 0xff};
        String good =
                "{\"SequenceNumber\": \"4960\", \"ApproximateArrivalTimestamp\": 1767607200.123, \"Data\": \""
                        + Base64.getEncoder().encodeToString(protobufLike)
                        + "\", \"PartitionKey\": \"t1\"}";
        String noData = "{\"SequenceNumber\": \"4961\", \"PartitionKey\": \"t1\"}";
        String notBase64 = "{\"SequenceNumber\": \"4962\", \"Data\": \"%%%\"}";
        String notJson = "{\"SequenceNumber\": ";
        java.nio.file.Path file = dir.resolve("shard-0.kinesis.jsonl.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(
                    String.join("\n", good, noData, notBase64, notJson)
                            .getBytes(StandardCharsets.UTF_8));
        }

        List<RawRecord> records = readAll(file, null);

        assertThat(records).hasSize(4);
        assertThat(records.get(0).data).isEqualTo(protobufLike);
        assertThat(records.get(0).position).isEqualTo("line 1, sequence number 4960");
        assertThat(records.get(0).rejectReason).isNull();
        assertThat(records.get(1).rejectReason)
                .isEqualTo("Kinesis record envelope has no string field 'Data'");
        assertThat(records.get(2).rejectReason)
                .startsWith("Kinesis record envelope 'Data' is not base64");
        assertThat(records.get(3).rejectReason)
                .startsWith("Kinesis record envelope is not valid JSON");
        assertThat(new String(records.get(3).data, StandardCharsets.UTF_8)).isEqualTo(notJson);
    }

    @Test
    void restoredReaderSkipsRecordsAlreadyEmitted() throws Exception {
        java.nio.file.Path file = dir.resolve("spans.ndjson");
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 1200; i++) {
            lines.append("{\"n\":").append(i).append("}\n");
        }
        Files.write(file, lines.toString().getBytes(StandardCharsets.UTF_8));

        List<RawRecord> restored =
                readAll(file, new CheckpointedPosition(CheckpointedPosition.NO_OFFSET, 1000));

        assertThat(restored).hasSize(200);
        assertThat(new String(restored.get(0).data, StandardCharsets.UTF_8))
                .isEqualTo("{\"n\":1000}");
        assertThat(restored.get(0).position).isEqualTo("line 1001");
    }

    @Test
    void recognisesArchiveFilesByName() {
        assertThat(ArchiveFormat.isArchiveFile(new Path("/a/spans.jsonl"))).isTrue();
        assertThat(ArchiveFormat.isArchiveFile(new Path("/a/spans.kinesis.jsonl.gz"))).isTrue();
        assertThat(ArchiveFormat.isArchiveFile(new Path("s3://bucket/x/spans.ndjson"))).isTrue();
        assertThat(ArchiveFormat.isArchiveFile(new Path("/a/spans.json.gz"))).isTrue();
        assertThat(ArchiveFormat.isArchiveFile(new Path("/a/README.md"))).isFalse();
        assertThat(ArchiveFormat.isArchiveFile(new Path("/a/_SUCCESS"))).isFalse();
        assertThat(ArchiveFormat.isArchiveFile(new Path("/a/.part-0.jsonl"))).isFalse();
    }

    /**
     * The envelope's Data decodes as the JDK's basic base64 decoder reads it: any bytes, padded or
     * not, and with '/' written as the JSON escape "\\/" (which some JSON writers emit).
     */
    @Test
    void dataDecodesAsTheJdkDecoderReadsIt() throws Exception {
        java.util.Random random = new java.util.Random(11);
        List<byte[]> payloads = new ArrayList<>();
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            byte[] payload = new byte[random.nextInt(300)];
            random.nextBytes(payload);
            payloads.add(payload);
            String base64 =
                    i % 3 == 0
                            ? Base64.getEncoder().withoutPadding().encodeToString(payload)
                            : Base64.getEncoder().encodeToString(payload);
            if (i % 5 == 0) {
                base64 = base64.replace("/", "\\/");
            }
            assertThat(Base64.getDecoder().decode(base64.replace("\\/", "/"))).isEqualTo(payload);
            lines.append("{\"SequenceNumber\": \"")
                    .append(i)
                    .append("\", \"Data\": \"")
                    .append(base64)
                    .append("\"}\n");
        }
        java.nio.file.Path file = dir.resolve("shard-1.kinesis.jsonl");
        Files.write(file, lines.toString().getBytes(StandardCharsets.UTF_8));

        List<RawRecord> records = readAll(file, null);

        assertThat(records).hasSize(payloads.size());
        for (int i = 0; i < payloads.size(); i++) {
            assertThat(records.get(i).rejectReason).as("line %d", i + 1).isNull();
            assertThat(records.get(i).data).as("line %d", i + 1).isEqualTo(payloads.get(i));
            assertThat(records.get(i).position)
                    .isEqualTo("line " + (i + 1) + ", sequence number " + i);
        }
    }

    /**
     * Lines of every length around the 64 KiB read buffer's edges (CRLF split across two reads,
     * blank lines, envelopes that fail): each record is the line, its own copy, and keeps its line
     * number.
     */
    @Test
    void linesAcrossReadBufferEdgesComeOutWhole() throws Exception {
        java.util.Random random = new java.util.Random(5);
        List<String> lines = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        while (text.length() < 300_000) {
            int kind = random.nextInt(10);
            String line;
            if (kind == 0) {
                line = "   ";
            } else if (kind == 1) {
                line = "{\"SequenceNumber\": \"" + lines.size() + "\", \"Data\": \"%%\"}";
            } else {
                byte[] payload = new byte[random.nextInt(kind == 2 ? 40_000 : 600)];
                random.nextBytes(payload);
                line =
                        "{\"SequenceNumber\": \""
                                + lines.size()
                                + "\", \"Data\": \""
                                + Base64.getEncoder().encodeToString(payload)
                                + "\"}";
            }
            lines.add(line);
            text.append(line).append(random.nextBoolean() ? "\r\n" : "\n");
        }
        java.nio.file.Path file = dir.resolve("edges.kinesis.jsonl");
        Files.write(file, text.toString().getBytes(StandardCharsets.UTF_8));

        List<RawRecord> records = readAll(file, null);

        int record = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            RawRecord r = records.get(record++);
            assertThat(r.position).as("line %d", i + 1).startsWith("line " + (i + 1) + ",");
            if (line.contains("%%")) {
                assertThat(r.rejectReason).startsWith("Kinesis record envelope 'Data' is not");
                assertThat(new String(r.data, StandardCharsets.UTF_8)).isEqualTo(line);
            } else {
                String base64 = line.substring(line.indexOf("Data") + 8, line.length() - 2);
                assertThat(r.rejectReason).as("line %d", i + 1).isNull();
                assertThat(r.data)
                        .as("line %d", i + 1)
                        .isEqualTo(Base64.getDecoder().decode(base64));
            }
        }
        assertThat(records).hasSize(record);
    }

    private static List<RawRecord> readAll(java.nio.file.Path file, CheckpointedPosition position)
            throws IOException {
        FileSourceSplit split =
                new FileSourceSplit(
                        "0",
                        new Path(file.toUri()),
                        0,
                        Files.size(file),
                        Files.getLastModifiedTime(file).toMillis(),
                        Files.size(file),
                        new String[0],
                        position);
        ArchiveFormat format = new ArchiveFormat();
        List<RawRecord> records = new ArrayList<>();
        try (BulkFormat.Reader<RawRecord> reader =
                position == null
                        ? format.createReader(new Configuration(), split)
                        : format.restoreReader(new Configuration(), split)) {
            BulkFormat.RecordIterator<RawRecord> batch;
            while ((batch = reader.readBatch()) != null) {
                RecordAndPosition<RawRecord> next;
                while ((next = batch.next()) != null) {
                    records.add(next.getRecord());
                }
                batch.releaseBatch();
            }
        }
        return records;
    }
}
