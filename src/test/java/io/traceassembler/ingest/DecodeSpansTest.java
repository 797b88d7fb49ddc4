package io.traceassembler.ingest;

import io.traceassembler.generate.Compression;
import io.traceassembler.generate.Encoding;
import io.traceassembler.generate.GeneratedSpan;
import io.traceassembler.generate.RecordEncoder;
import io.traceassembler.model.DeadLetter;
import io.traceassembler.model.RawRecord;
import io.traceassembler.model.Span;
import io.traceassembler.model.SpanFormat;
import io.traceassembler.testing.ExpectedSpans;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class DecodeSpansTest {

    @Test
    void sendsSpansToTheMainOutputAndRejectsToDeadLetters() throws Exception {
        List<GeneratedSpan> spans = SpanDecoderTest.sampleSpans();
        byte[] good =
                RecordEncoder.compress(
                        RecordEncoder.encode(spans, Encoding.OTLP_PROTO), Compression.GZIP);
        byte[] garbage = "definitely not a span".getBytes(StandardCharsets.UTF_8);
        byte[] oneBadSpan =
                ("[{\"trace_id\": \"t\", \"span_id\": \"ok\", \"start_time\": \"2026-01-05T10:00:00\","
                                + " \"duration_ms\": 1.5}, {\"span_id\": \"orphan\"}]")
                        .getBytes(StandardCharsets.UTF_8);

        try (OneInputStreamOperatorTestHarness<RawRecord, Span> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(new DecodeSpans(SpanFormat.AUTO))) {
            harness.processElement(
                    new RawRecord(good, "trace-spans", "shardId-000000000000", "4961"), 10L);
            harness.processElement(
                    new RawRecord(garbage, "trace-spans", "shardId-000000000001", "4962"), 11L);
            harness.processElement(
                    new RawRecord(oneBadSpan, "archive/spans.jsonl", null, "7"), 12L);

            List<Span> decoded = harness.extractOutputValues();
            assertThat(decoded).hasSize(spans.size() + 1);
            assertThat(decoded.subList(0, spans.size()))
                    .containsExactlyInAnyOrderElementsOf(
                            ExpectedSpans.of(spans, Encoding.OTLP_PROTO));
            assertThat(decoded.get(spans.size()).spanId).isEqualTo("ok");
            assertThat(decoded.get(spans.size()).endMicros - decoded.get(spans.size()).startMicros)
                    .isEqualTo(1500);

            List<DeadLetter> deadLetters =
                    harness.getSideOutput(DecodeSpans.DEAD_LETTERS).stream()
                            .map(StreamRecord::getValue)
                            .collect(Collectors.toList());
            assertThat(deadLetters).hasSize(2);

            DeadLetter garbageLetter = deadLetters.get(0);
            assertThat(garbageLetter.reason).startsWith("neither JSON nor valid OTLP protobuf");
            assertThat(garbageLetter.origin).isEqualTo("trace-spans");
            assertThat(garbageLetter.partition).isEqualTo("shardId-000000000001");
            assertThat(garbageLetter.position).isEqualTo("4962");
            assertThat(garbageLetter.data).isEqualTo(garbage);

            DeadLetter spanLetter = deadLetters.get(1);
            assertThat(spanLetter.reason).isEqualTo("span 2: trace_id is missing");
            assertThat(spanLetter.origin).isEqualTo("archive/spans.jsonl");
            assertThat(spanLetter.partition).isNull();
            assertThat(spanLetter.position).isEqualTo("7");
            assertThat(spanLetter.data).isEqualTo(oneBadSpan);
        }
    }

    @Test
    void recordWithoutDataIsADeadLetter() throws Exception {
        try (OneInputStreamOperatorTestHarness<RawRecord, Span> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new DecodeSpans(SpanFormat.NATIVE_JSON))) {
            harness.processElement(new RawRecord(null, "s", "p", "1"), 1L);
            assertThat(harness.extractOutputValues()).isEmpty();
            assertThat(harness.getSideOutput(DecodeSpans.DEAD_LETTERS))
                    .singleElement()
                    .satisfies(
                            r -> assertThat(r.getValue().reason).isEqualTo("record has no data"));
        }
    }
}
