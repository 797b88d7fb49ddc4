package io.traceassembler.sink;

import java.util.Arrays;
import java.util.Objects;

/**
 * One observation for a CloudWatch metric, before per-minute aggregation by {@link
 * InsightMetricAggregator}. A Flink POJO (arrays, not collections, so no Kryo); dimensions are two
 * parallel arrays sorted by name. A point may also carry observations aggregated upstream (span
 * metrics and the service graph are pre-aggregated per subtask): a count as its {@link #value}, a
 * distribution as {@link DurationBuckets} indexes with their counts ({@link #distribution}).
 */
public class MetricPoint {
    /** How points of one series and minute combine into datums. */
    public enum Aggregation {
        /** Summed into one value (counts). */
        SUM,
        /** Kept as a values/counts distribution, so CloudWatch can compute percentiles. */
        DISTRIBUTION
    }

    public String metricName;
    public String[] dimensionNames = new String[0];
    public String[] dimensionValues = new String[0];

    /** A CloudWatch {@code StandardUnit} value, e.g. {@code Count} or {@code Milliseconds}. */
    public String unit;

    public Aggregation aggregation = Aggregation.SUM;
    public double value;

    /**
     * A pre-aggregated distribution ({@link Aggregation#DISTRIBUTION} only): sorted {@link
     * DurationBuckets} indexes, with {@link #bucketCounts}; empty when the point is the one value
     * {@link #value}.
     */
    public int[] buckets = new int[0];

    public long[] bucketCounts = new long[0];

    /** When it happened (epoch millis); the datum's timestamp minute comes from it. */
    public long timestampMillis;

    public MetricPoint() {}

    /**
     * {@code dimensions}: name, value, name, value, ...; sorted here so equal series get equal
     * keys.
     */
    public static MetricPoint of(
            String metricName,
            String unit,
            Aggregation aggregation,
            double value,
            long timestampMillis,
            String... dimensions) {
        if (dimensions.length % 2 != 0) {
            throw new IllegalArgumentException(
                    "dimensions must be name/value pairs: " + Arrays.toString(dimensions));
        }
        MetricPoint p = new MetricPoint();
        p.metricName = metricName;
        p.unit = unit;
        p.aggregation = aggregation;
        p.value = value;
        p.timestampMillis = timestampMillis;
        Integer[] order = new Integer[dimensions.length / 2];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> dimensions[2 * a].compareTo(dimensions[2 * b]));
        p.dimensionNames = new String[order.length];
        p.dimensionValues = new String[order.length];
        for (int i = 0; i < order.length; i++) {
            p.dimensionNames[i] = dimensions[2 * order[i]];
            p.dimensionValues[i] = dimensions[2 * order[i] + 1];
        }
        return p;
    }

    /**
     * A distribution aggregated upstream: {@code buckets} (sorted {@link DurationBuckets} indexes)
     * seen {@code counts} times each; {@code dimensions} as in {@link #of}.
     */
    public static MetricPoint distribution(
            String metricName,
            String unit,
            int[] buckets,
            long[] counts,
            long timestampMillis,
            String... dimensions) {
        if (buckets.length != counts.length) {
            throw new IllegalArgumentException(
                    buckets.length + " buckets but " + counts.length + " counts");
        }
        MetricPoint p =
                of(metricName, unit, Aggregation.DISTRIBUTION, 0, timestampMillis, dimensions);
        p.buckets = buckets;
        p.bucketCounts = counts;
        return p;
    }

    /** Whether this point carries a distribution aggregated upstream. */
    public boolean isPreAggregatedDistribution() {
        return aggregation == Aggregation.DISTRIBUTION && buckets.length > 0;
    }

    /** The same series without the observations (what the aggregator keeps of its first point). */
    public MetricPoint seriesOnly() {
        MetricPoint p = new MetricPoint();
        p.metricName = metricName;
        p.dimensionNames = dimensionNames;
        p.dimensionValues = dimensionValues;
        p.unit = unit;
        p.aggregation = aggregation;
        p.timestampMillis = timestampMillis;
        return p;
    }

    /** The series identity (name, unit, aggregation, dimensions): the aggregator's key. */
    public String seriesKey() {
        StringBuilder key =
                new StringBuilder(metricName)
                        .append('|')
                        .append(unit)
                        .append('|')
                        .append(aggregation);
        for (int i = 0; i < dimensionNames.length; i++) {
            key.append('|').append(dimensionNames[i]).append('=').append(dimensionValues[i]);
        }
        return key.toString();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MetricPoint)) {
            return false;
        }
        MetricPoint that = (MetricPoint) o;
        return Double.compare(value, that.value) == 0
                && timestampMillis == that.timestampMillis
                && Objects.equals(metricName, that.metricName)
                && Arrays.equals(dimensionNames, that.dimensionNames)
                && Arrays.equals(dimensionValues, that.dimensionValues)
                && Objects.equals(unit, that.unit)
                && aggregation == that.aggregation
                && Arrays.equals(buckets, that.buckets)
                && Arrays.equals(bucketCounts, that.bucketCounts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(metricName, value, timestampMillis);
    }

    @Override
    public String toString() {
        return "MetricPoint{"
                + seriesKey()
                + (isPreAggregatedDistribution()
                        ? ", buckets="
                                + Arrays.toString(buckets)
                                + " x "
                                + Arrays.toString(bucketCounts)
                        : ", value=" + value)
                + ", at="
                + timestampMillis
                + '}';
    }
}
