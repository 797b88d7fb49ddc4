package io.traceassembler.sink;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The replay's final roll-up of pre-aggregated minutes ({@link CallStats}), keyed by {@link
 * CallStats#key()}: the parts every subtask emitted for one key are merged and the whole emitted
 * once at the end of the input (an event-time timer at the end of time: in BATCH execution it fires
 * after the key's last record, in STREAMING with the final watermark), so each key gets one line.
 */
public class MinuteRollup<A extends CallStats> extends KeyedProcessFunction<String, A, A> {
    private static final long serialVersionUID = 1L;

    private final TypeInformation<A> type;
    private transient ValueState<A> total;

    public MinuteRollup(TypeInformation<A> type) {
        this.type = type;
    }

    @Override
    public void open(OpenContext openContext) {
        total = getRuntimeContext().getState(new ValueStateDescriptor<>("total", type));
    }

    @Override
    @SuppressWarnings("unchecked")
    public void processElement(A part, Context ctx, Collector<A> out) throws Exception {
        A sum = total.value();
        if (sum == null) {
            // Never the input itself: with object reuse the next record may be read into it.
            sum = (A) part.emptyOfSameKey();
            ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
        }
        sum.merge(part);
        total.update(sum);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<A> out) throws Exception {
        A sum = total.value();
        if (sum != null) {
            out.collect(sum);
            total.clear();
        }
    }
}
