package io.traceassembler.testing;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Keeps the metrics the job registers, by name (e.g. {@code cloudWatchDatumsDropped}, {@code
 * numRestarts}), so a test reads them as they change (found through META-INF/services). Configure
 * with {@link #configure(org.apache.flink.configuration.Configuration)}.
 */
public final class MetricProbe implements MetricReporter, MetricReporterFactory {
    static final Map<String, List<Metric>> METRICS = new ConcurrentHashMap<>();

    /** Final counts of counters whose task has ended (a bounded job's operators close). */
    static final Map<String, Long> ENDED_COUNTS = new ConcurrentHashMap<>();

    public static void configure(org.apache.flink.configuration.Configuration conf) {
        conf.setString("metrics.reporter.probe.factory.class", MetricProbe.class.getName());
    }

    /**
     * A cluster configuration with only this reporter, e.g. for {@code MiniClusters.twoSlots(...)}.
     */
    public static org.apache.flink.configuration.Configuration configuration() {
        org.apache.flink.configuration.Configuration conf =
                new org.apache.flink.configuration.Configuration();
        configure(conf);
        return conf;
    }

    /** The sum of every registered counter with this name (all subtasks, current attempt). */
    public static long counter(String name) {
        return METRICS.getOrDefault(name, List.of()).stream()
                .filter(m -> m instanceof Counter)
                .mapToLong(m -> ((Counter) m).getCount())
                .sum();
    }

    /**
     * As {@link #counter}, plus the final counts of counters of tasks that have ended since the
     * probe started: for bounded jobs, whose metrics are removed when they finish.
     */
    public static long counterIncludingEnded(String name) {
        return counter(name) + ENDED_COUNTS.getOrDefault(name, 0L);
    }

    /** The largest value of the registered numeric gauges with this name. */
    public static long gaugeMax(String name) {
        return METRICS.getOrDefault(name, List.of()).stream()
                .filter(m -> m instanceof Gauge)
                .map(m -> ((Gauge<?>) m).getValue())
                .filter(v -> v instanceof Number)
                .mapToLong(v -> ((Number) v).longValue())
                .max()
                .orElse(0);
    }

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new MetricProbe();
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        METRICS.computeIfAbsent(metricName, n -> new CopyOnWriteArrayList<>()).add(metric);
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        if (METRICS.getOrDefault(metricName, new CopyOnWriteArrayList<>()).remove(metric)
                && metric instanceof Counter) {
            ENDED_COUNTS.merge(metricName, ((Counter) metric).getCount(), Long::sum);
        }
    }
}
