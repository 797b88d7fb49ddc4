package io.traceassembler.ingest.format;

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
}
