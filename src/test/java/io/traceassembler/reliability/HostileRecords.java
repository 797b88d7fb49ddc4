package io.traceassembler.reliability;

import io.traceassembler.generate.Compression;
import io.traceassembler.generate.Encoding;
import io.traceassembler.generate.GeneratedSpan;
import io.traceassembler.generate.RecordEncoder;
import io.traceassembler.ingest.format.KplDeaggregator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Hostile span records from a fixed seed: every kind of input a broken or malicious producer can
 * put on the stream. None of them holds a usable span, so each must end in the dead letters (with a
 * reason) and add nothing to any trace. Spans inside them use trace ids starting with {@code
 * hostile-} or hex ids never produced by the good-traffic generator.
 */
final class HostileRecords {
    static final long SEED = 0x5EED_BADL;

    /**
     * One hostile record: a name for messages, the bytes, the dead letters a correct decoder gives.
     */
    static final class Hostile {
        final String kind;
        final byte[] data;
        final int expectedDeadLetters;

        /** Pure JSON text without newlines: may also go on a plain {@code *.jsonl} line. */
        final boolean lineSafe;

        Hostile(String kind, byte[] data, int expectedDeadLetters, boolean lineSafe) {
            this.kind = kind;
            this.data = data;
            this.expectedDeadLetters = expectedDeadLetters;
            this.lineSafe = lineSafe;
        }

        @Override
        public String toString() {
            return kind + " (" + data.length + " bytes)";
        }
    }

    private HostileRecords() {}

    private static final java.util.Map<Integer, List<Hostile>> CACHE =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The full corpus: fixed kinds plus {@code randomCount} seeded random mutations of good
     * records.
     */
    static List<Hostile> corpus(int randomCount) {
        return CACHE.computeIfAbsent(randomCount, HostileRecords::build);
    }

