package io.traceassembler.report;

import io.traceassembler.report.ReportData.EdgeLine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The service map's layout: boxes apart, every edge routed from its client to its server. */
class ServiceMapLayoutTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A gateway fanning out, a shared database, a cycle and a self-call: what layouts trip on. */
    private static final String[][] EDGES = {
        {"api-gateway", "auth-service", "request"},
        {"api-gateway", "order-service", "request"},
        {"api-gateway", "search-service", "request"},
        {"order-service", "payment-service", "request"},
        {"order-service", "inventory-service", "request"},
        {"order-service", "postgres", "request"},
        {"payment-service", "postgres", "request"},
        {"inventory-service", "postgres", "request"},
        {"order-service", "notification-service", "messaging"},
        {"payment-service", "order-service", "request"},
        {"search-service", "search-service", "request"},
        {"search-service", "elasticsearch", "database"},
        {"payment-service", "stripe-api", "request"},
    };

    @Test
    void nodeBoxesDoNotOverlapAndEveryEdgeRunsFromItsClientToItsServer() {
        ServiceMap map = ServiceMap.of(lines(), Set.of("api-gateway", "unused-service"));

        ServiceMapLayout.Result layout = ServiceMapLayout.layout(map);

        assertThat(layout.nodes)
                .extracting(n -> n.node.name)
                .containsExactlyInAnyOrder(
                        "api-gateway",
                        "auth-service",
                        "order-service",
                        "search-service",
                        "payment-service",
                        "inventory-service",
                        "postgres",
                        "notification-service",
                        "elasticsearch",
                        "stripe-api",
                        "unused-service");
        for (int i = 0; i < layout.nodes.size(); i++) {
            ServiceMapLayout.PlacedNode a = layout.nodes.get(i);
            assertThat(a.width).isPositive();
            assertThat(a.x + a.width).isLessThanOrEqualTo(layout.width);
            assertThat(a.y + a.height).isLessThanOrEqualTo(layout.height);
            for (int j = i + 1; j < layout.nodes.size(); j++) {
                ServiceMapLayout.PlacedNode b = layout.nodes.get(j);
                boolean apart =
                        a.x + a.width <= b.x
                                || b.x + b.width <= a.x
                                || a.y + a.height <= b.y
                                || b.y + b.height <= a.y;
                assertThat(apart).as(a.node.name + " and " + b.node.name + " overlap").isTrue();
            }
        }
        assertThat(layout.edges).hasSize(EDGES.length);
        for (ServiceMapLayout.RoutedEdge edge : layout.edges) {
            String name = edge.edge.client + " -> " + edge.edge.server;
            assertThat(edge.points).as(name).hasSizeGreaterThanOrEqualTo(2);
            assertThat(onBorder(edge.points.get(0), node(layout, edge.edge.client)))
                    .as(name + " starts at its client")
                    .isTrue();
            assertThat(
                            onBorder(
                                    edge.points.get(edge.points.size() - 1),
                                    node(layout, edge.edge.server)))
                    .as(name + " ends at its server")
                    .isTrue();
            assertThat(edge.labelWidth).isPositive();
        }
        assertThat(map.nodes)
                .filteredOn(n -> n.name.equals("elasticsearch"))
                .extracting(n -> n.kind)
                .containsExactly(ServiceMap.Kind.DATABASE);
        assertThat(map.nodes)
                .filteredOn(n -> n.name.equals("stripe-api"))
                .extracting(n -> n.kind)
                .containsExactly(ServiceMap.Kind.PEER);
    }

    @Test
    void edgesOfEveryMinuteAddUpAndTheLabelSaysRequestsAndErrorRate() {
        List<EdgeLine> lines = new ArrayList<>();
        lines.add(line("2026-01-01T10:00:00Z", "a", "b", "request", 300, 3, 12.5, 40));
        lines.add(line("2026-01-01T10:01:00Z", "a", "b", "request", 700, 0, 30, 35));

        ServiceMap map = ServiceMap.of(lines, Set.of());

        assertThat(map.edges).hasSize(1);
        ServiceMap.Edge edge = map.edges.get(0);
        assertThat(edge.requests).isEqualTo(1_000);
        assertThat(edge.failed).isEqualTo(3);
        assertThat(edge.worstMinuteP99Ms).isEqualTo(30);
        assertThat(edge.maxMs).isEqualTo(40);
        assertThat(ServiceMapLayout.edgeLabel(edge)).isEqualTo("1,000 req \u00b7 0.30% err");
        assertThat(map.nodes)
                .extracting(n -> n.kind)
                .containsOnly(ServiceMap.Kind.SERVICE, ServiceMap.Kind.PEER);
    }

    private static List<EdgeLine> lines() {
        List<EdgeLine> lines = new ArrayList<>();
        for (String[] e : EDGES) {
            lines.add(line("2026-01-01T10:00:00Z", e[0], e[1], e[2], 10, 1, 5, 9));
        }
        return lines;
    }

    static EdgeLine line(
            String minute,
            String client,
            String server,
            String type,
            long requests,
            long failed,
            double p99,
            double max) {
        ObjectNode n = JSON.createObjectNode();
        n.put("minute", minute)
                .put("client", client)
                .put("server", server)
                .put("connection_type", type)
                .put("requests", requests)
                .put("failed", failed)
                .put("latency_ms_p50", p99 / 2)
                .put("latency_ms_p99", p99)
                .put("latency_ms_max", max);
        return new EdgeLine(n);
    }

    private static ServiceMapLayout.PlacedNode node(ServiceMapLayout.Result layout, String name) {
        return layout.nodes.stream()
                .filter(n -> n.node.name.equals(name))
                .findFirst()
                .orElseThrow();
    }

    /** Within half a pixel of the box's outline. */
    private static boolean onBorder(double[] p, ServiceMapLayout.PlacedNode n) {
        double tolerance = 0.5;
        boolean insideX = p[0] >= n.x - tolerance && p[0] <= n.x + n.width + tolerance;
        boolean insideY = p[1] >= n.y - tolerance && p[1] <= n.y + n.height + tolerance;
        boolean onVertical =
                Math.abs(p[0] - n.x) <= tolerance || Math.abs(p[0] - (n.x + n.width)) <= tolerance;
        boolean onHorizontal =
                Math.abs(p[1] - n.y) <= tolerance || Math.abs(p[1] - (n.y + n.height)) <= tolerance;
        return insideX && insideY && (onVertical || onHorizontal);
    }
}
