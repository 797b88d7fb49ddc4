package io.traceassembler.analyze;

import io.traceassembler.model.TraceId;
import io.traceassembler.model.TraceSummary;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * {@link TraceAnalysis} for a stream of summaries that does not come from the assembler (which
 * analyses its summaries itself, keeping the reported insight types in its per-trace state): keyed
 * by trace id, it keeps the reported types of each trace in keyed state, dropped once the trace can
 * no longer be revised. Used by the benchmark's naive baseline.
 */
public class TraceAnalyzer extends KeyedProcessFunction<TraceId, TraceSummary, TraceSummary> {
    private static final long serialVersionUID = 1L;

    private final TraceAnalysis analysis;

    /** How long after a summary's end the trace may still be revised. */
    private final long revisableMillis;

    private transient ValueState<Integer> reportedTypes;
    private transient ValueState<Long> forgetAt;

    /**
     * @param revisableFor how long after its last span's end a trace can still produce a revision:
     *     session gap + allowed lateness + maximum trace duration
     */
    public TraceAnalyzer(InsightRules rules, Duration revisableFor) {
        this.analysis = new TraceAnalysis(rules);
        this.revisableMillis = revisableFor.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        reportedTypes =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("reported-insight-types", Types.INT));
        forgetAt =
                getRuntimeContext().getState(new ValueStateDescriptor<>("forget-at", Types.LONG));
    }

    @Override
    public void processElement(TraceSummary summary, Context ctx, Collector<TraceSummary> out)
            throws Exception {
        Integer reported = reportedTypes.value();
        int mask =
                analysis.analyze(
                        summary,
                        reported == null ? 0 : reported,
                        insight -> ctx.output(TraceAnalysis.INSIGHTS, insight));
        out.collect(summary);
        reportedTypes.update(mask);

        long until = summary.endEpochMillis() + revisableMillis;
        Long current = forgetAt.value();
        if (current == null || until > current) {
            forgetAt.update(until);
            ctx.timerService().registerEventTimeTimer(until);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TraceSummary> out)
            throws Exception {
        Long until = forgetAt.value();
        if (until != null && timestamp >= until) {
            reportedTypes.clear();
            forgetAt.clear();
        }
    }
}
