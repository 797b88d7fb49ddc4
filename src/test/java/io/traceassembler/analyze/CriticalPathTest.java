package io.traceassembler.analyze;

import io.traceassembler.model.SpanKind;

import org.junit.jupiter.api.Test;

import static io.traceassembler.analyze.SpanTrees.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * The critical path on hand-drawn trees (times in ms). Each expected path is worked out by hand in
 * the comment beside it, following the Jaeger UI's rules: from the end of a span backwards, the
 * child that finished last (and before the point reached) takes over; the rest is the span's own
 * time.
 */
class CriticalPathTest {
    private final CriticalPath criticalPath = new CriticalPath();

    private CriticalPath.Result path(SpanTrees trees) {
        return criticalPath.compute(trees.build());
    }

    @Test
    void aSingleSpanIsItsOwnCriticalPath() {
        CriticalPath.Result r = path(tree().span("a", null, "web", "GET /", 0, 100));

        assertThat(r.microsByService).containsExactly(entry("web", 100_000L));
        assertThat(r.bottleneckService).isEqualTo("web");
        assertThat(r.bottleneckOperation).isEqualTo("GET /");
        assertThat(r.bottleneckShare).isEqualTo(1.0);
    }

    @Test
    void parallelChildrenTheLastFinishingOneIsOnThePath() {
        // a web   |0---------------------------100|
        // b auth     |10------40|
        // c db          |20-----------------80|
        // From 100 back: web 80..100 (20); c 20..80 (60); back in a at 20: b ends at 40, not before
        // 20;
        // web 0..20 (20). b overlaps c entirely and is not on the path.
        CriticalPath.Result r =
                path(
                        tree().span("a", null, "web", "GET /", 0, 100)
                                .span("b", "a", "auth", "check", 10, 40)
                                .span("c", "a", "db", "query", 20, 80));

        assertThat(r.microsByService).containsOnly(entry("web", 40_000L), entry("db", 60_000L));
        assertThat(r.bottleneckService).isEqualTo("db");
        assertThat(r.bottleneckOperation).isEqualTo("query");
        assertThat(r.bottleneckShare).isEqualTo(0.6);
    }

    @Test
    void sequentialChildrenAreEachOnThePath() {
        // a web   |0------------------------------100|
        // b auth    |5---25|
        // c db                |30--------70|
        // d cache                              |75-90|
        // web 90..100 (10), d 75..90 (15), web 70..75 (5), c 30..70 (40), web 25..30 (5), b 5..25
        // (20),
        // web 0..5 (5): web 25, db 40, auth 20, cache 15; total 100.
        CriticalPath.Result r =
                path(
                        tree().span("a", null, "web", "GET /", 0, 100)
                                .span("b", "a", "auth", "check", 5, 25)
                                .span("c", "a", "db", "query", 30, 70)
                                .span("d", "a", "cache", "get", 75, 90));

        assertThat(r.microsByService)
                .containsOnly(
                        entry("web", 25_000L),
                        entry("db", 40_000L),
                        entry("auth", 20_000L),
                        entry("cache", 15_000L));
        assertThat(r.bottleneckService).isEqualTo("db");
        assertThat(r.bottleneckShare).isEqualTo(0.4);
    }

    @Test
    void aChildThatEndsWhereTheNextStartsIsNotOnThePathAsInJaeger() {
        // a web  |0------------------20|
        // b one  |0-----10|
        // c two           |10-------20|
        // c 10..20; back in a at 10: b ends at 10, not strictly before 10, so web 0..10.
        CriticalPath.Result r =
                path(
                        tree().span("a", null, "web", "GET /", 0, 20)
                                .span("b", "a", "one", "x", 0, 10)
                                .span("c", "a", "two", "y", 10, 20));

        assertThat(r.microsByService).containsOnly(entry("web", 10_000L), entry("two", 10_000L));
        // Equal times: the smaller name is the bottleneck.
        assertThat(r.bottleneckService).isEqualTo("two");
    }

