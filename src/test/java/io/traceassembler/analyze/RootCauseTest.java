package io.traceassembler.analyze;

import org.junit.jupiter.api.Test;

import static io.traceassembler.analyze.SpanTrees.key;
import static io.traceassembler.analyze.SpanTrees.tree;
import static org.assertj.core.api.Assertions.assertThat;

/** The error root cause on hand-drawn trees (times in ms); E marks an error span. */
class RootCauseTest {
    private final RootCause rootCause = new RootCause();

    private String find(SpanTrees trees) {
        SpanTree tree = trees.build();
        int i = rootCause.find(tree);
        if (i == SpanTree.NONE) {
            return null;
        }
        return tree.serviceName(tree.service(i)) + "/" + tree.operationName(tree.operation(i));
    }

    @Test
    void noErrorNoRootCause() {
        assertThat(find(tree().span("a", null, "web", "GET /", 0, 10))).isNull();
    }

    @Test
    void theErrorThatNoErrorBelowExplainsIsTheCause() {
        // a web E
        // └ b checkout E
        //   └ c payment E      <- deepest error with no error below
        //     └ d db (ok)
        assertThat(
                        find(
                                tree().error("a", null, "web", "GET /", 0, 100)
                                        .error("b", "a", "checkout", "pay", 10, 90)
                                        .error("c", "b", "payment", "charge", 20, 80)
                                        .span("d", "c", "db", "insert", 30, 40)))
                .isEqualTo("payment/charge");
    }

    @Test
    void amongIndependentFailuresTheDeepestWins() {
        // a web E
        // ├ b cart E                 depth 1, nothing below
        // └ c checkout (ok)
        //   └ d payment E            depth 2: deeper, wins
        assertThat(
                        find(
                                tree().error("a", null, "web", "GET /", 0, 100)
                                        .error("b", "a", "cart", "load", 5, 20)
                                        .span("c", "a", "checkout", "pay", 30, 90)
                                        .error("d", "c", "payment", "charge", 40, 80)))
                .isEqualTo("payment/charge");
    }

    @Test
    void equalDepthGoesToTheEarliestStartThenTheSmallestSpanId() {
        // a web; b inventory E 30..40 and c pricing E 10..20, both depth 1: c started first.
        assertThat(
                        find(
                                tree().span("a", null, "web", "GET /", 0, 100)
                                        .error("b", "a", "inventory", "reserve", 30, 40)
                                        .error("c", "a", "pricing", "quote", 10, 20)))
                .isEqualTo("pricing/quote");
        // Same start: the smaller span id ("b" < "c").
        assertThat(
                        find(
                                tree().span("a", null, "web", "GET /", 0, 100)
                                        .error("c", "a", "pricing", "quote", 10, 20)
                                        .error("b", "a", "inventory", "reserve", 10, 40)))
                .isEqualTo("inventory/reserve");
    }

    @Test
    void anOrphanIsMeasuredFromItsTopmostAncestorPresent() {
        // a web E (root)                      x lost (parent "gone" missing): a top, depth 0
        // └ b cart E  depth 1                  └ y worker E depth 1
        // b and y are both depth 1 with no error below: y starts first (5 < 10).
        assertThat(
                        find(
                                tree().error("a", null, "web", "GET /", 0, 100)
                                        .error("b", "a", "cart", "load", 10, 20)
                                        .span("x", "gone", "lost", "op", 0, 50)
                                        .error("y", "x", "worker", "job", 5, 30)))
                .isEqualTo("worker/job");
    }

    @Test
    void anErrorOnTheServerHalfOfAB3CallIsBelowItsClientHalf() {
        // a web E
        // └ c checkout (client half, ok)
        //   └ c payment (server half) E     depth 2: the cause
        assertThat(
                        find(
                                tree().error("a", null, "web", "GET /", 0, 100)
                                        .span("c", "a", "checkout", "call", 10, 90)
                                        .serverHalf("c", "a", "payment", 20, 80, true)))
                .isEqualTo("payment/c");
    }

    @Test
    void aTenThousandDeepChainOfErrorsBlamesTheBottom() {
        SpanTrees trees = tree();
        for (int i = 0; i < 10_000; i++) {
            trees.add(
                    "s" + i,
                    i == 0 ? null : "s" + (i - 1),
                    false,
                    "svc",
                    "op" + i,
                    io.traceassembler.model.SpanKind.INTERNAL,
                    i,
                    20_000 - i,
                    true);
        }
        assertThat(find(trees)).isEqualTo("svc/op9999");
    }

    @Test
    void aParentCycleDoesNotHang() {
        // x names y as its parent and y names x: both unreachable from a root, each taken as a top.
        SpanTree tree =
                tree().error("x", "y", "a", "one", 0, 10)
                        .error("y", "x", "b", "two", 5, 10)
                        .build();
        int cause = rootCause.find(tree);
        assertThat(cause).isNotEqualTo(SpanTree.NONE);
        assertThat(tree.spanKey(cause)).isIn(key("x"), key("y"));
    }
}
