package io.traceassembler.model;

/**
 * What a span carries besides its ids, the same in {@link Span} and in the assembler's form of it
 * ({@code io.traceassembler.assemble.AssemblySpan}): service and operation name, start and end
 * (epoch microseconds), the error flag, the span's kind, whether it is the server half of a Zipkin
 * shared span, and the three attributes the service graph needs (docs/contracts.md, section 3a):
 * {@code peer.service} (or Zipkin's {@code remoteEndpoint.serviceName}), {@code db.system} and
 * {@code messaging.system}, null when absent. No other tag or attribute is kept. Their serializers
 * ({@link SpanFieldsSerializer}) encode the names and times of both the same way; each form writes
 * its ids and its error flag its own way.
 */
public abstract class SpanFields {
    public String serviceName;
    public String operationName;
    public long startMicros;
    public long endMicros;
    public boolean error;
    public SpanKind kind = SpanKind.UNSPECIFIED;

    /** The server half of a Zipkin shared span (B3): same span id as its client half. */
    public boolean shared;

    /**
     * A Zipkin span that came without a timestamp (an incomplete span, or a shared half whose other
     * half carries the time): it counts, but takes no part in the trace's time bounds or its
     * critical path. Its start and end are a stand-in taken from the record's timed spans, for
     * event time only.
     */
    public boolean untimed;

    public String peerService;
    public String dbSystem;
    public String messagingSystem;

    /** Sets these fields to those of {@code from}. */
    public final void copyFieldsOf(SpanFields from) {
        serviceName = from.serviceName;
        operationName = from.operationName;
        startMicros = from.startMicros;
        endMicros = from.endMicros;
        error = from.error;
        kind = from.kind;
        shared = from.shared;
        untimed = from.untimed;
        peerService = from.peerService;
        dbSystem = from.dbSystem;
        messagingSystem = from.messagingSystem;
    }
}
