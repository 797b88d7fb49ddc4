package io.traceassembler.report;

import io.traceassembler.TraceAssemblerJob;
import io.traceassembler.generate.GenerateSpansCommand;
import io.traceassembler.testing.MiniClusters;

import org.apache.flink.test.junit5.MiniClusterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The report of a real replay, as a browser shows it: generates an archive with the span generator
 * (its default 13-service topology), replays it in-process, writes the report, and opens it in
 * headless Chromium. From Chromium's DOM: every edge of {@code service-graph/} is drawn, every
 * trace the tables should list is there; its screenshot is not blank. Without a Chromium the test
 * fails and says how to install one (it never skips).
 */
class ReportITCase {
    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.twoSlots();

    private static final List<String> BROWSERS =
            List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");
    private static final long BROWSER_TIMEOUT_SECONDS = 120;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    @Test
    void chromiumDrawsEveryEdgeAndEveryListedTrace() throws Exception {
        String chromium = chromium();
        Path archive = dir.resolve("archive");
        Path output = dir.resolve("replay");
        Path report = dir.resolve("report.html");
        // About five minutes of traffic, so the insight chart has several points per line.
        assertThat(
                        GenerateSpansCommand.run(
                                new String[] {
                                    "archive",
                                    "--output",
                                    archive.toString(),
                                    "--traces",
                                    "600",
                                    "--rate",
                                    "2"
                                },
                                System.out,
                                System.err))
                .isZero();
        TraceAssemblerJob.main(
                new String[] {
                    "replay",
                    "--input",
                    archive.toString(),
                    "--output",
                    output.toString(),
                    "--parallelism",
                    "2"
                });
        assertThat(
                        ReportCommand.run(
                                new String[] {
                                    "--input", output.toString(), "--output", report.toString()
                                },
                                System.out,
                                System.err))
                .isZero();

        Document dom = Jsoup.parse(dumpDom(chromium, report), report.toUri().toString());

        Set<List<String>> edges = new TreeSet<>(Comparator.comparing(List::toString));
        for (JsonNode line : lines(output.resolve("service-graph"))) {
            edges.add(
                    List.of(
                            line.get("client").asText(),
                            line.get("server").asText(),
                            line.get("connection_type").asText()));
        }
        assertThat(edges).as("the generator's topology has edges").hasSizeGreaterThan(10);
        List<Element> drawn = dom.select("svg.service-map g.edge[data-edge]");
        assertThat(drawn).hasSameSizeAs(edges);
        for (List<String> edge : edges) {
            String hook = edge.get(0) + "->" + edge.get(1);
            Element g =
                    drawn.stream()
                            .filter(e -> e.attr("data-edge").equals(hook))
                            .filter(e -> e.attr("data-connection-type").equals(edge.get(2)))
                            .findFirst()
                            .orElse(null);
            assertThat(g).as("edge %s drawn", edge).isNotNull();
            assertThat(g.selectFirst("path").attr("d"))
                    .as("edge %s routed", edge)
                    .matches("M[\\d.]+ [\\d.]+( L[\\d.]+ [\\d.]+)+");
            assertThat(dom.select("svg.service-map g.node[data-node]"))
                    .extracting(n -> n.attr("data-node"))
                    .contains(edge.get(0), edge.get(1));
        }

        List<JsonNode> traces = lines(output.resolve("traces"));
        List<String> slowest =
                traces.stream()
                        .sorted(
                                Comparator.comparingDouble(
                                                (JsonNode t) -> -t.get("duration_ms").asDouble())
                                        .thenComparing(t -> t.get("trace_id").asText()))
                        .limit(ReportPage.DEFAULT_LIMIT)
                        .map(t -> t.get("trace_id").asText())
                        .collect(Collectors.toList());
        Set<String> errorTraces =
                traces.stream()
                        .filter(t -> t.get("error_count").asLong() > 0)
                        .map(t -> t.get("trace_id").asText())
                        .collect(Collectors.toSet());
        assertThat(errorTraces).as("the default error ratio makes some").isNotEmpty();
        assertThat(rows(dom, "slowest-traces")).containsExactlyElementsOf(slowest);
        List<String> listedErrors = rows(dom, "error-traces");
        assertThat(listedErrors).hasSize(Math.min(ReportPage.DEFAULT_LIMIT, errorTraces.size()));
        assertThat(errorTraces).containsAll(listedErrors);
        for (Element row : dom.select("[data-section=error-traces] tr[data-trace-id]")) {
            JsonNode trace =
                    traces.stream()
                            .filter(
                                    t ->
                                            t.get("trace_id")
                                                    .asText()
                                                    .equals(row.attr("data-trace-id")))
                            .findFirst()
                            .orElseThrow();
            assertThat(row.text())
                    .as("the root cause of %s", row.attr("data-trace-id"))
                    .contains(trace.get("root_cause_service").asText());
        }

        assertThat(dom.select("svg.chart g.series polyline")).isNotEmpty();
        Set<String> services = new TreeSet<>();
        lines(output.resolve("span-metrics")).forEach(l -> services.add(l.get("service").asText()));
        assertThat(dom.select("[data-section=span-red] tr[data-service]"))
                .extracting(r -> r.attr("data-service"))
                .containsExactlyInAnyOrderElementsOf(services);

        Path screenshot = dir.resolve("report.png");
        screenshot(chromium, report, screenshot);
        BufferedImage image = ImageIO.read(screenshot.toFile());
        assertThat(image).as("a PNG at %s", screenshot).isNotNull();
        assertThat(image.getWidth()).isEqualTo(1400);
        assertThat(distinctColours(image))
                .as("colours in the screenshot (a blank page has one)")
                .isGreaterThan(200);
    }

