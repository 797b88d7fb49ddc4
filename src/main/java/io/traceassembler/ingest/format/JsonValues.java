package io.traceassembler.ingest.format;

import io.traceassembler.model.SpanKind;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * Small reads on a Jackson stream shared by the JSON readers; whatever is not wanted is skipped.
 */
final class JsonValues {
    private JsonValues() {}

    /**
     * Text of a scalar value (numbers as written); null for JSON null, objects and arrays
     * (skipped).
     */
    static String scalarText(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING
                || t == JsonToken.VALUE_NUMBER_INT
                || t == JsonToken.VALUE_NUMBER_FLOAT
                || t == JsonToken.VALUE_TRUE
                || t == JsonToken.VALUE_FALSE) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    /**
     * Reads one scalar field of an object value (for example {@code localEndpoint.serviceName}),
     * skipping the rest.
     */
    static String readStringField(JsonParser p, JsonToken t, String field) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        String value = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken valueToken = p.nextToken();
            if (field.equals(name)) {
                value = scalarText(p, valueToken);
            } else {
                p.skipChildren();
            }
        }
        return value;
    }

    /**
     * The string value of one field of an object value (for example OTLP's {@code
     * value.stringValue}), skipping the rest; null when absent or not a string.
     */
    static String readStringOnlyField(JsonParser p, JsonToken t, String field) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        String value = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken valueToken = p.nextToken();
            if (field.equals(name) && valueToken == JsonToken.VALUE_STRING) {
                value = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return value;
    }

    /**
     * A kind written as its name ({@code server}, {@code CLIENT}, ...; see {@link
     * SpanAttributes#kindOfName(CharSequence)}), matched in the parser's buffer without a string;
     * UNSPECIFIED for anything else.
     */
    static SpanKind kindName(JsonParser p, JsonToken t, CharArrayView chars) throws IOException {
        if (t != JsonToken.VALUE_STRING) {
            p.skipChildren();
            return SpanKind.UNSPECIFIED;
        }
        return SpanAttributes.kindOfName(
                chars.of(p.getTextCharacters()), p.getTextOffset(), p.getTextLength());
    }

    /**
     * OTLP/JSON's {@code kind}: the enum number (1 INTERNAL ... 5 CONSUMER) or its name ({@code
     * SPAN_KIND_SERVER}); UNSPECIFIED for 0, anything else or another type.
     */
    static SpanKind otlpKind(JsonParser p, JsonToken t, CharArrayView chars) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            JsonParser.NumberType type = p.getNumberType();
            return type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG
                    ? SpanAttributes.otlpKind(p.getLongValue())
                    : SpanKind.UNSPECIFIED;
        }
        if (t == JsonToken.VALUE_STRING) {
            return SpanAttributes.otlpKindName(
                    chars.of(p.getTextCharacters()), p.getTextOffset(), p.getTextLength());
        }
        p.skipChildren();
        return SpanKind.UNSPECIFIED;
    }

    /**
     * The {@code tags} object of a native or Zipkin span: whether it has Zipkin's {@code error} tag
     * (whatever its value) and the three kept attributes ({@link SpanAttributes}, string values
     * only); every other tag is skipped unread.
     */
    static void readTags(JsonParser p, JsonToken t, JsonSpanFields f) throws IOException {
        f.errorTag = false;
        f.clearAttributes();
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if ("error".equals(name)) {
                f.errorTag = true;
            }
            int key = SpanAttributes.keyOf(name);
            if (key != SpanAttributes.NONE && value == JsonToken.VALUE_STRING) {
                f.setAttribute(key, p.getText());
            } else {
                p.skipChildren();
            }
        }
    }
}
