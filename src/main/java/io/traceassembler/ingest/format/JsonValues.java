package io.traceassembler.ingest.format;

import io.traceassembler.model.SpanKind;

import com.fasterxml.jackson.core.JsonParser.NumberType;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Small reads on a {@link JsonTokenizer} shared by the JSON readers; whatever is not wanted is
 * skipped.
 */
final class JsonValues {
    /** {@code serviceName} of Zipkin's endpoints. */
    static final JsonFieldNames SERVICE_NAME = new JsonFieldNames("serviceName");

    /** {@code stringValue} of OTLP's {@code AnyValue}. */
    static final JsonFieldNames STRING_VALUE = new JsonFieldNames("stringValue");

    /** {@code code} of OTLP's {@code Status}. */
    static final JsonFieldNames CODE = new JsonFieldNames("code");

    /**
     * The tags a native or Zipkin span keeps: those of {@link SpanAttributes} (index + 1 is {@link
     * SpanAttributes#keyOf}), then Zipkin's {@code error}.
     */
    private static final JsonFieldNames TAG_KEYS =
            new JsonFieldNames("peer.service", "db.system", "messaging.system", "error");

    private static final int ERROR = 3;

    private JsonValues() {}

    /**
     * Text of a scalar value (numbers as written); null for JSON null, objects and arrays
     * (skipped).
     */
    static String scalarText(JsonTokenizer p, JsonToken t) throws RecordRejected {
        if (t == JsonToken.VALUE_STRING
                || t == JsonToken.VALUE_NUMBER_INT
                || t == JsonToken.VALUE_NUMBER_FLOAT
                || t == JsonToken.VALUE_TRUE
                || t == JsonToken.VALUE_FALSE) {
            return p.text();
        }
        p.skipChildren();
        return null;
    }

    /**
     * {@link #scalarText}, for values that repeat from span to span (names, tag values): a string
     * the tokenizer made before for the same bytes ({@link JsonTokenizer#repeatedText}).
     */
    static String repeatedScalarText(JsonTokenizer p, JsonToken t) throws RecordRejected {
        return t == JsonToken.VALUE_STRING ? p.repeatedText() : scalarText(p, t);
    }

    /**
     * Whether a scalar value reads {@code word} in any case (as {@code
     * word.equalsIgnoreCase(scalarText(...))}), compared in place; objects and arrays are skipped.
     */
    static boolean scalarIs(JsonTokenizer p, JsonToken t, String word) throws RecordRejected {
        if (t == JsonToken.VALUE_STRING
                || t == JsonToken.VALUE_NUMBER_INT
                || t == JsonToken.VALUE_NUMBER_FLOAT) {
            return p.textEquals(word, true);
        }
        if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
            return word.equalsIgnoreCase(t.asString());
        }
        p.skipChildren();
        return false;
    }

    /**
     * OTLP's {@code status} object: whether its (last) {@code code} is 2, as a number or text, or
     * {@code STATUS_CODE_ERROR}; everything else is skipped.
     */
    static boolean readStatusCodeError(JsonTokenizer p, JsonToken t) throws RecordRejected {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return false;
        }
        boolean error = false;
        int field;
        while ((field = p.nextField(CODE)) != JsonTokenizer.END_OF_OBJECT) {
            boolean code = field == 0;
            JsonToken value = p.currentToken();
            if (!code) {
                p.skipChildren();
            } else if (value == JsonToken.VALUE_STRING
                    || value == JsonToken.VALUE_NUMBER_INT
                    || value == JsonToken.VALUE_NUMBER_FLOAT) {
                error = p.textEquals("2", false) || p.textEquals("STATUS_CODE_ERROR", false);
            } else {
                error = false; // true, false, null, an object or array: not an error code
                p.skipChildren();
            }
        }
        return error;
    }

    /**
     * Reads one scalar field of an object value (for example {@code localEndpoint.serviceName}),
     * skipping the rest.
     */
    static String readStringField(JsonTokenizer p, JsonToken t, JsonFieldNames field)
            throws RecordRejected {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        String value = null;
        int name;
        while ((name = p.nextField(field)) != JsonTokenizer.END_OF_OBJECT) {
            boolean wanted = name == 0;
            JsonToken valueToken = p.currentToken();
            if (wanted) {
                value = repeatedScalarText(p, valueToken);
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
    static String readStringOnlyField(JsonTokenizer p, JsonToken t, JsonFieldNames field)
            throws RecordRejected {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        String value = null;
        int name;
        while ((name = p.nextField(field)) != JsonTokenizer.END_OF_OBJECT) {
            boolean wanted = name == 0;
            JsonToken valueToken = p.currentToken();
            if (wanted && valueToken == JsonToken.VALUE_STRING) {
                value = p.repeatedText();
            } else {
                p.skipChildren();
            }
        }
        return value;
    }

    /**
     * Skips a value; an object's fields are read by {@link JsonTokenizer#nextField} with {@code
     * names}, the names it usually holds, so that they are predicted rather than scanned (an OTLP
     * attribute's {@code value} of a key not kept).
     */
    static void skipFields(JsonTokenizer p, JsonToken t, JsonFieldNames names)
            throws RecordRejected {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextField(names) != JsonTokenizer.END_OF_OBJECT) {
            p.skipChildren();
        }
    }

    /**
     * A kind written as its name ({@code server}, {@code CLIENT}, ...; see {@link
     * SpanAttributes#kindOfName(CharSequence)}), matched in place without a string; UNSPECIFIED for
     * anything else.
     */
    static SpanKind kindName(JsonTokenizer p, JsonToken t) throws RecordRejected {
        if (t != JsonToken.VALUE_STRING) {
            p.skipChildren();
            return SpanKind.UNSPECIFIED;
        }
        return SpanAttributes.kindOfName(p.textSequence());
    }

    /**
     * OTLP/JSON's {@code kind}: the enum number (1 INTERNAL ... 5 CONSUMER) or its name ({@code
     * SPAN_KIND_SERVER}); UNSPECIFIED for 0, anything else or another type.
     */
    static SpanKind otlpKind(JsonTokenizer p, JsonToken t) throws RecordRejected {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            NumberType type = p.numberType();
            return type == NumberType.INT || type == NumberType.LONG
                    ? SpanAttributes.otlpKind(p.longValue())
                    : SpanKind.UNSPECIFIED;
        }
        if (t == JsonToken.VALUE_STRING) {
            CharSequence name = p.textSequence();
            return SpanAttributes.otlpKindName(name, 0, name.length());
        }
        p.skipChildren();
        return SpanKind.UNSPECIFIED;
    }

    /**
     * The {@code tags} object of a native or Zipkin span: whether it has Zipkin's {@code error} tag
     * (whatever its value) and the three kept attributes ({@link SpanAttributes}, string values
     * only); every other tag is skipped unread.
     */
    static void readTags(JsonTokenizer p, JsonToken t, JsonSpanFields f) throws RecordRejected {
        f.errorTag = false;
        f.clearAttributes();
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        int name;
        while ((name = p.nextField(TAG_KEYS)) != JsonTokenizer.END_OF_OBJECT) {
            if (name == ERROR) {
                f.errorTag = true;
            }
            int key = name == ERROR ? SpanAttributes.NONE : name + 1;
            JsonToken value = p.currentToken();
            if (key != SpanAttributes.NONE && value == JsonToken.VALUE_STRING) {
                f.setAttribute(key, p.repeatedText());
            } else {
                p.skipChildren();
            }
        }
    }
}
