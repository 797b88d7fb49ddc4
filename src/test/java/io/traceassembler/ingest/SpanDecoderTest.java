package io.traceassembler.ingest;

import io.traceassembler.generate.Compression;
import io.traceassembler.generate.Encoding;
import io.traceassembler.generate.GeneratedSpan;
import io.traceassembler.generate.RecordEncoder;
import io.traceassembler.ingest.format.ProtobufFixtures;
import io.traceassembler.model.Span;
import io.traceassembler.model.SpanFormat;
import io.traceassembler.model.SpanKind;
import io.traceassembler.testing.Decoding;
import io.traceassembler.testing.Decoding.Decoded;
import io.traceassembler.testing.ExpectedSpans;

import org.apache.flink.kinesis.shaded.com.amazonaws.services.kinesis.clientlibrary.types.UserRecord;
import org.apache.flink.kinesis.shaded.com.amazonaws.services.kinesis.model.Record;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class SpanDecoderTest {

    private static final String TRACE_A = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String TRACE_B = "0af7651916cd43dd8448eb211c80319c";

    /** 2026-01-05T10:00:00Z in nanoseconds, plus sub-microsecond noise to check rounding down. */
    private static final long T0 =
            Instant.parse("2026-01-05T10:00:00Z").getEpochSecond() * 1_000_000_000L;

    // ---------------------------------------------------------------- fixtures and helpers

    static List<GeneratedSpan> sampleSpans() {
        GeneratedSpan root =
                new GeneratedSpan(
                        TRACE_A,
                        "00f067aa0ba902b7",
                        null,
                        "get /api/orders",
                        "frontend",
                        "server",
                        T0 + 123_456_789L,
                        T0 + 1_523_456_999L,
                        "ok");
        root.tags.put("http.method", "GET");
        GeneratedSpan child =
                new GeneratedSpan(
                        TRACE_A,
                        "b7ad6b7169203331",
                        "00f067aa0ba902b7",
                        "select orders",
                        "orders-db",
                        "client",
                        T0 + 200_000_000L,
                        T0 + 900_000_001L,
                        "error");
        child.tags.put("db.system", "postgresql");
        child.tags.put("db.statement", "select * from orders");
        GeneratedSpan timeout =
                new GeneratedSpan(
                        TRACE_A,
                        "e457b5a2e4d86bd1",
                        "00f067aa0ba902b7",
                        "call payments",
                        "frontend",
                        "client",
                        T0 + 300_000_000L,
                        T0 + 1_300_000_000L,
                        "timeout");
        timeout.tags.put("peer.service", "payments");
        GeneratedSpan other =
                new GeneratedSpan(
                        TRACE_B,
                        "53995c3f42cd8ad8",
                        null,
                        "consume order-events",
                        "billing",
                        "consumer",
                        T0 + 5_000_000_500L,
                        T0 + 5_000_250_000L,
                        "cancelled");
        other.tags.put("messaging.system", "kafka");
        return List.of(root, child, timeout, other);
    }

    /** {@code span} with {@code kind}. */
    static Span withKind(Span span, SpanKind kind) {
        span.kind = kind;
        return span;
    }

    static SpanFormat formatOf(Encoding encoding) {
        switch (encoding) {
            case NATIVE_SPAN:
            case NATIVE_KINESIS_RECORD:
                return SpanFormat.NATIVE_JSON;
            case OTLP_PROTO:
                return SpanFormat.OTLP_PROTO;
            case OTLP_JSON:
                return SpanFormat.OTLP_JSON;
            case ZIPKIN_PROTO:
                return SpanFormat.ZIPKIN_PROTO;
            case JAEGER_PROTO:
                return SpanFormat.JAEGER_PROTO;
            default:
                return SpanFormat.ZIPKIN_JSON;
        }
    }

    static Decoded decode(SpanFormat format, byte[] record) {
        return Decoding.decode(format, record);
    }

    static Decoded decode(byte[] record) {
        return decode(SpanFormat.AUTO, record);
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- round trips

    static Stream<Arguments> encodingsAndCompressions() {
        return Arrays.stream(Encoding.values())
                .flatMap(e -> Arrays.stream(Compression.values()).map(c -> Arguments.of(e, c)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("encodingsAndCompressions")
    void roundTripsEveryEncodingAndCompression(Encoding encoding, Compression compression) {
        // A jaeger_proto record holds one span: each span in a record of its own.
        List<List<GeneratedSpan>> records =
                encoding.holdsSeveralSpans()
                        ? List.of(sampleSpans())
                        : sampleSpans().stream().map(List::of).collect(Collectors.toList());
        for (List<GeneratedSpan> spans : records) {
            byte[] record =
                    RecordEncoder.compress(RecordEncoder.encode(spans, encoding), compression);

            for (SpanFormat format : List.of(SpanFormat.AUTO, formatOf(encoding))) {
                Decoded decoded = decode(format, record);
                assertThat(decoded.rejects).as("rejects with %s", format).isEmpty();
                // OTLP groups spans by resource, so the order may change.
                assertThat(decoded.spans)
                        .as("spans with %s", format)
                        .containsExactlyInAnyOrderElementsOf(ExpectedSpans.of(spans, encoding));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("singleSpanEncodings")
    void decodesARecordWithOneSpan(Encoding encoding) {
        GeneratedSpan span = sampleSpans().get(1);
        Decoded decoded = decode(RecordEncoder.encode(List.of(span), encoding));
        assertThat(decoded.rejects).isEmpty();
        assertThat(decoded.spans).containsExactly(ExpectedSpans.of(span, encoding));
    }

    static Stream<Encoding> singleSpanEncodings() {
        return Arrays.stream(Encoding.values());
    }

    @Test
    void nativeSpanWithWholeSecondsHasNoFractionLikePython() {
        GeneratedSpan span =
                new GeneratedSpan(
                        TRACE_A,
                        "00f067aa0ba902b7",
                        null,
                        "op",
                        "svc",
                        "server",
                        T0,
                        T0 + 2_000_000_000L,
                        "ok");
        String json =
                new String(
                        RecordEncoder.encode(List.of(span), Encoding.NATIVE_SPAN),
                        StandardCharsets.UTF_8);
        assertThat(json)
                .contains("\"start_time\":\"2026-01-05T10:00:00\"")
                .contains("\"duration_ms\":2000.0");
        assertThat(decode(utf8(json)).spans)
                .containsExactly(ExpectedSpans.of(span, Encoding.NATIVE_SPAN));
    }

    // ---------------------------------------------------------------- the seed's own shapes, as
    // literal JSON

    @Test
    void decodesTheSeedSpanDataclassShape() {
        String json =
                "{\"trace_id\": \"Trace-ABC\", \"span_id\": \"Span-1\", \"parent_span_id\": null,"
                        + " \"operation_name\": \"process_order\", \"service_name\": \"order-service\","
                        + " \"span_kind\": \"server\", \"start_time\": \"2026-01-05T10:00:00.123456\","
                        + " \"end_time\": \"2026-01-05T10:00:01.5\", \"duration_ms\": 1376.544, \"status\": \"error\","
                        + " \"tags\": {\"user\": {\"id\": [1, 2, {\"deep\": true}]}}, \"logs\": [{\"event\": \"x\"}],"
                        + " \"baggage\": {\"tenant\": \"t1\"}}";
        Decoded decoded = decode(utf8(json));
        assertThat(decoded.rejects).isEmpty();
        long start = Instant.parse("2026-01-05T10:00:00.123456Z").toEpochMilli() * 1000 + 456;
        // native ids are kept exactly as given
        assertThat(decoded.spans)
                .containsExactly(
                        withKind(
                                new Span(
                                        "Trace-ABC",
                                        "Span-1",
                                        null,
                                        "order-service",
                                        "process_order",
                                        start,
                                        Instant.parse("2026-01-05T10:00:01.5Z").toEpochMilli()
                                                * 1000,
                                        true),
                                SpanKind.SERVER));
    }

    @Test
    void decodesTheSeedKinesisRecordShape() {
        String json =
                "{\"trace_id\": \"abc\", \"span_id\": \"def\", \"parent_span_id\": \"p1\","
                        + " \"operation_name\": \"charge\", \"service_name\": \"payments\", \"duration_ms\": 12.345678,"
                        + " \"status\": \"timeout\", \"tags\": {\"error\": \"no, this is native\"},"
                        + " \"timestamp\": \"2026-01-05T10:00:00.000001\"}";
        Decoded decoded = decode(SpanFormat.NATIVE_JSON, utf8(json));
        assertThat(decoded.rejects).isEmpty();
        long start = Instant.parse("2026-01-05T10:00:00Z").getEpochSecond() * 1_000_000L + 1;
        assertThat(decoded.spans)
                .containsExactly(
                        new Span(
                                "abc",
                                "def",
                                "p1",
                                "payments",
                                "charge",
                                start,
                                start + 12_346,
                                false));
    }

    @Test
    void acceptsEpochMillisAndZonedTimesInNativeSpans() {
        String json =
                "[{\"trace_id\": \"t\", \"span_id\": \"a\", \"start_time\": 1767607200000,"
                        + " \"end_time\": 1767607200250.5, \"status\": \"ok\"},"
                        + " {\"trace_id\": \"t\", \"span_id\": \"b\", \"start_time\": \"2026-01-05T11:00:00+01:00\","
                        + " \"end_time\": \"2026-01-05T10:00:00.25Z\"}]";
        Decoded decoded = decode(utf8(json));
        assertThat(decoded.rejects).isEmpty();
        long start = 1767607200000L * 1000;
        assertThat(decoded.spans)
                .containsExactly(
                        new Span(
                                "t",
                                "a",
                                null,
                                "unknown",
                                "unknown",
                                start,
                                start + 250_500,
                                false),
                        new Span(
                                "t",
                                "b",
                                null,
                                "unknown",
                                "unknown",
                                start,
                                start + 250_000,
                                false));
    }

    // ---------------------------------------------------------------- fixtures built directly with
    // the libraries

    /** Captures the SpanData that the SDK hands to its exporters. */
    static final class CapturingExporter implements SpanExporter {
        final List<SpanData> spans = new ArrayList<>();

        @Override
        public CompletableResultCode export(Collection<SpanData> batch) {
            spans.addAll(batch);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    @Test
    void decodesSpansRecordedByTheOpenTelemetrySdk() throws Exception {
        CapturingExporter exporter = new CapturingExporter();
        try (SdkTracerProvider provider =
                SdkTracerProvider.builder()
                        .setResource(
                                Resource.create(
                                        Attributes.of(
                                                AttributeKey.stringKey("service.name"),
                                                "checkout")))
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build()) {
            Tracer tracer = provider.get("test");
            long start = T0 + 1_999L;
            io.opentelemetry.api.trace.Span parent =
                    tracer.spanBuilder("POST /checkout")
                            .setStartTimestamp(start, TimeUnit.NANOSECONDS)
                            .startSpan();
            io.opentelemetry.api.trace.Span child =
                    tracer.spanBuilder("reserve stock")
                            .setParent(Context.current().with(parent))
                            .setStartTimestamp(start + 1_000_000L, TimeUnit.NANOSECONDS)
                            .startSpan();
            child.setStatus(StatusCode.ERROR, "out of stock");
            child.end(start + 3_000_500L, TimeUnit.NANOSECONDS);
            parent.end(start + 10_000_000L, TimeUnit.NANOSECONDS);
        }
        assertThat(exporter.spans).hasSize(2);
        List<Span> expected = new ArrayList<>();
        for (SpanData data : exporter.spans) {
            expected.add(
                    new Span(
                            data.getTraceId(),
                            data.getSpanId(),
                            data.getParentSpanContext().isValid() ? data.getParentSpanId() : null,
                            "checkout",
                            data.getName(),
                            data.getStartEpochNanos() / 1000,
                            data.getEndEpochNanos() / 1000,
                            data.getStatus().getStatusCode() == StatusCode.ERROR));
        }
        // The SDK's default kind is INTERNAL; OTLP carries it as 1.
        expected.forEach(s -> s.kind = SpanKind.INTERNAL);
        assertThat(expected).extracting(s -> s.error).containsExactlyInAnyOrder(true, false);

        ByteArrayOutputStream proto = new ByteArrayOutputStream();
        TraceRequestMarshaler.create(exporter.spans).writeBinaryTo(proto);
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        TraceRequestMarshaler.create(exporter.spans).writeJsonTo(json);

        for (byte[] record : List.of(proto.toByteArray(), json.toByteArray())) {
            Decoded decoded = decode(record);
            assertThat(decoded.rejects).isEmpty();
            assertThat(decoded.spans).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void decodesSpansBuiltWithTheZipkinLibrary() {
        List<zipkin2.Span> spans =
                List.of(
                        zipkin2.Span.newBuilder()
                                .traceId("463ac35c9f6413ad48485a3953bb6124")
                                .id("a2fb4a1d1a96d312")
                                .name("get")
                                .kind(zipkin2.Span.Kind.SERVER)
                                .timestamp(1_767_607_200_000_001L)
                                .duration(207_000L)
                                .localEndpoint(
                                        zipkin2.Endpoint.newBuilder()
                                                .serviceName("frontend")
                                                .build())
                                .putTag("error", "")
                                .build(),
                        zipkin2.Span.newBuilder()
                                .traceId("463ac35c9f6413ad48485a3953bb6124")
                                .id("0000000000000002")
                                .parentId("a2fb4a1d1a96d312")
                                .name("no-duration-no-endpoint")
                                .timestamp(1_767_607_200_100_000L)
                                .build());
        // The library writes lower-case ids; other reporters may not, so upper-case the first
        // span's ids.
        String json =
                new String(
                                zipkin2.codec.SpanBytesEncoder.JSON_V2.encodeList(spans),
                                StandardCharsets.UTF_8)
                        .replaceFirst(
                                "463ac35c9f6413ad48485a3953bb6124",
                                "463AC35C9F6413AD48485A3953BB6124")
                        .replaceFirst("\"a2fb4a1d1a96d312\"", "\"A2FB4A1D1A96D312\"");
        assertThat(json).contains("463AC35C9F6413AD48485A3953BB6124");
        Decoded decoded = decode(utf8(json));
        assertThat(decoded.rejects).isEmpty();
        assertThat(decoded.spans)
                .containsExactly(
                        withKind(
                                new Span(
                                        "463ac35c9f6413ad48485a3953bb6124",
                                        "a2fb4a1d1a96d312",
                                        null,
                                        "frontend",
                                        "get",
                                        1_767_607_200_000_001L,
                                        1_767_607_200_207_001L,
                                        true),
                                SpanKind.SERVER),
                        new Span(
                                "463ac35c9f6413ad48485a3953bb6124",
                                "0000000000000002",
                                "a2fb4a1d1a96d312",
                                "unknown",
                                "no-duration-no-endpoint",
                                1_767_607_200_100_000L,
                                1_767_607_200_100_000L,
                                false));
    }

    @Test
    void decodesOtlpJsonWithUpperCaseIdsNumericTimesAndLateResource() {
        String json =
                "{\"resourceSpans\":[{\"scopeSpans\":[{\"scope\":{\"name\":\"x\"},\"spans\":["
                        + "{\"traceId\":\"4BF92F3577B34DA6A3CE929D0E0E4736\",\"spanId\":\"00F067AA0BA902B7\","
                        + "\"parentSpanId\":\"\",\"name\":\"root\",\"kind\":2,\"startTimeUnixNano\":1767607200000001999,"
                        + "\"endTimeUnixNano\":\"1767607200000009000\",\"status\":{\"code\":\"STATUS_CODE_ERROR\"},"
                        + "\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"not-this\"}}]}]}],"
                        + "\"resource\":{\"attributes\":[{\"value\":{\"stringValue\":\"api\"},\"key\":\"service.name\"}]}}]}";
        Decoded decoded = decode(utf8(json));
        assertThat(decoded.rejects).isEmpty();
        assertThat(decoded.spans)
                .containsExactly(
                        withKind(
                                new Span(
                                        TRACE_A,
                                        "00f067aa0ba902b7",
                                        null,
                                        "api",
                                        "root",
                                        1_767_607_200_000_001L,
                                        1_767_607_200_000_009L,
                                        true),
                                SpanKind.SERVER));
    }

    // ---------------------------------------------------------------- KPL aggregation

    @Test
    void deaggregatesKplRecordsWithMixedEncodings() {
        List<GeneratedSpan> spans = sampleSpans();
        List<byte[]> userRecords =
                List.of(
                        RecordEncoder.encode(spans.subList(0, 1), Encoding.NATIVE_SPAN),
                        RecordEncoder.compress(
                                RecordEncoder.encode(spans.subList(1, 2), Encoding.OTLP_PROTO),
                                Compression.GZIP),
                        RecordEncoder.compress(
                                RecordEncoder.encode(spans.subList(2, 3), Encoding.ZIPKIN_JSON),
                                Compression.DEFLATE),
                        RecordEncoder.encode(spans.subList(3, 4), Encoding.OTLP_JSON));
        byte[] aggregate =
                RecordEncoder.kplAggregate(
                        userRecords, List.of(TRACE_A, TRACE_A, TRACE_A, TRACE_B));

        // The consumer side of the KCL (shaded in the Kinesis connector) reads our aggregate back
        // as well.
        List<UserRecord> kcl =
                UserRecord.deaggregate(
                        List.of(
                                new Record()
                                        .withData(ByteBuffer.wrap(aggregate))
                                        .withPartitionKey(TRACE_A)
                                        .withSequenceNumber("1")));
        assertThat(kcl).hasSize(4);
        assertThat(kcl.get(3).getPartitionKey()).isEqualTo(TRACE_B);
        assertThat(toArray(kcl.get(2).getData())).isEqualTo(userRecords.get(2));

        Decoded decoded = decode(aggregate);
        assertThat(decoded.rejects).isEmpty();
        assertThat(decoded.spans)
                .containsExactly(
                        ExpectedSpans.of(spans.get(0), Encoding.NATIVE_SPAN),
                        ExpectedSpans.of(spans.get(1), Encoding.OTLP_PROTO),
                        ExpectedSpans.of(spans.get(2), Encoding.ZIPKIN_JSON),
                        ExpectedSpans.of(spans.get(3), Encoding.OTLP_JSON));
    }

    @Test
    void rejectsOnlyTheBrokenUserRecordOfAnAggregate() {
        List<GeneratedSpan> spans = sampleSpans();
        byte[] aggregate =
                RecordEncoder.kplAggregate(
                        List.of(
                                RecordEncoder.encode(spans.subList(0, 2), Encoding.ZIPKIN_JSON),
                                utf8("{broken")),
                        List.of("a", "b"));
        Decoded decoded = decode(aggregate);
        assertThat(decoded.spans)
                .containsExactlyElementsOf(
                        ExpectedSpans.of(spans.subList(0, 2), Encoding.ZIPKIN_JSON));
        assertThat(decoded.rejects)
                .singleElement()
                .asString()
                .startsWith("user record 2 of 2: not valid JSON");
    }

    @Test
    void rejectsKplRecordWithWrongMd5() {
        byte[] aggregate =
                RecordEncoder.kplAggregate(
                        List.of(RecordEncoder.encode(sampleSpans(), Encoding.NATIVE_SPAN)),
                        List.of("a"));
        aggregate[aggregate.length - 1] ^= 1;
        Decoded decoded = decode(aggregate);
        assertThat(decoded.spans).isEmpty();
        assertThat(decoded.rejects)
                .containsExactly("KPL aggregated record has a wrong MD5 checksum");
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    // ---------------------------------------------------------------- compression edge cases

    @Test
    void toleratesMissingGzipTrailerButNotACorruptOne() {
        byte[] plain = RecordEncoder.encode(sampleSpans(), Encoding.OTLP_PROTO);
        assertThat(decode(RecordEncoder.compress(plain, Compression.GZIP_NO_TRAILER)).spans)
                .hasSize(4);

        byte[] gzip = RecordEncoder.compress(plain, Compression.GZIP);
        gzip[gzip.length - 6] ^= 0x55; // CRC
        Decoded decoded = decode(gzip);
        assertThat(decoded.spans).isEmpty();
        assertThat(decoded.rejects).singleElement().asString().startsWith("gzip data is corrupt");
    }

    @Test
    void rejectsTruncatedCompressedData() {
        byte[] gzip =
                RecordEncoder.compress(
                        RecordEncoder.encode(sampleSpans(), Encoding.NATIVE_SPAN),
                        Compression.GZIP);
        Decoded decoded = decode(Arrays.copyOf(gzip, gzip.length / 2));
        assertThat(decoded.spans).isEmpty();
        assertThat(decoded.rejects)
                .singleElement()
                .asString()
                .startsWith("gzip data is corrupt: truncated");
    }

    @Test
    void rejectsZipBombs() {
        byte[] zeros = new byte[SpanDecoder.MAX_RECORD_BYTES + 1024];
        for (Compression compression :
                List.of(Compression.GZIP, Compression.ZLIB, Compression.DEFLATE)) {
            Decoded decoded = decode(RecordEncoder.compress(zeros, compression));
            assertThat(decoded.spans).isEmpty();
            assertThat(decoded.rejects)
                    .as("%s", compression)
                    .singleElement()
                    .asString()
                    .contains(
                            "decompresses to more than the limit of "
                                    + SpanDecoder.MAX_RECORD_BYTES);
        }
    }

    // ---------------------------------------------------------------- dead letters

    @Test
    void rejectsGarbageBytesOnce() {
        Decoded decoded = decode(utf8("\u0000\u0001 this is not a span \u00ff\u00fe"));
        assertThat(decoded.spans).isEmpty();
        assertThat(decoded.rejects)
                .singleElement()
                .asString()
                .startsWith("neither JSON nor valid OTLP protobuf");
    }

    @Test
    void rejectsTruncatedProtobuf() {
        byte[] proto = RecordEncoder.encode(sampleSpans(), Encoding.OTLP_PROTO);
        byte[] truncated = Arrays.copyOf(proto, proto.length - 7);
        assertThat(decode(truncated).spans).isEmpty();
        assertThat(decode(truncated).rejects).hasSize(1);
        Decoded fixed = decode(SpanFormat.OTLP_PROTO, truncated);
        assertThat(fixed.spans).isEmpty();
        assertThat(fixed.rejects)
                .singleElement()
                .asString()
                .startsWith("not valid OTLP protobuf: ");
    }

    @Test
    void rejectsInvalidJsonWithItsPosition() {
        Decoded decoded =
                decode(utf8("[{\"trace_id\": \"a\", \"span_id\": \"b\"}, {\"trace_id\": ]"));
        assertThat(decoded.spans).isEmpty();
        assertThat(decoded.rejects)
                .singleElement()
                .asString()
                .startsWith("not valid JSON at line 1 column ");
    }

    @Test
    void rejectsDeeplyNestedJson() {
        String nested = "[".repeat(500) + "]".repeat(500);
        String json = "{\"trace_id\": \"a\", \"span_id\": \"b\", \"tags\": " + nested + "}";
        Decoded decoded = decode(utf8(json));
        assertThat(decoded.spans).isEmpty();
        assertThat(decoded.rejects)
                .singleElement()
                .asString()
                .startsWith("JSON exceeds a limit: ")
                .contains("nesting depth");
    }

    @Test
    void rejectsBadSpansButKeepsTheGoodOnesOfTheSameRecord() {
        String json =
                "[{\"trace_id\": \"t\", \"span_id\": \"good\", \"start_time\": \"2026-01-05T10:00:00\","
                        + " \"end_time\": \"2026-01-05T10:00:01\"},"
                        + " {\"span_id\": \"no-trace\", \"start_time\": \"2026-01-05T10:00:00\", \"end_time\": 1},"
                        + " {\"trace_id\": \"t\", \"span_id\": \"backwards\", \"start_time\": \"2026-01-05T10:00:02\","
                        + " \"end_time\": \"2026-01-05T10:00:01.5\"},"
                        + " {\"trace_id\": \"t\", \"span_id\": \"no-end\", \"start_time\": \"2026-01-05T10:00:00\","
                        + " \"duration_ms\": null},"
                        + " {\"trace_id\": \"t\", \"span_id\": \"nan\", \"timestamp\": \"2026-01-05T10:00:00\","
                        + " \"duration_ms\": NaN},"
                        + " {\"trace_id\": \"t\", \"span_id\": \"bad-date\", \"start_time\": \"2026-02-30T10:00:00\","
                        + " \"end_time\": \"2026-03-01T10:00:00\"},"
                        + " {\"trace_id\": \"t\", \"span_id\": \"far-future\", \"start_time\": \"2026-01-05T10:00:00\","
                        + " \"end_time\": \"2600-01-01T00:00:00\"},"
                        + " {\"trace_id\": \""
                        + "x".repeat(300)
                        + "\", \"span_id\": \"long\"},"
                        + " 42]";
        Decoded decoded = decode(utf8(json));
        assertThat(decoded.spans).extracting(s -> s.spanId).containsExactly("good");
        assertThat(decoded.rejects)
                .containsExactly(
                        "span 2: trace_id is missing",
                        "span 3: end_time 2026-01-05T10:00:01.500Z is before start_time 2026-01-05T10:00:02Z",
                        "span 4: end_time is missing and there is no duration_ms",
                        "span 5: duration_ms NaN is not a finite number",
                        "span 6: start_time \"2026-02-30T10:00:00\" is not an ISO-8601 time or epoch millis",
                        "span 7: end_time 2600-01-01T00:00:00Z is outside the years 1970 to 2499",
                        "span 8: trace_id is longer than 256 characters",
                        "span 9: is not a JSON object");
    }

    @Test
    void rejectsOtlpSpansWithBadTimesButKeepsTheRest() {
        GeneratedSpan good = sampleSpans().get(0);
        GeneratedSpan backwards = sampleSpans().get(1);
        backwards.endEpochNanos = backwards.startEpochNanos - 1_000;
        Decoded decoded =
                decode(RecordEncoder.encode(List.of(good, backwards), Encoding.OTLP_PROTO));
        assertThat(decoded.spans).containsExactly(ExpectedSpans.of(good, Encoding.OTLP_PROTO));
        assertThat(decoded.rejects)
                .singleElement()
                .asString()
                .matches(
                        "span \\d: end_time_unix_nano 2026-01-05T10:00:00.199999Z is before start_time_unix_nano"
                                + " 2026-01-05T10:00:00.200Z");
    }

    @Test
    void rejectsEmptyRecordsAndRecordsWithoutSpans() {
        assertThat(decode(new byte[0]).rejects).containsExactly("record is empty");
        assertThat(decode(utf8("[]")).rejects).containsExactly("record holds no spans");
        assertThat(decode(utf8("{\"resourceSpans\": []}")).rejects)
                .containsExactly("record holds no spans");
        assertThat(decode(null).rejects).containsExactly("record has no data");
    }

    @Test
    void fixedFormatRejectsOtherEncodings() {
        byte[] zipkin = RecordEncoder.encode(sampleSpans(), Encoding.ZIPKIN_JSON);
        Decoded decoded = decode(SpanFormat.OTLP_JSON, zipkin);
        assertThat(decoded.spans).isEmpty();
        assertThat(decoded.rejects)
                .containsExactly("expected an OTLP JSON object with resourceSpans, found an array");
    }

    /** Whatever the bytes, the decoder answers with spans or rejects and never throws. */
    @Test
    void neverThrowsOnMutatedOrRandomRecords() {
        Random random = new Random(42);
        List<byte[]> valid = new ArrayList<>();
        for (Encoding encoding : Encoding.values()) {
            List<GeneratedSpan> spans =
                    encoding.holdsSeveralSpans() ? sampleSpans() : sampleSpans().subList(1, 2);
            for (Compression compression : Compression.values()) {
                valid.add(
                        RecordEncoder.compress(RecordEncoder.encode(spans, encoding), compression));
            }
        }
        valid.add(RecordEncoder.kplAggregate(valid.subList(0, 3), List.of("a", "b", "c")));
        for (int i = 0; i < 3000; i++) {
            byte[] record;
            if (i % 3 == 0) {
                record = new byte[random.nextInt(200)];
                random.nextBytes(record);
            } else {
                byte[] base = valid.get(random.nextInt(valid.size()));
                record =
                        Arrays.copyOf(
                                base, i % 3 == 1 ? base.length : random.nextInt(base.length + 1));
                for (int flips = random.nextInt(4); flips >= 0 && record.length > 0; flips--) {
                    record[random.nextInt(record.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            Decoded decoded = decode(record);
            assertThat(decoded.spans.size() + decoded.rejects.size())
                    .as("output for record %d", i)
                    .isPositive();
            assertThat(decoded.spans)
                    .allSatisfy(
                            span -> {
                                assertThat(span.traceId).isNotEmpty();
                                assertThat(span.spanId).isNotEmpty();
                                assertThat(span.endMicros).isGreaterThanOrEqualTo(span.startMicros);
                            });
        }
    }

    // ---------------------------------------------------------------- telling the protobuf
    // encodings apart

    /**
     * A record from the real libraries of each encoding, with its sniffed protobuf kind and its
     * spans.
     */
    static final class Sample {
        final String name;
        final byte[] record;
        final SpanDecoder.Protobuf kind;
        final SpanFormat fixed;
        final List<Span> expected;

        Sample(
                String name,
                byte[] record,
                SpanDecoder.Protobuf kind,
                SpanFormat fixed,
                List<Span> expected) {
            this.name = name;
            this.record = record;
            this.kind = kind;
            this.fixed = fixed;
            this.expected = expected;
        }
    }

    /**
     * Records of every encoding whose sizes sweep over 1 to 300 bytes of names: every single-byte
     * length prefix (0x5B '[' and 0x7B '{' among them) and the first multi-byte ones.
     */
    static List<Sample> samplesOfEverySize() {
        List<Sample> samples = new ArrayList<>();
        for (int n = 1; n <= 300; n++) {
            String name = "x".repeat(n);
            List<zipkin2.Span> zipkin = ProtobufFixtures.zipkinSpans(TRACE_A, name);
            samples.add(
                    new Sample(
                            "zipkin_proto " + n,
                            ProtobufFixtures.zipkinProto(zipkin),
                            SpanDecoder.Protobuf.ZIPKIN,
                            SpanFormat.ZIPKIN_PROTO,
                            ProtobufFixtures.expectedFromZipkin(zipkin)));
            List<zipkin2.Span> single =
                    zipkin.subList(2, 3).stream()
                            .map(z -> z.toBuilder().name(name).build())
                            .collect(Collectors.toList());
            samples.add(
                    new Sample(
                            "zipkin_proto one span " + n,
                            ProtobufFixtures.zipkinProto(single),
                            SpanDecoder.Protobuf.ZIPKIN,
                            SpanFormat.ZIPKIN_PROTO,
                            ProtobufFixtures.expectedFromZipkin(single)));
            List<io.opentelemetry.sdk.trace.data.SpanData> sdk =
                    ProtobufFixtures.sdkSpans(name, "op");
            samples.add(
                    new Sample(
                            "otlp_proto " + n,
                            ProtobufFixtures.otlpProto(sdk),
                            SpanDecoder.Protobuf.OTLP,
                            SpanFormat.OTLP_PROTO,
                            ProtobufFixtures.expectedFromSdk(sdk)));
            List<io.opentelemetry.sdk.trace.data.SpanData> one = sdk.subList(0, 1);
            samples.add(
                    new Sample(
                            "otlp_proto one span " + n,
                            ProtobufFixtures.otlpProto(one),
                            SpanDecoder.Protobuf.OTLP,
                            SpanFormat.OTLP_PROTO,
                            ProtobufFixtures.expectedFromSdk(one)));
            samples.add(
                    new Sample(
                            "jaeger_proto " + n,
                            ProtobufFixtures.jaegerProto(one.get(0)),
                            SpanDecoder.Protobuf.JAEGER,
                            SpanFormat.JAEGER_PROTO,
                            ProtobufFixtures.expectedFromJaeger(one)));
        }
        return samples;
    }

    @Test
    void sniffingTellsOtlpZipkinAndJaegerProtobufApartAtEverySize() {
        List<Sample> samples = samplesOfEverySize();
        int jsonLooking = 0;
        java.util.Map<SpanDecoder.Protobuf, Integer> jsonLookingByKind =
                new java.util.EnumMap<>(SpanDecoder.Protobuf.class);
        for (Sample sample : samples) {
            assertThat(SpanDecoder.sniffProtobuf(sample.record, 0, sample.record.length))
                    .as(sample.name)
                    .isEqualTo(sample.kind);
            if (io.traceassembler.ingest.format.JsonRecordReader.looksLikeJson(
                    sample.record, 0, sample.record.length)) {
                jsonLooking++;
                jsonLookingByKind.merge(sample.kind, 1, Integer::sum);
            }
            for (SpanFormat format : List.of(SpanFormat.AUTO, sample.fixed)) {
                Decoded decoded = decode(format, sample.record);
                assertThat(decoded.rejects).as("%s under %s", sample.name, format).isEmpty();
                assertThat(decoded.spans)
                        .as("%s under %s", sample.name, format)
                        .containsExactlyInAnyOrderElementsOf(sample.expected);
            }
        }
        System.out.printf(
                "[sniffing] %d protobuf records, %d of them start like JSON: %s%n",
                samples.size(), jsonLooking, jsonLookingByKind);
        // The sweep did produce protobuf records that start like JSON ("\n[" or "\n{"), and they
        // decode.
        assertThat(jsonLookingByKind)
                .containsKeys(SpanDecoder.Protobuf.OTLP, SpanDecoder.Protobuf.ZIPKIN);
        // JSON records are never taken for protobuf.
        for (Encoding encoding : Encoding.values()) {
            if (encoding == Encoding.ZIPKIN_PROTO || encoding == Encoding.JAEGER_PROTO) {
                continue; // not JSON, nor OTLP
            }
            byte[] json = RecordEncoder.encode(sampleSpans(), encoding);
            assertThat(SpanDecoder.sniffProtobuf(json, 0, json.length))
                    .as("%s", encoding)
                    .isEqualTo(SpanDecoder.Protobuf.OTLP);
        }
    }

    @Test
    void aFixedProtobufFormatYieldsNoSpansFromTheOtherProtobufEncodings() {
        List<Sample> samples = samplesOfEverySize().subList(0, 5 * 40);
        for (Sample sample : samples) {
            for (SpanFormat other : List.of(SpanFormat.ZIPKIN_PROTO, SpanFormat.JAEGER_PROTO)) {
                if (other == sample.fixed) {
                    continue;
                }
                Decoded decoded = decode(other, sample.record);
                assertThat(decoded.spans).as("%s under %s", sample.name, other).isEmpty();
                assertThat(decoded.rejects).as("%s under %s", sample.name, other).isNotEmpty();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Compression.class)
    void everyProtobufEncodingDecodesCompressedAndKplAggregatedUnderAuto(Compression compression) {
        List<Sample> samples = samplesOfEverySize().subList(5 * 120, 5 * 125);
        List<byte[]> userRecords = new ArrayList<>();
        List<Span> expected = new ArrayList<>();
        for (Sample sample : samples) {
            byte[] record = RecordEncoder.compress(sample.record, compression);
            Decoded decoded = decode(record);
            assertThat(decoded.rejects).as(sample.name).isEmpty();
            assertThat(decoded.spans)
                    .as(sample.name)
                    .containsExactlyInAnyOrderElementsOf(sample.expected);
            userRecords.add(record);
            expected.addAll(sample.expected);
        }
        List<String> keys = userRecords.stream().map(r -> TRACE_A).collect(Collectors.toList());
        Decoded aggregated = decode(RecordEncoder.kplAggregate(userRecords, keys));
        assertThat(aggregated.rejects).isEmpty();
        assertThat(aggregated.spans).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void acceptsEveryExporterEncodingName() {
        assertThat(SpanFormat.parse("otlp")).isEqualTo(SpanFormat.OTLP_PROTO);
        assertThat(SpanFormat.parse("otlp_proto")).isEqualTo(SpanFormat.OTLP_PROTO);
        assertThat(SpanFormat.parse("otlp_json")).isEqualTo(SpanFormat.OTLP_JSON);
        assertThat(SpanFormat.parse("zipkin_json")).isEqualTo(SpanFormat.ZIPKIN_JSON);
        assertThat(SpanFormat.parse("zipkin_proto")).isEqualTo(SpanFormat.ZIPKIN_PROTO);
        assertThat(SpanFormat.parse(" Jaeger-Proto ")).isEqualTo(SpanFormat.JAEGER_PROTO);
    }
}
