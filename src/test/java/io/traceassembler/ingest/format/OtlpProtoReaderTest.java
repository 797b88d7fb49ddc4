package io.traceassembler.ingest.format;

import io.traceassembler.generate.Compression;
import io.traceassembler.generate.Encoding;
import io.traceassembler.generate.GeneratedRecord;
import io.traceassembler.generate.GeneratorOptions;
import io.traceassembler.generate.TraceGenerator;
import io.traceassembler.generate.TrafficOptions;
import io.traceassembler.generate.TrafficShaper;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.proto.trace.v1.TracesData;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stream reader against the generated classes (the oracle, {@link OtlpTreeReader}: the reader
 * as it was): random {@code TracesData} built with the generated builders, their fields shuffled
 * and repeated on the wire, the span generator's records (the OpenTelemetry SDK's marshaler), and
 * hostile mutations of all of them must give the same spans, the same rejects, the same verdict
 * (clean, unclean, not protobuf) and the same error message.
 */
class OtlpProtoReaderTest {
    private static final String[] KEYS = {
        "peer.service",
        "db.system",
        "messaging.system",
        "service.name",
        "http.method",
        "peer.servicf",
        "db.system.name",
        "",
        "p\u00e9er.service"
    };
    private static final String[] NAMES = {"GET /orders", "", "\u00fcberweisung \u2603", "select"};

    @Test
    void randomTracesDataReadAsTheTreeWalkReadsIt() {
        Random random = new Random(14);
        for (int i = 0; i < 2_000; i++) {
            byte[] bytes = randomTracesData(random).toByteArray();
            assertSame(bytes, "random " + i);
            assertSame(shuffle(bytes, TracesData.getDescriptor(), random), "shuffled " + i);
        }
    }

    @Test
    void hostileMutationsGetTheSameVerdictAndReason() {
        Random random = new Random(15);
        for (int i = 0; i < 10_000; i++) {
            byte[] bytes = randomTracesData(random).toByteArray();
            assertSame(mutate(bytes, random), "mutation " + i);
        }
        for (int i = 0; i < 5_000; i++) {
            byte[] bytes = new byte[random.nextInt(64)];
            random.nextBytes(bytes);
            if (bytes.length > 0 && random.nextBoolean()) {
                bytes[0] = 0x0A;
            }
            assertSame(bytes, "random bytes " + i);
        }
    }

    @Test
    void generatorRecordsFromTheSdkMarshalerReadAsTheTreeWalkReadsThem() {
        TrafficOptions traffic =
                TrafficOptions.defaults()
                        .seed(3)
                        .encodingWeights(Map.of(Encoding.OTLP_PROTO, 1.0))
                        .compressionWeights(Map.of(Compression.NONE, 1.0));
        GeneratorOptions generator =
                GeneratorOptions.defaults().seed(4).traces(300).zipkinTraceRatio(0);
        TrafficShaper shaper = TrafficShaper.of(new TraceGenerator(generator), traffic);
        Random random = new Random(16);
        int records = 0;
        while (shaper.hasNext()) {
            GeneratedRecord record = shaper.next();
            if (record.badKind != null || !record.aggregatedRecords.isEmpty()) {
                continue;
            }
            records++;
            assertSame(record.data, "generated " + records);
            assertSame(shuffle(record.data, TracesData.getDescriptor(), random), "shuffled");
            assertSame(mutate(record.data, random), "mutated generated " + records);
        }
        assertThat(records).isGreaterThan(50);
    }

    @Test
    void resourceAfterTheSpansNamesTheirService() throws IOException, RecordRejected {
        Span span = span("0102030405060708090a0b0c0d0e0f10", "1112131415161718", "checkout");
        Resource resource =
                Resource.newBuilder().addAttributes(string("service.name", "cart")).build();
        ByteArrayOutputStream resourceSpans = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(resourceSpans);
        out.writeMessage(2, ScopeSpans.newBuilder().addSpans(span).build());
        out.writeMessage(1, resource);
        out.flush();
        ByteArrayOutputStream traces = new ByteArrayOutputStream();
        CodedOutputStream top = CodedOutputStream.newInstance(traces);
        top.writeByteArray(1, resourceSpans.toByteArray());
        top.writeMessage(
                1,
                ResourceSpans.newBuilder()
                        .addScopeSpans(ScopeSpans.newBuilder().addSpans(span))
                        .build());
        top.flush();
        byte[] bytes = traces.toByteArray();

        RecordSpans spans = new RecordSpans();
        assertThat(OtlpProtoReader.readIfClean(bytes, 0, bytes.length, spans)).isTrue();
        assertThat(spans.spans()).hasSize(2);
        assertThat(spans.spans().get(0).serviceName).isEqualTo("cart");
        assertThat(spans.spans().get(1).serviceName).isEqualTo("unknown"); // its own, no resource
        assertSame(bytes, "resource after spans");
    }

