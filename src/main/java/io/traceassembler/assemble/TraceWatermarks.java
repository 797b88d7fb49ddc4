package io.traceassembler.assemble;

import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.model.Span;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.util.clock.Clock;
import org.apache.flink.util.clock.SystemClock;
import org.apache.flink.util.function.SerializableSupplier;

import java.time.Duration;

/**
 * Watermarks for spans: event time is the span's END (see {@link TraceAssembler}), bounded
 * out-of-orderness, and a watermark that keeps moving with the wall clock when the input goes
 * quiet.
 *
 * <p>Why not {@code withIdleness}: marking an input idle only stops it from holding back other
 * inputs. When every shard is idle (a night without traffic, the end of a replayed stream) no
 * watermark moves at all and open traces would wait for the next span, possibly for hours. The
 * contracts require that a quiet stream still closes every open trace within about the session gap
 * plus a few seconds.
 *
 * <p>So once no span has arrived for {@code idleness} of wall-clock time, the watermark becomes
 * {@code maxTimestamp - outOfOrderness - 1 + (now - lastSpanWallClock)}: event time is assumed to
 * pass as fast as wall-clock time ({@code lastSpanWallClock} is read at the first periodic emit
 * after the last span, so the advance starts up to one watermark interval later, never earlier). An
 * input that has never seen a span is marked idle instead (there is no event time to advance from),
 * so it does not hold back the others.
 *
 * <p>Trade-off: the assumption is wrong when spans are merely delayed, not absent (a producer or
 * reader stalled longer than {@code idleness}, a replay reading an archive with pauses). Spans
 * arriving after such a stall may then be behind the watermark: within the allowed lateness they
 * re-open their trace and produce a revision with the full counts; beyond it they go to the
 * late-span output. {@code idleness} should therefore be longer than the usual pause between
 * fetches of a busy shard.
 */
public final class TraceWatermarks {
    private TraceWatermarks() {}

    /** The strategy of the live job: span end millis, bounded out-of-orderness, idle advance. */
    public static WatermarkStrategy<Span> forSpans(TraceAssemblerConfig.TraceAssembly config) {
        return forSpans(config, SystemClock::getInstance);
    }

    /** As {@link #forSpans(TraceAssemblerConfig.TraceAssembly)}, with a wall clock for tests. */
    public static WatermarkStrategy<Span> forSpans(
            TraceAssemblerConfig.TraceAssembly config, SerializableSupplier<Clock> clock) {
        Duration outOfOrderness = config.maxOutOfOrderness;
        Duration idleness = config.idleness;
        return WatermarkStrategy.<Span>forGenerator(
                        ctx -> new IdleAdvancingWatermarks(outOfOrderness, idleness, clock.get()))
                .withTimestampAssigner((span, previousTimestamp) -> endMillis(span));
    }

    /** A span's event time: its end, in epoch milliseconds. */
    public static long endMillis(Span span) {
        return Math.floorDiv(span.endMicros, 1000);
    }

    /** Bounded out-of-orderness that advances with the wall clock once the input has been quiet. */
    public static final class IdleAdvancingWatermarks implements WatermarkGenerator<Span> {
        private final long outOfOrdernessMillis;
        private final long idlenessMillis;
        private final Clock clock;

        private long maxTimestamp = Long.MIN_VALUE;

        /**
         * Wall-clock time of the first periodic emit that saw new spans (the clock is read there,
         * not per span: a clock read per span was 1.5 % of the decoder thread). So quietness counts
         * from at most one watermark interval after the last span, never from before it.
         */
        private long lastEventWallClock;

        private boolean sawEventSinceLastEmit;
        private long lastEmitted = Long.MIN_VALUE;
        private boolean idle;

        public IdleAdvancingWatermarks(Duration outOfOrderness, Duration idleness, Clock clock) {
            this.outOfOrdernessMillis = outOfOrderness.toMillis();
            this.idlenessMillis = idleness.toMillis();
            this.clock = clock;
            // An input without any span yet counts as quiet since it was created.
            this.lastEventWallClock = clock.absoluteTimeMillis();
        }

        @Override
        public void onEvent(Span span, long eventTimestamp, WatermarkOutput output) {
            maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
            sawEventSinceLastEmit = true;
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            long now = clock.absoluteTimeMillis();
            if (sawEventSinceLastEmit) {
                sawEventSinceLastEmit = false;
                lastEventWallClock = now;
            }
            long quietFor = now - lastEventWallClock;
            if (maxTimestamp == Long.MIN_VALUE) {
                if (quietFor >= idlenessMillis && !idle) {
                    idle = true;
                    output.markIdle();
                }
                return;
            }
            long watermark = maxTimestamp - outOfOrdernessMillis - 1;
            if (quietFor >= idlenessMillis) {
                watermark += quietFor;
            }
            // Never regress: a span arriving after an idle advance does not pull the watermark
            // back.
            if (watermark > lastEmitted) {
                lastEmitted = watermark;
                idle = false;
                output.emitWatermark(new Watermark(watermark));
            }
        }

        /** The last watermark emitted, {@code Long.MIN_VALUE} before the first. */
        public long currentWatermark() {
            return lastEmitted;
        }
    }
}
