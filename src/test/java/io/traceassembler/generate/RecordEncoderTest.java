package io.traceassembler.generate;

import io.traceassembler.ingest.SpanDecoder;
import io.traceassembler.ingest.format.KplDeaggregator;
import io.traceassembler.model.Span;
import io.traceassembler.model.SpanFormat;
import io.traceassembler.testing.Decoding.Decoded;
import io.traceassembler.testing.ExpectedSpans;

import com.google.protobuf.ByteString;
import io.jaegertracing.api_v2.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import zipkin2.codec.SpanBytesDecoder;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.traceassembler.generate.GeneratorFixtures.allRecords;
import static io.traceassembler.generate.GeneratorFixtures.allTraces;
import static io.traceassembler.testing.Decoding.decode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The generator's new protobuf encodings ({@code zipkin_proto}, {@code jaeger_proto}): their
 * records decode, through the job's {@link SpanDecoder} with format auto, to exactly the generated
 * spans, with every compression and in KPL aggregates. Expected spans are computed from the
 * generated ones, not by the decoder.
 */
class RecordEncoderTest {
    private static final GeneratorOptions TRACES =
            GeneratorOptions.defaults().seed(17).traces(60).errorRatio(0.3);

    static List<GeneratedSpan> allSpans() {
        List<GeneratedSpan> spans = new ArrayList<>();
        allTraces(TRACES).forEach(spans::addAll);
        return spans;
    }

