package io.traceassembler.model;

import java.util.Locale;

/** The span encodings of docs/contracts.md; {@link #AUTO} sniffs each record's bytes. */
public enum SpanFormat {
    AUTO,
    NATIVE_JSON,
    OTLP_PROTO,
    OTLP_JSON,
    ZIPKIN_JSON;

    /** Parses a configuration value such as {@code auto}, {@code otlp_proto} or {@code zipkin-json}. */
    public static SpanFormat parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