    @Test
    void aChildOutlivingItsParentIsClampedToIt() {
        // a web   |0----------------50|
        // b slow          |20-------------------90|   clamped to 20..50
        // c deep                  |30------------80|  clamped to b's 20..50: 30..50
        // web 0..20 (20); b: c is its last-finishing child: b's own 50..50 nothing, c 30..50 (20),
        // b 20..30 (10).
        CriticalPath.Result r =
                path(
                        tree().span("a", null, "web", "GET /", 0, 50)
                                .span("b", "a", "slow", "call", 20, 90)
                                .span("c", "b", "deep", "work", 30, 80));

        assertThat(r.microsByService)
                .containsOnly(
                        entry("web", 20_000L), entry("slow", 10_000L), entry("deep", 20_000L));
        assertThat(r.microsByService.values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(50_000L);
    }

    @Test
    void aChildEntirelyOutsideItsParentIsDroppedWithItsSubtree() {
        // a web   |0------30|
        // b late               |40----60|   starts after a ends: dropped
        // c under                 |45-50|   under a dropped span: dropped
        // d early |-20-5|                    (from -20 to -5) ends before a starts: dropped
        CriticalPath.Result r =
                path(
                        tree().span("a", null, "web", "GET /", 0, 30)
                                .span("b", "a", "late", "x", 40, 60)
                                .span("c", "b", "under", "y", 45, 50)
                                .span("d", "a", "early", "z", -20, -5));

        assertThat(r.microsByService).containsExactly(entry("web", 30_000L));
    }

    @Test
    void aConsumerOfAProducerDoesNotBlockIt() {
        // a web       |0------------------------100|
        // p producer     |10----20|
        // q consumer        |15---------------------------150|   CONSUMER of PRODUCER: not blocking
        // web 20..100 (80), p 10..20 (10), web 0..10 (10).
        CriticalPath.Result r =
                path(
                        tree().span("a", null, "web", "GET /", 0, 100)
                                .kind("p", "a", SpanKind.PRODUCER, "orders", 10, 20)
                                .kind("q", "p", SpanKind.CONSUMER, "billing", 15, 150));

        assertThat(r.microsByService).containsOnly(entry("web", 90_000L), entry("orders", 10_000L));
        assertThat(r.bottleneckShare).isEqualTo(0.9);
    }

    @Test
    void aConsumerUnderAnythingElseBlocks() {
        // a web |0---------100|, q consumer directly under a 10..60: on the path (only PRODUCER
        // parents release).
        CriticalPath.Result r =
                path(
                        tree().span("a", null, "web", "GET /", 0, 100)
                                .kind("q", "a", SpanKind.CONSUMER, "billing", 10, 60));

        assertThat(r.microsByService)
                .containsOnly(entry("web", 50_000L), entry("billing", 50_000L));
    }

    @Test
    void noCriticalPathWithoutExactlyOneRoot() {
        assertThat(path(tree().span("b", "a", "web", "GET /", 0, 10))).as("orphan only").isNull();
        assertThat(
                        path(
                                tree().span("a", null, "web", "GET /", 0, 10)
                                        .span("b", null, "web", "GET /", 0, 10)))
                .as("two roots")
                .isNull();
    }

    @Test
    void aMissingParentLeavesItsSubtreeOffThePath() {
        // a web |0----100|; x (parent "gone" never arrived) 10..90 does not hang under a.
        CriticalPath.Result r =
                path(
                        tree().span("a", null, "web", "GET /", 0, 100)
                                .span("x", "gone", "lost", "op", 10, 90));

        assertThat(r.microsByService).containsExactly(entry("web", 100_000L));
    }

    @Test
    void b3ServerHalfIsTheClientHalfsChild() {
        // a web     |0-------------------------100|
        // c client     |10--------------------90|     (checkout calls payment, span id "c")
        // c server        |20-------------80|         shared half of c, service payment
        // d db               |30----60|               child of "c": the server half
        // web 90..100 + 0..10 = 20; checkout (client half) 80..90 + 10..20 = 20; payment 60..80 +
        // 20..30 = 30;
        // db 30..60 = 30.
        CriticalPath.Result r =
                path(
                        tree().span("a", null, "web", "GET /", 0, 100)
                                .kind("c", "a", SpanKind.CLIENT, "checkout", 10, 90)
                                .serverHalf("c", "a", "payment", 20, 80, false)
                                .span("d", "c", "db", "query", 30, 60));

        assertThat(r.microsByService)
                .containsOnly(
                        entry("web", 20_000L),
                        entry("checkout", 20_000L),
                        entry("payment", 30_000L),
                        entry("db", 30_000L));
        // payment and db tie at 30: the smaller name wins.
        assertThat(r.bottleneckService).isEqualTo("db");
    }

    @Test
    void equalEndTimesGoToTheChildThatStartedFirst() {
        // a web |0------------100|; b 10..80 and c 40..80 end together: b (earlier start) is taken.
        // web 80..100 (20), b 10..80 (70), web 0..10 (10).
        CriticalPath.Result r =
                path(
                        tree().span("a", null, "web", "GET /", 0, 100)
                                .span("b", "a", "first", "x", 10, 80)
                                .span("c", "a", "second", "y", 40, 80));

        assertThat(r.microsByService).containsOnly(entry("web", 30_000L), entry("first", 70_000L));
    }

    @Test
    void theBottleneckOperationIsTheOneWithMostTimeWithinTheBottleneckService() {
        // a web |0---------------100|; b db "read" 0..30, c db "write" 40..90: db 80 (write 50,
        // read 30).
        CriticalPath.Result r =
                path(
                        tree().span("a", null, "web", "GET /", 0, 100)
                                .span("b", "a", "db", "read", 0, 30)
                                .span("c", "a", "db", "write", 40, 90));

        assertThat(r.bottleneckService).isEqualTo("db");
        assertThat(r.bottleneckOperation).isEqualTo("write");
        assertThat(r.bottleneckShare).isEqualTo(0.8);
    }

    @Test
    void aTenThousandDeepChainNeedsNoRecursion() {
        // Span i from i to 20,000 - i, each under the one before: every span's own time is 1 ms at
        // each end.
        SpanTrees trees = tree();
        int depth = 10_000;
        for (int i = 0; i < depth; i++) {
            trees.add(
                    "s" + i,
                    i == 0 ? null : "s" + (i - 1),
                    false,
                    "svc" + (i % 3),
                    "op",
                    SpanKind.INTERNAL,
                    i,
                    2 * depth - i,
                    false);
        }
        CriticalPath.Result r = path(trees);

        // svc0 owns spans 0, 3, ...: 3,334 spans of 2 ms each; svc1 and svc2 3,333 each.
        assertThat(r.microsByService)
                .containsOnly(
                        entry("svc0", 3_334 * 2_000L),
                        entry("svc1", 3_333 * 2_000L),
                        entry("svc2", 3_333 * 2_000L));
    }

    @Test
    void childrenArrivingInAnyOrderAreOrderedByEnd() {
        // Root 0..80 ms; child i from 2i to 2i+1 ms, added in the order i = 17k mod 40 (a
        // permutation): whatever the arrival order (more children than an insertion sort takes),
        // every child and every gap is on the path: children 40 ms, root 40 ms.
        SpanTrees trees = tree().span("root", null, "web", "GET /", 0, 80);
        for (int k = 0; k < 40; k++) {
            int i = (17 * k) % 40;
            trees.add(
                    "c" + i,
                    "root",
                    false,
                    "worker",
                    "job",
                    SpanKind.INTERNAL,
                    2L * i,
                    2L * i + 1,
                    false);
        }
        CriticalPath.Result r = path(trees);

        assertThat(r.microsByService).containsOnly(entry("web", 40_000L), entry("worker", 40_000L));
    }

    @Test
    void aTenThousandWideFanOutIsWalkedOnce() {
        // Root 0..20,000 ms; child i from 2i to 2i+1 (sequential, 1 ms gaps): every child and every
        // gap is on
        // the path: children 10,000 ms, root 10,000 ms.
        SpanTrees trees = tree().span("root", null, "web", "GET /", 0, 20_000);
        for (int i = 0; i < 10_000; i++) {
            trees.add(
                    "c" + i,
                    "root",
                    false,
                    "worker",
                    "job",
                    SpanKind.INTERNAL,
                    2L * i,
                    2L * i + 1,
                    false);
        }
        CriticalPath.Result r = path(trees);

        assertThat(r.microsByService)
                .containsOnly(entry("web", 10_000_000L), entry("worker", 10_000_000L));
    }

    @Test
    void aRootOfZeroDurationIsAllTheRoot() {
        CriticalPath.Result r =
                path(tree().span("a", null, "web", "GET /", 5, 5).span("b", "a", "db", "q", 5, 5));

        assertThat(r.microsByService).containsExactly(entry("web", 0L));
        assertThat(r.bottleneckService).isEqualTo("web");
        assertThat(r.bottleneckShare).isEqualTo(1.0);
    }

    @Test
    void anUntimedSpanIsNotOnThePathNorIsItsSubtree() {
        // a web |0-----100|; u (no timestamp, stand-in at 100) under a; c under u 20..80: neither
        // counts.
        CriticalPath.Result r =
                path(
                        tree().span("a", null, "web", "GET /", 0, 100)
                                .untimed("u", "a", "lost", 100)
                                .span("c", "u", "db", "q", 20, 80));

        assertThat(r.microsByService).containsExactly(entry("web", 100_000L));
        assertThat(path(tree().untimed("a", null, "web", 5))).as("untimed root").isNull();
    }
}
