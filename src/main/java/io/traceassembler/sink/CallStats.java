package io.traceassembler.sink;

import org.apache.flink.util.Collector;

/**
 * Calls of one key in one minute: how many, how many failed, and their durations as a {@link
 * DurationBuckets} histogram with the exact maximum. The span metrics ({@link SpanMetricsMinute})
 * and the service graph ({@link ServiceGraphMinute}) add their key. Aggregated per subtask before
 * any shuffle, merged downstream; a Flink POJO.
 */
public abstract class CallStats implements DurationBuckets.Histogram {
    /** Start of the minute (epoch millis) of the calls' starts. */
    public long minuteMillis;

    public long calls;
    public long errors;

    /** Sorted {@link DurationBuckets} indexes of the durations of timed calls. */
    public int[] buckets = new int[0];

    public long[] bucketCounts = new long[0];

    /** The longest duration, exactly; NaN while no timed call was seen. */
    public double maxMs = Double.NaN;

    /** One call; {@code durationMs} NaN for a call without a known duration. */
    public void add(boolean error, double durationMs) {
        calls++;
        if (error) {
            errors++;
        }
        if (!Double.isNaN(durationMs)) {
            DurationBuckets.add(this, DurationBuckets.bucketOf(durationMs), 1);
            maxMs = Double.isNaN(maxMs) ? durationMs : Math.max(maxMs, durationMs);
        }
    }

    /** Adds the calls of {@code other} (of the same key). */
    public void merge(CallStats other) {
        calls += other.calls;
        errors += other.errors;
        if (other.buckets.length > 0) {
            DurationBuckets.merge(this, other.buckets, other.bucketCounts);
        }
        if (!Double.isNaN(other.maxMs)) {
            maxMs = Double.isNaN(maxMs) ? other.maxMs : Math.max(maxMs, other.maxMs);
        }
    }

    /** The {@code p} (0..1) percentile of the durations, within a bucket (~1 %); NaN if none. */
    public double percentileMs(double p) {
        return DurationBuckets.percentile(buckets, bucketCounts, p);
    }

    /**
     * The CloudWatch points of this minute: calls and errors as counts (errors also when zero, so
     * an alarm on them sees every minute of traffic) and the durations as a distribution.
     */
    protected void metricPoints(
            String callsMetric,
            String errorsMetric,
            String durationMetric,
            String[] dimensions,
            Collector<MetricPoint> out) {
        out.collect(
                MetricPoint.of(
                        callsMetric,
                        "Count",
                        MetricPoint.Aggregation.SUM,
                        calls,
                        minuteMillis,
                        dimensions));
        out.collect(
                MetricPoint.of(
                        errorsMetric,
                        "Count",
                        MetricPoint.Aggregation.SUM,
                        errors,
                        minuteMillis,
                        dimensions));
        if (buckets.length > 0) {
            out.collect(
                    MetricPoint.distribution(
                            durationMetric,
                            "Milliseconds",
                            buckets,
                            bucketCounts,
                            minuteMillis,
                            dimensions));
        }
    }

    /** The key of this record (minute included) as one string, for a keyBy. */
    public abstract String key();

    /** A record of the same key and no calls. */
    public abstract CallStats emptyOfSameKey();

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
}
