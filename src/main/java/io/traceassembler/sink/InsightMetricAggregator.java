package io.traceassembler.sink;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Aggregates {@link MetricPoint}s per series ({@link MetricPoint#seriesKey()}, the key) and per
 * minute of the points' own timestamps into {@link MetricDatumRecord}s, so the sink sends one datum
 * per series and minute instead of one per trace.
 *
 * <p>Emission runs on <b>processing time</b>: a minute bucket is emitted at the first
 * flush-interval boundary (by default the next wall-clock minute) after it was opened. An
 * event-time window would wait for the watermark, and a quiet or stalled stream would then hold
 * metrics back indefinitely. Points that arrive for a minute already emitted open a new bucket for
 * that minute; CloudWatch merges datums with the same timestamp, so sums and distributions stay
 * right. Points aggregated upstream (a count as the value, a distribution as buckets with counts)
 * merge into the same aggregate as single observations. Aligning the timers to one boundary also
 * lets the sink batch all series of a minute into few PutMetricData calls.
 */
public class InsightMetricAggregator
        extends KeyedProcessFunction<String, MetricPoint, MetricDatumRecord> {
    private static final long serialVersionUID = 1L;
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMinutes(1);
    private static final long MINUTE_MS = 60_000L;

    private final long flushIntervalMs;
    private transient MapState<Long, MinuteAggregate> minutes;

    public InsightMetricAggregator() {
        this(DEFAULT_FLUSH_INTERVAL);
    }

    public InsightMetricAggregator(Duration flushInterval) {
        if (flushInterval.toMillis() <= 0) {
            throw new IllegalArgumentException("flushInterval must be positive: " + flushInterval);
        }
        this.flushIntervalMs = flushInterval.toMillis();
    }

    /** Keys a stream of points for this function. */
    public static String seriesKey(MetricPoint point) {
        return point.seriesKey();
    }

    @Override
    public void open(Configuration parameters) {
        minutes =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "metric-minutes",
                                        Types.LONG,
                                        TypeInformation.of(MinuteAggregate.class)));
    }

    @Override
    public void processElement(MetricPoint point, Context ctx, Collector<MetricDatumRecord> out)
            throws Exception {
        long minute = Math.floorDiv(point.timestampMillis, MINUTE_MS) * MINUTE_MS;
        MinuteAggregate aggregate = minutes.get(minute);
        if (aggregate == null) {
            long now = ctx.timerService().currentProcessingTime();
            aggregate = new MinuteAggregate();
            aggregate.series = point.seriesOnly();
            aggregate.dueMillis = (Math.floorDiv(now, flushIntervalMs) + 1) * flushIntervalMs;
            // Timers with equal timestamps are de-duplicated per key, so this is one timer per key
            // and boundary.
            ctx.timerService().registerProcessingTimeTimer(aggregate.dueMillis);
        }
        aggregate.add(point);
        minutes.put(minute, aggregate);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MetricDatumRecord> out)
            throws Exception {
        List<Long> emitted = new ArrayList<>();
        for (Map.Entry<Long, MinuteAggregate> entry : minutes.entries()) {
            if (entry.getValue().dueMillis <= timestamp) {
                entry.getValue().emit(entry.getKey(), out);
                emitted.add(entry.getKey());
            }
        }
        for (Long minute : emitted) {
            minutes.remove(minute);
        }
    }

    /**
     * One series' points in one minute. A Flink POJO (state); distributions as sorted parallel
     * arrays.
     */
    public static class MinuteAggregate implements DurationBuckets.Histogram {
        /** The first point: carries the series identity. */
        public MetricPoint series;

        /** Processing time at which this bucket is emitted. */
        public long dueMillis;

        public double sum;

        /** Sorted {@link DurationBuckets} indexes (distributions only). */
        public int[] buckets = new int[0];

        public long[] bucketCounts = new long[0];

        public MinuteAggregate() {}

        void add(MetricPoint point) {
            if (series.aggregation == MetricPoint.Aggregation.SUM) {
                sum += point.value;
            } else if (point.isPreAggregatedDistribution()) {
                merge(point.buckets, point.bucketCounts);
            } else {
                add(point.value);
            }
        }

        void add(double value) {
            if (series.aggregation == MetricPoint.Aggregation.SUM) {
                sum += value;
                return;
            }
            DurationBuckets.add(this, DurationBuckets.bucketOf(value), 1);
        }

        /** Merges sorted buckets with their counts into this distribution. */
        void merge(int[] otherBuckets, long[] otherCounts) {
            DurationBuckets.merge(this, otherBuckets, otherCounts);
        }

        @Override
        public int[] histogramBuckets() {
            return buckets;
        }

        @Override
        public long[] histogramCounts() {
            return bucketCounts;
        }

        @Override
        public void replaceHistogram(int[] buckets, long[] counts) {
            this.buckets = buckets;
            this.bucketCounts = counts;
        }

        void emit(long minute, Collector<MetricDatumRecord> out) {
            if (series.aggregation == MetricPoint.Aggregation.SUM) {
                out.collect(datum(minute, new double[] {sum}, new double[] {1}));
                return;
            }
            // More distinct values than one datum takes: split; CloudWatch merges datums of one
            // minute.
            for (int from = 0; from < buckets.length; from += MetricDatumRecord.MAX_VALUES) {
                int to = Math.min(buckets.length, from + MetricDatumRecord.MAX_VALUES);
                double[] values = new double[to - from];
                double[] counts = new double[to - from];
                for (int i = from; i < to; i++) {
                    values[i - from] = DurationBuckets.valueOf(buckets[i]);
                    counts[i - from] = bucketCounts[i];
                }
                out.collect(datum(minute, values, counts));
            }
        }

        private MetricDatumRecord datum(long minute, double[] values, double[] counts) {
            MetricDatumRecord datum = new MetricDatumRecord();
            datum.metricName = series.metricName;
            datum.dimensionNames = series.dimensionNames;
            datum.dimensionValues = series.dimensionValues;
            datum.unit = series.unit;
            datum.timestampMillis = minute;
            datum.values = values;
            datum.counts = counts;
            return datum;
        }
    }
}
