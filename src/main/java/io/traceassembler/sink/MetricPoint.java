package io.traceassembler.sink;

import java.util.Arrays;
import java.util.Objects;

/**
 * One observation for a CloudWatch metric, before per-minute aggregation by {@link
 * InsightMetricAggregator}. A Flink POJO (arrays, not collections, so no Kryo); dimensions are two
 * parallel arrays sorted by name.
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
                && aggregation == that.aggregation;
    }

    @Override
    public int hashCode() {
        return Objects.hash(metricName, value, timestampMillis);
    }

    @Override
    public String toString() {
        return "MetricPoint{" + seriesKey() + ", value=" + value + ", at=" + timestampMillis + '}';
    }
}
