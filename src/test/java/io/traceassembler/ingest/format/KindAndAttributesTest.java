package io.traceassembler.ingest.format;

import io.traceassembler.generate.Encoding;
import io.traceassembler.generate.GeneratedSpan;
import io.traceassembler.generate.RecordEncoder;
import io.traceassembler.model.Span;
import io.traceassembler.model.SpanFormat;
import io.traceassembler.model.SpanKind;
import io.traceassembler.testing.Decoding.Decoded;

import io.jaegertracing.api_v2.Model;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;
import zipkin2.Endpoint;
import zipkin2.codec.SpanBytesEncoder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.traceassembler.testing.Decoding.decode;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every reader fills the span kind, Zipkin's shared flag and the three kept attributes ({@code
 * peer.service}, {@code db.system}, {@code messaging.system}; docs/contracts.md, section 3a) from
 * records made by the real libraries; other tags and non-string values are not kept.
 */
class KindAndAttributesTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final long T0_MICROS = ProtobufFixtures.T0 / 1000;

    // ---------------------------------------------------------------- OTLP (SDK spans)

    /**
     * One SDK span of every kind; the CLIENT one with peer.service, the PRODUCER one with
     * messaging.system, the SERVER one with a non-string db.system and unrelated attributes.
     */
    static List<SpanData> sdkSpansOfEveryKind() {
        ProtobufFixtures.CapturingExporter exporter = new ProtobufFixtures.CapturingExporter();
        try (SdkTracerProvider provider =
                SdkTracerProvider.builder()
                        .setResource(
                                Resource.create(
                                        Attributes.of(
                                                AttributeKey.stringKey("service.name"), "shop")))
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build()) {
            Tracer tracer = provider.get("kinds");
            long start = ProtobufFixtures.T0 + 5_000L;
            int i = 0;
            for (io.opentelemetry.api.trace.SpanKind kind :
                    io.opentelemetry.api.trace.SpanKind.values()) {
                io.opentelemetry.api.trace.SpanBuilder builder =
                        tracer.spanBuilder(kind.name().toLowerCase(java.util.Locale.ROOT))
                                .setNoParent()
                                .setSpanKind(kind)
                                .setStartTimestamp(start + i * 1_000L, TimeUnit.NANOSECONDS);
                switch (kind) {
                    case CLIENT:
                        builder.setAttribute("peer.service", "payments")
                                .setAttribute("db.system", "redis")
                                .setAttribute("http.request.header.authorization", "Bearer x");
                        break;
                    case PRODUCER:
                        builder.setAttribute("messaging.system", "kafka")
                                .setAttribute("messaging.destination.name", "orders");
                        break;
                    case SERVER:
                        builder.setAttribute("db.system", 7L)
                                .setAttribute("peer.service", true)
                                .setAttribute("user.email", "a@example.com");
                        break;
                    default:
                        break;
                }
                builder.startSpan().end(start + i * 1_000L + 500L, TimeUnit.NANOSECONDS);
                i++;
            }
        }
        return exporter.spans;
    }

    @Test
    void otlpProtoAndJsonFromTheSdkCarryEveryKindAndTheStringAttributes() throws IOException {
        List<SpanData> sdk = sdkSpansOfEveryKind();
        assertThat(sdk).hasSize(5);
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        TraceRequestMarshaler.create(sdk).writeJsonTo(json);
        assertThat(json.toString(StandardCharsets.UTF_8)).contains("\"kind\":");
        for (byte[] record : List.of(ProtobufFixtures.otlpProto(sdk), json.toByteArray())) {
            Decoded decoded = decode(SpanFormat.AUTO, record);
            assertThat(decoded.rejects).isEmpty();
            assertThat(decoded.spans)
                    .containsExactlyInAnyOrderElementsOf(ProtobufFixtures.expectedFromSdk(sdk));
            assertThat(decoded.spans)
                    .extracting(s -> s.kind)
                    .containsExactlyInAnyOrder(
                            SpanKind.INTERNAL,
                            SpanKind.SERVER,
                            SpanKind.CLIENT,
                            SpanKind.PRODUCER,
                            SpanKind.CONSUMER);
            Span client = byKind(decoded.spans, SpanKind.CLIENT);
            assertThat(client.peerService).isEqualTo("payments");
            assertThat(client.dbSystem).isEqualTo("redis");
            assertThat(byKind(decoded.spans, SpanKind.PRODUCER).messagingSystem).isEqualTo("kafka");
            Span server = byKind(decoded.spans, SpanKind.SERVER);
            assertThat(server.dbSystem).as("a non-string value").isNull();
            assertThat(server.peerService).as("a non-string value").isNull();
            assertThat(decoded.spans).noneMatch(s -> s.shared);
            assertThat(decoded.spans.toString())
                    .doesNotContain("Bearer x", "a@example.com", "orders");
        }
    }

    @Test
    void otlpJsonKindAsEnumNameOrOddValuesAndAttributesInAnyOrder() {
        String[][] kinds = {
            {"\"SPAN_KIND_CONSUMER\"", "CONSUMER"},
            {"\"SPAN_KIND_PRODUCER\"", "PRODUCER"},
            {"\"span_kind_server\"", "SERVER"},
            {"\"SPAN_KIND_UNSPECIFIED\"", "UNSPECIFIED"},
            {"\"SERVER\"", "UNSPECIFIED"},
            {"3", "CLIENT"},
            {"0", "UNSPECIFIED"},
            {"6", "UNSPECIFIED"},
            {"-1", "UNSPECIFIED"},
            {"99999999999999999999999", "UNSPECIFIED"},
            {"2.0", "UNSPECIFIED"},
            {"{\"a\":[1]}", "UNSPECIFIED"},
            {"null", "UNSPECIFIED"},
        };
        for (String[] kind : kinds) {
            String json =
                    "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\","
                            + "\"value\":{\"stringValue\":\"api\"}}]},\"scopeSpans\":[{\"spans\":[{"
                            + "\"traceId\":\""
                            + TRACE
                            + "\",\"spanId\":\"00f067aa0ba902b7\",\"name\":\"op\",\"kind\":"
                            + kind[0]
                            + ",\"startTimeUnixNano\":\"1767607200000001000\","
                            + "\"endTimeUnixNano\":\"1767607200000009000\",\"attributes\":["
                            // value before key
                            + "{\"value\":{\"stringValue\":\"payments\"},\"key\":\"peer.service\"},"
                            + "{\"key\":\"db.system\",\"value\":{\"intValue\":\"5\"}},"
                            + "{\"key\":\"messaging.system\",\"value\":{\"stringValue\":\"sqs\"}},"
                            + "{\"key\":\"db.statement\",\"value\":{\"stringValue\":\"SECRET\"}},"
                            + "{\"key\":\"peer.service.extra\",\"value\":{\"stringValue\":\"no\"}},"
                            + "{\"key\":7,\"value\":{\"stringValue\":\"no\"}},"
                            + "\"not an object\"]}]}]}]}";
            Decoded decoded = decode(SpanFormat.AUTO, json.getBytes(StandardCharsets.UTF_8));
            assertThat(decoded.rejects).as(kind[0]).isEmpty();
            Span expected =
                    new Span(
                            TRACE,
                            "00f067aa0ba902b7",
                            null,
                            "api",
                            "op",
                            1_767_607_200_000_001L,
                            1_767_607_200_000_009L,
                            false);
            expected.kind = SpanKind.valueOf(kind[1]);
            expected.peerService = "payments";
            expected.messagingSystem = "sqs";
            assertThat(decoded.spans).as(kind[0]).containsExactly(expected);
        }
    }

    // ---------------------------------------------------------------- Zipkin

    static List<zipkin2.Span> zipkinSpansOfEveryKind() {
        Endpoint frontend = Endpoint.newBuilder().serviceName("frontend").build();
        Endpoint backend = Endpoint.newBuilder().serviceName("backend").build();
        List<zipkin2.Span> spans = new ArrayList<>();
        zipkin2.Span.Builder base =
                zipkin2.Span.newBuilder()
                        .traceId(TRACE)
                        .name("op")
                        .timestamp(T0_MICROS)
                        .duration(10L)
                        .localEndpoint(frontend);
        // client half: remote endpoint names the peer, no peer.service tag
        spans.add(
                base.clone()
                        .id("0000000000000001")
                        .kind(zipkin2.Span.Kind.CLIENT)
                        .remoteEndpoint(backend)
                        .putTag("http.path", "/api")
                        .build());
        // server half of the same RPC
        spans.add(
                base.clone()
                        .id("0000000000000001")
                        .kind(zipkin2.Span.Kind.SERVER)
                        .shared(true)
                        .localEndpoint(backend)
                        .build());
        // producer: messaging.system, and a peer.service tag that wins over the remote endpoint
        spans.add(
                base.clone()
                        .id("0000000000000002")
                        .parentId("0000000000000001")
                        .kind(zipkin2.Span.Kind.PRODUCER)
                        .remoteEndpoint(Endpoint.newBuilder().serviceName("kafka-broker").build())
                        .putTag("peer.service", "orders-topic")
                        .putTag("messaging.system", "kafka")
                        .putTag("authorization", "Bearer SECRET")
                        .build());
        // consumer with db.system; local span without kind
        spans.add(
                base.clone()
                        .id("0000000000000003")
                        .parentId("0000000000000002")
                        .kind(zipkin2.Span.Kind.CONSUMER)
                        .putTag("db.system", "postgresql")
                        .putTag("db.statement", "SELECT SECRET")
                        .build());
        spans.add(base.clone().id("0000000000000004").parentId("0000000000000003").build());
        return spans;
    }

    private static List<Span> expectedZipkin() {
        List<Span> expected = new ArrayList<>();
        String[][] rows = {
            // id, parent, service, kind, shared, peer, db, messaging
            {"0000000000000001", null, "frontend", "CLIENT", "", "backend", null, null},
            {"0000000000000001", null, "backend", "SERVER", "shared", null, null, null},
            {
                "0000000000000002",
                "0000000000000001",
                "frontend",
                "PRODUCER",
                "",
                "orders-topic",
                null,
                "kafka"
            },
            {
                "0000000000000003",
                "0000000000000002",
                "frontend",
                "CONSUMER",
                "",
                null,
                "postgresql",
                null
            },
            {
                "0000000000000004",
                "0000000000000003",
                "frontend",
                "UNSPECIFIED",
                "",
                null,
                null,
                null
            },
        };
        for (String[] row : rows) {
            Span span =
                    new Span(TRACE, row[0], row[1], row[2], "op", T0_MICROS, T0_MICROS + 10, false);
            span.kind = SpanKind.valueOf(row[3]);
            span.shared = !row[4].isEmpty();
            span.peerService = row[5];
            span.dbSystem = row[6];
            span.messagingSystem = row[7];
            expected.add(span);
        }
        return expected;
    }

    @Test
    void zipkinJsonAndProtoCarryKindSharedTagsAndTheRemoteService() {
        List<zipkin2.Span> spans = zipkinSpansOfEveryKind();
        byte[] json = SpanBytesEncoder.JSON_V2.encodeList(spans);
        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"shared\":true");
        byte[] proto = SpanBytesEncoder.PROTO3.encodeList(spans);
        for (byte[] record : List.of(json, proto)) {
            for (SpanFormat format :
                    List.of(
                            SpanFormat.AUTO,
                            record == json ? SpanFormat.ZIPKIN_JSON : SpanFormat.ZIPKIN_PROTO)) {
                Decoded decoded = decode(format, record);
                assertThat(decoded.rejects).as("%s", format).isEmpty();
                assertThat(decoded.spans)
                        .as("%s", format)
                        .containsExactlyElementsOf(expectedZipkin())
                        .containsExactlyElementsOf(ProtobufFixtures.expectedFromZipkin(spans));
                assertThat(decoded.spans.toString()).doesNotContain("SECRET", "/api");
            }
        }
    }

    @Test
    void zipkinJsonOddValuesAreIgnored() {
        String json =
                "[{\"traceId\":\""
                        + TRACE
                        + "\",\"id\":\"0000000000000001\",\"name\":\"op\",\"kind\":\"Client\","
                        + "\"shared\":\"true\",\"timestamp\":"
                        + T0_MICROS
                        + ",\"remoteEndpoint\":{\"serviceName\":\"\"},"
                        + "\"tags\":{\"peer.service\":\"\",\"db.system\":3,\"messaging.system\":"
                        + "{\"x\":\"y\"},\"error\":\"\"}},"
                        + "{\"traceId\":\""
                        + TRACE
                        + "\",\"id\":\"0000000000000002\",\"name\":\"op\",\"kind\":7,"
                        + "\"shared\":false,\"timestamp\":"
                        + T0_MICROS
                        + ",\"remoteEndpoint\":\"backend\",\"tags\":[\"db.system\"]}]";
        Decoded decoded = decode(SpanFormat.AUTO, json.getBytes(StandardCharsets.UTF_8));
        assertThat(decoded.rejects).isEmpty();
        Span first =
                new Span(
                        TRACE,
                        "0000000000000001",
                        null,
                        "unknown",
                        "op",
                        T0_MICROS,
                        T0_MICROS,
                        true);
        first.kind = SpanKind.CLIENT; // any case, as for the other name-written kinds
        Span second =
                new Span(
                        TRACE,
                        "0000000000000002",
                        null,
                        "unknown",
                        "op",
                        T0_MICROS,
                        T0_MICROS,
                        false);
        assertThat(decoded.spans).containsExactly(first, second);
    }

    // ---------------------------------------------------------------- Jaeger

    @Test
    void jaegerSpanKindTagAndStringTags() {
        List<SpanData> sdk = sdkSpansOfEveryKind();
        List<Span> expected = ProtobufFixtures.expectedFromJaeger(sdk);
        for (int i = 0; i < sdk.size(); i++) {
            Model.Span span = ProtobufFixtures.jaegerSpan(sdk.get(i));
            Decoded decoded = decode(SpanFormat.AUTO, span.toByteArray());
            assertThat(decoded.rejects).isEmpty();
            assertThat(decoded.spans).containsExactly(expected.get(i));
        }
        assertThat(expected)
                .extracting(s -> s.kind)
                .containsExactlyInAnyOrder(
                        SpanKind.UNSPECIFIED, // INTERNAL: no span.kind tag in Jaeger
                        SpanKind.SERVER,
                        SpanKind.CLIENT,
                        SpanKind.PRODUCER,
                        SpanKind.CONSUMER);
        // the SERVER span's db.system is an INT64 tag and its peer.service a BOOL tag: ignored
        SpanData server =
                sdk.stream()
                        .filter(s -> s.getKind() == io.opentelemetry.api.trace.SpanKind.SERVER)
                        .findFirst()
                        .orElseThrow();
        Model.Span jaegerServer = ProtobufFixtures.jaegerSpan(server);
        assertThat(jaegerServer.getTagsList())
                .anyMatch(
                        t ->
                                t.getKey().equals("db.system")
                                        && t.getVType() == Model.ValueType.INT64);

        // span.kind in upper case; an unknown or non-string span.kind is UNSPECIFIED
        Model.Span base = jaegerServer.toBuilder().clearTags().build();
        assertThat(
                        kindOf(
                                base.toBuilder()
                                        .addTags(
                                                ProtobufFixtures.stringTag(
                                                        "span.kind", "CONSUMER"))))
                .isEqualTo(SpanKind.CONSUMER);
        assertThat(kindOf(base.toBuilder().addTags(ProtobufFixtures.stringTag("span.kind", "rpc"))))
                .isEqualTo(SpanKind.UNSPECIFIED);
        assertThat(
                        kindOf(
                                base.toBuilder()
                                        .addTags(
                                                Model.KeyValue.newBuilder()
                                                        .setKey("span.kind")
                                                        .setVType(Model.ValueType.INT64)
                                                        .setVInt64(2))))
                .isEqualTo(SpanKind.UNSPECIFIED);
        // a process tag is not a span tag
        Model.Span processTag =
                base.toBuilder()
                        .setProcess(
                                base.getProcess().toBuilder()
                                        .addTags(
                                                ProtobufFixtures.stringTag(
                                                        "peer.service", "not-this")))
                        .build();
        assertThat(decode(SpanFormat.AUTO, processTag.toByteArray()).spans)
                .singleElement()
                .satisfies(s -> assertThat(s.peerService).isNull());
    }

    private static SpanKind kindOf(Model.Span.Builder span) {
        Decoded decoded = decode(SpanFormat.JAEGER_PROTO, span.build().toByteArray());
        assertThat(decoded.rejects).isEmpty();
        return decoded.spans.get(0).kind;
    }

    // ---------------------------------------------------------------- native JSON

    @Test
    void nativeSpansAsTheSeedsTracerWritesThem() {
        List<GeneratedSpan> generated = new ArrayList<>();
        String[] kinds = {"server", "client", "producer", "consumer", "internal"};
        for (int i = 0; i < kinds.length; i++) {
            GeneratedSpan span =
                    new GeneratedSpan(
                            TRACE,
                            "span-" + i,
                            i == 0 ? null : "span-0",
                            "op " + i,
                            "svc",
                            kinds[i],
                            ProtobufFixtures.T0 + i * 1_000_000L,
                            ProtobufFixtures.T0 + i * 1_000_000L + 500_000L,
                            "ok");
            span.tags.put("http.method", "GET");
            generated.add(span);
        }
        generated.get(1).tags.put("peer.service", "payments");
        generated.get(1).tags.put("db.system", "mysql");
        generated.get(2).tags.put("messaging.system", "rabbitmq");
        generated.get(3).tags.put("authorization", "Bearer SECRET");

        byte[] record = RecordEncoder.encode(generated, Encoding.NATIVE_SPAN);
        assertThat(new String(record, StandardCharsets.UTF_8)).contains("\"span_kind\":\"client\"");
        Decoded decoded = decode(SpanFormat.AUTO, record);
        assertThat(decoded.rejects).isEmpty();
        assertThat(decoded.spans)
                .extracting(s -> s.kind)
                .containsExactly(
                        SpanKind.SERVER,
                        SpanKind.CLIENT,
                        SpanKind.PRODUCER,
                        SpanKind.CONSUMER,
                        SpanKind.INTERNAL);
        assertThat(decoded.spans.get(1).peerService).isEqualTo("payments");
        assertThat(decoded.spans.get(1).dbSystem).isEqualTo("mysql");
        assertThat(decoded.spans.get(2).messagingSystem).isEqualTo("rabbitmq");
        assertThat(decoded.spans)
                .filteredOn(s -> s != decoded.spans.get(1) && s != decoded.spans.get(2))
                .allSatisfy(
                        s -> {
                            assertThat(s.peerService).isNull();
                            assertThat(s.dbSystem).isNull();
                            assertThat(s.messagingSystem).isNull();
                        });
        assertThat(decoded.spans).noneMatch(s -> s.shared);
        assertThat(decoded.spans.toString()).doesNotContain("SECRET", "GET");

        // the seed's Kinesis record shape has no span_kind: UNSPECIFIED, tags still kept
        Decoded kinesis =
                decode(
                        SpanFormat.AUTO,
                        RecordEncoder.encode(generated, Encoding.NATIVE_KINESIS_RECORD));
        assertThat(kinesis.rejects).isEmpty();
        assertThat(kinesis.spans).allMatch(s -> s.kind == SpanKind.UNSPECIFIED);
        assertThat(kinesis.spans.get(1).peerService).isEqualTo("payments");
    }

    @Test
    void nativeKindInAnyCaseUnknownOrNotAStringAndNonStringTags() {
        String[][] cases = {
            {"\"SERVER\"", "SERVER"},
            {"\"Consumer\"", "CONSUMER"},
            {"\"rpc\"", "UNSPECIFIED"},
            {"\"\"", "UNSPECIFIED"},
            {"\"server \"", "UNSPECIFIED"},
            {"2", "UNSPECIFIED"},
            {"null", "UNSPECIFIED"},
            {"{\"kind\":\"server\"}", "UNSPECIFIED"},
        };
        for (String[] c : cases) {
            String json =
                    "{\"trace_id\":\"t\",\"span_id\":\"s\",\"span_kind\":"
                            + c[0]
                            + ",\"start_time\":\"2026-01-05T10:00:00\",\"end_time\":\"2026-01-05T10:00:01\","
                            + "\"tags\":{\"db.system\":5,\"peer.service\":[\"a\"],\"messaging.system\":\"sns\","
                            + "\"user\":{\"peer.service\":\"nested\"}}}";
            Decoded decoded = decode(SpanFormat.NATIVE_JSON, json.getBytes(StandardCharsets.UTF_8));
            assertThat(decoded.rejects).as(c[0]).isEmpty();
            Span span = decoded.spans.get(0);
            assertThat(span.kind).as(c[0]).isEqualTo(SpanKind.valueOf(c[1]));
            assertThat(span.peerService).isNull();
            assertThat(span.dbSystem).isNull();
            assertThat(span.messagingSystem).isEqualTo("sns");
        }
    }

    /**
     * Unkept tags and attributes are skipped, not read into strings: spans carrying 300 KB of
     * unrelated tag values decode with a few KB of allocation (measured: about 2-3 KB per record).
     */
    @Test
    void unrelatedTagValuesAreNotMaterialised() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean)
                        java.lang.management.ManagementFactory.getThreadMXBean();
        List<GeneratedSpan> generated = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            GeneratedSpan span =
                    new GeneratedSpan(
                            TRACE,
                            String.format("%016x", i + 1),
                            null,
                            "op",
                            "svc",
                            "client",
                            ProtobufFixtures.T0,
                            ProtobufFixtures.T0 + 1_000L,
                            "ok");
            for (int t = 0; t < 100; t++) {
                span.tags.put("unrelated." + t, "v".repeat(1_000));
            }
            span.tags.put("peer.service", "kept");
            generated.add(span);
        }
        for (Encoding encoding :
                List.of(Encoding.NATIVE_SPAN, Encoding.OTLP_JSON, Encoding.ZIPKIN_JSON)) {
            byte[] record = RecordEncoder.encode(generated, encoding);
            io.traceassembler.ingest.SpanDecoder decoder =
                    new io.traceassembler.ingest.SpanDecoder(SpanFormat.AUTO);
            Decoded decoded = new Decoded();
            decoder.decode(record, decoded); // warm up
            long least = Long.MAX_VALUE;
            for (int round = 0; round < 5; round++) {
                decoded = new Decoded();
                long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
                decoder.decode(record, decoded);
                least =
                        Math.min(
                                least,
                                threads.getThreadAllocatedBytes(Thread.currentThread().getId())
                                        - before);
            }
            assertThat(decoded.spans).hasSize(3).allMatch(s -> "kept".equals(s.peerService));
            assertThat(least).as("bytes allocated decoding %s", encoding).isLessThan(60_000L);
        }
    }

    private static Span byKind(List<Span> spans, SpanKind kind) {
        return spans.stream().filter(s -> s.kind == kind).findFirst().orElseThrow();
    }
}
