package io.traceassembler.model;

import java.util.Locale;

/** The span encodings of docs/contracts.md; {@link #AUTO} sniffs each record's bytes. */
public enum SpanFormat {
    AUTO,
    NATIVE_JSON,
    OTLP_PROTO,
    OTLP_JSON,
    ZIPKIN_JSON,
    /** {@code zipkin.proto3.ListOfSpans}: the awskinesis exporter's {@code zipkin_proto}. */
    ZIPKIN_PROTO,
    /**
     * One {@code jaeger.api_v2.Span} with its {@code Process}: the awskinesis exporter's {@code
     * jaeger_proto}.
     */
    JAEGER_PROTO;

    /**
     * Parses a configuration value such as {@code auto}, {@code otlp_proto} or {@code zipkin-json};
     * every {@code encoding.name} of the awskinesis exporter is accepted, {@code otlp} being {@code
     * otlp_proto}.
     */
    public static SpanFormat parse(String value) {
        String name = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        return "OTLP".equals(name) ? OTLP_PROTO : valueOf(name);
    }
}
