package io.traceassembler.report;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rendered page of the hand-written replay output of {@link ReplayOutputFixtures}, every figure
 * worked out by hand from the fixture lines.
 */
class ReportPageTest {
    private static final Instant NOW = Instant.parse("2026-01-05T11:00:00Z");

    @TempDir Path dir;

    private Document render(int limit) throws Exception {
        ReportData data = ReportData.load(ReplayOutputFixtures.write(dir));
        return Jsoup.parse(ReportRenderer.render(new ReportPage(data, limit, NOW)));
    }

    @Test
    void theServiceMapDrawsEveryEdgeOnceLabelledWithItsTotalsFailingOnesRed() throws Exception {
        Document page = render(20);

        Elements edges = page.select("svg.service-map g.edge[data-edge]");
        assertThat(edges)
                .extracting(e -> e.attr("data-edge") + " " + e.attr("data-connection-type"))
                .containsExactly(
                        "checkout->kafka messaging",
                        "checkout->payments request",
                        "checkout->postgres database",
                        "frontend->checkout request");
        // frontend -> checkout: 10 + 30 requests, 0 + 3 failed: 3 / 40 = 7.5 %.
        Element failing = edges.get(3);
        assertThat(failing.hasClass("failing")).isTrue();
        assertThat(failing.attr("data-requests")).isEqualTo("40");
        assertThat(failing.attr("data-failed")).isEqualTo("3");
        assertThat(failing.selectFirst("path").attr("marker-end")).isEqualTo("url(#arrow-failing)");
        assertThat(failing.selectFirst("path").attr("d"))
                .matches("M[\\d.]+ [\\d.]+( L[\\d.]+ [\\d.]+)+");
        assertThat(label(page, "frontend->checkout")).isEqualTo("40 req \u00b7 7.5% err");
        assertThat(label(page, "checkout->postgres")).isEqualTo("20 req");
        assertThat(edges.stream().filter(e -> e.hasClass("failing")).count()).isEqualTo(1);

        assertThat(page.select("svg.service-map g.node"))
                .extracting(n -> n.attr("data-node") + " " + n.className())
                .containsExactlyInAnyOrder(
                        "checkout node service",
                        "frontend node service",
                        "payments node service",
                        "postgres node database",
                        "kafka node peer");
    }

    private static String label(Document page, String edge) {
        return page.selectFirst("g[data-edge-label=" + edge + "] text").text();
    }

    @Test
    void theTraceTablesListTheSlowestAndTheErrorTracesWithBottleneckAndRootCause()
            throws Exception {
        Document page = render(20);

        Elements slowest = page.select("[data-section=slowest-traces] tr[data-trace-id]");
        // 7200.5, 830.25, 120 and 95.5 ms; the in-progress file's t-hidden is not read.
        assertThat(slowest)
                .extracting(r -> r.attr("data-trace-id"))
                .containsExactly("t-slow", "t-err", "t-ok", "t-err2");
        assertThat(cells(slowest.get(0)))
                .containsExactly(
                        "t-slow",
                        "2026-01-05 10:00:10",
                        "7201 ms",
                        "12",
                        "3",
                        "0",
                        "frontend GET /checkout",
                        "payments 62.0% charge",
                        "",
                        "slow_trace");

        Elements errors = page.select("[data-section=error-traces] tr[data-trace-id]");
        // Most error spans first: t-err has 2, t-err2 1; t-slow and t-ok have none.
        assertThat(errors)
                .extracting(r -> r.attr("data-trace-id"))
                .containsExactly("t-err", "t-err2");
        assertThat(cells(errors.get(0)))
                .containsExactly(
                        "t-err",
                        "2026-01-05 10:01:05",
                        "830 ms",
                        "6",
                        "3",
                        "2",
                        "frontend GET /checkout",
                        "checkout 50.0% place-order",
                        "payments charge",
                        "trace_errors");
        assertThat(cells(errors.get(1)).subList(6, 9))
                .containsExactly("(no root span)", "", "checkout reserve");
    }

    @Test
    void theLimitCutsEachTraceTableAndSaysSo() throws Exception {
        Document page = render(2);

        assertThat(page.select("[data-section=slowest-traces] tr[data-trace-id]"))
                .extracting(r -> r.attr("data-trace-id"))
                .containsExactly("t-slow", "t-err");
        assertThat(page.selectFirst("[data-section=slowest-traces] h2 small").text())
                .isEqualTo("the first 2 of 4");
        assertThat(page.selectFirst("[data-section=error-traces] h2 small").text())
                .isEqualTo("all 2");
    }

