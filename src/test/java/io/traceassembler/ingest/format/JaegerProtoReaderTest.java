package io.traceassembler.ingest.format;

import io.traceassembler.generate.Compression;
import io.traceassembler.generate.RecordEncoder;
import io.traceassembler.model.HexIds;
import io.traceassembler.model.Span;
import io.traceassembler.model.SpanFormat;
import io.traceassembler.model.SpanKind;
import io.traceassembler.testing.Decoding.Decoded;

import com.google.protobuf.ByteString;
import io.jaegertracing.api_v2.Model;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.traceassembler.testing.Decoding.decode;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * jaeger_proto records: one {@code jaeger.api_v2.Span} each, built with the generated classes from
 * OTel SDK spans.
 */
class JaegerProtoReaderTest {

    @ParameterizedTest
    @EnumSource(Compression.class)
    void decodesEveryCompressionUnderAutoAndAsTheFixedFormat(Compression compression) {
        List<SpanData> sdk = ProtobufFixtures.sdkSpans("checkout", "POST /checkout");
        List<Span> expected = ProtobufFixtures.expectedFromJaeger(sdk);
        assertThat(expected).extracting(s -> s.error).containsExactlyInAnyOrder(false, true, false);
        for (int i = 0; i < sdk.size(); i++) {
            byte[] record =
                    RecordEncoder.compress(ProtobufFixtures.jaegerProto(sdk.get(i)), compression);
            for (SpanFormat format : List.of(SpanFormat.AUTO, SpanFormat.JAEGER_PROTO)) {
                Decoded decoded = decode(format, record);
                assertThat(decoded.rejects).as("%s", format).isEmpty();
                assertThat(decoded.spans).as("%s", format).containsExactly(expected.get(i));
            }
        }
    }

    @Test
    void decodesTheSameSpansAsOtlp() {
        List<SpanData> sdk = ProtobufFixtures.sdkSpans("checkout", "POST /checkout");
        List<Span> jaeger = new ArrayList<>();
        for (SpanData data : sdk) {
            jaeger.addAll(decode(SpanFormat.AUTO, ProtobufFixtures.jaegerProto(data)).spans);
        }
        Decoded otlp = decode(SpanFormat.AUTO, ProtobufFixtures.otlpProto(sdk));
        assertThat(otlp.rejects).isEmpty();
        // The one difference: Jaeger has no span.kind tag for an INTERNAL span.
        assertThat(otlp.spans).extracting(s -> s.kind).contains(SpanKind.INTERNAL);
        otlp.spans.stream()
                .filter(s -> s.kind == SpanKind.INTERNAL)
                .forEach(s -> s.kind = SpanKind.UNSPECIFIED);
        assertThat(jaeger).containsExactlyInAnyOrderElementsOf(otlp.spans);
    }

    @Test
    void deaggregatesKplRecordsOfJaegerProto() {
        List<SpanData> sdk = ProtobufFixtures.sdkSpans("checkout", "POST /checkout");
        List<byte[]> userRecords = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        Compression[] compressions = {Compression.NONE, Compression.GZIP, Compression.DEFLATE};
        for (int i = 0; i < sdk.size(); i++) {
            userRecords.add(
                    RecordEncoder.compress(
                            ProtobufFixtures.jaegerProto(sdk.get(i)), compressions[i]));
            keys.add(sdk.get(i).getTraceId()); // the exporter's partition key is the trace id
        }
        byte[] aggregate = RecordEncoder.kplAggregate(userRecords, keys);
        for (SpanFormat format : List.of(SpanFormat.AUTO, SpanFormat.JAEGER_PROTO)) {
            Decoded decoded = decode(format, aggregate);
            assertThat(decoded.rejects).isEmpty();
            assertThat(decoded.spans)
                    .containsExactlyElementsOf(ProtobufFixtures.expectedFromJaeger(sdk));
        }
    }

    @Test
    void takesTheParentFromChildOfAndTheErrorFromItsTags() {
        SpanData child =
                ProtobufFixtures.sdkSpans("checkout", "POST /checkout").stream()
                        .filter(s -> s.getName().equals("charge card"))
                        .findFirst()
                        .orElseThrow();
        Model.Span base = ProtobufFixtures.jaegerSpan(child);
        ByteString parent = base.getReferences(0).getSpanId();

        // only FOLLOWS_FROM: no parent; error only from otel.status_code
        Model.Span followsFrom =
                base.toBuilder()
                        .clearReferences()
                        .addReferences(
                                base.getReferences(0).toBuilder()
                                        .setRefType(Model.SpanRefType.FOLLOWS_FROM))
                        .clearTags()
                        .addTags(ProtobufFixtures.stringTag("otel.status_code", "ERROR"))
                        .build();
        Span decoded = decodeOne(followsFrom);
        assertThat(decoded.parentSpanId).isNull();
        assertThat(decoded.error).isTrue();

        // FOLLOWS_FROM first, then CHILD_OF: the CHILD_OF one; error = "true" as a string tag
        Model.Span both =
                followsFrom.toBuilder()
                        .addReferences(base.getReferences(0))
                        .clearTags()
                        .addTags(ProtobufFixtures.stringTag("error", "true"))
                        .build();
        decoded = decodeOne(both);
        assertThat(decoded.parentSpanId)
                .isEqualTo(HexIds.toHex(parent.toByteArray(), 0, parent.size()));
        assertThat(decoded.error).isTrue();

        // error=false and an OK status are no error; no process: service unknown
        Model.Span ok =
                base.toBuilder()
                        .clearTags()
                        .clearProcess()
                        .addTags(
                                Model.KeyValue.newBuilder()
                                        .setKey("error")
                                        .setVType(Model.ValueType.BOOL)
                                        .setVBool(false))
                        .addTags(ProtobufFixtures.stringTag("otel.status_code", "OK"))
                        .build();
        decoded = decodeOne(ok);
        assertThat(decoded.error).isFalse();
        assertThat(decoded.serviceName).isEqualTo("unknown");
        assertThat(decoded.traceId).isEqualTo(child.getTraceId());
        assertThat(decoded.spanId).isEqualTo(child.getSpanId());
    }

