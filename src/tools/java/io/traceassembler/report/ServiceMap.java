package io.traceassembler.report;

import io.traceassembler.report.ReportData.EdgeLine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The service graph of a whole replay: the per-minute edges of docs/contracts.md (section 3a) added
 * up per (client, server, connection type), and the nodes they join. A server that no trace, span
 * metric or outgoing edge names as a service is a virtual node (a database, a queue or an
 * uninstrumented peer that a client span named).
 */
final class ServiceMap {
    enum Kind {
        SERVICE,
        DATABASE,
        PEER
    }

    static final class Node {
        final String name;
        final Kind kind;

        Node(String name, Kind kind) {
            this.name = name;
            this.kind = kind;
        }
    }

    static final class Edge {
        final String client;
        final String server;
        final String connectionType;
        long requests;
        long failed;

        /** The highest per-minute p99: per-minute percentiles cannot be merged exactly. */
        double worstMinuteP99Ms;

        double maxMs;

        Edge(String client, String server, String connectionType) {
            this.client = client;
            this.server = server;
            this.connectionType = connectionType;
        }

        double errorRate() {
            return requests == 0 ? 0 : (double) failed / requests;
        }

        /**
         * Drawn red: at least {@link #FAILING_ERROR_RATE} of its requests failed. Any failure at
         * all would paint nearly every busy edge red (a 0.2 % error rate is normal traffic) and
         * hide the edges that really fail.
         */
        boolean failing() {
            return failed > 0 && errorRate() >= FAILING_ERROR_RATE;
        }
    }

    /** The error rate from which an edge is drawn as failing. */
    static final double FAILING_ERROR_RATE = 0.01;

    final List<Node> nodes;
    final List<Edge> edges;

    private ServiceMap(List<Node> nodes, List<Edge> edges) {
        this.nodes = nodes;
        this.edges = edges;
    }

    /**
     * @param knownServices services seen in spans (the traces' {@code services}, span metrics):
     *     drawn as services even without an edge
     */
    static ServiceMap of(Collection<EdgeLine> lines, Set<String> knownServices) {
        Map<List<String>, Edge> edges = new LinkedHashMap<>();
        Set<String> services = new TreeSet<>(knownServices);
        Set<String> databases = new TreeSet<>();
        Set<String> servers = new TreeSet<>();
        for (EdgeLine line : lines) {
            Edge edge =
                    edges.computeIfAbsent(
                            List.of(line.client, line.server, line.connectionType),
                            k -> new Edge(line.client, line.server, line.connectionType));
            edge.requests += line.requests;
            edge.failed += line.failed;
            edge.worstMinuteP99Ms = Math.max(edge.worstMinuteP99Ms, line.latencyMsP99);
            edge.maxMs = Math.max(edge.maxMs, line.latencyMsMax);
            services.add(line.client);
            servers.add(line.server);
            if ("database".equals(line.connectionType)) {
                databases.add(line.server);
            }
        }
        Map<String, Node> nodes = new LinkedHashMap<>();
        services.forEach(s -> nodes.put(s, new Node(s, Kind.SERVICE)));
        for (String server : servers) {
            nodes.computeIfAbsent(
                    server, s -> new Node(s, databases.contains(s) ? Kind.DATABASE : Kind.PEER));
        }
        List<Edge> sorted = new ArrayList<>(edges.values());
        sorted.sort(
                Comparator.comparing((Edge e) -> e.client)
                        .thenComparing(e -> e.server)
                        .thenComparing(e -> e.connectionType));
        return new ServiceMap(new ArrayList<>(nodes.values()), sorted);
    }
}