    @Test
    void exportTraceServiceRequestIsTheSameWireFormat() throws IOException {
        Random random = new Random(17);
        TracesData data = randomTracesData(random);
        byte[] request =
                ExportTraceServiceRequest.newBuilder()
                        .addAllResourceSpans(data.getResourceSpansList())
                        .build()
                        .toByteArray();
        assertThat(request).isEqualTo(data.toByteArray());
        assertSame(request, "export request");
    }

    @Test
    void unknownTopLevelFieldsAndWrongWireTypesAreUnclean() throws IOException, RecordRejected {
        byte[] good =
                TracesData.newBuilder()
                        .addResourceSpans(
                                ResourceSpans.newBuilder()
                                        .addScopeSpans(
                                                ScopeSpans.newBuilder()
                                                        .addSpans(span("01", "02", "a"))))
                        .build()
                        .toByteArray();
        for (byte[] bytes :
                List.of(
                        concat(good, new byte[] {0x10, 0x01}), // field 2 varint at the top
                        concat(good, new byte[] {0x08, 0x01}), // field 1 as a varint
                        concat(
                                new byte[] {0x0A, 0x02, 0x20, 0x01},
                                good))) { // ResourceSpans field 4
            RecordSpans spans = new RecordSpans();
            assertThat(OtlpProtoReader.readIfClean(bytes, 0, bytes.length, spans)).isFalse();
            assertThat(spans.isEmpty()).isTrue();
            OtlpProtoReader.read(bytes, 0, bytes.length, spans);
            assertThat(spans.spans()).hasSize(1); // read anyway when nothing else fits
            assertSame(bytes, "unclean");
        }
    }

    @Test
    void truncatedAndTooDeepInputFailsWithProtobufsReason() {
        byte[] good = randomTracesData(new Random(18)).toByteArray();
        byte[] truncated = Arrays.copyOf(good, good.length - 1);
        assertThat(outcome(truncated, true, false)).startsWith("IPBE While parsing");
        assertSame(truncated, "truncated");

        AnyValue value = AnyValue.newBuilder().setStringValue("x").build();
        for (int i = 0; i < 120; i++) {
            value =
                    AnyValue.newBuilder()
                            .setArrayValue(ArrayValue.newBuilder().addValues(value))
                            .build();
        }
        Span deep =
                span("01", "02", "deep").toBuilder()
                        .addAttributes(KeyValue.newBuilder().setKey("k").setValue(value))
                        .build();
        byte[] bytes =
                TracesData.newBuilder()
                        .addResourceSpans(
                                ResourceSpans.newBuilder()
                                        .addScopeSpans(ScopeSpans.newBuilder().addSpans(deep)))
                        .build()
                        .toByteArray();
        assertThat(outcome(bytes, true, false)).contains("too many levels of nesting");
        assertSame(bytes, "too deep");
    }

    // ---------------------------------------------------------------- comparison

    private static void assertSame(byte[] bytes, String what) {
        for (boolean ifClean : new boolean[] {true, false}) {
            String expected = outcome(bytes, ifClean, true);
            String actual = outcome(bytes, ifClean, false);
            if (!actual.equals(expected)) { // the message only when it fails: hex is slow
                assertThat(actual)
                        .as("%s (%s) of %s", what, ifClean ? "readIfClean" : "read", hex(bytes))
                        .isEqualTo(expected);
            }
        }
    }

    /** What a reader makes of the bytes, as text: the spans and rejects, or why it gave up. */
    private static String outcome(byte[] bytes, boolean ifClean, boolean oracle) {
        RecordSpans spans = new RecordSpans();
        spans.start("p: ");
        try {
            if (oracle) {
                TracesData traces = OtlpTreeReader.parse(bytes, 0, bytes.length);
                if (ifClean && !OtlpTreeReader.isClean(traces)) {
                    return "unclean";
                }
                OtlpTreeReader.read(traces, spans);
            } else if (ifClean) {
                if (!OtlpProtoReader.isClean(bytes, 0, bytes.length)) {
                    if (OtlpProtoReader.readIfClean(bytes, 0, bytes.length, spans)
                            || !spans.isEmpty()) {
                        return "isClean and readIfClean disagree";
                    }
                    return "unclean";
                }
                if (!OtlpProtoReader.readIfClean(bytes, 0, bytes.length, spans)) {
                    return "isClean and readIfClean disagree";
                }
            } else {
                OtlpProtoReader.read(bytes, 0, bytes.length, spans);
            }
        } catch (InvalidProtocolBufferException e) {
            return "IPBE " + e.getMessage();
        } catch (RecordRejected e) {
            return "rejected " + e.getMessage();
        }
        StringBuilder text = new StringBuilder();
        for (io.traceassembler.model.Span span : spans.spans()) {
            text.append(describe(span)).append('\n');
        }
        text.append(spans.rejects());
        return text.toString();
    }

