package io.traceassembler.ingest.format;

import io.traceassembler.generate.Compression;
import io.traceassembler.generate.RecordEncoder;
import io.traceassembler.model.SpanFormat;
import io.traceassembler.testing.Decoding.Decoded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.traceassembler.testing.Decoding.decode;
import static org.assertj.core.api.Assertions.assertThat;

/** zipkin_proto records from the Zipkin library's own {@code SpanBytesEncoder.PROTO3}. */
class ZipkinProtoReaderTest {
    private static final String TRACE = "463ac35c9f6413ad48485a3953bb6124";

    @ParameterizedTest
    @EnumSource(Compression.class)
    void decodesEveryCompressionUnderAutoAndAsTheFixedFormat(Compression compression) {
        List<zipkin2.Span> spans = ProtobufFixtures.zipkinSpans(TRACE, "get /api");
        byte[] record = RecordEncoder.compress(ProtobufFixtures.zipkinProto(spans), compression);
        for (SpanFormat format : List.of(SpanFormat.AUTO, SpanFormat.ZIPKIN_PROTO)) {
            Decoded decoded = decode(format, record);
            assertThat(decoded.rejects).as("%s", format).isEmpty();
            assertThat(decoded.spans)
                    .as("%s", format)
                    .containsExactlyElementsOf(ProtobufFixtures.expectedFromZipkin(spans));
        }
    }

    @Test
    void mapsTheZipkinFieldsLikeZipkinJson() {
        List<zipkin2.Span> spans = ProtobufFixtures.zipkinSpans(TRACE, "get /api");
        Decoded decoded = decode(SpanFormat.AUTO, ProtobufFixtures.zipkinProto(spans));
        assertThat(decoded.rejects).isEmpty();
        // both halves of the B3 RPC come out as spans (their assembly is the assembler's business)
        assertThat(decoded.spans)
                .extracting(s -> s.spanId + "/" + s.serviceName + "/" + s.error)
                .containsExactly(
                        "a2fb4a1d1a96d312/frontend/false", "a2fb4a1d1a96d312/backend/false",
                        "0000000000000003/backend/true", "0000000000000004/backend/false");
        assertThat(decoded.spans.get(3).endMicros).isEqualTo(decoded.spans.get(3).startMicros);
        // the same spans as Zipkin JSON
        Decoded json =
                decode(SpanFormat.AUTO, zipkin2.codec.SpanBytesEncoder.JSON_V2.encodeList(spans));
        assertThat(json.spans).containsExactlyElementsOf(decoded.spans);
    }

    @Test
    void decodesSixtyFourBitTraceIds() {
        List<zipkin2.Span> spans = ProtobufFixtures.zipkinSpans("48485a3953bb6124", "get");
        Decoded decoded = decode(SpanFormat.AUTO, ProtobufFixtures.zipkinProto(spans));
        assertThat(decoded.rejects).isEmpty();
        assertThat(decoded.spans).extracting(s -> s.traceId).containsOnly("48485a3953bb6124");
    }

    @Test
    void deaggregatesKplRecordsOfZipkinProto() {
        List<zipkin2.Span> spans = ProtobufFixtures.zipkinSpans(TRACE, "get /api");
        List<byte[]> userRecords = new ArrayList<>();
        for (Compression compression : Compression.values()) {
            userRecords.add(
                    RecordEncoder.compress(
                            ProtobufFixtures.zipkinProto(spans.subList(0, 2)), compression));
        }
        userRecords.add(ProtobufFixtures.zipkinProto(spans.subList(2, 4)));
        List<String> keys = new ArrayList<>();
        userRecords.forEach(r -> keys.add(TRACE));
        byte[] aggregate = RecordEncoder.kplAggregate(userRecords, keys);
        for (SpanFormat format : List.of(SpanFormat.AUTO, SpanFormat.ZIPKIN_PROTO)) {
            Decoded decoded = decode(format, aggregate);
            assertThat(decoded.rejects).isEmpty();
            assertThat(decoded.spans).hasSize(2 * Compression.values().length + 2);
            assertThat(decoded.spans.subList(decoded.spans.size() - 2, decoded.spans.size()))
                    .containsExactlyElementsOf(
                            ProtobufFixtures.expectedFromZipkin(spans.subList(2, 4)));
        }
    }

