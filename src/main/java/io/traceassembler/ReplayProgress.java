package io.traceassembler;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.metrics.reporter.Scheduled;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Replay's progress on a terminal: a Flink metric reporter (so it sees the job's own counters, in
 * every subtask) that prints records read, spans decoded and traces emitted so far every few
 * seconds. Registered for a local replay only ({@link #configure}); in BATCH mode traces are
 * emitted at the end of the input, so their count moves last.
 */
public final class ReplayProgress implements MetricReporter, Scheduled, MetricReporterFactory {
    static final String RECORDS = "recordsDecoded";
    static final String SPANS = "spansDecoded";
    static final String TRACES = "tracesEmitted";

    private final Map<String, List<Counter>> counters = new ConcurrentHashMap<>();

    /** Final counts of counters whose task has finished (their metrics are removed then). */
    private final Map<String, Long> ended = new ConcurrentHashMap<>();

    /**
     * Adds the reporter, printing every {@link ProgressLine#DEFAULT_INTERVAL_MS}, to {@code conf}.
     */
    static void configure(Configuration conf) {
        conf.setString("metrics.reporter.progress.factory.class", ReplayProgress.class.getName());
        conf.setString(
                "metrics.reporter.progress.interval", ProgressLine.DEFAULT_INTERVAL_MS + " ms");
    }

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new ReplayProgress();
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        if (metric instanceof Counter && isTracked(metricName)) {
            counters.computeIfAbsent(metricName, n -> new CopyOnWriteArrayList<>())
                    .add((Counter) metric);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        List<Counter> list = counters.get(metricName);
        if (list != null && list.remove(metric)) {
            ended.merge(metricName, ((Counter) metric).getCount(), Long::sum);
        }
    }

    @Override
    public void report() {
        System.err.println(line());
    }

    String line() {
        return String.format(
                Locale.ROOT,
                "replay: %,d records, %,d spans, %,d traces so far",
                count(RECORDS),
                count(SPANS),
                count(TRACES));
    }

    private long count(String name) {
        long sum = ended.getOrDefault(name, 0L);
        for (Counter counter : counters.getOrDefault(name, List.of())) {
            sum += counter.getCount();
        }
        return sum;
    }

    private static boolean isTracked(String name) {
        return RECORDS.equals(name) || SPANS.equals(name) || TRACES.equals(name);
    }
}