    @Test
    void totalsAndTheSkippedLineAreShown() throws Exception {
        Document page = render(20);

        assertThat(
                        page.select("[data-section=totals] .facts li").stream()
                                .map(
                                        li ->
                                                li.select(".label").text()
                                                        + "="
                                                        + li.select(".value").text())
                                .collect(Collectors.toList()))
                .startsWith(
                        "traces=4",
                        "spans=25", // 12 + 6 + 4 + 3
                        "error traces=2",
                        "services=3",
                        "trace p50=120 ms", // nearest rank 2 of 95.5, 120, 830.25, 7200.5
                        "trace p99=7201 ms")
                .contains("slow_trace=1", "trace_errors=3");
        assertThat(page.selectFirst("[data-section=totals] .notes").text())
                .startsWith(
                        "traces/: 1 unreadable lines skipped (first: traces-1-0.jsonl line 2: ");
    }

    @Test
    void theInsightChartCountsPerMinute() throws Exception {
        Document page = render(20);

        // Minutes 10:00, 10:01, 10:02 at x 52, 498, 944 (892 px wide); y 210 is 0, 14 the axis top
        // 2.
        Elements series = page.select("svg.chart g.series");
        assertThat(series)
                .extracting(s -> s.attr("data-insight-type") + " " + s.attr("data-total"))
                .containsExactly("slow_trace 1", "trace_errors 3");
        assertThat(series.get(0).selectFirst("polyline").attr("points"))
                .isEqualTo("52.0,112.0 498.0,210.0 944.0,210.0");
        assertThat(series.get(1).selectFirst("polyline").attr("points"))
                .isEqualTo("52.0,210.0 498.0,14.0 944.0,112.0");
        assertThat(series.get(1).select("circle title"))
                .extracting(Element::text)
                .containsExactly(
                        "trace_errors: 2 at 2026-01-05 10:01 UTC",
                        "trace_errors: 1 at 2026-01-05 10:02 UTC");
    }

    @Test
    void spanRedPerServiceAddsUpTheMinutes() throws Exception {
        Document page = render(20);

        Elements rows = page.select("[data-section=span-red] tr[data-service]");
        assertThat(rows.stream().map(ReportPageTest::cells).map(c -> c.subList(0, 7)))
                .containsExactly(
                        // 10 + 30 + 5 calls, 3 errors: 6.7 %; p50 and p99 of the worst minute.
                        List.of("frontend", "45", "3", "6.7%", "60.0 ms", "300 ms", "310 ms"),
                        List.of("checkout", "38", "1", "2.6%", "90.0 ms", "180 ms", "190 ms"),
                        List.of("payments", "8", "2", "25.0%", "400 ms", "700 ms", "720 ms"));
        assertThat(rows.get(0).select(".op"))
                .extracting(Element::text)
                .containsExactly(
                        "GET /checkout: 40 calls, 7.5% errors, p99 300 ms",
                        "GET /: 5 calls, 0% errors, p99 20.0 ms");
    }

    @Test
    void thePageIsSelfContained() throws Exception {
        Document page = render(20);

        assertThat(page.select("script, link, img, iframe, object, embed")).isEmpty();
        assertThat(page.select("[src], [href]")).isEmpty();
        assertThat(page.select("style").html()).doesNotContain("url(", "@import");
        assertThat(page.select("[marker-end]"))
                .allSatisfy(e -> assertThat(e.attr("marker-end")).startsWith("url(#"));
    }

    @Test
    void valuesAreEscaped() throws Exception {
        ReplayOutputFixtures.write(
                dir.resolve("traces/traces-0-0.jsonl"),
                List.of(ReplayOutputFixtures.OK.replace("t-ok", "<img src=x onerror=alert(1)>")));

        Document page =
                Jsoup.parse(ReportRenderer.render(new ReportPage(ReportData.load(dir), 20, NOW)));

        assertThat(page.select("img")).isEmpty();
        assertThat(page.select("tr[data-trace-id]").attr("data-trace-id"))
                .isEqualTo("<img src=x onerror=alert(1)>");
        assertThat(page.selectFirst("[data-section=service-map] .empty").text())
                .startsWith("No service graph in this replay output: ");
    }

    private static List<String> cells(Element row) {
        return row.select("td").stream().map(Element::text).collect(Collectors.toList());
    }
}
