package io.traceassembler.generate;

/** The span encodings producers write to the stream (docs/contracts.md, section 1). */
public enum Encoding {
    /**
     * The seed's {@code Span} dataclass as JSON; times as Python {@code isoformat()} without zone.
     */
    NATIVE_SPAN,
    /**
     * The seed's {@code _send_span_to_kinesis} shape: {@code timestamp} (start) and {@code
     * duration_ms}.
     */
    NATIVE_KINESIS_RECORD,
    /**
     * OTLP {@code ExportTraceServiceRequest} protobuf, as the OpenTelemetry SDK's exporters write
     * it.
     */
    OTLP_PROTO,
    /** OTLP/JSON, as the OpenTelemetry SDK's exporters write it. */
    OTLP_JSON,
    /** A JSON array of Zipkin v2 spans, as Zipkin reporters write it. */
    ZIPKIN_JSON,
    /** {@code zipkin.proto3.ListOfSpans}, as Zipkin's {@code SpanBytesEncoder.PROTO3} writes it. */
    ZIPKIN_PROTO,
    /**
     * One {@code jaeger.api_v2.Span} with its {@code Process}, as the awskinesis exporter's {@code
     * jaeger_proto}.
     */
    JAEGER_PROTO;

    /** Whether a record of this encoding is binary protobuf rather than JSON text. */
    public boolean isProtobuf() {
        return this == OTLP_PROTO || this == ZIPKIN_PROTO || this == JAEGER_PROTO;
    }

    /** Whether this is a Zipkin v2 encoding, the only ones that carry B3 shared spans. */
    public boolean isZipkin() {
        return this == ZIPKIN_JSON || this == ZIPKIN_PROTO;
    }

    /**
     * Whether one record of this encoding can hold several spans (a Jaeger record holds exactly
     * one).
     */
    public boolean holdsSeveralSpans() {
        return this != JAEGER_PROTO;
    }
}
