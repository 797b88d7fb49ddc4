package io.traceassembler.testing;

import io.traceassembler.generate.GeneratedSpan;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The test's own analysis on hand-drawn trees, the answers worked out by hand. */
class ExpectedTraceTest {
    private static final String TRACE = "0123456789abcdef0123456789abcdef";

    private static GeneratedSpan span(
            String id, String parent, String service, String kind, long startUs, long endUs) {
        return new GeneratedSpan(
                TRACE,
                id,
                parent,
                service + "-op",
                service,
                kind,
                startUs * 1000,
                endUs * 1000,
                "ok");
    }

    @Test
    void b3HalvesAreTwoSpansAndTheServerHalfHangsUnderItsClientHalf() {
        GeneratedSpan root = span("a", null, "api-gateway", "server", 0, 100);
        GeneratedSpan client = span("c", "a", "api-gateway", "client", 10, 90);
        GeneratedSpan server = span("c", "a", "user-service", "server", 20, 80);
        server.shared = true;
        server.status = "error";
        client.status = "error";
        GeneratedSpan db = span("d", "c", "postgres", "client", 30, 70);

        ExpectedTrace e = new ExpectedTrace(List.of(root, client, server, db));

        assertThat(e.spanCount).isEqualTo(4);
        assertThat(e.orphanSpanCount).isZero();
        assertThat(e.rootCauseService).isEqualTo("user-service");
        assertThat(e.rootCauseSpanId).isEqualTo("c");
        // root 90-100, client 80-90, server 70-80, db 30-70, server 20-30, client 10-20, root 0-10
        assertThat(e.criticalPathMicros)
                .isEqualTo(Map.of("api-gateway", 40L, "user-service", 20L, "postgres", 40L));
        assertThat(e.bottleneckService).isEqualTo("api-gateway"); // a tie: the smaller name
        assertThat(e.bottleneckShare).isEqualByComparingTo(new BigDecimal("0.4"));
    }

    @Test
    void overflowingChildrenAreClampedOutsideOnesAndConsumersOfProducersDropped() {
        GeneratedSpan root = span("r", null, "api-gateway", "server", 0, 100);
        GeneratedSpan overflowing = span("o", "r", "search-service", "internal", 50, 150);
        GeneratedSpan outside = span("x", "r", "redis", "client", 200, 300);
        GeneratedSpan producer = span("p", "r", "order-service", "producer", 10, 40);
        GeneratedSpan consumer = span("q", "p", "notification-service", "consumer", 20, 30);
        GeneratedSpan sameEndLater = span("s", "r", "fraud-service", "internal", 30, 40);

        ExpectedTrace e =
                new ExpectedTrace(
                        List.of(root, overflowing, outside, producer, consumer, sameEndLater));

        // overflowing 50-100, root 40-50, producer 10-40 (ends with the later-starting sibling,
        // and starts first), root 0-10
        assertThat(e.criticalPathMicros)
                .isEqualTo(Map.of("api-gateway", 20L, "search-service", 50L, "order-service", 30L));
        assertThat(e.bottleneckService).isEqualTo("search-service");
        assertThat(e.bottleneckOperation).isEqualTo("search-service-op");
        assertThat(e.bottleneckShare).isEqualByComparingTo(new BigDecimal("0.5"));
        assertThat(e.rootCauseService).isNull();
    }

    @Test
    void theDeepestErrorWithoutErrorsBelowIsTheRootCauseAndTwoRootsHaveNoCriticalPath() {
        GeneratedSpan root = span("r", null, "api-gateway", "server", 0, 100);
        GeneratedSpan shallow = span("b", "r", "auth-service", "internal", 5, 10);
        GeneratedSpan mid = span("m", "r", "order-service", "internal", 20, 90);
        GeneratedSpan deepEarly = span("e", "m", "postgres", "internal", 30, 40);
        GeneratedSpan deepLate = span("f", "m", "redis", "internal", 50, 60);
        GeneratedSpan orphan = span("z", "missing", "redis", "internal", 1, 2);
        GeneratedSpan secondRoot = span("t", null, "redis", "internal", 1, 2);
        for (GeneratedSpan s : List.of(shallow, mid, deepEarly, deepLate, orphan)) {
            s.status = "error";
        }

        ExpectedTrace e =
                new ExpectedTrace(
                        List.of(root, shallow, mid, deepEarly, deepLate, orphan, secondRoot));

        assertThat(e.rootCauseSpanId).isEqualTo("e"); // depth 2, the earlier start
        assertThat(e.orphanSpanCount).isEqualTo(1);
        assertThat(e.criticalPathMicros).isNull();
    }
}
