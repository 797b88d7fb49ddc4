package io.traceassembler.reliability;

import io.traceassembler.assemble.AssemblerHarness;
import io.traceassembler.assemble.TraceAssembler;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.generate.Compression;
import io.traceassembler.generate.Encoding;
import io.traceassembler.generate.GeneratedSpan;
import io.traceassembler.generate.RecordEncoder;
import io.traceassembler.ingest.SpanCollector;
import io.traceassembler.ingest.SpanDecoder;
import io.traceassembler.model.Span;
import io.traceassembler.model.SpanFormat;
import io.traceassembler.model.TraceSummary;
import io.traceassembler.sink.TraceItems;

import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Promise 4 (data protection): tag values never reach a span, a summary, a DynamoDB item or a
 * replay line, whatever the encoding; and no access key or secret sits in the configuration files
 * in the repository.
 */
class DataProtectionTest {
    private static final String[][] SECRET_TAGS = {
        {"authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.SECRET-TOKEN-1"},
        {"http.request.header.authorization", "Basic U0VDUkVULVRPS0VOLTI="},
        {"user.email", "alice.secret@example.com"},
        {"db.statement", "SELECT * FROM users WHERE password='SECRET-PASSWORD-3'"},
    };

    static List<GeneratedSpan> spansWithSecrets() {
        List<GeneratedSpan> spans = HostileRecords.spans("secret-trace", 3);
        for (GeneratedSpan span : spans) {
            for (String[] tag : SECRET_TAGS) {
                span.tags.put(tag[0], tag[1]);
            }
        }
        return spans;
    }

    @ParameterizedTest
    @EnumSource(Encoding.class)
    void tagValuesAreNeverInSpansSummariesItemsOrReplayLines(Encoding encoding) throws Exception {
        List<GeneratedSpan> generated = spansWithSecrets();
        byte[] record;
        if (encoding.holdsSeveralSpans()) {
            record =
                    RecordEncoder.compress(
                            RecordEncoder.encode(generated, encoding), Compression.GZIP);
        } else { // one span per record (jaeger_proto): the three records KPL-aggregated
            List<byte[]> records = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            for (GeneratedSpan span : generated) {
                records.add(
                        RecordEncoder.compress(
                                RecordEncoder.encode(List.of(span), encoding), Compression.GZIP));
                keys.add(span.traceId);
            }
            record = RecordEncoder.kplAggregate(records, keys);
        }
        assertThat(
                        new String(
                                RecordEncoder.encode(generated.subList(0, 1), encoding),
                                StandardCharsets.ISO_8859_1))
                .as("the record really carries the secrets")
                .contains("alice.secret@example.com");

        List<Span> spans = new ArrayList<>();
        new SpanDecoder(SpanFormat.AUTO)
                .decode(
                        record,
                        new SpanCollector() {
                            @Override
                            public void collect(Span span) {
                                spans.add(span);
                            }

                            @Override
                            public void reject(String reason) {
                                throw new AssertionError(reason);
                            }
                        });
        assertThat(spans).hasSize(3);

        TraceAssemblerConfig config = TraceAssemblerConfig.defaults();
        List<TraceSummary> summaries;
        try (AssemblerHarness harness =
                new AssemblerHarness(
                        new KeyedProcessOperator<>(new TraceAssembler(config.traceAssembly)))) {
            harness.open();
            for (Span span : spans) {
                harness.processElement(span, span.endMicros / 1000);
            }
            harness.processWatermark(Long.MAX_VALUE);
            summaries = harness.extractOutputValues();
        }
        assertThat(summaries).hasSize(1);

        List<String> outputs = new ArrayList<>();
        spans.forEach(s -> outputs.add(s.toString()));
        summaries.forEach(
                s -> {
                    outputs.add(s.toString());
                    outputs.add(TraceItems.toItem(s, 30).toString());
                    outputs.add(TraceItems.toJsonLine(s, 30));
                });
        for (String output : outputs) {
            for (String[] tag : SECRET_TAGS) {
                assertThat(output).as(encoding + " output").doesNotContain(tag[1]);
            }
            assertThat(output).doesNotContainIgnoringCase("SECRET");
        }
    }

    /**
     * No AWS access key id or secret key in the configuration files that ship with the repository.
     */
    @Test
    void configurationFilesHoldNoCredentials() throws IOException {
        Pattern accessKey = Pattern.compile("(AKIA|ASIA)[0-9A-Z]{16}");
        Pattern secretKey =
                Pattern.compile("(?i)aws_secret_access_key|secret_?access_?key\\s*[=:]");
        List<Path> files = new ArrayList<>();
        for (String folder : List.of("flink-conf", "terraform", "scripts")) {
            Path root = Path.of(folder);
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(root)) {
                files.addAll(
                        walk.filter(Files::isRegularFile)
                                .filter(p -> !p.toString().contains(".terraform"))
                                .filter(
                                        p ->
                                                p.toString()
                                                                .matches(
                                                                        ".*\\.(json|ya?ml|properties|tfvars|example|tf|hcl|sh)$")
                                                        || p.getFileName()
                                                                .toString()
                                                                .equals("trace-assembler"))
                                .collect(Collectors.toList()));
            }
        }
        assertThat(files)
                .as("configuration files found")
                .isNotEmpty()
                .anyMatch(p -> p.toString().endsWith(".tfvars.example"))
                .anyMatch(
                        p ->
                                p.toString().startsWith("flink-conf")
                                        && p.toString().endsWith(".json"));
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.ISO_8859_1);
            assertThat(accessKey.matcher(text).find()).as("access key id in %s", file).isFalse();
            assertThat(secretKey.matcher(text).find())
                    .as("secret access key in %s", file)
                    .isFalse();
        }
    }
}
