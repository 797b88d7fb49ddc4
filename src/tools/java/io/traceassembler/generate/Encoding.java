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
    ZIPKIN_JSON
}
