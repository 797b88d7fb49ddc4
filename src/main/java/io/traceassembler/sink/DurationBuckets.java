package io.traceassembler.sink;

/**
 * Log-scale buckets for distributions sent as CloudWatch values/counts: each bucket spans a factor
 * of {@link #RATIO} and is represented by its geometric middle, so any value is off by at most ~1%,
 * and so are the percentiles CloudWatch computes from them. One decade holds ~116 buckets, so a
 * minute of one series usually fits one datum (at most 150 distinct values); the aggregator splits
 * when it does not.
 */
public final class DurationBuckets {
    public static final double RATIO = 1.02;

    /** Values at or below zero (and NaN) share this bucket, represented by 0. */
    public static final int ZERO_BUCKET = Integer.MIN_VALUE;

    private static final double LOG_RATIO = Math.log(RATIO);

    private DurationBuckets() {}

    public static int bucketOf(double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            return ZERO_BUCKET;
        }
        return (int) Math.round(Math.log(value) / LOG_RATIO);
    }

    /** The bucket's representative value, rounded to 4 significant digits for readable numbers. */
    public static double valueOf(int bucket) {
        if (bucket == ZERO_BUCKET) {
            return 0;
        }
        double value = Math.exp(bucket * LOG_RATIO);
        return new java.math.BigDecimal(value).round(new java.math.MathContext(4)).doubleValue();
    }
}
