package io.traceassembler.assemble;

import io.traceassembler.model.Span;
import io.traceassembler.model.TraceId;
import io.traceassembler.model.TraceSummary;

import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * Flink's keyed operator test harness for the assembler, keyed by {@link TraceId} as in the job,
 * that also takes decoded {@link Span}s (turned into {@link AssemblySpan}s as {@code
 * TracePipeline.assemble} does before the keyBy).
 */
public class AssemblerHarness
        extends KeyedOneInputStreamOperatorTestHarness<TraceId, AssemblySpan, TraceSummary> {

    public AssemblerHarness(OneInputStreamOperator<AssemblySpan, TraceSummary> operator)
            throws Exception {
        super(operator, span -> span.traceId, TraceId.TYPE);
    }

    public AssemblerHarness(
            OneInputStreamOperator<AssemblySpan, TraceSummary> operator,
            int maxParallelism,
            int numSubtasks,
            int subtaskIndex)
            throws Exception {
        super(
                operator,
                span -> span.traceId,
                TraceId.TYPE,
                maxParallelism,
                numSubtasks,
                subtaskIndex);
    }

    /** The plain operator of a {@link TraceAssembler} (write-through; no write-back). */
    public static AssemblerHarness of(TraceAssembler assembler) throws Exception {
        return new AssemblerHarness(new KeyedProcessOperator<>(assembler));
    }

    public void processElement(Span span, long timestamp) throws Exception {
        processElement(AssemblySpan.of(span), timestamp);
    }
}
