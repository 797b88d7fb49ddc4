package io.traceassembler.reliability;

import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.generate.GeneratedSpan;
import io.traceassembler.generate.GeneratorOptions;
import io.traceassembler.generate.TraceGenerator;
import io.traceassembler.testing.ExpectedTrace;

import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shared by the reliability tests: the replay entry points, output reading and independent
 * expectations.
 */
final class ReplayHarness {
    /**
     * Dead letters of 16 MiB records hold base64 strings beyond Jackson's default 20 MB string
     * limit.
     */
    static final ObjectMapper MAPPER =
            new ObjectMapper(
                    com.fasterxml.jackson.core.JsonFactory.builder()
                            .streamReadConstraints(
                                    com.fasterxml.jackson.core.StreamReadConstraints.builder()
                                            .maxStringLength(Integer.MAX_VALUE)
                                            .build())
                            .build());

    private ReplayHarness() {}

    /**
     * {@code TraceAssemblerJob.execute(args)}: the CLI path, exit code (package-private, hence
     * reflection).
     */
    static int cli(String... args) throws Exception {
        Method execute =
                Class.forName("io.traceassembler.TraceAssemblerJob")
                        .getDeclaredMethod("execute", String[].class);
        execute.setAccessible(true);
        return (Integer) execute.invoke(null, (Object) args);
    }

    /** {@code ReplayCommand.build(env, config, inputs, output)}: the replay job graph. */
    static void buildReplay(
            StreamExecutionEnvironment env,
            TraceAssemblerConfig config,
            List<Path> inputs,
            Path output)
            throws Exception {
        Method build =
                Class.forName("io.traceassembler.ReplayCommand")
                        .getDeclaredMethod(
                                "build",
                                StreamExecutionEnvironment.class,
                                TraceAssemblerConfig.class,
                                List.class,
                                Path.class);
        build.setAccessible(true);
        try {
            build.invoke(null, env, config, inputs, output);
        } catch (InvocationTargetException e) {
            throw (Exception) e.getCause();
        }
    }

    static Map<String, List<GeneratedSpan>> tracesById(GeneratorOptions options) {
        Map<String, List<GeneratedSpan>> traces = new HashMap<>();
        new TraceGenerator(options).traces().forEachRemaining(t -> traces.put(t.get(0).traceId, t));
        return traces;
    }

    /** JSON lines of the committed part files of a folder (recursively). */
    static List<JsonNode> readLines(java.nio.file.Path folder) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        if (!Files.exists(folder)) {
            return nodes;
        }
        try (Stream<java.nio.file.Path> files = Files.walk(folder)) {
            for (java.nio.file.Path file :
                    files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                String name = file.getFileName().toString();
                if (name.startsWith(".") || name.startsWith("_")) {
                    continue;
                }
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    nodes.add(MAPPER.readTree(line));
                }
            }
        }
        return nodes;
    }

    /** Summaries by trace id, failing on a second summary of one trace. */
    static Map<String, JsonNode> uniqueById(List<JsonNode> summaries) {
        return summaries.stream()
                .collect(
                        Collectors.toMap(
                                n -> n.get("trace_id").asText(),
                                n -> n,
                                (a, b) -> {
                                    throw new AssertionError(
                                            "two summaries for trace " + a.get("trace_id"));
                                }));
    }

    /**
     * What the store holds after these writes in this order: per trace id the highest revision, and
     * of equal revisions the one written last (a job restored from a checkpoint re-emits a revision
     * it had already emitted before the failure, now with every span).
     */
    static Map<String, JsonNode> lastRevisionById(List<JsonNode> summaries) {
        Map<String, JsonNode> last = new HashMap<>();
        for (JsonNode n : summaries) {
            last.merge(
                    n.get("trace_id").asText(),
                    n,
                    (a, b) -> a.get("revision").asInt() > b.get("revision").asInt() ? a : b);
        }
        return last;
    }

    static byte[] deadLetterRecord(JsonNode deadLetter) {
        return Base64.getDecoder().decode(deadLetter.get("record_base64").asText());
    }

    /**
     * Compares a summary line with the contract's values computed from the generated spans alone.
     */
    static void assertSummary(JsonNode actual, List<GeneratedSpan> spans) {
        ExpectedTrace e = new ExpectedTrace(spans);
        String id = e.traceId;
        assertThat(actual).as("summary of %s", id).isNotNull();
        assertThat(actual.get("span_count").asInt()).as(id).isEqualTo(e.spanCount);
        assertThat(actual.get("error_count").asInt()).as(id).isEqualTo(e.errorCount);
        assertThat(actual.get("service_count").asInt()).as(id).isEqualTo(e.services.size());
        List<String> actualServices = new ArrayList<>();
        actual.get("services").forEach(v -> actualServices.add(v.asText()));
        assertThat(actualServices).as(id).containsExactlyElementsOf(e.services);
        assertThat(actual.get("start_epoch_ms").asLong()).as(id).isEqualTo(e.startEpochMillis());
        assertThat(actual.get("end_epoch_ms").asLong()).as(id).isEqualTo(e.endEpochMillis());
        assertThat(actual.get("duration_ms").decimalValue())
                .as(id)
                .isEqualByComparingTo(BigDecimal.valueOf(e.endMicros - e.startMicros, 3));
        assertThat(actual.get("has_root").asBoolean()).as(id).isTrue();
        assertThat(actual.get("root_service").asText()).as(id).isEqualTo(e.rootService);
        // The Zipkin library lower-cases span names.
        assertThat(actual.get("root_operation").asText())
                .as(id)
                .isEqualToIgnoringCase(e.rootOperation);
        assertThat(actual.get("orphan_span_count").asInt()).as(id).isZero();
        assertThat(actual.get("truncated").asBoolean()).as(id).isFalse();
    }
}
