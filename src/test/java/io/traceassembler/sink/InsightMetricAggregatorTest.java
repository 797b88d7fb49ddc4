package io.traceassembler.sink;

import io.traceassembler.model.Insight;
import io.traceassembler.model.InsightType;
import io.traceassembler.model.TraceSummary;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class InsightMetricAggregatorTest {
    private static final long MINUTE = 60_000;
    private static final long T0 = Instant.parse("2026-01-05T10:00:00Z").toEpochMilli();

    private KeyedOneInputStreamOperatorTestHarness<String, MetricPoint, MetricDatumRecord> harness;

    @BeforeEach
    void open() throws Exception {
        harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new InsightMetricAggregator(Duration.ofMinutes(1))),
                        InsightMetricAggregator::seriesKey,
                        Types.STRING);
        harness.getExecutionConfig().disableGenericTypes();
        harness.setProcessingTime(0);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void typesCrossingOperatorsArePojos() {
        ExecutionConfig config = new ExecutionConfig();
        config.disableGenericTypes();
        for (Class<?> type :
                List.of(
                        MetricPoint.class,
                        MetricDatumRecord.class,
                        InsightMetricAggregator.MinuteAggregate.class)) {
            TypeInformation<?> info = TypeInformation.of(type);
            assertThat(info).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
            info.createSerializer(config.getSerializerConfig()); // throws on any Kryo field
        }
    }

    @Test
    void countsPerMinuteAndDimensionSetAtTheNextProcessingTimeMinute() throws Exception {
        harness.setProcessingTime(5_000);
        process(insight("trace_errors", "error", "api", T0 + 1_000));
        process(insight("trace_errors", "error", "api", T0 + 59_000));
        process(insight("trace_errors", "error", "db", T0 + 2_000));
        process(insight("trace_errors", "error", "api", T0 + MINUTE + 1)); // next event minute
        process(insight("slow_trace", "warning", "api", T0 + 3_000));

        harness.setProcessingTime(59_999);
        assertThat(harness.extractOutputValues()).as("nothing before the boundary").isEmpty();

        harness.setProcessingTime(60_000);
        List<MetricDatumRecord> out = harness.extractOutputValues();
        assertThat(out).hasSize(4);
        assertThat(summaries(out))
                .containsExactlyInAnyOrder(
                        "trace_errors Severity=error,ServiceName=api @" + T0 + " sum=2.0",
                        "trace_errors Severity=error,ServiceName=api @"
                                + (T0 + MINUTE)
                                + " sum=1.0",
                        "trace_errors Severity=error,ServiceName=db @" + T0 + " sum=1.0",
                        "slow_trace Severity=warning,ServiceName=api @" + T0 + " sum=1.0");
        assertThat(out)
                .allSatisfy(
                        d -> {
                            assertThat(d.unit).isEqualTo("Count");
                            assertThat(d.counts).containsExactly(1.0);
                        });
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void lateArrivalsForAnEmittedMinuteOpenANewDatum() throws Exception {
        harness.setProcessingTime(1_000);
        process(insight("trace_errors", "error", "api", T0));
        harness.setProcessingTime(60_000);
        assertThat(harness.extractOutputValues()).hasSize(1);

        harness.setProcessingTime(61_000);
        process(
                insight(
                        "trace_errors",
                        "error",
                        "api",
                        T0 + 10)); // same event minute, after its emission
        harness.setProcessingTime(119_999);
        assertThat(harness.extractOutputValues()).hasSize(1);
        harness.setProcessingTime(120_000);
        List<MetricDatumRecord> out = harness.extractOutputValues();
        assertThat(out).hasSize(2);
        assertThat(out.get(1).timestampMillis).isEqualTo(T0);
        assertThat(out.get(1).values).containsExactly(1.0);
    }

    @Test
    void durationsBecomeADistributionAccurateToOnePercent() throws Exception {
        List<Double> durations = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
            durations.add(i * 1.7); // 1.7 .. 1700 ms: three decades
        }
        for (double d : durations) {
            process(
                    MetricPoint.of(
                            "TraceDuration",
                            "Milliseconds",
                            MetricPoint.Aggregation.DISTRIBUTION,
                            d,
                            T0 + 5,
                            "ServiceName",
                            "api"));
        }
        harness.setProcessingTime(MINUTE);
        List<MetricDatumRecord> out = harness.extractOutputValues();

        assertThat(out)
                .allSatisfy(
                        d -> {
                            assertThat(d.values.length)
                                    .isLessThanOrEqualTo(MetricDatumRecord.MAX_VALUES)
                                    .isEqualTo(d.counts.length);
                            assertThat(d.timestampMillis).isEqualTo(T0);
                            assertThat(d.dimension("ServiceName")).isEqualTo("api");
                        });
        assertThat(out.size()).as("split into datums of <= 150 values").isGreaterThan(1);
        assertThat(out.stream().mapToDouble(MetricDatumRecord::sampleCount).sum())
                .isEqualTo(1000.0);
        double exactSum = durations.stream().mapToDouble(Double::doubleValue).sum();
        assertThat(out.stream().mapToDouble(MetricDatumRecord::sum).sum())
                .isCloseTo(exactSum, within(exactSum * 0.01));

        for (double p : new double[] {0.5, 0.9, 0.99}) {
            double exact = durations.get((int) Math.ceil(p * durations.size()) - 1);
            assertThat(percentile(out, p))
                    .as("p%s", p * 100)
                    .isCloseTo(exact, within(exact * 0.011));
        }
    }

    @Test
    void preAggregatedCountsAndDistributionsMergeWithSinglePoints() throws Exception {
        int b10 = DurationBuckets.bucketOf(10);
        int b20 = DurationBuckets.bucketOf(20);
        int b40 = DurationBuckets.bucketOf(40);
        // Two subtasks' pre-aggregates of one minute and one single observation.
        process(
                MetricPoint.distribution(
                        "SpanDuration",
                        "Milliseconds",
                        new int[] {b10, b40},
                        new long[] {2, 1},
                        T0 + 1,
                        "ServiceName",
                        "api"));
        process(
                MetricPoint.of(
                        "SpanDuration",
                        "Milliseconds",
                        MetricPoint.Aggregation.DISTRIBUTION,
                        20,
                        T0 + 2,
                        "ServiceName",
                        "api"));
        process(
                MetricPoint.distribution(
                        "SpanDuration",
                        "Milliseconds",
                        new int[] {b10, b20},
                        new long[] {1, 4},
                        T0 + 3,
                        "ServiceName",
                        "api"));
        process(
                MetricPoint.of(
                        "SpanCalls",
                        "Count",
                        MetricPoint.Aggregation.SUM,
                        7,
                        T0 + 4,
                        "ServiceName",
                        "api"));
        process(
                MetricPoint.of(
                        "SpanCalls",
                        "Count",
                        MetricPoint.Aggregation.SUM,
                        5,
                        T0 + 5,
                        "ServiceName",
                        "api"));
        harness.setProcessingTime(MINUTE);

        List<MetricDatumRecord> out = harness.extractOutputValues();
        assertThat(out).hasSize(2);
        MetricDatumRecord duration =
                out.stream().filter(d -> d.metricName.equals("SpanDuration")).findFirst().get();
        assertThat(duration.values)
                .containsExactly(
                        DurationBuckets.valueOf(b10),
                        DurationBuckets.valueOf(b20),
                        DurationBuckets.valueOf(b40));
        assertThat(duration.counts).containsExactly(3.0, 5.0, 1.0);
        MetricDatumRecord calls =
                out.stream().filter(d -> d.metricName.equals("SpanCalls")).findFirst().get();
        assertThat(calls.values).containsExactly(12.0);
        assertThat(calls.counts).containsExactly(1.0);
    }

    @Test
    void bucketsAreWithinOnePercent() {
        for (double v = 0.001; v < 1e7; v *= 1.013) {
            double bucketed = DurationBuckets.valueOf(DurationBuckets.bucketOf(v));
            assertThat(Math.abs(bucketed - v) / v)
                    .as("%s -> %s", v, bucketed)
                    .isLessThanOrEqualTo(0.0105); // half a bucket (0.995%) + 4-digit rounding
        }
        assertThat(DurationBuckets.valueOf(DurationBuckets.bucketOf(0))).isZero();
        assertThat(DurationBuckets.valueOf(DurationBuckets.bucketOf(-3))).isZero();
    }

    @Test
    void traceSummariesYieldTheContractMetrics() {
        TraceSummary summary =
                TraceItemsTest.fullSummary(); // root api, insights slow_trace + trace_errors
        summary.revision = 1;
        List<MetricPoint> points = new ArrayList<>();
        new TraceMetricPoints().flatMap(summary, collector(points));
        assertThat(points)
                .extracting(MetricPoint::seriesKey)
                .containsExactlyInAnyOrder(
                        "TracesAssembled|Count|SUM",
                        "TraceDuration|Milliseconds|DISTRIBUTION|ServiceName=api");
        assertThat(points)
                .allSatisfy(p -> assertThat(p.timestampMillis).isEqualTo(summary.endEpochMillis()));
        assertThat(
                        points.stream()
                                .filter(p -> p.metricName.equals("TraceDuration"))
                                .findFirst()
                                .get()
                                .value)
                .isEqualTo(1234.567);

        TraceSummary noRoot = TraceItemsTest.minimalSummary();
        points.clear();
        new TraceMetricPoints().flatMap(noRoot, collector(points));
        assertThat(points)
                .extracting(MetricPoint::seriesKey)
                .contains("TraceDuration|Milliseconds|DISTRIBUTION|ServiceName=unknown");

        Insight slow =
                new Insight(
                        summary.traceId,
                        InsightType.SLOW_TRACE,
                        "api",
                        "slow",
                        summary.endEpochMillis());
        assertThat(TraceMetricPoints.insightCount(slow).seriesKey())
                .isEqualTo("slow_trace|Count|SUM|ServiceName=api|Severity=warning");
        assertThat(TraceMetricPoints.insightCount(slow).timestampMillis)
                .isEqualTo(summary.endEpochMillis());
        Insight noService = new Insight("t", InsightType.TRACE_ERRORS, null, "errors", 1L);
        assertThat(TraceMetricPoints.insightCount(noService).seriesKey())
                .isEqualTo("trace_errors|Count|SUM|ServiceName=unknown|Severity=error");

        summary.revision = 2;
        points.clear();
        new TraceMetricPoints().flatMap(summary, collector(points));
        assertThat(points).as("later revisions do not count again").isEmpty();
    }

    private void process(MetricPoint point) throws Exception {
        harness.processElement(point, point.timestampMillis);
    }

    private static MetricPoint insight(String type, String severity, String service, long at) {
        return MetricPoint.of(
                type,
                "Count",
                MetricPoint.Aggregation.SUM,
                1,
                at,
                "Severity",
                severity,
                "ServiceName",
                service);
    }

    private static List<String> summaries(List<MetricDatumRecord> datums) {
        return datums.stream()
                .map(
                        d -> {
                            StringBuilder s = new StringBuilder(d.metricName).append(' ');
                            // Print in the order callers passed them to compare easily: Severity
                            // first.
                            s.append("Severity=")
                                    .append(d.dimension("Severity"))
                                    .append(",ServiceName=")
                                    .append(d.dimension("ServiceName"));
                            return s.append(" @")
                                    .append(d.timestampMillis)
                                    .append(" sum=")
                                    .append(d.sum())
                                    .toString();
                        })
                .collect(Collectors.toList());
    }

    /**
     * Nearest-rank percentile over the values/counts of all datums, as CloudWatch would compute it.
     */
    private static double percentile(List<MetricDatumRecord> datums, double p) {
        List<double[]> pairs = new ArrayList<>();
        double total = 0;
        for (MetricDatumRecord d : datums) {
            for (int i = 0; i < d.values.length; i++) {
                pairs.add(new double[] {d.values[i], d.counts[i]});
                total += d.counts[i];
            }
        }
        pairs.sort((a, b) -> Double.compare(a[0], b[0]));
        double rank = Math.ceil(p * total);
        double seen = 0;
        for (double[] pair : pairs) {
            seen += pair[1];
            if (seen >= rank) {
                return pair[0];
            }
        }
        throw new AssertionError("empty");
    }

    private static <T> Collector<T> collector(List<T> into) {
        return new Collector<>() {
            @Override
            public void collect(T record) {
                into.add(record);
            }

            @Override
            public void close() {}
        };
    }
}
