package io.traceassembler.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Promise 2, end to end: a replay (STREAMING, as the live job assembles) in a forked JVM with
 * {@code -Xmx1g} of an archive with a 200,000-span trace (records of 1,000 spans), a flood of
 * 100,000 single-span records on one trace id, a trace that never goes quiet (a span every 2 s for
 * 40 minutes) and 500 ordinary traces exits 0; the huge and flooded traces come out {@code
 * truncated: true} with their full span counts, the never-ending one with every span, the ordinary
 * ones exact. The peak heap is read from the GC log. The replay is also run with {@code --set
 * DeadLetters.include.record=false}: its dead letter carries no record bytes.
 */
class BoundedMemoryITCase {
    static final long T0 = Instant.parse("2025-03-01T00:00:00Z").toEpochMilli();
    static final int HUGE_SPANS = 200_000;
    static final int FLOOD_SPANS = 100_000;
    static final int ENDLESS_SPANS = 1_200;
    static final int NORMAL_TRACES = 500;
    static final String HUGE = "00000000000000000000000000huge01";
    static final String FLOOD = "0000000000000000000000000flood01";
    static final String ENDLESS = "000000000000000000000000endless1";
    static final String SECRET = "not-json Bearer s3cr3t-token";
    static final Pattern GC_HEAP = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    @TempDir Path dir;

    @Test
    void hugeFloodedAndEndlessTracesReplayWithin1GiBOfHeap() throws Exception {
        Path input = dir.resolve("archive/spans.jsonl");
        Files.createDirectories(input.getParent());
        writeArchive(input);
        Path output = dir.resolve("out");
        Path gcLog = dir.resolve("gc.log");

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        command.add("-Xlog:gc:file=" + gcLog);
        // The project's JVM options file (java @argfile), as every script uses it.
        command.add(
                "@"
                        + System.getProperty(
                                "trace-assembler.jvm-args-file", "scripts/flink-jvm.args"));
        command.add("-Dtrace-assembler.exit=true");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.traceassembler.TraceAssemblerJob");
        command.addAll(
                List.of(
                        "replay",
                        "--input",
                        input.getParent().toString(),
                        "--output",
                        output.toString(),
                        "--streaming",
                        "--parallelism",
                        "2",
                        "--session-gap",
                        "10 s",
                        "--set",
                        "DeadLetters.include.record=false"));
        long started = System.nanoTime();
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("replay.log").toFile())
                        .start();
        boolean exited = process.waitFor(170, TimeUnit.SECONDS);
        if (!exited) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String log = Files.readString(dir.resolve("replay.log"));
        assertThat(exited).as("replay finished in time; log:\n%s", tail(log)).isTrue();
        assertThat(process.exitValue()).as("exit code; log:\n%s", tail(log)).isZero();
        double seconds = (System.nanoTime() - started) / 1e9;

        List<JsonNode> summaries = ReplayHarness.readLines(output.resolve("traces"));
        Map<String, JsonNode> last = ReplayHarness.lastRevisionById(summaries);
        assertThat(last).hasSize(NORMAL_TRACES + 3);
        JsonNode huge = last.get(HUGE);
        assertThat(huge.get("span_count").asInt()).isEqualTo(HUGE_SPANS);
        assertThat(huge.get("error_count").asInt()).isEqualTo(HUGE_SPANS / 100);
        assertThat(huge.get("service_count").asInt()).isEqualTo(5);
        assertThat(huge.get("truncated").asBoolean()).isTrue();
        assertThat(huge.get("root_service").asText()).isEqualTo("svc-0");
        JsonNode flood = last.get(FLOOD);
        assertThat(flood.get("span_count").asInt()).isEqualTo(FLOOD_SPANS);
        assertThat(flood.get("truncated").asBoolean()).isTrue();
        JsonNode endless = last.get(ENDLESS);
        assertThat(endless.get("span_count").asInt()).isEqualTo(ENDLESS_SPANS);
        assertThat(endless.get("truncated").asBoolean()).isFalse();
        // Replay reads far faster than event time passes: the watermark jumps over several
        // max.trace.duration
        // boundaries at once, so the number of revisions varies (HugeTracesTest pins them with
        // explicit watermarks).
        assertThat(endless.get("revision").asInt()).isPositive();
        assertThat(endless.get("duration_ms").asDouble())
                .isEqualTo((ENDLESS_SPANS - 1) * 2_000.0 + 10);
        for (int i = 0; i < NORMAL_TRACES; i++) {
            JsonNode normal = last.get(normalId(i));
            assertThat(normal.get("span_count").asInt()).as(normalId(i)).isEqualTo(3);
            assertThat(normal.get("truncated").asBoolean()).isFalse();
        }

        List<JsonNode> deadLetters = ReplayHarness.readLines(output.resolve("dead-letters"));
        assertThat(deadLetters).hasSize(1);
        assertThat(deadLetters.get(0).has("reason")).isTrue();
        assertThat(deadLetters.get(0).has("record_base64")).isFalse();
        assertThat(deadLetters.get(0).toString()).doesNotContain("s3cr3t");

