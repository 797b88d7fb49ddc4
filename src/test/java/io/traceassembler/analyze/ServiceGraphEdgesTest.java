package io.traceassembler.analyze;

import io.traceassembler.model.PeerType;
import io.traceassembler.model.SpanKind;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.traceassembler.analyze.SpanTrees.tree;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Service-graph edges of hand-drawn trees (times in ms). An edge reads {@code client -> server type
 * [failed] latency @ start}.
 */
class ServiceGraphEdgesTest {

    private static List<String> edges(SpanTrees trees) {
        return edges(trees, 0);
    }

    private static List<String> edges(SpanTrees trees, int counted) {
        List<String> edges = new ArrayList<>();
        int found =
                ServiceGraphEdges.find(
                        trees.build(),
                        counted,
                        (client, server, type, failed, latencyMs, startMicros) ->
                                edges.add(
                                        client
                                                + " -> "
                                                + server
                                                + " "
                                                + type.id()
                                                + (failed ? " failed " : " ")
                                                + latencyMs
                                                + " @ "
                                                + startMicros / 1000));
        assertThat(found).isEqualTo(edges.size());
        return edges;
    }

    @Test
    void anEdgeJoinsAParentAndAChildOfDifferentServices() {
        // a gateway GET /             0..100
        // └ b gateway route          10..90     same service: no edge
        //   └ c orders SERVER        20..80     gateway -> orders, 60 ms
        //     └ d orders load        25..75     same service
        //       └ e payments SERVER E 30..40    orders -> payments, failed, 10 ms
        assertThat(
                        edges(
                                tree().span("a", null, "gateway", "GET /", 0, 100)
                                        .span("b", "a", "gateway", "route", 10, 90)
                                        .add(
                                                "c",
                                                "b",
                                                false,
                                                "orders",
                                                "Place",
                                                SpanKind.SERVER,
                                                20,
                                                80,
                                                false)
                                        .span("d", "c", "orders", "load", 25, 75)
                                        .add(
                                                "e",
                                                "d",
                                                false,
                                                "payments",
                                                "Charge",
                                                SpanKind.SERVER,
                                                30,
                                                40,
                                                true)))
                .containsExactly(
                        "gateway -> orders request 60.0 @ 20",
                        "orders -> payments request failed 10.0 @ 30");
    }

    @Test
    void aSingleServiceTraceHasNoEdge() {
        assertThat(
                        edges(
                                tree().span("a", null, "web", "GET /", 0, 10)
                                        .span("b", "a", "web", "render", 1, 9)
                                        .span("c", "b", "web", "template", 2, 3)))
                .isEmpty();
    }

    @Test
    void aConsumerChildIsAMessagingEdge() {
        // a orders PRODUCER 0..5, b notifications CONSUMER 3..9 (outliving its producer).
        assertThat(
                        edges(
                                tree().kind("a", null, SpanKind.PRODUCER, "orders", 0, 5)
                                        .peer(PeerType.MESSAGING, "kafka")
                                        .kind("b", "a", SpanKind.CONSUMER, "notifications", 3, 9)))
                .as("the producer has a child: no virtual kafka node")
                .containsExactly("orders -> notifications messaging 6.0 @ 3");
    }

    @Test
    void clientSpansWithoutAChildMakeEdgesToVirtualNodes() {
        // a checkout SERVER 0..100
        // ├ b checkout CLIENT db.system=postgresql 10..14, error    -> postgresql database failed
        // ├ c checkout CLIENT peer.service=fraud-api 20..50         -> fraud-api request
        // ├ d checkout PRODUCER messaging.system=kafka 60..61       -> kafka request
        // ├ e checkout CLIENT (no peer attribute)                   nothing
        // ├ f checkout INTERNAL peer.service=cache                  not a client: nothing
        // └ g checkout CLIENT peer.service=inventory 70..90, with its server child h
        //   └ h inventory SERVER 72..88                             the real edge only
        assertThat(
                        edges(
                                tree().kind("a", null, SpanKind.SERVER, "checkout", 0, 100)
                                        .add(
                                                "b",
                                                "a",
                                                false,
                                                "checkout",
                                                "SELECT",
                                                SpanKind.CLIENT,
                                                10,
                                                14,
                                                true)
                                        .peer(PeerType.DATABASE, "postgresql")
                                        .kind("c", "a", SpanKind.CLIENT, "checkout", 20, 50)
                                        .peer(PeerType.SERVICE, "fraud-api")
                                        .kind("d", "a", SpanKind.PRODUCER, "checkout", 60, 61)
                                        .peer(PeerType.MESSAGING, "kafka")
                                        .kind("e", "a", SpanKind.CLIENT, "checkout", 62, 63)
                                        .kind("f", "a", SpanKind.INTERNAL, "checkout", 64, 65)
                                        .peer(PeerType.SERVICE, "cache")
                                        .kind("g", "a", SpanKind.CLIENT, "checkout", 70, 90)
                                        .peer(PeerType.SERVICE, "inventory")
                                        .kind("h", "g", SpanKind.SERVER, "inventory", 72, 88)))
                .containsExactly(
                        "checkout -> postgresql database failed 4.0 @ 10",
                        "checkout -> fraud-api request 30.0 @ 20",
                        "checkout -> kafka request 1.0 @ 60",
                        "checkout -> inventory request 16.0 @ 72");
    }