    private static String describe(io.traceassembler.model.Span span) {
        StringBuilder text = new StringBuilder();
        for (Field field : span.getClass().getFields()) {
            try {
                text.append(field.getName()).append('=').append(field.get(span)).append(' ');
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return text.toString();
    }

    // ---------------------------------------------------------------- random messages

    private static TracesData randomTracesData(Random random) {
        TracesData.Builder traces = TracesData.newBuilder();
        int resources = 1 + random.nextInt(3);
        for (int r = 0; r < resources; r++) {
            ResourceSpans.Builder resourceSpans = ResourceSpans.newBuilder();
            if (random.nextInt(5) > 0) {
                Resource.Builder resource = Resource.newBuilder();
                int attributes = random.nextInt(4);
                for (int a = 0; a < attributes; a++) {
                    resource.addAttributes(randomAttribute(random, 0));
                }
                if (random.nextInt(4) > 0) {
                    resource.addAttributes(string("service.name", "svc-" + random.nextInt(3)));
                }
                resource.setDroppedAttributesCount(random.nextInt(3));
                resourceSpans.setResource(resource);
            }
            if (random.nextBoolean()) {
                resourceSpans.setSchemaUrl("https://opentelemetry.io/schemas/1.21.0");
            }
            int scopes = random.nextInt(3);
            for (int s = 0; s < scopes; s++) {
                ScopeSpans.Builder scope = ScopeSpans.newBuilder();
                if (random.nextBoolean()) {
                    scope.setScope(
                            InstrumentationScope.newBuilder()
                                    .setName("io.opentelemetry.okhttp")
                                    .setVersion("1.2")
                                    .addAttributes(randomAttribute(random, 0)));
                }
                int spans = random.nextInt(6);
                for (int i = 0; i < spans; i++) {
                    scope.addSpans(randomSpan(random));
                }
                resourceSpans.addScopeSpans(scope);
            }
            traces.addResourceSpans(resourceSpans);
        }
        return traces.build();
    }

    private static Span randomSpan(Random random) {
        long start = 1_767_607_200_000_000_000L + random.nextInt(1_000_000_000);
        Span.Builder span =
                Span.newBuilder()
                        .setTraceId(randomId(random, 16))
                        .setSpanId(randomId(random, 8))
                        .setName(NAMES[random.nextInt(NAMES.length)])
                        .setKindValue(random.nextInt(10) == 0 ? 7 : random.nextInt(6))
                        .setStartTimeUnixNano(random.nextInt(20) == 0 ? 0 : start)
                        .setEndTimeUnixNano(
                                random.nextInt(20) == 0
                                        ? 0
                                        : start + random.nextInt(2_000_000) - 100_000);
        if (random.nextInt(3) > 0) {
            span.setParentSpanId(randomId(random, 8));
        }
        if (random.nextInt(30) == 0) {
            span.setStartTimeUnixNano(Long.MAX_VALUE); // outside the years the job takes
        }
        int attributes = random.nextInt(6);
        for (int a = 0; a < attributes; a++) {
            span.addAttributes(randomAttribute(random, 0));
        }
        if (random.nextBoolean()) {
            span.setStatus(
                    Status.newBuilder()
                            .setCodeValue(random.nextInt(4))
                            .setMessage(random.nextBoolean() ? "" : "boom"));
        }
        if (random.nextInt(4) == 0) {
            span.addEvents(
                    Span.Event.newBuilder()
                            .setName("exception")
                            .setTimeUnixNano(start)
                            .addAttributes(randomAttribute(random, 0)));
        }
        if (random.nextInt(4) == 0) {
            span.addLinks(
                    Span.Link.newBuilder()
                            .setTraceId(randomId(random, 16))
                            .setSpanId(randomId(random, 8))
                            .setTraceState("a=b")
                            .addAttributes(randomAttribute(random, 0))
                            .setFlags(1));
        }
        if (random.nextBoolean()) {
            span.setTraceState("rojo=00f067aa0ba902b7").setFlags(0x301);
        }
        span.setDroppedAttributesCount(random.nextInt(2));
        return span.build();
    }

    private static ByteString randomId(Random random, int usual) {
        int size;
        switch (random.nextInt(25)) {
            case 0:
                size = 0;
                break;
            case 1:
                size = 65; // longer than the limit
                break;
            case 2:
                size = 1 + random.nextInt(20);
                break;
            default:
                size = usual;
        }
        byte[] id = new byte[size];
        random.nextBytes(id);
        return ByteString.copyFrom(id);
    }

    private static KeyValue randomAttribute(Random random, int depth) {
        String key = KEYS[random.nextInt(KEYS.length)];
        AnyValue.Builder value = AnyValue.newBuilder();
        switch (random.nextInt(depth > 2 ? 5 : 8)) {
            case 0:
            case 1:
                value.setStringValue(random.nextInt(5) == 0 ? "" : "v\u00e4l-" + random.nextInt(9));
                break;
            case 2:
                value.setIntValue(random.nextLong());
                break;
            case 3:
                value.setBoolValue(random.nextBoolean());
                break;
            case 4:
                value.setDoubleValue(random.nextDouble());
                break;
            case 5:
                value.setArrayValue(
                        ArrayValue.newBuilder()
                                .addValues(randomAttribute(random, depth + 1).getValue())
                                .addValues(AnyValue.newBuilder().setStringValue("in array")));
                break;
            case 6:
                value.setKvlistValue(
                        KeyValueList.newBuilder().addValues(randomAttribute(random, depth + 1)));
                break;
            default:
                value.setBytesValue(ByteString.copyFromUtf8("bytes"));
        }
        KeyValue.Builder attribute = KeyValue.newBuilder().setKey(key);
        if (random.nextInt(8) > 0) {
            attribute.setValue(value);
        }
        return attribute.build();
    }

    private static KeyValue string(String key, String value) {
        return KeyValue.newBuilder()
                .setKey(key)
                .setValue(AnyValue.newBuilder().setStringValue(value))
                .build();
    }

    private static Span span(String traceId, String spanId, String name) {
        return Span.newBuilder()
                .setTraceId(ByteString.fromHex(traceId))
                .setSpanId(ByteString.fromHex(spanId))
                .setName(name)
                .setStartTimeUnixNano(1_767_607_200_000_000_000L)
                .setEndTimeUnixNano(1_767_607_200_001_000_000L)
                .build();
    }

    // ---------------------------------------------------------------- wire manipulation

    /**
     * The message's fields in a random order, some of them twice (a repeated singular field keeps
     * its last value, repeated messages merge), at every level the descriptor knows.
     */
    private static byte[] shuffle(byte[] message, Descriptor type, Random random) {
        List<byte[]> fields = new ArrayList<>();
        try {
            CodedInputStream in = CodedInputStream.newInstance(message);
            while (true) {
                int tag = in.readTag();
                if (tag == 0) {
                    break;
                }
                FieldDescriptor field = type.findFieldByNumber(WireFormat.getTagFieldNumber(tag));
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                CodedOutputStream out = CodedOutputStream.newInstance(bytes);
                if (field != null
                        && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                        && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    byte[] inner = in.readByteArray();
                    out.writeByteArray(
                            field.getNumber(), shuffle(inner, field.getMessageType(), random));
                } else {
                    out.writeTag(WireFormat.getTagFieldNumber(tag), WireFormat.getTagWireType(tag));
                    in.skipField(tag, out);
                }
                out.flush();
                fields.add(bytes.toByteArray());
                if (random.nextInt(10) == 0) {
                    fields.add(bytes.toByteArray());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (random.nextBoolean()) {
            Collections.shuffle(fields, random);
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        fields.forEach(all::writeBytes);
        return all.toByteArray();
    }

    /** A byte changed, a cut, bytes inserted or removed. */
    private static byte[] mutate(byte[] bytes, Random random) {
        if (bytes.length == 0) {
            return new byte[] {(byte) random.nextInt(256)};
        }
        byte[] mutated = bytes.clone();
        int at = random.nextInt(bytes.length);
        switch (random.nextInt(5)) {
            case 0:
                mutated[at] = (byte) random.nextInt(256);
                return mutated;
            case 1:
                mutated[at] ^= (byte) (1 << random.nextInt(8));
                return mutated;
            case 2:
                return Arrays.copyOf(bytes, at);
            case 3:
                byte[] inserted = new byte[1 + random.nextInt(3)];
                random.nextBytes(inserted);
                return concat(
                        Arrays.copyOf(bytes, at),
                        inserted,
                        Arrays.copyOfRange(bytes, at, bytes.length));
            default:
                return concat(
                        Arrays.copyOf(bytes, at),
                        Arrays.copyOfRange(
                                bytes,
                                Math.min(bytes.length, at + 1 + random.nextInt(4)),
                                bytes.length));
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    private static String hex(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            text.append(String.format("%02x", b));
        }
        return text.toString();
    }
}
