package io.traceassembler.analyze;

import io.traceassembler.ingest.TraceId;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Applies {@link InsightRules} to every emitted summary (keyed by trace id): sets
 * {@link TraceSummary#insights} (sorted ids), so every revision's item carries its complete insight
 * set, and emits each {@link Insight} on {@link #INSIGHTS} the first time its type appears for the
 * trace.
 *
 * <p>Why once per type and trace: a trace is emitted again when late spans arrive or when it runs
 * longer than the maximum duration, and a later revision may be the first to cross a threshold (a
 * trace is only slow once its root has arrived). Counting insights on the first revision alone would
 * miss those; counting every revision would count a trace several times. The state is one small int
 * per open trace, dropped once the trace can no longer be revised.
 */
public class TraceAnalyzer extends KeyedProcessFunction<TraceId, TraceSummary, TraceSummary> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<Insight> INSIGHTS = new OutputTag<>("insights", TypeInformation.of(Insight.class));

    private final InsightRules rules;
    /** How long after a summary's end the trace may still be revised. */
    private final long revisableMillis;

    private transient ValueState<Integer> reportedTypes;
    private transient ValueState<Long> forgetAt;

    /**
     * @param revisableFor how long after its last span's end a trace can still produce a revision:
     *     session gap + allowed lateness + maximum trace duration
     */
    public TraceAnalyzer(InsightRules rules, Duration revisableFor) {
        this.rules = rules;
        this.revisableMillis = revisableFor.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        reportedTypes = getRuntimeContext().getState(new ValueStateDescriptor<>("reported-insight-types", Types.INT));
        forgetAt = getRuntimeContext().getState(new ValueStateDescriptor<>("forget-at", Types.LONG));
    }

    @Override
    public void processElement(TraceSummary summary, Context ctx, Collector<TraceSummary> out) throws Exception {
        List<Insight> insights = rules.evaluate(summary);
        List<String> ids = new ArrayList<>(insights.size());
        for (Insight insight : insights) {
            ids.add(insight.type);
        }
        Collections.sort(ids);
        summary.insights = ids;
        out.collect(summary);

        Integer reported = reportedTypes.value();
        int mask = reported == null ? 0 : reported;
        for (Insight insight : insights) {
            int bit = 1 << InsightType.fromId(insight.type).ordinal();
            if ((mask & bit) == 0) {
                ctx.output(INSIGHTS, insight);
                mask |= bit;
            }
        }
        reportedTypes.update(mask);

        long until = summary.endEpochMillis() + revisableMillis;
        Long current = forgetAt.value();
        if (current == null || until > current) {
            forgetAt.update(until);
            ctx.timerService().registerEventTimeTimer(until);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TraceSummary> out) throws Exception {
        Long until = forgetAt.value();
        if (until != null && timestamp >= until) {
            reportedTypes.clear();
            forgetAt.clear();
        }
    }
}