    private static List<String> rows(Document dom, String section) {
        return dom.select("[data-section=" + section + "] tr[data-trace-id]").stream()
                .map(r -> r.attr("data-trace-id"))
                .collect(Collectors.toList());
    }

    private static int distinctColours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }

    private String dumpDom(String chromium, Path page) throws Exception {
        Path dom = dir.resolve("dom.html");
        runBrowser(chromium, dom, "--dump-dom", page.toUri().toString());
        return Files.readString(dom, StandardCharsets.UTF_8);
    }

    private void screenshot(String chromium, Path page, Path png) throws Exception {
        runBrowser(
                chromium,
                dir.resolve("screenshot.log"),
                "--screenshot=" + png,
                "--window-size=1400,1800",
                "--hide-scrollbars",
                page.toUri().toString());
        assertThat(png).as("Chromium wrote the screenshot").exists();
    }

    /** Runs headless Chromium with its own profile folder; standard output goes to {@code out}. */
    private void runBrowser(String chromium, Path out, String... args) throws Exception {
        Path log = dir.resolve("chromium-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>();
        command.add(chromium);
        command.add("--headless");
        command.add("--no-sandbox");
        command.add("--disable-gpu");
        command.add("--disable-dev-shm-usage");
        command.add("--no-first-run");
        command.add("--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
        command.addAll(List.of(args));
        Process process =
                new ProcessBuilder(command)
                        .redirectOutput(out.toFile())
                        .redirectError(log.toFile())
                        .start();
        if (!process.waitFor(BROWSER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(
                    "%s did not finish in %d s; its log:%n%s",
                    command, BROWSER_TIMEOUT_SECONDS, tail(log));
        }
        if (process.exitValue() != 0) {
            fail("%s exited with %d; its log:%n%s", command, process.exitValue(), tail(log));
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    /**
     * The browser: {@code CHROMIUM} if set, else the first of {@link #BROWSERS} on the {@code
     * PATH}.
     */
    private static String chromium() {
        String configured = System.getenv("CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            if (!new File(configured).canExecute()) {
                fail("CHROMIUM=%s is not an executable file", configured);
            }
            return configured;
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : BROWSERS) {
            for (String folder : path.split(File.pathSeparator)) {
                File candidate = new File(folder, name);
                if (candidate.isFile() && candidate.canExecute()) {
                    return candidate.getPath();
                }
            }
        }
        return fail(
                "ReportITCase needs headless Chromium and found none (looked for %s on the PATH, and"
                        + " the CHROMIUM environment variable). Install it: sudo apt-get install -y"
                        + " chromium (Debian and Ubuntu; .ci/run does this when it is missing), or set"
                        + " CHROMIUM to a Chromium or Chrome binary.",
                String.join(", ", BROWSERS));
    }

    private static List<JsonNode> lines(Path folder) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.sorted().collect(Collectors.toList())) {
                String name = file.getFileName().toString();
                if (name.startsWith(".") || name.startsWith("_")) {
                    continue;
                }
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    nodes.add(JSON.readTree(line));
                }
            }
        }
        assertThat(nodes).as("lines in %s", folder).isNotEmpty();
        return nodes;
    }
}
