package io.traceassembler.generate;

/** PLACEHOLDER (replaced by the ingest branch): record encodings. */
public enum Encoding {
    NATIVE_SPAN,
    NATIVE_KINESIS_RECORD,
    OTLP_PROTO,
    OTLP_JSON,
    ZIPKIN_JSON
}