    @Test
    void keepsZipkinSpansWithoutTimestampAndRejectsTimesOutOfRange() {
        List<zipkin2.Span> spans =
                List.of(
                        zipkin2.Span.newBuilder()
                                .traceId(TRACE)
                                .id("0000000000000001")
                                .name("untimed")
                                .build(),
                        zipkin2.Span.newBuilder()
                                .traceId(TRACE)
                                .id("0000000000000002")
                                .name("far future")
                                .timestamp(16_725_225_600_000_000L)
                                .duration(1)
                                .build(),
                        ProtobufFixtures.zipkinSpans(TRACE, "good").get(0));
        Decoded decoded = decode(SpanFormat.AUTO, ProtobufFixtures.zipkinProto(spans));
        // The untimed span counts; for event time it takes the end of its trace's timed span.
        assertThat(decoded.spans)
                .extracting(s -> s.operationName)
                .containsExactly("untimed", "good");
        zipkin2.Span good = spans.get(2);
        long goodEnd = good.timestampAsLong() + good.durationAsLong();
        assertThat(decoded.spans.get(0).untimed).isTrue();
        assertThat(decoded.spans.get(0).startMicros).isEqualTo(goodEnd);
        assertThat(decoded.spans.get(0).endMicros).isEqualTo(goodEnd);
        assertThat(decoded.spans.get(1).untimed).isFalse();
        assertThat(decoded.rejects)
                .containsExactly(
                        "span 2: timestamp 2500-01-01T00:00:00Z is outside the years 1970 to 2499");
    }

    @Test
    void aSpanWithoutTimestampInARecordWithoutTimedSpansIsRejected() {
        List<zipkin2.Span> spans =
                List.of(
                        zipkin2.Span.newBuilder()
                                .traceId(TRACE)
                                .id("0000000000000001")
                                .name("a")
                                .build());
        Decoded decoded = decode(SpanFormat.AUTO, ProtobufFixtures.zipkinProto(spans));
        assertThat(decoded.spans).isEmpty();
        assertThat(decoded.rejects)
                .containsExactly(
                        "span 0000000000000001: timestamp is missing and no span of the record has one");
    }

    /**
     * Truncated, wrong wire types, absurd lengths: dead letters with a reason, never an exception
     * or a span.
     */
    @Test
    void hostileVariantsGoToTheDeadLettersWithAReason() {
        byte[] good = ProtobufFixtures.zipkinProto(ProtobufFixtures.zipkinSpans(TRACE, "get /api"));
        for (byte[] hostile : hostileVariants(good)) {
            for (SpanFormat format : List.of(SpanFormat.AUTO, SpanFormat.ZIPKIN_PROTO)) {
                for (Compression compression : List.of(Compression.NONE, Compression.GZIP)) {
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
        // the reason says what the record was taken for
        byte[] truncated = Arrays.copyOf(good, good.length - 5);
        assertThat(decode(SpanFormat.AUTO, truncated).rejects)
                .singleElement()
                .asString()
                .startsWith("not valid Zipkin protobuf (zipkin.proto3.ListOfSpans): ");
        assertThat(
                        decode(
                                        SpanFormat.ZIPKIN_PROTO,
                                        RecordEncoder.compress(truncated, Compression.ZLIB))
                                .rejects)
                .singleElement()
                .asString()
                .startsWith(
                        "decompressed zlib data is not valid Zipkin protobuf (zipkin.proto3.ListOfSpans): ");
    }

    /**
     * The good record cut at several points, its first span's trace id with another wire type,
     * absurd lengths.
     */
    static List<byte[]> hostileVariants(byte[] good) {
        List<byte[]> variants = new ArrayList<>();
        for (int cut : new int[] {3, 10, 25, good.length / 2, good.length - 1}) {
            variants.add(Arrays.copyOf(good, cut));
        }
        int spanStart = 1;
        while ((good[spanStart] & 0x80) != 0) {
            spanStart++;
        }
        spanStart++;
        byte[] wrongType = good.clone();
        wrongType[spanStart] = 0x09; // trace id as fixed64 instead of bytes
        variants.add(wrongType);
        byte[] varintId = good.clone();
        varintId[spanStart] = 0x08; // trace id as a varint
        variants.add(varintId);
        byte[] absurdOuter =
                concat(
                        new byte[] {0x0A, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07},
                        Arrays.copyOfRange(good, spanStart, good.length));
        variants.add(absurdOuter);
        byte[] absurdInner = good.clone();
        absurdInner[spanStart + 1] = 0x7F; // trace id length beyond the span
        variants.add(absurdInner);
        return variants;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
