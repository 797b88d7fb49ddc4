package io.traceassembler.generate;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.traceassembler.generate.GeneratorFixtures.allRecords;
import static io.traceassembler.generate.GeneratorFixtures.describe;
import static org.assertj.core.api.Assertions.assertThat;

class TrafficShaperTest {
    private static final long MS = 1_000_000L;

    private static final GeneratorOptions TRACES =
            GeneratorOptions.defaults()
                    .seed(21)
                    .traces(1_000)
                    .bigTraceRatio(0.002)
                    .bigTraceSpans(1_500);
    private static final TrafficOptions FAULTY =
            TrafficOptions.defaults()
                    .seed(21)
                    .duplicateRatio(0.05)
                    .lateRatio(0.01)
                    .lateDelayMillis(60_000)
                    .kplRatio(0.1)
                    .badRatio(0.02);

    @Test
    void everySpanIsDeliveredExactlyOnceOutsideDuplicates() {
        List<List<GeneratedSpan>> traces = GeneratorFixtures.allTraces(TRACES);
        List<String> expected = new ArrayList<>();
        traces.forEach(trace -> trace.forEach(span -> expected.add(describe(span))));

        List<String> delivered = new ArrayList<>();
        for (GeneratedRecord record : allRecords(TRACES, FAULTY)) {
            if (!record.duplicate) {
                record.spans.forEach(span -> delivered.add(describe(span)));
            }
        }

        assertThat(delivered).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void sameSeedGivesSameRecords() {
        List<GeneratedRecord> first = allRecords(TRACES, FAULTY);
        List<GeneratedRecord> second = allRecords(TRACES, FAULTY);

        assertThat(second).hasSameSizeAs(first);
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i).data).isEqualTo(first.get(i).data);
            assertThat(second.get(i).arrivalEpochNanos).isEqualTo(first.get(i).arrivalEpochNanos);
        }
    }

    @Test
    void recordsArriveInOrderAfterTheirSpansEnded() {
        long previous = Long.MIN_VALUE;
        int lateSpans = 0;
        for (GeneratedRecord record : allRecords(TRACES, FAULTY)) {
            assertThat(record.arrivalEpochNanos).isGreaterThanOrEqualTo(previous);
            previous = record.arrivalEpochNanos;
            for (GeneratedSpan span : record.spans) {
                assertThat(record.arrivalEpochNanos)
                        .as("exporters send finished spans")
                        .isGreaterThanOrEqualTo(span.endEpochNanos);
            }
            if (record.lateSpans > 0 && !record.duplicate) {
                lateSpans += record.lateSpans;
                long lateOnes =
                        record.spans.stream()
                                .filter(
                                        span ->
                                                record.arrivalEpochNanos
                                                        >= span.endEpochNanos + 60_000 * MS)
                                .count();
                assertThat(lateOnes).isGreaterThanOrEqualTo(record.lateSpans);
            }
        }
        assertThat(lateSpans).isPositive();
    }

    @Test
    void spansLeaveInRoughEndTimeOrder() {
        TrafficOptions ordered = TrafficOptions.defaults().seed(4).outOfOrderMillis(500);
        long latestEnd = 0;
        for (GeneratedRecord record : allRecords(TRACES, ordered)) {
            for (GeneratedSpan span : record.spans) {
                // A span can only be overtaken by spans that ended at most the jitter window later.
                assertThat(span.endEpochNanos).isGreaterThanOrEqualTo(latestEnd - 500 * MS);
                latestEnd = Math.max(latestEnd, span.endEpochNanos);
            }
        }
    }

    @Test
    void theMixHoldsEveryEncodingAndCompressionAndBatchesOnlyWhereExportersDo() {
        Set<Encoding> encodings = EnumSet.noneOf(Encoding.class);
        Set<Compression> compressions = EnumSet.noneOf(Compression.class);
        int multiTraceRecords = 0;
        for (GeneratedRecord record : allRecords(TRACES, FAULTY)) {
            List<GeneratedRecord> userRecords =
                    record.isKplAggregate() ? record.aggregatedRecords : List.of(record);
            for (GeneratedRecord user : userRecords) {
                if (user.isBad()) {
                    continue;
                }
                encodings.add(user.encoding);
                compressions.add(user.compression);
                if (user.encoding == Encoding.NATIVE_SPAN
                        || user.encoding == Encoding.NATIVE_KINESIS_RECORD
                        || user.encoding == Encoding.JAEGER_PROTO) {
                    assertThat(user.spans).hasSize(1);
                } else {
                    assertThat(user.spans).hasSizeBetween(1, 50);
                }
                multiTraceRecords +=
                        user.spans.stream().map(span -> span.traceId).distinct().count() > 1
                                ? 1
                                : 0;
                assertThat(user.partitionKey).isEqualTo(user.spans.get(0).traceId);
            }
        }
        assertThat(encodings).containsExactlyInAnyOrder(Encoding.values());
        assertThat(compressions).containsExactlyInAnyOrder(Compression.values());
        assertThat(multiTraceRecords).isPositive();
    }

    @Test
    void duplicatesResendEarlierRecordsAndBadRecordsEachExpectOneDeadLetter() {
        Map<String, Long> firstArrival = new HashMap<>();
        Set<BadRecordKind> badKinds = EnumSet.noneOf(BadRecordKind.class);
        int duplicates = 0;
        int kpl = 0;
        for (GeneratedRecord record : allRecords(TRACES, FAULTY)) {
            String key = Arrays.toString(record.data);
            if (record.duplicate) {
                duplicates++;
                assertThat(firstArrival)
                        .as("a duplicate re-sends an earlier record")
                        .containsKey(key);
                assertThat(record.arrivalEpochNanos).isGreaterThan(firstArrival.get(key));
            } else if (!record.isBad()) {
                firstArrival.putIfAbsent(key, record.arrivalEpochNanos);
            }
            if (record.isBad()) {
                badKinds.add(record.badKind);
                assertThat(record.spans).isEmpty();
                assertThat(record.expectedDeadLetters).isEqualTo(1);
            } else {
                assertThat(record.expectedDeadLetters).isZero();
            }
            kpl += record.isKplAggregate() ? 1 : 0;
            if (record.isKplAggregate()) {
                assertThat(record.data)
                        .startsWith((byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2);
            }
        }
        assertThat(duplicates).isPositive();
        assertThat(kpl).isPositive();
        assertThat(badKinds).containsExactlyInAnyOrder(BadRecordKind.values());
    }

    @Test
    void endBeforeStartRecordsUseTraceIdsOfTheirOwn() {
        Set<String> traceIds = new HashSet<>();
        GeneratorFixtures.allTraces(TRACES).forEach(trace -> traceIds.add(trace.get(0).traceId));
        for (GeneratedRecord record : allRecords(TRACES, FAULTY)) {
            if (record.badKind == BadRecordKind.END_BEFORE_START) {
                assertThat(traceIds).doesNotContain(record.partitionKey);
            }
        }
    }

    @Test
    void zipkinReportedTracesTravelOnlyInZipkinRecordsAndTheRestNever() {
        List<GeneratedRecord> records = allRecords(TRACES, FAULTY);
        int sharedSpans = 0;
        for (GeneratedRecord record : records) {
            List<GeneratedRecord> parts =
                    record.isKplAggregate() ? record.aggregatedRecords : List.of(record);
            for (GeneratedRecord part : parts) {
                for (GeneratedSpan span : part.spans) {
                    assertThat(part.encoding.isZipkin())
                            .as("%s in %s", span, part)
                            .isEqualTo(span.zipkinReported);
                    sharedSpans += span.shared ? 1 : 0;
                }
            }
        }
        assertThat(sharedSpans).isPositive();
    }

    @Test
    void aZipkinOnlyMixTakesEveryTraceAndOneWithoutZipkinRefusesZipkinTraces() {
        TrafficOptions zipkinOnly =
                TrafficOptions.defaults()
                        .seed(3)
                        .encodingWeights(
                                Map.of(Encoding.ZIPKIN_JSON, 1.0, Encoding.ZIPKIN_PROTO, 1.0));
        assertThat(zipkinOnly.zipkinShare()).isEqualTo(1.0);
        assertThat(allRecords(TRACES.copy().zipkinTraceRatio(0.5), zipkinOnly))
                .allSatisfy(r -> assertThat(r.encoding.isZipkin()).isTrue());

        TrafficOptions jaegerOnly =
                TrafficOptions.defaults()
                        .seed(3)
                        .encodingWeights(Map.of(Encoding.JAEGER_PROTO, 1.0));
        assertThat(jaegerOnly.zipkinShare()).isZero();
        assertThat(allRecords(TRACES.copy().zipkinTraceRatio(0), jaegerOnly))
                .allSatisfy(r -> assertThat(r.encoding).isEqualTo(Encoding.JAEGER_PROTO));
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> allRecords(TRACES.copy().zipkinTraceRatio(0.5), jaegerOnly))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("zipkinShare");
    }
}
