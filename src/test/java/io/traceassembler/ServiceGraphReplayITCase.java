package io.traceassembler;

import io.traceassembler.generate.ArchiveOptions;
import io.traceassembler.generate.ArchiveWriter;
import io.traceassembler.generate.Encoding;
import io.traceassembler.generate.GeneratedRecord;
import io.traceassembler.generate.GeneratedSpan;
import io.traceassembler.generate.GeneratorOptions;
import io.traceassembler.generate.TraceGenerator;
import io.traceassembler.generate.TrafficOptions;
import io.traceassembler.generate.TrafficShaper;
import io.traceassembler.testing.ExpectedServiceGraph;
import io.traceassembler.testing.ExpectedServiceGraph.Calls;
import io.traceassembler.testing.MiniClusters;

import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Replays a generated archive of every encoding (B3 halves, retries, KPL aggregates, bad records)
 * in which some databases and message consumers are not instrumented, so client spans without a
 * child make virtual nodes, and compares every {@code service-graph/} and {@code span-metrics/}
 * line with values computed here from the generated spans ({@link ExpectedServiceGraph}): counts
 * and the maximum exactly, p50 and p99 within the 2 % the contract allows.
 */
class ServiceGraphReplayITCase {
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

    @TempDir java.nio.file.Path dir;

    @Test
    void everyServiceGraphAndSpanMetricsLineMatchesTheGeneratedSpans() throws Exception {
        GeneratorOptions generator =
                GeneratorOptions.defaults()
                        .seed(3131L)
                        .traces(2_500)
                        .tracesPerSecond(4) // about ten minutes of traffic
                        .errorRatio(0.3);
        TrafficOptions traffic =
                TrafficOptions.defaults()
                        .seed(3132L)
                        .duplicateRatio(0.05)
                        .kplRatio(0.05)
                        .badRatio(0.01)
                        .outOfOrderMillis(3_000);
        Map<String, List<GeneratedSpan>> traces = new LinkedHashMap<>();
        List<GeneratedRecord> records = shapedTraffic(generator, traffic, traces);
        Map<GeneratedSpan, Encoding> deliveredIn = new IdentityHashMap<>();
        for (GeneratedRecord record : records) {
            for (GeneratedRecord part :
                    record.isKplAggregate() ? record.aggregatedRecords : List.of(record)) {
                part.spans.forEach(span -> deliveredIn.putIfAbsent(span, part.encoding));
            }
        }
        java.nio.file.Path archive = dir.resolve("archive");
        writeArchive(records, archive);

        Map<String, Calls> expectedGraph =
                ExpectedServiceGraph.serviceGraph(traces.values(), deliveredIn);
        Map<String, Calls> expectedSpans = ExpectedServiceGraph.spanMetrics(records);
        assertThat(operationsPerService(expectedSpans))
                .as("within the operation cap, so no line is _other")
                .allSatisfy((service, count) -> assertThat(count).isLessThanOrEqualTo(50));
        assertThat(expectedGraph).as("lines of several minutes").hasSizeGreaterThan(100);
        assertThat(expectedGraph.keySet().stream().map(k -> k.split("\\|")[3]).distinct())
                .as("the archive has every connection type")
                .containsExactlyInAnyOrder("request", "messaging", "database");
        assertThat(expectedGraph.keySet())
                .as("virtual nodes of db.system, peer.service and messaging.system")
                .anyMatch(k -> k.endsWith("|postgresql|database"))
                .anyMatch(k -> k.endsWith("|redis|request"))
                .anyMatch(k -> k.endsWith("|kafka|request"));

        java.nio.file.Path output = dir.resolve("out");
        ReplayRuns.replay(archive, output);

        Map<String, JsonNode> graph =
                byKey(
                        ReplayRuns.readLines(output.resolve("service-graph")),
                        n ->
                                Instant.parse(n.get("minute").asText()).toEpochMilli()
                                        + "|"
                                        + n.get("client").asText()
                                        + "|"
                                        + n.get("server").asText()
                                        + "|"
                                        + n.get("connection_type").asText());
        assertThat(graph.keySet()).isEqualTo(expectedGraph.keySet());
        long failedCalls = 0;
        for (Map.Entry<String, Calls> e : expectedGraph.entrySet()) {
            JsonNode line = graph.get(e.getKey());
            Calls expected = e.getValue();
            assertThat(line.get("requests").asLong()).as(e.getKey()).isEqualTo(expected.calls);
            assertThat(line.get("failed").asLong()).as(e.getKey()).isEqualTo(expected.failed);
            assertDurations(line, "latency_ms_", expected, e.getKey());
            failedCalls += expected.failed;
        }
        assertThat(failedCalls).isPositive();

        Map<String, JsonNode> spanMetrics =
                byKey(
                        ReplayRuns.readLines(output.resolve("span-metrics")),
                        n ->
                                Instant.parse(n.get("minute").asText()).toEpochMilli()
                                        + "|"
                                        + n.get("service").asText()
                                        + "|"
                                        + n.get("operation").asText());
        assertThat(spanMetrics.keySet()).isEqualTo(expectedSpans.keySet());
        for (Map.Entry<String, Calls> e : expectedSpans.entrySet()) {
            JsonNode line = spanMetrics.get(e.getKey());
            Calls expected = e.getValue();
            assertThat(line.get("calls").asLong()).as(e.getKey()).isEqualTo(expected.calls);
            assertThat(line.get("errors").asLong()).as(e.getKey()).isEqualTo(expected.failed);
            assertDurations(line, "duration_ms_", expected, e.getKey());
        }
        assertThat(expectedSpans.values().stream().mapToLong(c -> c.calls).sum())
                .as("every delivery of a span, retries included")
                .isGreaterThan(traces.values().stream().mapToLong(List::size).sum());
    }