        long peakMiB = 0;
        long committedMiB = 0;
        int collections = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC_HEAP.matcher(line);
            if (m.find()) {
                collections++;
                peakMiB = Math.max(peakMiB, Long.parseLong(m.group(1)));
                committedMiB = Math.max(committedMiB, Long.parseLong(m.group(3)));
            }
        }
        assertThat(collections).as("GC log lines").isPositive();
        assertThat(peakMiB).isLessThanOrEqualTo(1024);
        System.out.printf(
                Locale.ROOT,
                "[reliability] bounded memory: replay of %d spans (%.0f MB archive) with -Xmx1g exited"
                        + " 0 in %.1f s; peak heap before GC %d MiB, max committed %d MiB, %d collections%n",
                HUGE_SPANS + FLOOD_SPANS + ENDLESS_SPANS + 3 * NORMAL_TRACES,
                Files.size(input) / 1e6,
                seconds,
                peakMiB,
                committedMiB,
                collections);
    }

    private static String normalId(int i) {
        return String.format(Locale.ROOT, "%032x", 0xabc000000L + i);
    }

    /** Native JSON span records in event-time order (by end), one file. */
    private static void writeArchive(Path file) throws IOException {
        List<long[]> order = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        // The huge trace: a root and 199,999 children over 60 s, in records of 1,000 spans.
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < HUGE_SPANS; i++) {
            long start = T0 + 1_000 + i * 60_000L / HUGE_SPANS;
            if (batch.length() > 1) {
                batch.append(',');
            }
            batch.append(
                    span(
                            HUGE,
                            "h" + i,
                            i == 0 ? null : "h0",
                            "svc-" + (i % 5),
                            start,
                            start + 5,
                            i % 100 == 0 ? "error" : "ok"));
            if ((i + 1) % 1_000 == 0) {
                add(order, lines, start + 5, batch.append(']').toString());
                batch = new StringBuilder("[");
            }
        }
        // The flood: 100,000 single-span records on one trace id within 30 s.
        for (int i = 0; i < FLOOD_SPANS; i++) {
            long start = T0 + 2_000 + i * 30_000L / FLOOD_SPANS;
            add(
                    order,
                    lines,
                    start + 3,
                    span(FLOOD, "f" + i, i == 0 ? null : "f0", "flood", start, start + 3, "ok"));
        }
        // Never quiet: a span every 2 s for 40 minutes (max.trace.duration is 10 minutes).
        for (int i = 0; i < ENDLESS_SPANS; i++) {
            long start = T0 + i * 2_000L;
            add(
                    order,
                    lines,
                    start + 10,
                    span(
                            ENDLESS,
                            "e" + i,
                            i == 0 ? null : "e0",
                            "chatty",
                            start,
                            start + 10,
                            "ok"));
        }
        // Ordinary traces spread over the 40 minutes: root and two children.
        for (int i = 0; i < NORMAL_TRACES; i++) {
            long start = T0 + i * 4_700L;
            String id = normalId(i);
            add(
                    order,
                    lines,
                    start + 50,
                    span(id, id.substring(16) + "0", null, "api", start, start + 50, "ok"));
            add(
                    order,
                    lines,
                    start + 40,
                    span(
                            id,
                            id.substring(16) + "1",
                            id.substring(16) + "0",
                            "db",
                            start + 10,
                            start + 40,
                            "ok"));
            add(
                    order,
                    lines,
                    start + 30,
                    span(
                            id,
                            id.substring(16) + "2",
                            id.substring(16) + "0",
                            "cache",
                            start + 5,
                            start + 30,
                            "ok"));
        }
        add(order, lines, T0 + 600_000, SECRET);
        order.sort(Comparator.comparingLong((long[] o) -> o[0]).thenComparingLong(o -> o[1]));
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (long[] o : order) {
                out.write(lines.get((int) o[1]));
                out.write('\n');
            }
        }
    }

    private static void add(List<long[]> order, List<String> lines, long endMillis, String line) {
        order.add(new long[] {endMillis, lines.size()});
        lines.add(line);
    }

    private static String span(
            String traceId,
            String spanId,
            String parent,
            String service,
            long start,
            long end,
            String status) {
        return "{\"trace_id\":\""
                + traceId
                + "\",\"span_id\":\""
                + spanId
                + "\",\"parent_span_id\":"
                + (parent == null ? "null" : "\"" + parent + "\"")
                + ",\"operation_name\":\"op\",\"service_name\":\""
                + service
                + "\",\"span_kind\":\"server\",\"start_time\":"
                + start
                + ",\"end_time\":"
                + end
                + ",\"duration_ms\":"
                + (end - start)
                + ",\"status\":\""
                + status
                + "\"}";
    }

    private static String tail(String log) {
        return log.length() <= 6_000 ? log : log.substring(log.length() - 6_000);
    }
}
