package io.traceassembler.model;

/**
 * What a span carries besides its ids, the same in {@link Span} and in the assembler's form of it
 * ({@code io.traceassembler.assemble.AssemblySpan}): service and operation name, start and end
 * (epoch microseconds) and the error flag. Their serializers ({@link SpanFieldsSerializer}) encode
 * the names and times of both the same way; each form writes its ids and its error flag its own
 * way.
 */
public abstract class SpanFields {
    public String serviceName;
    public String operationName;
    public long startMicros;
    public long endMicros;
    public boolean error;

    /** Sets these fields to those of {@code from}. */
    public final void copyFieldsOf(SpanFields from) {
        serviceName = from.serviceName;
        operationName = from.operationName;
        startMicros = from.startMicros;
        endMicros = from.endMicros;
        error = from.error;
    }
}