    private static void assertDurations(JsonNode line, String prefix, Calls expected, String key) {
        assertThat(line.get(prefix + "max").asDouble()).as(key).isEqualTo(expected.max());
        for (double p : new double[] {0.5, 0.99}) {
            double exact = expected.percentile(p);
            assertThat(line.get(prefix + "p" + Math.round(p * 100)).asDouble())
                    .as("%s p%s", key, p * 100)
                    .isCloseTo(exact, within(exact * 0.02 + 1e-9));
        }
    }

    /**
     * The generator's traces with some peers left uninstrumented: in about 40 % of the traces the
     * databases report no spans (and in half of those the client names its peer by {@code
     * db.system} only), in about 30 % the message consumers (and what they do) report none.
     */
    private static List<GeneratedRecord> shapedTraffic(
            GeneratorOptions generator,
            TrafficOptions traffic,
            Map<String, List<GeneratedSpan>> traces) {
        Iterator<List<GeneratedSpan>> generated = new TraceGenerator(generator).traces();
        Random random = new Random(generator.seed() + 7);
        Iterator<List<GeneratedSpan>> cut =
                new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return generated.hasNext();
                    }

                    @Override
                    public List<GeneratedSpan> next() {
                        List<GeneratedSpan> trace =
                                withUninstrumentedPeers(generated.next(), random);
                        traces.put(trace.get(0).traceId, trace);
                        return trace;
                    }
                };
        List<GeneratedRecord> records = new ArrayList<>();
        new TrafficShaper(cut, traffic).forEachRemaining(records::add);
        return records;
    }

    private static List<GeneratedSpan> withUninstrumentedPeers(
            List<GeneratedSpan> trace, Random random) {
        boolean noDatabases = random.nextDouble() < 0.4;
        boolean dbSystemOnly = random.nextBoolean();
        boolean noConsumers = random.nextDouble() < 0.3;
        Map<String, GeneratedSpan> clients = new HashMap<>();
        for (GeneratedSpan span : trace) {
            if ("client".equals(span.kind) && !span.shared) {
                clients.put(span.spanId, span);
            }
        }
        Set<String> removedIds = new HashSet<>();
        List<GeneratedSpan> kept = new ArrayList<>();
        for (GeneratedSpan span : trace) {
            // A B3 server half has its client's id; any other server names its client as parent.
            GeneratedSpan client = clients.get(span.shared ? span.spanId : span.parentSpanId);
            boolean database =
                    "server".equals(span.kind)
                            && client != null
                            && client.tags.containsKey("db.system");
            if (noDatabases && database) {
                if (dbSystemOnly) {
                    client.tags.remove("peer.service");
                }
                continue; // a database server has no children
            }
            boolean consumed =
                    "consumer".equals(span.kind) || removedIds.contains(span.parentSpanId);
            if (noConsumers && consumed) {
                removedIds.add(span.spanId); // spans come parents first
                continue;
            }
            kept.add(span);
        }
        return kept;
    }

    private static void writeArchive(List<GeneratedRecord> records, java.nio.file.Path archive)
            throws IOException {
        try (ArchiveWriter plain =
                        new ArchiveWriter(
                                ArchiveOptions.to(archive.resolve("plain")).recordsPerFile(2_000));
                ArchiveWriter gzipped =
                        new ArchiveWriter(
                                ArchiveOptions.to(archive.resolve("gzipped"))
                                        .gzip(true)
                                        .recordsPerFile(2_000))) {
            boolean toPlain = true;
            for (GeneratedRecord record : records) {
                (toPlain ? plain : gzipped).write(record);
                toPlain = !toPlain;
            }
        }
    }

    private static Map<String, Long> operationsPerService(Map<String, Calls> spanLines) {
        return spanLines.keySet().stream()
                .map(k -> k.split("\\|", 3))
                .collect(
                        Collectors.groupingBy(
                                k -> k[1],
                                TreeMap::new,
                                Collectors.mapping(k -> k[2], Collectors.toSet())))
                .entrySet()
                .stream()
                .collect(
                        Collectors.toMap(
                                Map.Entry::getKey, e -> (long) e.getValue().size(), Long::sum));
    }

    private static Map<String, JsonNode> byKey(
            List<JsonNode> lines, java.util.function.Function<JsonNode, String> key) {
        Map<String, JsonNode> byKey = new TreeMap<>();
        for (JsonNode line : lines) {
            assertThat(byKey.put(key.apply(line), line))
                    .as("one line per key: %s", key.apply(line))
                    .isNull();
        }
        return byKey;
    }
}