    static Stream<Arguments> compressions() {
        return Stream.of(Compression.values()).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compressions")
    void zipkinProtoRecordsDecodeToExactlyTheGeneratedSpans(Compression compression) {
        List<GeneratedSpan> spans = allSpans();
        assertThat(spans.stream().filter(GeneratedSpan::isError)).as("errors occur").isNotEmpty();
        for (int from = 0; from < spans.size(); from += 37) {
            List<GeneratedSpan> batch =
                    spans.subList(from, Math.min(spans.size(), from + 37)); // several traces
            byte[] record =
                    RecordEncoder.compress(
                            RecordEncoder.encode(batch, Encoding.ZIPKIN_PROTO), compression);
            for (SpanFormat format : List.of(SpanFormat.AUTO, SpanFormat.ZIPKIN_PROTO)) {
                Decoded decoded = decode(format, record);
                assertThat(decoded.rejects).as("%s", format).isEmpty();
                assertThat(decoded.spans)
                        .as("%s", format)
                        .containsExactlyElementsOf(ExpectedSpans.of(batch, Encoding.ZIPKIN_PROTO));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compressions")
    void jaegerProtoRecordsDecodeToExactlyTheGeneratedSpan(Compression compression) {
        for (GeneratedSpan span : allSpans()) {
            byte[] record =
                    RecordEncoder.compress(
                            RecordEncoder.encode(List.of(span), Encoding.JAEGER_PROTO),
                            compression);
            for (SpanFormat format : List.of(SpanFormat.AUTO, SpanFormat.JAEGER_PROTO)) {
                Decoded decoded = decode(format, record);
                assertThat(decoded.rejects).as("%s %s", span, format).isEmpty();
                assertThat(decoded.spans)
                        .as("%s %s", span, format)
                        .containsExactly(ExpectedSpans.of(span, Encoding.JAEGER_PROTO));
            }
        }
    }

    @Test
    void bothZipkinEncodingsDescribeTheSameSpans() {
        List<GeneratedSpan> spans = allSpans().subList(0, 50);
        byte[] json = RecordEncoder.encode(spans, Encoding.ZIPKIN_JSON);
        byte[] proto = RecordEncoder.encode(spans, Encoding.ZIPKIN_PROTO);

        List<zipkin2.Span> fromJson = SpanBytesDecoder.JSON_V2.decodeList(json);
        assertThat(fromJson).hasSize(50);
        assertThat(SpanBytesDecoder.PROTO3.decodeList(proto)).isEqualTo(fromJson);
        assertThat(decode(SpanFormat.AUTO, proto).spans)
                .isEqualTo(decode(SpanFormat.AUTO, json).spans);
    }

    @Test
    void aJaegerRecordIsOneSpanWithItsProcessAsTheExporterWritesIt() throws Exception {
        List<GeneratedSpan> spans = allSpans();
        GeneratedSpan child =
                spans.stream()
                        .filter(
                                s ->
                                        s.parentSpanId != null
                                                && s.isError()
                                                && !"internal".equals(s.kind))
                        .findFirst()
                        .orElseThrow();
        Model.Span jaeger =
                Model.Span.parseFrom(RecordEncoder.encode(List.of(child), Encoding.JAEGER_PROTO));

        assertThat(jaeger.getTraceId().size()).isEqualTo(16);
        assertThat(jaeger.getSpanId().size()).isEqualTo(8);
        assertThat(hex(jaeger.getTraceId())).isEqualTo(child.traceId);
        assertThat(hex(jaeger.getSpanId())).isEqualTo(child.spanId);
        assertThat(jaeger.getReferencesList())
                .singleElement()
                .satisfies(
                        ref -> {
                            assertThat(ref.getRefType()).isEqualTo(Model.SpanRefType.CHILD_OF);
                            assertThat(hex(ref.getTraceId())).isEqualTo(child.traceId);
                            assertThat(hex(ref.getSpanId())).isEqualTo(child.parentSpanId);
                        });
        assertThat(jaeger.getProcess().getServiceName()).isEqualTo(child.serviceName);
        assertThat(jaeger.getOperationName()).isEqualTo(child.operationName);
        long startNanos =
                jaeger.getStartTime().getSeconds() * 1_000_000_000L
                        + jaeger.getStartTime().getNanos();
        long durationNanos =
                jaeger.getDuration().getSeconds() * 1_000_000_000L
                        + jaeger.getDuration().getNanos();
        assertThat(startNanos).isEqualTo(child.startEpochNanos);
        assertThat(startNanos + durationNanos).isEqualTo(child.endEpochNanos);
        Map<String, Model.KeyValue> tags =
                jaeger.getTagsList().stream()
                        .collect(Collectors.toMap(Model.KeyValue::getKey, tag -> tag));
        assertThat(tags.get("span.kind").getVStr()).isEqualTo(child.kind);
        assertThat(tags.get("error").getVType()).isEqualTo(Model.ValueType.BOOL);
        assertThat(tags.get("error").getVBool()).isTrue();
        assertThat(tags.get("otel.status_code").getVStr()).isEqualTo("ERROR");
        assertThat(child.tags)
                .containsEntry("error", "true"); // the generator's tag, carried as the bool above
        child.tags.forEach(
                (key, value) -> {
                    if (!"error".equals(key)) {
                        assertThat(tags.get(key).getVStr()).as(key).isEqualTo(value);
                    }
                });
        assertThat(jaeger.getTagsList())
                .hasSize(child.tags.size() + 2); // + span.kind, otel.status_code

        GeneratedSpan root = spans.get(0);
        Model.Span jaegerRoot =
                Model.Span.parseFrom(RecordEncoder.encode(List.of(root), Encoding.JAEGER_PROTO));
        assertThat(root.parentSpanId).isNull();
        assertThat(jaegerRoot.getReferencesList()).isEmpty();

        assertThatThrownBy(() -> RecordEncoder.encode(spans.subList(0, 2), Encoding.JAEGER_PROTO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compressions")
    void kplAggregatesOfTheNewEncodingsDecodeToExactlyTheirSpans(Compression compression) {
        List<GeneratedSpan> spans = allSpans();
        for (int from = 0; from + 9 <= spans.size(); from += 9) {
            // Six one-span Jaeger records and a Zipkin proto batch of three, each with its trace id
            // as key.
            List<byte[]> records = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            for (GeneratedSpan span : spans.subList(from, from + 6)) {
                records.add(
                        RecordEncoder.compress(
                                RecordEncoder.encode(List.of(span), Encoding.JAEGER_PROTO),
                                compression));
                keys.add(span.traceId);
            }
            List<GeneratedSpan> batch = spans.subList(from + 6, from + 9);
            records.add(
                    RecordEncoder.compress(
                            RecordEncoder.encode(batch, Encoding.ZIPKIN_PROTO), compression));
            keys.add(batch.get(0).traceId);
            byte[] aggregate = RecordEncoder.kplAggregate(records, keys);

            assertThat(aggregate).startsWith(KplDeaggregator.KPL_MAGIC);
            List<Span> expected =
                    new ArrayList<>(
                            ExpectedSpans.of(spans.subList(from, from + 6), Encoding.JAEGER_PROTO));
            expected.addAll(ExpectedSpans.of(batch, Encoding.ZIPKIN_PROTO));
            Decoded decoded = decode(SpanFormat.AUTO, aggregate);
            assertThat(decoded.rejects).isEmpty();
            assertThat(decoded.spans).containsExactlyElementsOf(expected);
        }
    }

    /**
     * The default mix, shaped with KPL aggregates, duplicates and late spans: every record decodes
     * exactly.
     */
    @Test
    void everyRecordOfTheDefaultMixDecodesToExactlyItsSpans() {
        TrafficOptions traffic =
                TrafficOptions.defaults()
                        .seed(17)
                        .kplRatio(0.2)
                        .duplicateRatio(0.03)
                        .lateRatio(0.01);
        Map<Encoding, Integer> userRecords = new EnumMap<>(Encoding.class);
        int kplWithJaeger = 0;
        for (GeneratedRecord record : allRecords(TRACES.copy().traces(400), traffic)) {
            List<GeneratedRecord> users =
                    record.isKplAggregate() ? record.aggregatedRecords : List.of(record);
            List<Span> expected = new ArrayList<>();
            for (GeneratedRecord user : users) {
                expected.addAll(ExpectedSpans.of(user.spans, user.encoding));
                userRecords.merge(user.encoding, 1, Integer::sum);
                if (user.encoding == Encoding.JAEGER_PROTO) {
                    assertThat(user.spans).hasSize(1);
                    kplWithJaeger += record.isKplAggregate() ? 1 : 0;
                }
                assertThat(user.partitionKey).isEqualTo(user.spans.get(0).traceId);
            }
            Decoded decoded = decode(SpanFormat.AUTO, record.data);
            assertThat(decoded.rejects).as("%s", record).isEmpty();
            // OTLP groups spans by resource, so the order within a record may change.
            assertThat(decoded.spans)
                    .as("%s", record)
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
        assertThat(userRecords).containsKeys(Encoding.values());
        assertThat(kplWithJaeger).as("jaeger records inside KPL aggregates").isPositive();
    }

    @Test
    void theDefaultMixGivesEachNewEncodingATenth() {
        Map<Encoding, Double> weights = TrafficOptions.defaults().encodingWeights();
        double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
        assertThat(weights.get(Encoding.ZIPKIN_PROTO) / total).isEqualTo(0.1);
        assertThat(weights.get(Encoding.JAEGER_PROTO) / total).isEqualTo(0.1);
        assertThat(weights.get(Encoding.OTLP_PROTO))
                .isEqualTo(
                        weights.values().stream()
                                .mapToDouble(Double::doubleValue)
                                .max()
                                .orElseThrow());
    }

    @Test
    void idBytesAreTheHexIdsBigEndian() {
        assertThat(RecordEncoder.idBytes("00f067aa0ba902b7"))
                .isEqualTo(ByteString.fromHex("00f067aa0ba902b7"));
        assertThat(RecordEncoder.idBytes("4bf92f3577b34da6a3ce929d0e0e4736"))
                .isEqualTo(ByteString.fromHex("4bf92f3577b34da6a3ce929d0e0e4736"));
        assertThatThrownBy(() -> RecordEncoder.idBytes("not-hex"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static String hex(ByteString bytes) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < bytes.size(); i++) {
            text.append(String.format("%02x", bytes.byteAt(i) & 0xff));
        }
        return text.toString();
    }
}
