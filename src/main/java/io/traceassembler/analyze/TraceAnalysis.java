package io.traceassembler.analyze;

import io.traceassembler.model.Insight;
import io.traceassembler.model.InsightType;
import io.traceassembler.model.TraceSummary;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * Applies {@link InsightRules} to every emitted summary: sets {@link TraceSummary#insights} (sorted
 * ids), so every revision's item carries its complete insight set, and reports each {@link Insight}
 * the first time its type appears for the trace.
 *
 * <p>Why once per type and trace: a trace is emitted again when late spans arrive or when it runs
 * longer than the maximum duration, and a later revision may be the first to cross a threshold (a
 * trace is only slow once its root has arrived). Counting insights on the first revision alone
 * would miss those; counting every revision would count a trace several times. The caller keeps the
 * reported types with the trace (one int): the assembler in its per-trace state, {@link
 * TraceAnalyzer} in keyed state of its own.
 */
public final class TraceAnalysis implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Each insight, reported once per type and trace. */
    public static final OutputTag<Insight> INSIGHTS =
            new OutputTag<>("insights", TypeInformation.of(Insight.class));

    private final InsightRules rules;

    public TraceAnalysis(InsightRules rules) {
        this.rules = rules;
    }

    /**
     * Sets the summary's insights and reports those of a type not reported for the trace before.
     *
     * @param reportedTypes the insight types reported for the trace so far, one bit per {@link
     *     InsightType}
     * @return {@code reportedTypes} with the types reported now
     */
    public int analyze(TraceSummary summary, int reportedTypes, Consumer<Insight> report) {
        List<Insight> insights = rules.evaluate(summary);
        List<String> ids = new ArrayList<>(insights.size());
        for (Insight insight : insights) {
            ids.add(insight.type);
        }
        Collections.sort(ids);
        summary.insights = ids;

        int mask = reportedTypes;
        for (Insight insight : insights) {
            if (InsightType.TRACE_ERRORS.id().equals(insight.type)) {
                insight.culpritService = summary.rootCauseService;
                insight.culpritOperation = summary.rootCauseOperation;
            } else if (InsightType.SLOW_TRACE.id().equals(insight.type)) {
                insight.culpritService = summary.bottleneckService;
                insight.culpritOperation = summary.bottleneckOperation;
            }
            int bit = 1 << InsightType.fromId(insight.type).ordinal();
            if ((mask & bit) == 0) {
                report.accept(insight);
                mask |= bit;
            }
        }
        return mask;
    }
}
