package io.traceassembler.analyze;

import io.traceassembler.config.PropertyGroups;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.model.Insight;
import io.traceassembler.model.TraceId;
import io.traceassembler.model.TraceSummary;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InsightRulesTest {
    private static final long T0 = 1_700_000_000_000L;

    private final InsightRules defaults =
            new InsightRules(TraceAssemblerConfig.defaults().insights);

    @Test
    void quietSmallFastTraceHasNoInsights() {
        assertThat(defaults.evaluate(summary(5_000_000, 0, 5))).isEmpty();
    }

    @Test
    void slowTraceUsesTheSeedsWording() {
        List<Insight> insights = defaults.evaluate(summary(6_234_400, 0, 1));
        assertThat(insights).hasSize(1);
        Insight slow = insights.get(0);
        assertThat(slow.type).isEqualTo("slow_trace");
        assertThat(slow.severity).isEqualTo("warning");
        assertThat(slow.message).isEqualTo("Trace duration 6234ms exceeds threshold");
        assertThat(slow.serviceName).isEqualTo("gateway");
        assertThat(slow.traceId).isEqualTo("t1");
        assertThat(slow.timestampMillis).isEqualTo(T0 + 6_234);
    }

    @Test
    void durationIsRoundedLikeThePythonSeed() {
        assertThat(InsightRules.wholeMillis(6234.5)).isEqualTo("6234");
        assertThat(InsightRules.wholeMillis(6235.5)).isEqualTo("6236");
        assertThat(InsightRules.wholeMillis(6234.501)).isEqualTo("6235");
        assertThat(InsightRules.wholeMillis(5000.001)).isEqualTo("5000");
    }

    @Test
    void allThreeRulesInTheSeedsOrder() {
        TraceSummary s = summary(5_000_001, 3, 6);
        s.rootService = null;
        List<Insight> insights = defaults.evaluate(s);
        assertThat(insights)
                .extracting(i -> i.type)
                .containsExactly("slow_trace", "trace_errors", "high_service_count");
        assertThat(insights)
                .extracting(i -> i.severity)
                .containsExactly("warning", "error", "info");
        assertThat(insights)
                .extracting(i -> i.message)
                .containsExactly(
                        "Trace duration 5000ms exceeds threshold",
                        "Trace contains 3 error(s)",
                        "Trace spans 6 services");
        assertThat(insights).extracting(i -> i.serviceName).containsOnly("unknown");
    }

    @Test
    void thresholdsAreConfigurable() {
        InsightRules strict =
                new InsightRules(
                        TraceAssemblerConfig.from(
                                        PropertyGroups.empty()
                                                .set("Insights", "slow.trace.threshold.ms", "100")
                                                .set(
                                                        "Insights",
                                                        "high.service.count.threshold",
                                                        "2"))
                                .insights);
        assertThat(strict.evaluate(summary(150_000, 0, 3)))
                .extracting(i -> i.type)
                .containsExactly("slow_trace", "high_service_count");
        assertThat(strict.evaluate(summary(100_000, 0, 2))).isEmpty();
    }

    @Test
    void analyzerSetsSortedInsightIdsAndReportsEachTypeOncePerTrace() throws Exception {
        var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new TraceAnalyzer(defaults, Duration.ofMinutes(15))),
                        (TraceSummary s) -> TraceId.of(s.traceId),
                        TraceId.TYPE);
        harness.getExecutionConfig().disableGenericTypes();
        harness.open();
        TraceSummary errorsOnly = summary(1_000_000, 1, 6);
        harness.processElement(errorsOnly, T0);
        TraceSummary other = summary(1_000_000, 0, 1);
        other.traceId = "t2";
        harness.processElement(other, T0);
        // Revision 2 of t1: the root arrived late and made the trace slow; errors were reported
        // already.
        TraceSummary revised = summary(7_000_000, 2, 6);
        revised.revision = 2;
        harness.processElement(revised, T0);

        List<TraceSummary> out = harness.extractOutputValues();
        assertThat(out).hasSize(3);
        assertThat(out.get(0).insights).containsExactly("high_service_count", "trace_errors");
        assertThat(out.get(1).insights).isEmpty();
        assertThat(out.get(2).insights)
                .containsExactly("high_service_count", "slow_trace", "trace_errors");
        assertThat(harness.getSideOutput(TraceAnalysis.INSIGHTS))
                .extracting(StreamRecord::getValue)
                .extracting(i -> i.type + "/" + i.traceId)
                .containsExactly("trace_errors/t1", "high_service_count/t1", "slow_trace/t1");

        // Once the trace can no longer be revised, its state is gone.
        harness.processWatermark(T0 + 7_000 + Duration.ofMinutes(15).toMillis());
        assertThat(harness.numKeyedStateEntries()).isZero();
        harness.close();
    }

    @Test
    void traceSummaryIsSerialisedWithoutKryo() throws Exception {
        TypeInformation<TraceSummary> type = TypeInformation.of(TraceSummary.class);
        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        ExecutionConfig noKryo = new ExecutionConfig();
        noKryo.disableGenericTypes();
        TypeSerializer<TraceSummary> serializer =
                type.createSerializer(noKryo.getSerializerConfig());

        TraceSummary s = summary(7_000_000, 1, 3);
        s.insights = new ArrayList<>(List.of("slow_trace", "trace_errors"));
        s.truncated = true;
        s.orphanSpanCount = 2;
        DataOutputSerializer bytes = new DataOutputSerializer(256);
        serializer.serialize(s, bytes);
        TraceSummary copy =
                serializer.deserialize(new DataInputDeserializer(bytes.getCopyOfBuffer()));
        assertThat(copy).isEqualTo(s);
        assertThat(copy.services)
                .isInstanceOf(ArrayList.class)
                .containsExactly("svc-0", "svc-1", "svc-2");
    }

    @Test
    void errorAndSlowInsightsNameTheirCulprits() {
        TraceSummary s = summary(6_000_000, 1, 2);
        s.rootCauseService = "payment";
        s.rootCauseOperation = "charge";
        s.bottleneckService = "db";
        s.bottleneckOperation = "SELECT";
        List<Insight> reported = new ArrayList<>();
        new TraceAnalysis(defaults).analyze(s, 0, reported::add);

        assertThat(reported)
                .extracting(i -> i.type + " " + i.culpritService + "/" + i.culpritOperation)
                .containsExactlyInAnyOrder("slow_trace db/SELECT", "trace_errors payment/charge");
    }

    private static TraceSummary summary(long durationMicros, int errors, int services) {
        TraceSummary s = new TraceSummary();
        s.traceId = "t1";
        s.startMicros = T0 * 1000;
        s.endMicros = T0 * 1000 + durationMicros;
        s.spanCount = 10;
        s.errorCount = errors;
        for (int i = 0; i < services; i++) {
            s.services.add("svc-" + i);
        }
        s.rootService = "gateway";
        s.rootOperation = "GET /";
        s.hasRoot = true;
        s.revision = 1;
        return s;
    }
}
