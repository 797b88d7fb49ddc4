package io.traceassembler.sink;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Pre-aggregates calls per key and minute inside one subtask, before any shuffle, so that a minute
 * of a key costs one record downstream instead of one per call. The aggregates are flushed (emitted
 * and forgotten)
 *
 * <ul>
 *   <li>at every wall-clock minute boundary (processing time: a quiet or stalled stream still gets
 *       its metrics out);
 *   <li>before every checkpoint barrier ({@link #prepareSnapshotPreBarrier}): nothing in flight is
 *       lost on a restore, and the operator keeps no keyed or large state;
 *   <li>at the end of input and on the final watermark, so a bounded run's roll-up downstream sees
 *       every call before its end-of-input timers fire;
 *   <li>when {@link #MAX_OPEN} aggregates are open (a replay runs through hours of event time in a
 *       wall-clock minute).
 * </ul>
 *
 * A minute can therefore be emitted in parts; downstream merges them (the CloudWatch aggregator per
 * series and minute, the replay roll-up per key). Subclasses turn an input into a {@link #probe}
 * key and add the call to {@link #aggregateFor}; a lookup allocates nothing unless the key is new.
 */
public abstract class MinutePreAggregator<IN, A extends CallStats> extends AbstractStreamOperator<A>
        implements OneInputStreamOperator<IN, A>,
                BoundedOneInput,
                ProcessingTimeService.ProcessingTimeCallback {
    private static final long serialVersionUID = 1L;

    static final long MINUTE_MS = 60_000L;

    /** Open aggregates that force a flush. */
    static final int MAX_OPEN = 10_000;

    /** The key of the input at hand; filled by the subclass, copied only for a new key. */
    protected transient MinuteKey probe;

    private transient Map<MinuteKey, A> open;

    /**
     * Chained to the operator before it (the decoder, the assembler's side output): a custom
     * operator's default is {@link ChainingStrategy#HEAD}, which would put it in a task of its own
     * and serialise every span or edge across a network channel to it (measured: a quarter of the
     * decoder thread's time and a thread per aggregator).
     */
    protected MinutePreAggregator() {
        setChainingStrategy(ChainingStrategy.ALWAYS);
    }

    /** A new aggregate (no calls) of {@code key}. */
    protected abstract A newAggregate(MinuteKey key);

    @Override
    public void open() throws Exception {
        super.open();
        open = new HashMap<>();
        probe = new MinuteKey();
        scheduleNextFlush();
    }

    /** The aggregate of {@code key} when one is open, else null. */
    protected final A openAggregate(MinuteKey key) {
        return open.get(key);
    }

    /** The aggregate of {@link #probe}'s key, created when new. */
    protected final A aggregateFor(MinuteKey key) {
        A aggregate = open.get(key);
        if (aggregate == null) {
            if (open.size() >= MAX_OPEN) {
                flush();
            }
            MinuteKey copy = key.copy();
            aggregate = newAggregate(copy);
            open.put(copy, aggregate);
        }
        return aggregate;
    }

    /** Emits every open aggregate and forgets them. */
    protected final void flush() {
        if (open.isEmpty()) {
            return;
        }
        for (A aggregate : open.values()) {
            output.collect(new StreamRecord<>(aggregate));
        }
        open.clear();
    }

    /** Start of the minute of an epoch-microsecond time, in epoch milliseconds. */
    protected static long minuteOfMicros(long epochMicros) {
        return Math.floorDiv(epochMicros, MINUTE_MS * 1000) * MINUTE_MS;
    }

    /** Start of the minute of an epoch-millisecond time. */
    protected static long minuteOfMillis(long epochMillis) {
        return Math.floorDiv(epochMillis, MINUTE_MS) * MINUTE_MS;
    }

    @Override
    public void onProcessingTime(long time) throws Exception {
        flush();
        scheduleNextFlush();
    }

    private void scheduleNextFlush() {
        ProcessingTimeService time = getProcessingTimeService();
        long now = time.getCurrentProcessingTime();
        time.registerTimer((Math.floorDiv(now, MINUTE_MS) + 1) * MINUTE_MS, this);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        if (mark.getTimestamp() == Long.MAX_VALUE) {
            flush(); // before the downstream roll-up's end-of-input timers fire
        }
        super.processWatermark(mark);
    }

    @Override
    public void endInput() {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    /** Open aggregates (for tests). */
    int openAggregates() {
        return open.size();
    }

    /**
     * A minute and up to three names: the key of an aggregate, or (minute unused) of an edge or a
     * known operation. Mutable so one instance serves every lookup; a copy goes into a map.
     */
    public static final class MinuteKey {
        public long minute;
        public String a;
        public String b;
        public String c;

        public MinuteKey set(long minute, String a, String b, String c) {
            this.minute = minute;
            this.a = a;
            this.b = b;
            this.c = c;
            return this;
        }

        MinuteKey copy() {
            return new MinuteKey().set(minute, a, b, c);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof MinuteKey)) {
                return false;
            }
            MinuteKey k = (MinuteKey) o;
            return minute == k.minute
                    && Objects.equals(a, k.a)
                    && Objects.equals(b, k.b)
                    && Objects.equals(c, k.c);
        }

        @Override
        public int hashCode() {
            int h = Long.hashCode(minute);
            h = 31 * h + (a == null ? 0 : a.hashCode());
            h = 31 * h + (b == null ? 0 : b.hashCode());
            return 31 * h + (c == null ? 0 : c.hashCode());
        }
    }
}
