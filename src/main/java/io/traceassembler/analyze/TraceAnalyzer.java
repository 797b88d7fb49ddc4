package io.traceassembler.analyze;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Applies {@link InsightRules} to every emitted summary: sets {@link TraceSummary#insights} (sorted
 * ids) and emits each {@link Insight} on {@link #INSIGHTS}.
 *
 * <p>Insights are emitted for every revision of a trace, not only the first time a type appears. This
 * keeps the function stateless; the summary item always carries its complete insight set (a revision
 * overwrites the previous item). The cost: a trace revised by late spans, or a never-ending trace
 * force-emitted every {@code maxTraceDuration}, counts again in the insight metrics. Revisions are rare
 * (late spans within the allowed lateness, traces longer than the maximum duration), and for a
 * never-ending trace a recurring count is arguably the honest signal. Exactly-once-per-trace counting
 * would need the previous revision's insights, i.e. keyed state here or extra fields in the summary.
 */
public class TraceAnalyzer extends ProcessFunction<TraceSummary, TraceSummary> {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<Insight> INSIGHTS = new OutputTag<>("insights", TypeInformation.of(Insight.class));

    private final InsightRules rules;

    public TraceAnalyzer(InsightRules rules) {
        this.rules = rules;
    }

    @Override
    public void processElement(TraceSummary summary, Context ctx, Collector<TraceSummary> out) {
        List<Insight> insights = rules.evaluate(summary);
        List<String> ids = new ArrayList<>(insights.size());
        for (Insight insight : insights) {
            ids.add(insight.type);
        }
        Collections.sort(ids);
        summary.insights = ids;
        out.collect(summary);
        for (Insight insight : insights) {
            ctx.output(INSIGHTS, insight);
        }
    }
}
