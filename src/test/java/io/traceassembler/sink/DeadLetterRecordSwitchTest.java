package io.traceassembler.sink;

import io.traceassembler.config.PropertyGroups;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.model.DeadLetter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code DeadLetters.include.record}: true (the default) renders the record as base64 and text;
 * false renders reason, origin and size only, in the dead-letter stream's records and in replay's
 * {@code dead-letters/} lines (both go through {@link JsonLines#deadLetter(DeadLetter, boolean)}).
 */
class DeadLetterRecordSwitchTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET =
            "{\"trace_id\":\"t1\",\"tags\":{\"authorization\":\"Bearer s3cr3t-token\"}";

    private static DeadLetter deadLetter() {
        DeadLetter d = new DeadLetter();
        d.reason = "JSON is cut short";
        d.origin = "trace-spans";
        d.partition = "shardId-000000000000";
        d.position = "49650000000000000000000000000000000000000000000000000001";
        d.data = SECRET.getBytes(StandardCharsets.UTF_8);
        return d;
    }

    private static DeadLetterStreamSink.DeadLetterJson streamSchema(String... assignments) {
        PropertyGroups groups = PropertyGroups.empty();
        for (String a : assignments) {
            groups.set(a);
        }
        return new DeadLetterStreamSink.DeadLetterJson(
                TraceAssemblerConfig.from(groups).deadLetters.includeRecord);
    }

    @Test
    void byDefaultTheRecordIsIncluded() throws Exception {
        for (String line :
                new String[] {
                    JsonLines.deadLetter(deadLetter()),
                    JsonLines.deadLetter(deadLetter(), true),
                    new String(streamSchema().serialize(deadLetter()), StandardCharsets.UTF_8)
                }) {
            JsonNode node = JSON.readTree(line);
            assertThat(node.get("reason").asText()).isEqualTo("JSON is cut short");
            assertThat(node.get("origin").asText()).isEqualTo("trace-spans");
            assertThat(node.get("record_bytes").asInt()).isEqualTo(SECRET.length());
            assertThat(Base64.getDecoder().decode(node.get("record_base64").asText()))
                    .isEqualTo(SECRET.getBytes(StandardCharsets.UTF_8));
            assertThat(node.get("record_text").asText()).isEqualTo(SECRET);
        }
    }

    @Test
    void withIncludeRecordFalseOnlyReasonOriginAndSizeAreWritten() throws Exception {
        for (String line :
                new String[] {
                    JsonLines.deadLetter(deadLetter(), false),
                    new String(
                            streamSchema("DeadLetters.include.record=false")
                                    .serialize(deadLetter()),
                            StandardCharsets.UTF_8)
                }) {
            JsonNode node = JSON.readTree(line);
            assertThat(node.get("reason").asText()).isEqualTo("JSON is cut short");
            assertThat(node.get("origin").asText()).isEqualTo("trace-spans");
            assertThat(node.get("partition").asText()).isEqualTo("shardId-000000000000");
            assertThat(node.get("position").asText()).startsWith("4965");
            assertThat(node.get("record_bytes").asInt()).isEqualTo(SECRET.length());
            assertThat(node.has("record_base64")).isFalse();
            assertThat(node.has("record_text")).isFalse();
            assertThat(line)
                    .doesNotContain("s3cr3t")
                    .doesNotContain(
                            Base64.getEncoder()
                                    .encodeToString(SECRET.getBytes(StandardCharsets.UTF_8))
                                    .substring(0, 12));
        }
    }
}
