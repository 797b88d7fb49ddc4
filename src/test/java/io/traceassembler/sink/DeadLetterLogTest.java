package io.traceassembler.sink;

import io.traceassembler.LiveSinks;
import io.traceassembler.model.DeadLetter;
import io.traceassembler.model.RawRecord;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterLogTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final List<String> lines = new ArrayList<>();
    private final DeadLetterLog.Writer writer =
            new DeadLetterLog.Writer(10_000, now::get, lines::add);

    @Test
    void logsTheFirstDeadLetterAtOnceThenAtMostOneLinePerInterval() {
        writer.write(deadLetter("not a span record", "42"), null);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0))
                .startsWith("1 dead letter(s) since the last report (1 in all)")
                .contains("{not a span record=1}")
                .contains("latest from spans shard shardId-000000000000 position 42");

        for (int i = 0; i < 1000; i++) {
            now.addAndGet(5);
            writer.write(
                    deadLetter(
                            i % 2 == 0 ? "invalid JSON" : "end before start", Integer.toString(i)),
                    null);
        }
        assertThat(lines).hasSize(1);

        now.addAndGet(5_000);
        writer.flush(false);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1))
                .startsWith("1000 dead letter(s) since the last report (1001 in all)")
                .contains("{end before start=500, invalid JSON=500}");

        writer.flush(false);
        assertThat(lines).as("nothing new, nothing logged").hasSize(2);
    }

    @Test
    void closeReportsWhatIsPending() throws Exception {
        writer.write(deadLetter("a", "1"), null);
        writer.write(deadLetter("a", "2"), null);
        writer.close();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).startsWith("1 dead letter(s)");
    }

    @Test
    void lateSpansBecomeDeadLettersWithTheSpanAsNativeJson() {
        io.traceassembler.model.Span span =
                new io.traceassembler.model.Span(
                        "t1",
                        "s1",
                        "p1",
                        "api",
                        "GET /",
                        1_767_225_600_000_123L,
                        1_767_225_600_250_000L,
                        true);
        DeadLetter deadLetter = new LiveSinks.LateSpanDeadLetter("spans").map(span);
        assertThat(deadLetter.reason).isEqualTo(LiveSinks.LATE_SPAN_REASON);
        assertThat(deadLetter.origin).isEqualTo("spans");
        assertThat(new String(deadLetter.data, java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(
                        "{\"trace_id\":\"t1\",\"span_id\":\"s1\",\"parent_span_id\":\"p1\",\"operation_name\":\"GET /\","
                                + "\"service_name\":\"api\",\"start_time\":\"2026-01-01T00:00:00.000123Z\","
                                + "\"end_time\":\"2026-01-01T00:00:00.250Z\",\"duration_ms\":249.877,\"status\":\"error\"}");
        assertThat(new DeadLetterStreamSink.SourcePositionKey().apply(deadLetter))
                .isNotEmpty()
                .hasSizeLessThan(257);

        // The record is a native span record again: it can be fed back in as it is.
        List<io.traceassembler.model.Span> decoded = new ArrayList<>();
        new io.traceassembler.ingest.SpanDecoder(io.traceassembler.model.SpanFormat.AUTO)
                .decode(
                        deadLetter.data,
                        new io.traceassembler.ingest.SpanCollector() {
                            @Override
                            public void collect(io.traceassembler.model.Span s) {
                                decoded.add(s);
                            }

                            @Override
                            public void reject(String reason) {
                                throw new AssertionError(reason);
                            }
                        });
        assertThat(decoded).containsExactly(span);
    }

    private static DeadLetter deadLetter(String reason, String sequenceNumber) {
        return new DeadLetter(
                reason,
                new RawRecord(new byte[] {1, 2}, "spans", "shardId-000000000000", sequenceNumber));
    }
}
