package io.traceassembler.generate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/** PLACEHOLDER (replaced by the ingest branch): trivial encodings so the generator branch compiles. */
public final class RecordEncoder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RecordEncoder() {}

    public static byte[] encode(List<GeneratedSpan> spans, Encoding e) {
        try {
            Object value = spans.size() == 1 && e != Encoding.ZIPKIN_JSON ? spans.get(0) : spans;
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public static byte[] compress(byte[] data, Compression c) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            switch (c) {
                case NONE:
                    return data;
                case GZIP:
                case GZIP_NO_TRAILER:
                    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                        gzip.write(data);
                    }
                    byte[] gz = out.toByteArray();
                    return c == Compression.GZIP ? gz : Arrays.copyOf(gz, gz.length - 8);
                case ZLIB:
                case DEFLATE:
                    try (DeflaterOutputStream deflate =
                            new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, c == Compression.DEFLATE))) {
                        deflate.write(data);
                    }
                    return out.toByteArray();
                default:
                    throw new IllegalArgumentException(c.name());
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public static byte[] kplAggregate(List<byte[]> records, List<String> partitionKeys) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2});
        records.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
