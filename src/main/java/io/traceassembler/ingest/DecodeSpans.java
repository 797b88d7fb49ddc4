package io.traceassembler.ingest;

import io.traceassembler.model.DeadLetter;
import io.traceassembler.model.RawRecord;
import io.traceassembler.model.Span;
import io.traceassembler.model.SpanFormat;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes raw records into spans; whatever cannot be used goes to the {@link #DEAD_LETTERS} side
 * output with its reason and the record's origin, so that one bad record never fails the job nor
 * blocks the others.
 */
public class DecodeSpans extends ProcessFunction<RawRecord, Span> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    /**
     * Managed Flink publishes custom metrics to CloudWatch only from this group (docs/platform.md).
     */
    static final String METRIC_GROUP = "kinesisanalytics";

    private final SpanDecoder decoder;

    private transient Counter spansDecoded;
    private transient Counter recordsDecoded;
    private transient Counter deadLetters;
    private transient RoutingCollector routing;

    public DecodeSpans(SpanFormat format) {
        this.decoder = new SpanDecoder(format);
    }

    @Override
    public void open(OpenContext openContext) {
        MetricGroup metrics = getRuntimeContext().getMetricGroup().addGroup(METRIC_GROUP);
        spansDecoded = metrics.counter("spansDecoded");
        recordsDecoded = metrics.counter("recordsDecoded");
        deadLetters = metrics.counter("deadLetters");
        routing = new RoutingCollector();
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<Span> out) {
        routing.bind(record, ctx, out);
        try {
            if (record.rejectReason != null) {
                routing.reject(record.rejectReason);
                return;
            }
            decoder.decode(record.data, routing);
        } finally {
            routing.unbind();
            recordsDecoded.inc();
        }
    }

    /**
     * One per subtask: routes the decoder's output for the record at hand, without allocating per
     * record.
     */
    private final class RoutingCollector implements SpanCollector {
        private RawRecord record;
        private Context ctx;
        private Collector<Span> out;

        void bind(RawRecord record, Context ctx, Collector<Span> out) {
            this.record = record;
            this.ctx = ctx;
            this.out = out;
        }

        void unbind() {
            this.record = null;
            this.ctx = null;
            this.out = null;
        }

        @Override
        public void collect(Span span) {
            out.collect(span);
            spansDecoded.inc();
        }

        @Override
        public void reject(String reason) {
            ctx.output(DEAD_LETTERS, new DeadLetter(reason, record));
            deadLetters.inc();
        }
    }
}