    private static List<Hostile> build(int randomCount) {
        SplittableRandom random = new SplittableRandom(SEED);
        List<Hostile> all = new ArrayList<>();
        byte[] goodProto = RecordEncoder.encode(spans("a1", 3), Encoding.OTLP_PROTO);
        byte[] goodJson = RecordEncoder.encode(spans("a2", 3), Encoding.NATIVE_SPAN);

        // Random bytes: a zero first byte (protobuf tag 0 is invalid), then noise, in many sizes.
        for (int size : new int[] {1, 2, 7, 64, 1000, 65_536}) {
            byte[] b = randomBytes(random, size);
            b[0] = 0;
            all.add(new Hostile("random bytes " + size, b, 1, false));
        }
        // Truncated protobuf and JSON at several cut points.
        for (double cut : new double[] {0.1, 0.5, 0.9}) {
            all.add(
                    new Hostile(
                            "truncated protobuf " + cut,
                            Arrays.copyOf(goodProto, (int) (goodProto.length * cut)),
                            1,
                            false));
        }
        all.add(
                new Hostile(
                        "truncated json", Arrays.copyOf(goodJson, goodJson.length / 2), 1, false));
        // Absurd length prefixes: field 1 (resource_spans), length-delimited, length 2^31-1 /
        // 2^32+.
        all.add(
                new Hostile(
                        "protobuf length 2^31-1",
                        concat(
                                new byte[] {
                                    0x0A, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07
                                },
                                randomBytes(random, 20)),
                        1,
                        false));
        all.add(
                new Hostile(
                        "protobuf length 2^35 (overlong varint)",
                        concat(
                                new byte[] {
                                    0x0A,
                                    (byte) 0xFF,
                                    (byte) 0xFF,
                                    (byte) 0xFF,
                                    (byte) 0xFF,
                                    (byte) 0xFF,
                                    (byte) 0xFF,
                                    (byte) 0xFF,
                                    (byte) 0xFF,
                                    (byte) 0xFF,
                                    0x01
                                },
                                randomBytes(random, 20)),
                        1,
                        false));
        // A valid outer message whose nested span has an absurd length prefix.
        all.add(
                new Hostile(
                        "nested protobuf length 2^31-1",
                        new byte[] {
                            0x0A,
                            0x08,
                            0x12,
                            0x06,
                            0x12,
                            (byte) 0xFF,
                            (byte) 0xFF,
                            (byte) 0xFF,
                            (byte) 0xFF,
                            0x07
                        },
                        1,
                        false));
        // KPL magic with garbage, with a correct checksum over garbage, with an absurd user-record
        // length.
        all.add(
                new Hostile(
                        "KPL magic + garbage",
                        concat(KplDeaggregator.KPL_MAGIC, randomBytes(random, 100)),
                        1,
                        false));
        all.add(new Hostile("KPL magic only", KplDeaggregator.KPL_MAGIC.clone(), 1, false));
        all.add(
                new Hostile(
                        "KPL valid MD5, garbage body",
                        kpl(randomBytesNonZeroFirst(random, 200)),
                        1,
                        false));
        all.add(
                new Hostile(
                        "KPL valid MD5, user record length 2^31-1",
                        kpl(
                                new byte[] {
                                    0x1A,
                                    (byte) 0xFF,
                                    (byte) 0xFF,
                                    (byte) 0xFF,
                                    (byte) 0xFF,
                                    0x07,
                                    0x1A,
                                    0x00
                                }),
                        1,
                        false));
        all.add(new Hostile("KPL valid MD5, no user records", kpl(new byte[0]), 1, false));
        // Broken compression.
        byte[] gz = RecordEncoder.compress(goodJson, Compression.GZIP);
        all.add(
                new Hostile(
                        "gzip header + garbage",
                        concat(Arrays.copyOf(gz, 10), randomBytes(random, 200)),
                        1,
                        false));
        all.add(new Hostile("gzip cut mid-stream", Arrays.copyOf(gz, gz.length / 2), 1, false));
        byte[] badCrc = gz.clone();
        badCrc[badCrc.length - 6] ^= 0x55;
        all.add(new Hostile("gzip wrong CRC", badCrc, 1, false));
        byte[] zl = RecordEncoder.compress(goodProto, Compression.ZLIB);
        all.add(new Hostile("zlib cut mid-stream", Arrays.copyOf(zl, zl.length / 2), 1, false));
        all.add(
                new Hostile(
                        "zlib header + garbage",
                        concat(new byte[] {0x78, (byte) 0x9C}, randomBytes(random, 300)),
                        1,
                        false));
        all.add(
                new Hostile(
                        "gzip of garbage", gzip(randomBytesNonZeroFirst(random, 500)), 1, false));
        // Decompression bombs: far more than the 10 MiB record limit from a few kilobytes.
        all.add(
                new Hostile(
                        "gzip bomb 256 MiB of spaces",
                        bomb(true, (byte) ' ', 256L << 20),
                        1,
                        false));
        all.add(
                new Hostile(
                        "zlib bomb 64 MiB of '['", bomb(false, (byte) '[', 64L << 20), 1, false));
        all.add(
                new Hostile(
                        "gzip bomb inside KPL",
                        kpl(kplUserRecord(bomb(true, (byte) '{', 32L << 20))),
                        1,
                        false));
        // JSON nested 100,000 deep, arrays and objects.
        all.add(
                new Hostile(
                        "json array nested 100000 deep",
                        ("[".repeat(100_000) + "]".repeat(100_000))
                                .getBytes(StandardCharsets.UTF_8),
                        1,
                        true));
        all.add(
                new Hostile(
                        "json object nested 100000 deep",
                        ("{\"trace_id\":\"hostile-deep\",\"tags\":"
                                        + "{\"a\":".repeat(100_000)
                                        + "1"
                                        + "}".repeat(100_001))
                                .getBytes(StandardCharsets.UTF_8),
                        1,
                        true));
        all.add(
                new Hostile(
                        "json unclosed nesting 100000 deep",
                        "[{\"a\":".repeat(50_000).getBytes(StandardCharsets.UTF_8),
                        1,
                        true));
        // Multi-megabyte fields and records.
        all.add(
                new Hostile(
                        "5 MiB operation_name",
                        nativeSpan(
                                "hostile-big-field",
                                "s1",
                                "\"" + "x".repeat(5 << 20) + "\"",
                                "\"2025-01-01T00:00:00\"",
                                "\"2025-01-01T00:00:01\""),
                        1,
                        true));
        all.add(
                new Hostile(
                        "11 MiB record",
                        nativeSpan(
                                "hostile-big-record",
                                "s1",
                                "\"op\"",
                                "\"2025-01-01T00:00:00\"",
                                "\"2025-01-01T00:00:01\"",
                                "\"pad\":\"" + "y".repeat(11 << 20) + "\""),
                        1,
                        true));
        all.add(
                new Hostile(
                        "300-char trace id",
                        nativeSpan(
                                "h".repeat(300),
                                "s1",
                                "\"op\"",
                                "\"2025-01-01T00:00:00\"",
                                "\"2025-01-01T00:00:01\""),
                        1,
                        true));
        all.add(
                new Hostile(
                        "100001 spans in one record",
                        ("[" + "{},".repeat(100_000) + "{}]").getBytes(StandardCharsets.UTF_8),
                        1,
                        true));
        // Wrong types.
        all.add(
                new Hostile(
                        "wrong types",
                        ("{\"trace_id\":{\"x\":1},\"span_id\":[1,2],\"start_time\":true,"
                                        + "\"end_time\":null,\"operation_name\":42}")
                                .getBytes(StandardCharsets.UTF_8),
                        1,
                        true));
        all.add(
                new Hostile(
                        "wrong type array of numbers",
                        "[1,2,\"three\",null]".getBytes(StandardCharsets.UTF_8),
                        4,
                        true));
        all.add(
                new Hostile(
                        "json scalar",
                        "\"just a string\"".getBytes(StandardCharsets.UTF_8),
                        1,
                        false));
        all.add(
                new Hostile(
                        "otlp json with wrong types",
                        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":5,\"spanId\":{},\"startTimeUnixNano\":\"x\"}]}]}]}"
                                .getBytes(StandardCharsets.UTF_8),
                        1,
                        true));
        // Impossible and non-finite times (each record one span, each span rejected).
        String[][] times = {
            {"NaN", "NaN"},
            {"Infinity", "-Infinity"},
            {"\"2025-13-45T25:61:00\"", "\"2025-01-01T00:00:01\""},
            {"\"9999-01-01T00:00:00\"", "\"9999-01-01T00:00:01\""},
            {"-5000", "1"},
            {"\"2025-01-01T00:00:05\"", "\"2025-01-01T00:00:01\""},
            {"1e308", "1e308"},
            {"\"not a time\"", "\"2025-01-01T00:00:01\""},
            {"99999999999999999999999", "1"},
        };
        for (int i = 0; i < times.length; i++) {
            all.add(
                    new Hostile(
                            "times " + times[i][0] + " / " + times[i][1],
                            nativeSpan(
                                    "hostile-time-" + i, "s1", "\"op\"", times[i][0], times[i][1]),
                            1,
                            true));
        }
        all.add(
                new Hostile(
                        "native kinesis record NaN duration",
                        ("{\"trace_id\":\"hostile-dur\",\"span_id\":\"s\",\"timestamp\":\"2025-01-01T00:00:00\","
                                        + "\"duration_ms\":NaN,\"operation_name\":\"op\",\"service_name\":\"svc\"}")
                                .getBytes(StandardCharsets.UTF_8),
                        1,
                        true));
        all.add(
                new Hostile(
                        "zipkin negative duration",
                        ("[{\"traceId\":\"00000000000000000000000000dead01\",\"id\":\"00000000000000aa\",\"name\":\"op\","
                                        + "\"timestamp\":1735689600000000,\"duration\":-5,\"localEndpoint\":{\"serviceName\":\"s\"}}]")
                                .getBytes(StandardCharsets.UTF_8),
                        1,
                        true));
        // Invalid UTF-8 inside JSON strings and an overlong encoding.
        all.add(
                new Hostile(
                        "invalid utf-8 in trace id",
                        concat(
                                "{\"trace_id\":\"hostile-".getBytes(StandardCharsets.UTF_8),
                                new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF},
                                "\",\"span_id\":\"s\",\"start_time\":\"2025-01-01T00:00:00\",\"end_time\":\"2025-01-01T00:00:01\"}"
                                        .getBytes(StandardCharsets.UTF_8)),
                        1,
                        false));
        all.add(
                new Hostile(
                        "overlong utf-8 slash",
                        concat(
                                "[{\"trace_id\":\"".getBytes(StandardCharsets.UTF_8),
                                new byte[] {(byte) 0xC0, (byte) 0xAF},
                                "\"}]".getBytes(StandardCharsets.UTF_8)),
                        1,
                        false));
        // Span without ids / empty containers.
        all.add(new Hostile("empty array", "[]".getBytes(StandardCharsets.UTF_8), 1, true));
        all.add(new Hostile("empty object", "{}".getBytes(StandardCharsets.UTF_8), 1, true));
        all.add(
                new Hostile(
                        "trailing garbage",
                        concat(goodJson, " }{ garbage".getBytes(StandardCharsets.UTF_8)),
                        1,
                        false));

