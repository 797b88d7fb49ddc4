package io.traceassembler.assemble;

import io.traceassembler.TracePipeline;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.model.Span;
import io.traceassembler.model.TraceSummary;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The assembly and analysis operators in a real (local) job, bounded input, no Kryo. */
class TraceAssemblyPipelineTest {
    private static final long T0 = 1_700_000_000_000L;

    @ParameterizedTest
    @EnumSource(
            value = RuntimeExecutionMode.class,
            names = {"BATCH", "STREAMING"})
    void emitsOneCompleteSummaryPerTraceAtTheEndOfInput(RuntimeExecutionMode mode)
            throws Exception {
        TraceAssemblerConfig config = TraceAssemblerConfig.defaults();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setRuntimeMode(mode);
        env.setParallelism(2);
        env.getConfig().disableGenericTypes();

        List<Span> spans = new ArrayList<>();
        // A 12-second checkout with an error, children arriving before the root.
        for (int i = 1; i <= 5; i++) {
            spans.add(
                    span(
                            "checkout",
                            "c" + i,
                            "root",
                            "svc-" + i,
                            (i - 1) * 2_000,
                            i * 2_000,
                            i == 3));
        }
        spans.add(span("checkout", "c2", "root", "svc-2", 2_000, 4_000, false)); // exporter retry
        spans.add(span("checkout", "root", null, "gateway", 0, 12_000, false));
        // A trace 20 minutes long: longer than maxTraceDuration, still one summary at the end of
        // input.
        for (int minute = 0; minute <= 20; minute++) {
            spans.add(
                    span(
                            "poller",
                            "p" + minute,
                            minute == 0 ? null : "p0",
                            "poller",
                            minute * 60_000L,
                            minute * 60_000L + 10,
                            false));
        }

        DataStream<Span> input =
                env.fromData(spans)
                        .assignTimestampsAndWatermarks(
                                TraceWatermarks.forSpans(config.traceAssembly));
        SingleOutputStreamOperator<TraceSummary> summaries = TracePipeline.assemble(input, config);
        List<TraceSummary> out = new ArrayList<>();
        try (CloseableIterator<TraceSummary> it = summaries.executeAndCollect()) {
            it.forEachRemaining(out::add);
        }
        out.sort(
                Comparator.comparing((TraceSummary s) -> s.traceId).thenComparing(s -> s.revision));
        if (mode == RuntimeExecutionMode.STREAMING) {
            // A periodic watermark may force-close the 20-minute trace before the end of input:
            // keep the
            // last revision of each trace, which must describe every span.
            out.removeIf(
                    s ->
                            out.stream()
                                    .anyMatch(
                                            o ->
                                                    o.traceId.equals(s.traceId)
                                                            && o.revision > s.revision));
        }

        assertThat(out).extracting(s -> s.traceId).containsExactly("checkout", "poller");
        TraceSummary checkout = out.get(0);
        assertThat(checkout.spanCount).isEqualTo(6);
        assertThat(checkout.errorCount).isEqualTo(1);
        assertThat(checkout.services)
                .containsExactly("gateway", "svc-1", "svc-2", "svc-3", "svc-4", "svc-5");
        assertThat(checkout.rootService).isEqualTo("gateway");
        assertThat(checkout.orphanSpanCount).isZero();
        assertThat(checkout.durationMillis()).isEqualTo(12_000.0);
        assertThat(checkout.revision).isEqualTo(1);
        assertThat(checkout.insights)
                .containsExactly("high_service_count", "slow_trace", "trace_errors");

        TraceSummary poller = out.get(1);
        assertThat(poller.spanCount).isEqualTo(21);
        assertThat(poller.endMicros).isEqualTo((T0 + 20 * 60_000L + 10) * 1000);
        if (mode == RuntimeExecutionMode.BATCH) {
            assertThat(poller.revision).isEqualTo(1); // all spans before any timer
        }
    }

    private static Span span(
            String traceId,
            String spanId,
            String parent,
            String service,
            long startMillis,
            long endMillis,
            boolean error) {
        return new Span(
                traceId,
                spanId,
                parent,
                service,
                "op",
                (T0 + startMillis) * 1000,
                (T0 + endMillis) * 1000,
                error);
    }
}