    @Test
    void aZipkinServerHalfIsTheServerOfItsClientHalf() {
        // a web SERVER 0..50
        // └ s web CLIENT 5..45 (client half)
        //   └ s api SERVER shared 8..40, error (server half, same id)
        //     └ c api query 10..30 (names the shared id: under the server half, same service)
        assertThat(
                        edges(
                                tree().kind("a", null, SpanKind.SERVER, "web", 0, 50)
                                        .kind("s", "a", SpanKind.CLIENT, "web", 5, 45)
                                        .peer(PeerType.SERVICE, "api")
                                        .serverHalf("s", "a", "api", 8, 40, true)
                                        .span("c", "s", "api", "query", 10, 30)))
                .containsExactly("web -> api request failed 32.0 @ 8");
    }

    @Test
    void anUntimedServerTakesItsClientsTime() {
        assertThat(
                        edges(
                                tree().kind("a", null, SpanKind.CLIENT, "web", 10, 30)
                                        .untimed("b", "a", "api", 10)))
                .containsExactly("web -> api request 20.0 @ 10");
        assertThat(edges(tree().untimed("a", null, "web", 5).untimed("b", "a", "api", 5)))
                .containsExactly("web -> api request NaN @ 5");
    }

    /**
     * Revision 1 stored spans 0..2 (a, b, c); spans 3.. arrived late. Only edges that a late span
     * makes are reported again.
     */
    @Test
    void onlyEdgesThatLateSpansMakeAreReportedAgain() {
        SpanTrees trace =
                tree()
                        // counted at revision 1:
                        .kind("a", null, SpanKind.SERVER, "web", 0, 100) // 0
                        .kind("b", "a", SpanKind.SERVER, "api", 10, 90) // 1: web -> api
                        .kind("c", "b", SpanKind.CLIENT, "api", 20, 30) // 2: -> redis (virtual)
                        .peer(PeerType.DATABASE, "redis")
                        // late:
                        .kind("d", "b", SpanKind.CLIENT, "api", 40, 60) // 3: -> db (virtual)
                        .peer(PeerType.DATABASE, "postgresql")
                        .kind("e", "x", SpanKind.SERVER, "search", 62, 70) // 4: orphan ...
                        .kind("x", "b", SpanKind.CLIENT, "api", 61, 71) // 5: ... its parent
                        .kind("f", "c", SpanKind.SERVER, "redis", 21, 29); // 6: c's server

        assertThat(edges(trace, 3))
                .as("web -> api and the virtual redis edge were counted with revision 1")
                .containsExactly(
                        "api -> postgresql database 20.0 @ 40",
                        "api -> search request 8.0 @ 62",
                        "api -> redis request 8.0 @ 21");
    }

    @Test
    void everyEdgeIsNewAtTheFirstEmitAndNoneWithoutNewSpans() {
        SpanTrees trace =
                tree().kind("a", null, SpanKind.SERVER, "web", 0, 100)
                        .kind("b", "a", SpanKind.SERVER, "api", 10, 90)
                        .kind("c", "b", SpanKind.CLIENT, "api", 20, 30)
                        .peer(PeerType.DATABASE, "redis");
        assertThat(edges(trace, 0)).hasSize(2);
        SpanTrees same =
                tree().kind("a", null, SpanKind.SERVER, "web", 0, 100)
                        .kind("b", "a", SpanKind.SERVER, "api", 10, 90)
                        .kind("c", "b", SpanKind.CLIENT, "api", 20, 30)
                        .peer(PeerType.DATABASE, "redis");
        assertThat(edges(same, 3)).isEmpty();
    }

    @Test
    void aTenThousandDeepChainOfAlternatingServicesNeedsNoStack() {
        SpanTrees chain = tree().span("s0", null, "svc-0", "op", 0, 20_000);
        for (int i = 1; i < 10_000; i++) {
            chain.span("s" + i, "s" + (i - 1), "svc-" + i % 2, "op", i, 20_000 - i);
        }
        assertThat(edges(chain)).hasSize(9_999);
    }
}