        // Seeded random mutations of good records: flip, insert, delete bytes. A mutation may still
        // decode;
        // the fuzz test only keeps those it can classify (see HostileInputTest), replay uses the
        // fixed ones.
        for (int i = 0; i < randomCount; i++) {
            byte[] base = i % 2 == 0 ? goodProto : gz;
            byte[] m = base.clone();
            int flips = 1 + random.nextInt(8);
            for (int f = 0; f < flips; f++) {
                m[random.nextInt(m.length)] = (byte) random.nextInt(256);
            }
            all.add(new Hostile("mutation " + i, m, -1, false));
        }
        return java.util.Collections.unmodifiableList(all);
    }

    static List<GeneratedSpan> spans(String tracePrefix, int n) {
        List<GeneratedSpan> spans = new ArrayList<>();
        String traceId = String.format("dead%028d", Math.abs(tracePrefix.hashCode()));
        long t = 1_735_689_600_000_000_000L;
        for (int i = 0; i < n; i++) {
            spans.add(
                    new GeneratedSpan(
                            traceId,
                            String.format("%016x", 0xbad00 + i),
                            i == 0 ? null : String.format("%016x", 0xbad00),
                            "op" + i,
                            "svc",
                            "internal",
                            t + i * 1000L,
                            t + 1_000_000L,
                            "ok"));
        }
        return spans;
    }

    static byte[] nativeSpan(
            String traceId,
            String spanId,
            String operation,
            String start,
            String end,
            String... extra) {
        StringBuilder b =
                new StringBuilder("{\"trace_id\":\"")
                        .append(traceId)
                        .append("\",\"span_id\":\"")
                        .append(spanId)
                        .append("\",\"operation_name\":")
                        .append(operation)
                        .append(",\"service_name\":\"svc\",\"start_time\":")
                        .append(start)
                        .append(",\"end_time\":")
                        .append(end);
        for (String e : extra) {
            b.append(',').append(e);
        }
        return b.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] randomBytes(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        return b;
    }

    private static byte[] randomBytesNonZeroFirst(SplittableRandom random, int n) {
        byte[] b = randomBytes(random, n);
        b[0] = 0;
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /**
     * A KPL aggregate around {@code body} with a correct MD5, so the decoder gets past the
     * checksum.
     */
    static byte[] kpl(byte[] body) {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(body);
            return concat(KplDeaggregator.KPL_MAGIC, body, md5);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code AggregatedRecord.records} (field 3) holding one {@code Record} whose data (field 3) is
     * {@code data}.
     */
    static byte[] kplUserRecord(byte[] data) {
        byte[] inner = concat(new byte[] {0x08, 0x00, 0x1A}, varint(data.length), data);
        return concat(new byte[] {0x1A}, varint(inner.length), inner);
    }

    private static byte[] varint(int v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((v & ~0x7F) != 0) {
            out.write((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write(v);
        return out.toByteArray();
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * {@code size} bytes of {@code fill}, gzip or zlib compressed at the best level: a few KiB per
     * GiB.
     */
    static byte[] bomb(boolean gzip, byte fill, long size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[1 << 20];
        Arrays.fill(chunk, fill);
        try {
            java.io.OutputStream z =
                    gzip
                            ? new GZIPOutputStream(out, 1 << 16) {
                                {
                                    def.setLevel(Deflater.BEST_COMPRESSION);
                                }
                            }
                            : new DeflaterOutputStream(
                                    out, new Deflater(Deflater.BEST_COMPRESSION), 1 << 16);
            for (long written = 0; written < size; written += chunk.length) {
                z.write(chunk);
            }
            z.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
