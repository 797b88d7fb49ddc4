package io.traceassembler.model;

/**
 * A span's role in its call, as OpenTelemetry defines it (Zipkin and Jaeger map onto the same five
 * values). The analysis uses it for messaging edges and for the critical path (a consumer of a
 * producer does not block it).
 */
public enum SpanKind {
    UNSPECIFIED,
    INTERNAL,
    SERVER,
    CLIENT,
    PRODUCER,
    CONSUMER;

    private static final SpanKind[] VALUES = values();

    /** The kind of a compact code ({@link #ordinal()}), as state and the span tree store it. */
    public static SpanKind of(int code) {
        return code >= 0 && code < VALUES.length ? VALUES[code] : UNSPECIFIED;
    }
}