    @Test
    void rejectsSpansWithoutIdsOrTimes() {
        Model.Span base =
                ProtobufFixtures.jaegerSpan(ProtobufFixtures.sdkSpans("svc", "op").get(0));
        assertThat(
                        decode(
                                        SpanFormat.JAEGER_PROTO,
                                        base.toBuilder().clearSpanId().build().toByteArray())
                                .rejects)
                .containsExactly("span 1: span_id is missing");
        assertThat(
                        decode(
                                        SpanFormat.JAEGER_PROTO,
                                        base.toBuilder().clearTraceId().build().toByteArray())
                                .rejects)
                .containsExactly("span 1: trace_id is missing");
        assertThat(
                        decode(
                                        SpanFormat.AUTO,
                                        base.toBuilder().clearStartTime().build().toByteArray())
                                .rejects)
                .containsExactly("span 1: start_time is missing");
        Model.Span backwards =
                base.toBuilder().setDuration(ProtobufFixtures.duration(-5_000)).build();
        assertThat(decode(SpanFormat.AUTO, backwards.toByteArray()).rejects)
                .singleElement()
                .asString()
                .startsWith("span 1: start_time + duration ")
                .contains(" is before start_time ");
        Model.Span absurd =
                base.toBuilder()
                        .setStartTime(
                                base.getStartTime().toBuilder().setSeconds(Long.MAX_VALUE / 2))
                        .build();
        assertThat(decode(SpanFormat.AUTO, absurd.toByteArray()).rejects)
                .singleElement()
                .asString()
                .startsWith("span 1: start_time ")
                .endsWith(" is outside the years 1970 to 2499");
        Model.Span endless =
                base.toBuilder()
                        .setDuration(base.getDuration().toBuilder().setSeconds(Long.MAX_VALUE))
                        .build();
        assertThat(decode(SpanFormat.AUTO, endless.toByteArray()).rejects)
                .singleElement()
                .asString()
                .endsWith(" is outside the years 1970 to 2499");
    }

    /**
     * Truncated, wrong wire types, absurd lengths: dead letters with a reason, never an exception
     * or a span.
     */
    @Test
    void hostileVariantsGoToTheDeadLettersWithAReason() {
        byte[] good =
                ProtobufFixtures.jaegerProto(
                        ProtobufFixtures.sdkSpans("checkout", "POST /checkout").get(1));
        List<byte[]> variants = new ArrayList<>();
        for (int cut : new int[] {3, 18, 21, good.length / 2, good.length - 1}) {
            variants.add(Arrays.copyOf(good, cut));
        }
        byte[] wrongType = good.clone();
        wrongType[18] = 0x10; // span id as a varint
        variants.add(wrongType);
        byte[] absurd = good.clone();
        absurd[19] = 0x7F; // span id length beyond the record
        variants.add(absurd);
        byte[] absurdOperation = Arrays.copyOf(good, 40);
        absurdOperation[28] = 0x1A; // operation name of length 2^31-1
        absurdOperation[29] = (byte) 0xFF;
        absurdOperation[30] = (byte) 0xFF;
        absurdOperation[31] = (byte) 0xFF;
        absurdOperation[32] = (byte) 0xFF;
        absurdOperation[33] = 0x07;
        variants.add(absurdOperation);
        for (byte[] hostile : variants) {
            for (SpanFormat format : List.of(SpanFormat.AUTO, SpanFormat.JAEGER_PROTO)) {
                for (Compression compression : List.of(Compression.NONE, Compression.ZLIB)) {
                    Decoded decoded = decode(format, RecordEncoder.compress(hostile, compression));
                    assertThat(decoded.spans)
                            .as("%s %s %s", format, compression, Arrays.toString(hostile))
                            .isEmpty();
                    assertThat(decoded.rejects)
                            .as("%s %s", format, compression)
                            .isNotEmpty()
                            .allSatisfy(r -> assertThat(r).isNotBlank());
                }
            }
        }
        assertThat(decode(SpanFormat.JAEGER_PROTO, Arrays.copyOf(good, good.length - 3)).rejects)
                .singleElement()
                .asString()
                .startsWith("not valid Jaeger protobuf (jaeger.api_v2.Span): ");
        assertThat(decode(SpanFormat.AUTO, Arrays.copyOf(good, good.length - 3)).rejects)
                .singleElement()
                .asString()
                .startsWith("not valid Jaeger protobuf (jaeger.api_v2.Span): ");
    }

    private static Span decodeOne(Model.Span span) {
        Decoded decoded = decode(SpanFormat.AUTO, span.toByteArray());
        assertThat(decoded.rejects).isEmpty();
        assertThat(decoded.spans).hasSize(1);
        return decoded.spans.get(0);
    }
}
