package io.traceassembler.sink;

import java.util.Arrays;

/**
 * Log-scale buckets for distributions sent as CloudWatch values/counts: each bucket spans a factor
 * of {@link #RATIO} and is represented by its geometric middle, so any value is off by at most ~1%,
 * and so are the percentiles CloudWatch computes from them. One decade holds ~116 buckets, so a
 * minute of one series usually fits one datum (at most 150 distinct values); the aggregator splits
 * when it does not. A distribution is kept as sorted bucket indexes with their counts ({@link
 * Histogram}); {@link #percentile} reads one back as CloudWatch would (nearest rank).
 */
public final class DurationBuckets {
    public static final double RATIO = 1.02;

    /** Values at or below zero (and NaN) share this bucket, represented by 0. */
    public static final int ZERO_BUCKET = Integer.MIN_VALUE;

    private static final double LOG_RATIO = Math.log(RATIO);

    private DurationBuckets() {}

    /** A distribution in two parallel arrays: sorted bucket indexes and their counts. */
    interface Histogram {
        int[] histogramBuckets();

        long[] histogramCounts();

        void replaceHistogram(int[] buckets, long[] counts);
    }

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

    /** Adds {@code count} observations of {@code bucket}. */
    public static void add(Histogram h, int bucket, long count) {
        int[] buckets = h.histogramBuckets();
        long[] counts = h.histogramCounts();
        int at = Arrays.binarySearch(buckets, bucket);
        if (at >= 0) {
            counts[at] += count;
            return;
        }
        int insert = -at - 1;
        int[] newBuckets = new int[buckets.length + 1];
        long[] newCounts = new long[buckets.length + 1];
        System.arraycopy(buckets, 0, newBuckets, 0, insert);
        System.arraycopy(counts, 0, newCounts, 0, insert);
        newBuckets[insert] = bucket;
        newCounts[insert] = count;
        System.arraycopy(buckets, insert, newBuckets, insert + 1, buckets.length - insert);
        System.arraycopy(counts, insert, newCounts, insert + 1, buckets.length - insert);
        h.replaceHistogram(newBuckets, newCounts);
    }

    /** Merges sorted {@code buckets} with their {@code counts} into {@code h}. */
    static void merge(Histogram h, int[] buckets, long[] counts) {
        int[] own = h.histogramBuckets();
        long[] ownCounts = h.histogramCounts();
        int[] merged = new int[own.length + buckets.length];
        long[] mergedCounts = new long[merged.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < own.length || j < buckets.length) {
            if (j == buckets.length || (i < own.length && own[i] < buckets[j])) {
                merged[n] = own[i];
                mergedCounts[n++] = ownCounts[i++];
            } else if (i == own.length || buckets[j] < own[i]) {
                merged[n] = buckets[j];
                mergedCounts[n++] = counts[j++];
            } else {
                merged[n] = own[i];
                mergedCounts[n++] = ownCounts[i++] + counts[j++];
            }
        }
        h.replaceHistogram(Arrays.copyOf(merged, n), Arrays.copyOf(mergedCounts, n));
    }

    /**
     * The {@code p} (0..1) percentile by nearest rank (the smallest value with at least {@code
     * ceil(p * n)} observations at or below it), as a bucket's representative value; NaN when
     * empty.
     */
    public static double percentile(int[] buckets, long[] counts, double p) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        if (total == 0) {
            return Double.NaN;
        }
        long rank = Math.max(1, (long) Math.ceil(p * total));
        long seen = 0;
        for (int i = 0; i < buckets.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return valueOf(buckets[i]);
            }
        }
        return valueOf(buckets[buckets.length - 1]);
    }
}
