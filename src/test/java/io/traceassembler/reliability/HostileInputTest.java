package io.traceassembler.reliability;

import io.traceassembler.ingest.DecodeSpans;
import io.traceassembler.ingest.SpanCollector;
import io.traceassembler.ingest.SpanDecoder;
import io.traceassembler.model.DeadLetter;
import io.traceassembler.model.RawRecord;
import io.traceassembler.model.Span;
import io.traceassembler.model.SpanFormat;
import io.traceassembler.reliability.HostileRecords.Hostile;

import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Promise 1 (bad input), decoder level: every hostile record from a fixed-seed corpus ends in the
 * dead letters with a reason, never throws, never yields a span, and stays within a bounded
 * allocation and time; good records decoded between hostile ones are unaffected (the decoder keeps
 * scratch state).
 */
class HostileInputTest {
    /**
     * Most bytes one hostile record may make the decoder allocate (a 10 MiB record may be inflated
     * once).
     */
    private static final long MAX_ALLOCATION_PER_RECORD = 96L << 20;

    @ParameterizedTest
    @EnumSource(value = SpanFormat.class)
    void everyHostileRecordIsRejectedWithAReasonInBoundedMemoryAndTime(SpanFormat format) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        SpanDecoder decoder = new SpanDecoder(format);
        List<Hostile> corpus = HostileRecords.corpus(200);
        byte[] good =
                io.traceassembler.generate.RecordEncoder.encode(
                        HostileRecords.spans("good", 4),
                        io.traceassembler.generate.Encoding.NATIVE_SPAN);
        long worstAllocation = 0;
        String worstAllocationKind = "";
        long worstNanos = 0;
        String worstTimeKind = "";
        int mutationsDecoded = 0;
        for (Hostile hostile : corpus) {
            Result result = new Result();
            long allocatedBefore = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            long started = System.nanoTime();
            decoder.decode(hostile.data, result); // must not throw, whatever the bytes
            long nanos = System.nanoTime() - started;
            long allocated =
                    threads.getThreadAllocatedBytes(Thread.currentThread().getId())
                            - allocatedBefore;
            if (allocated > worstAllocation) {
                worstAllocation = allocated;
                worstAllocationKind = hostile.kind;
            }
            if (nanos > worstNanos) {
                worstNanos = nanos;
                worstTimeKind = hostile.kind;
            }
            assertThat(allocated)
                    .as("%s allocation", hostile)
                    .isLessThan(MAX_ALLOCATION_PER_RECORD);
            assertThat(nanos).as("%s decode time", hostile).isLessThan(5_000_000_000L);
            if (hostile.expectedDeadLetters < 0) {
                // A random mutation may still be a valid record (a flipped byte inside a name); it
                // must
                // then decode cleanly, otherwise be rejected as a whole or per span.
                assertThat(result.spans.size() + result.reasons.size())
                        .as("%s", hostile)
                        .isPositive();
                mutationsDecoded += result.spans.isEmpty() ? 0 : 1;
            } else {
                assertThat(result.spans).as("%s spans", hostile).isEmpty();
                assertThat(result.reasons)
                        .as("%s dead letters", hostile)
                        .isNotEmpty()
                        .allSatisfy(r -> assertThat(r).isNotBlank().hasSizeLessThan(1_000));
                if (format == SpanFormat.AUTO) {
                    assertThat(result.reasons)
                            .as("%s dead letters", hostile)
                            .hasSize(hostile.expectedDeadLetters);
                }
            }
            // The decoder keeps scratch buffers between records: a good record right after is still
            // exact.
            if (format == SpanFormat.AUTO || format == SpanFormat.NATIVE_JSON) {
                Result after = new Result();
                decoder.decode(good, after);
                assertThat(after.reasons).as("good record after %s", hostile).isEmpty();
                assertThat(after.spans).as("good record after %s", hostile).hasSize(4);
            }
        }
        System.out.printf(
                "[reliability] %s: %d hostile records, worst allocation %.1f MiB (%s), worst time %d ms (%s), "
                        + "%d random mutations still decoded%n",
                format,
                corpus.size(),
                worstAllocation / 1048576.0,
                worstAllocationKind,
                worstNanos / 1_000_000,
                worstTimeKind,
                mutationsDecoded);
    }

    @Test
    void reasonsNameTheLimitThatWasHit() {
        SpanDecoder decoder = new SpanDecoder(SpanFormat.AUTO);
        for (Hostile hostile : HostileRecords.corpus(0)) {
            Result result = new Result();
            decoder.decode(hostile.data, result);
            System.out.printf(
                    "[reliability] %-45s -> %s%n",
                    hostile.kind,
                    result.reasons.isEmpty() ? "(none)" : abbreviate(result.reasons.get(0)));
            String reason = String.join(" | ", result.reasons);
            if (hostile.kind.contains("bomb")) {
                assertThat(reason)
                        .as(hostile.kind)
                        .contains("more than the limit of " + SpanDecoder.MAX_RECORD_BYTES);
            } else if (hostile.kind.contains("nested 100000 deep")) {
                assertThat(reason).as(hostile.kind).containsAnyOf("nesting depth", "limit");
            } else if (hostile.kind.equals("11 MiB record")) {
                assertThat(reason)
                        .as(hostile.kind)
                        .contains("more than the limit of " + SpanDecoder.MAX_RECORD_BYTES);
            } else if (hostile.kind.equals("5 MiB operation_name")) {
                assertThat(reason).as(hostile.kind).contains("String value length");
            } else if (hostile.kind.equals("100001 spans in one record")) {
                assertThat(reason)
                        .as(hostile.kind)
                        .contains("more than " + SpanDecoder.MAX_SPANS_PER_RECORD + " spans");
            } else if (hostile.kind.equals("300-char trace id")) {
                assertThat(reason)
                        .as(hostile.kind)
                        .contains("longer than " + SpanDecoder.MAX_ID_LENGTH);
            }
        }
    }

    /**
     * The Flink operator: hostile records go to the side output with their origin; the job does not
     * fail.
     */
    @Test
    void decodeSpansRoutesEveryHostileRecordToTheDeadLetterOutput() throws Exception {
        List<Hostile> corpus = HostileRecords.corpus(0);
        try (OneInputStreamOperatorTestHarness<RawRecord, Span> harness =
                new OneInputStreamOperatorTestHarness<>(
                        new ProcessOperator<>(new DecodeSpans(SpanFormat.AUTO)))) {
            harness.open();
            int expected = 0;
            byte[] good =
                    io.traceassembler.generate.RecordEncoder.encode(
                            HostileRecords.spans("good", 2),
                            io.traceassembler.generate.Encoding.OTLP_PROTO);
            for (int i = 0; i < corpus.size(); i++) {
                harness.processElement(
                        new StreamRecord<>(
                                new RawRecord(corpus.get(i).data, "fuzz", null, "line " + i)));
                harness.processElement(
                        new StreamRecord<>(new RawRecord(good, "fuzz", null, "good " + i)));
                expected += corpus.get(i).expectedDeadLetters;
            }
            ConcurrentLinkedQueue<StreamRecord<DeadLetter>> dead =
                    harness.getSideOutput(DecodeSpans.DEAD_LETTERS);
            assertThat(dead)
                    .hasSize(expected)
                    .allSatisfy(
                            r -> {
                                assertThat(r.getValue().reason).isNotBlank();
                                assertThat(r.getValue().position).startsWith("line ");
                                assertThat(r.getValue().data).isNotNull();
                            });
            assertThat(harness.extractOutputValues()).hasSize(2 * corpus.size());
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 140 ? s.substring(0, 140) + "..." : s;
    }

    private static final class Result implements SpanCollector {
        final List<Span> spans = new ArrayList<>();
        final List<String> reasons = new ArrayList<>();

        @Override
        public void collect(Span span) {
            spans.add(span);
        }

        @Override
        public void reject(String reason) {
            reasons.add(reason);
        }
    }
}
