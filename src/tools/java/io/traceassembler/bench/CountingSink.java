package io.traceassembler.bench;

import io.traceassembler.model.TraceSummary;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.sink.RichSinkFunction;

/**
 * A discarding sink that only counts what it receives (a local long, added to a job accumulator on
 * close), so the benchmark can check that every variant saw every span without paying for output.
 */
class CountingSink<T> extends RichSinkFunction<T> {
    private static final long serialVersionUID = 1L;

    private final String accumulator;
    private transient long count;

    CountingSink() {
        this(null);
    }

    CountingSink(String accumulator) {
        this.accumulator = accumulator;
    }

    @Override
    public void open(OpenContext openContext) {
        count = 0;
    }

    @Override
    public void invoke(T value, Context context) {
        count++;
    }

    @Override
    public void close() {
        if (accumulator != null) {
            LongCounter counter = new LongCounter(count);
            getRuntimeContext()
                    .addAccumulator(
                            accumulator
                                    + "-"
                                    + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                            counter);
        }
    }

    /** Counts summaries and the spans they account for. */
    static final class Summaries extends CountingSink<TraceSummary> {
        private static final long serialVersionUID = 1L;
        private transient long spans;
        private transient long summaries;

        Summaries() {
            super(null);
        }

        @Override
        public void invoke(TraceSummary value, Context context) {
            summaries++;
            spans += value.spanCount;
        }

        @Override
        public void close() {
            int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
            getRuntimeContext()
                    .addAccumulator(
                            PipelineBenchmark.SUMMARIES_ACCUMULATOR + "-" + subtask,
                            new LongCounter(summaries));
            getRuntimeContext()
                    .addAccumulator(
                            PipelineBenchmark.SUMMARY_SPANS_ACCUMULATOR + "-" + subtask,
                            new LongCounter(spans));
        }
    }
}
