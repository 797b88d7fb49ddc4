package io.traceassembler.query;

import io.traceassembler.local.AwsAdmin;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * primary_insight is the most severe insight (trace_errors > slow_trace > high_service_count): an
 * insight's traces sit under it and under every more severe type.
 */
class TraceFilterTest {
    @Test
    void theMostSevereInsightIsOnePartitionWithoutFilter() {
        assertThat(describe(TraceFilter.insight("trace_errors").partitions()))
                .containsExactly("by-insight/primary_insight=trace_errors");
    }

    @Test
    void slowTracesAreAlsoUnderTraceErrorsFilteredOnInsights() {
        assertThat(describe(TraceFilter.insight("slow_trace").partitions()))
                .containsExactly(
                        "by-insight/primary_insight=trace_errors +insights~slow_trace",
                        "by-insight/primary_insight=slow_trace");
    }

    @Test
    void fanOutIsUnderEveryType() {
        assertThat(describe(TraceFilter.insight("high_service_count").partitions()))
                .containsExactly(
                        "by-insight/primary_insight=trace_errors +insights~high_service_count",
                        "by-insight/primary_insight=slow_trace +insights~high_service_count",
                        "by-insight/primary_insight=high_service_count");
    }

    @Test
    void servicesAndRootCausesAreOnePartitionOfTheirIndex() {
        assertThat(describe(TraceFilter.rootService("checkout").partitions()))
                .containsExactly(AwsAdmin.INDEX_BY_ROOT_SERVICE + "/root_service=checkout");
        assertThat(describe(TraceFilter.rootCause("payments").partitions()))
                .containsExactly(AwsAdmin.INDEX_BY_ROOT_CAUSE + "/root_cause_service=payments");
    }

    @Test
    void anUnknownInsightNamesTheKnownOnes() {
        assertThatThrownBy(() -> TraceFilter.insight("slow"))
                .isInstanceOf(QueryException.class)
                .hasMessage(
                        "--insight 'slow' is not an insight type: one of slow_trace, trace_errors, high_service_count");
    }

    private static List<String> describe(List<TraceFilter.Partition> partitions) {
        return partitions.stream()
                .map(
                        p ->
                                p.index
                                        + "/"
                                        + p.hashKey
                                        + "="
                                        + p.hashValue
                                        + (p.requiredInsight == null
                                                ? ""
                                                : " +insights~" + p.requiredInsight))
                .collect(Collectors.toList());
    }
}
