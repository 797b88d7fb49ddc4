package io.traceassembler.sink;

import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One CloudWatch datum as it crosses operators: a Flink POJO (arrays, no Kryo), turned into the
 * SDK's {@link MetricDatum} only inside the sink. Always a values/counts pair: a summed count is
 * one value with count 1 (the same as {@code Value}), a distribution has at most {@link
 * #MAX_VALUES} distinct values.
 */
public class MetricDatumRecord implements Serializable {
    private static final long serialVersionUID = 1L;

    /** CloudWatch's limit on distinct values per datum. */
    public static final int MAX_VALUES = 150;

    public String metricName;
    public String[] dimensionNames = new String[0];
    public String[] dimensionValues = new String[0];

    /** Start of the minute the datum describes, epoch millis. */
    public long timestampMillis;

    public String unit;
    public double[] values = new double[0];
    public double[] counts = new double[0];

    public MetricDatumRecord() {}

    public MetricDatum toMetricDatum() {
        List<Dimension> dimensions = new ArrayList<>(dimensionNames.length);
        for (int i = 0; i < dimensionNames.length; i++) {
            dimensions.add(
                    Dimension.builder().name(dimensionNames[i]).value(dimensionValues[i]).build());
        }
        List<Double> valueList = new ArrayList<>(values.length);
        List<Double> countList = new ArrayList<>(counts.length);
        for (int i = 0; i < values.length; i++) {
            valueList.add(values[i]);
            countList.add(counts[i]);
        }
        return MetricDatum.builder()
                .metricName(metricName)
                .dimensions(dimensions)
                .timestamp(Instant.ofEpochMilli(timestampMillis))
                .unit(StandardUnit.fromValue(unit))
                .values(valueList)
                .counts(countList)
                .build();
    }

    /**
     * A generous estimate of the datum's size in a PutMetricData request, so batches stay under
     * CloudWatch's 1 MB limit whatever the wire encoding (CBOR is smaller still).
     */
    public long estimatedSizeInBytes() {
        long size = 64 + utf8Length(metricName) + utf8Length(unit);
        for (int i = 0; i < dimensionNames.length; i++) {
            size += 32 + utf8Length(dimensionNames[i]) + utf8Length(dimensionValues[i]);
        }
        return size + 24L * (values.length + counts.length);
    }

    private static long utf8Length(String s) {
        return s == null ? 0 : 3L * s.length(); // upper bound; exactness does not matter here
    }

    /** The sum of value × count: the datum's Sum statistic. */
    public double sum() {
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            sum += values[i] * counts[i];
        }
        return sum;
    }

    /** The datum's SampleCount statistic. */
    public double sampleCount() {
        double n = 0;
        for (double c : counts) {
            n += c;
        }
        return n;
    }

    public String dimension(String name) {
        for (int i = 0; i < dimensionNames.length; i++) {
            if (dimensionNames[i].equals(name)) {
                return dimensionValues[i];
            }
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MetricDatumRecord)) {
            return false;
        }
        MetricDatumRecord that = (MetricDatumRecord) o;
        return timestampMillis == that.timestampMillis
                && Objects.equals(metricName, that.metricName)
                && Arrays.equals(dimensionNames, that.dimensionNames)
                && Arrays.equals(dimensionValues, that.dimensionValues)
                && Objects.equals(unit, that.unit)
                && Arrays.equals(values, that.values)
                && Arrays.equals(counts, that.counts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(metricName, timestampMillis, unit);
    }

    @Override
    public String toString() {
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < dimensionNames.length; i++) {
            dims.append(i == 0 ? "" : ",")
                    .append(dimensionNames[i])
                    .append('=')
                    .append(dimensionValues[i]);
        }
        return "MetricDatumRecord{"
                + metricName
                + " ["
                + dims
                + "] at "
                + Instant.ofEpochMilli(timestampMillis)
                + ", unit="
                + unit
                + ", values="
                + Arrays.toString(values)
                + ", counts="
                + Arrays.toString(counts)
                + '}';
    }
}
