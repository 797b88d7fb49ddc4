package io.traceassembler.ingest.format;

import io.traceassembler.model.Span;

import com.fasterxml.jackson.core.JsonToken;

/**
 * OTLP/JSON ({@code otlp_json}): the {@code resourceSpans} array of a {@code TracesData} object,
 * with hex ids (normalised to lower case), times in nanoseconds as strings or numbers, {@code
 * status.code} 2 (or its enum name) for an error, the service from the resource's {@code
 * service.name}, wherever in the object the resource comes; {@code kind} as its number or enum
 * name; the span attributes {@code peer.service}, {@code db.system} and {@code messaging.system}
 * with a string value, no other attribute.
 */
final class OtlpJsonReader {
    private static final JsonFieldNames RESOURCE_SPANS_FIELDS =
            new JsonFieldNames(
                    "resource", "scopeSpans", "instrumentationLibrarySpans", "schemaUrl");

    // Fields skipped are named too, so that nextField predicts them rather than scans them.
    private static final JsonFieldNames ATTRIBUTES =
            new JsonFieldNames("attributes", "entityRefs", "droppedAttributesCount");
    private static final JsonFieldNames SPANS = new JsonFieldNames("spans", "scope", "schemaUrl");
    private static final JsonFieldNames KEY_VALUE = new JsonFieldNames("key", "value");
    private static final int KEY = 0;
    private static final int VALUE = 1;

    // The fields of a span, in the order of SPAN_FIELDS.
    private static final int TRACE_ID = 0;
    private static final int SPAN_ID = 1;
    private static final int PARENT_SPAN_ID = 2;
    private static final int NAME = 3;
    private static final int START = 4;
    private static final int END = 5;
    private static final int STATUS = 6;
    private static final int KIND = 7;
    private static final int SPAN_ATTRIBUTES = 8;
    private static final JsonFieldNames SPAN_FIELDS =
            new JsonFieldNames(
                    "traceId",
                    "spanId",
                    "parentSpanId",
                    "name",
                    "startTimeUnixNano",
                    "endTimeUnixNano",
                    "status",
                    "kind",
                    "attributes",
                    "events",
                    "links",
                    "flags",
                    "traceState",
                    "droppedAttributesCount",
                    "droppedEventsCount",
                    "droppedLinksCount");

    private OtlpJsonReader() {}

    /**
     * Reads the array value of {@code resourceSpans}; the parser stands on its {@code START_ARRAY}.
     */
    static void readResourceSpans(JsonTokenizer p, JsonSpanFields f, RecordSpans out)
            throws RecordRejected {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            // "resource" may come after "scopeSpans": name the service once the object is complete.
            int firstSpan = out.size();
            String service = null;
            int name;
            while ((name = p.nextField(RESOURCE_SPANS_FIELDS)) != JsonTokenizer.END_OF_OBJECT) {
                t = p.currentToken();
                if (name == 0 && t == JsonToken.START_OBJECT) {
                    service = readResourceServiceName(p);
                } else if ((name == 1 || name == 2) && t == JsonToken.START_ARRAY) {
                    readScopeSpans(p, f, out);
                } else {
                    p.skipChildren();
                }
            }
            String resolved = RecordSpans.orUnknown(service);
            for (int i = firstSpan; i < out.size(); i++) {
                out.get(i).serviceName = resolved;
            }
        }
    }

    private static String readResourceServiceName(JsonTokenizer p) throws RecordRejected {
        String service = null;
        int name;
        while ((name = p.nextField(ATTRIBUTES)) != JsonTokenizer.END_OF_OBJECT) {
            boolean attributes = name == 0;
            JsonToken t = p.currentToken();
            if (attributes && t == JsonToken.START_ARRAY) {
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        continue;
                    }
                    String key = null;
                    String stringValue = null;
                    int attributeField;
                    while ((attributeField = p.nextField(KEY_VALUE))
                            != JsonTokenizer.END_OF_OBJECT) {
                        t = p.currentToken();
                        if (attributeField == KEY) {
                            key = JsonValues.scalarText(p, t);
                        } else if (attributeField == VALUE) {
                            stringValue = JsonValues.readStringField(p, t, JsonValues.STRING_VALUE);
                        } else {
                            p.skipChildren();
                        }
                    }
                    if ("service.name".equals(key) && stringValue != null) {
                        service = stringValue;
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        return service;
    }

    private static void readScopeSpans(JsonTokenizer p, JsonSpanFields f, RecordSpans out)
            throws RecordRejected {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            int name;
            while ((name = p.nextField(SPANS)) != JsonTokenizer.END_OF_OBJECT) {
                boolean spans = name == 0;
                t = p.currentToken();
                if (spans && t == JsonToken.START_ARRAY) {
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        if (t == JsonToken.START_OBJECT) {
                            readSpan(p, f, out);
                        } else {
                            p.skipChildren();
                            out.reject(out.nextSpanNumber(), "is not a JSON object");
                        }
                    }
                } else {
                    p.skipChildren(); // scope, schemaUrl
                }
            }
        }
    }

    private static void readSpan(JsonTokenizer p, JsonSpanFields f, RecordSpans out)
            throws RecordRejected {
        f.reset();
        int name;
        while ((name = p.nextField(SPAN_FIELDS)) != JsonTokenizer.END_OF_OBJECT) {
            JsonToken t = p.currentToken();
            switch (name) {
                case TRACE_ID:
                    f.traceId = JsonValues.scalarText(p, t);
                    f.idsCased |= !p.textIsLowerCase();
                    break;
                case SPAN_ID:
                    f.spanId = JsonValues.scalarText(p, t);
                    f.idsCased |= !p.textIsLowerCase();
                    break;
                case PARENT_SPAN_ID:
                    f.parentSpanId = JsonValues.scalarText(p, t);
                    f.idsCased |= !p.textIsLowerCase();
                    break;
                case NAME:
                    f.operationName = JsonValues.repeatedScalarText(p, t);
                    break;
                case START:
                    f.start.read(p, t);
                    break;
                case END:
                    f.end.read(p, t);
                    break;
                case STATUS:
                    f.statusError = JsonValues.readStatusCodeError(p, t);
                    break;
                case KIND:
                    f.kind = JsonValues.otlpKind(p, t);
                    break;
                case SPAN_ATTRIBUTES:
                    readSpanAttributes(p, t, f);
                    break;
                default:
                    p.skipChildren(); // events, links, flags...
            }
        }
        int number = out.nextSpanNumber();
        if (!out.checkIds(
                number, f.traceId, f.spanId, f.parentSpanId, "traceId", "spanId", "parentSpanId")) {
            return;
        }
        if (!f.start.present()) {
            out.reject(number, "startTimeUnixNano is missing");
            return;
        }
        if (!f.end.present()) {
            out.reject(number, "endTimeUnixNano is missing");
            return;
        }
        long startNanos = f.start.toLong();
        long endNanos = f.end.toLong();
        if (startNanos == JsonTimeValue.INVALID) {
            out.reject(
                    number,
                    "startTimeUnixNano " + f.start.describe() + " is not a number of nanoseconds");
            return;
        }
        if (endNanos == JsonTimeValue.INVALID) {
            out.reject(
                    number,
                    "endTimeUnixNano " + f.end.describe() + " is not a number of nanoseconds");
            return;
        }
        long start = Math.floorDiv(startNanos, 1000L);
        long end = Math.floorDiv(endNanos, 1000L);
        if (!out.checkTimes(number, start, end, "startTimeUnixNano", "endTimeUnixNano")) {
            return;
        }
        Span span =
                new Span(
                        f.lowerId(f.traceId),
                        f.lowerId(f.spanId),
                        f.lowerParentId(),
                        null, // named from the enclosing resource
                        RecordSpans.orUnknown(f.operationName),
                        start,
                        end,
                        f.statusError);
        span.kind = f.kind;
        span.peerService = f.peerService;
        span.dbSystem = f.dbSystem;
        span.messagingSystem = f.messagingSystem;
        out.add(span);
    }

    /**
     * A span's {@code attributes} array of {@code {"key": ..., "value": {"stringValue": ...}}}:
     * keeps the three attributes of {@link SpanAttributes} with a string value. A value is read
     * only when its key is kept, or when it comes before its key.
     */
    private static void readSpanAttributes(JsonTokenizer p, JsonToken t, JsonSpanFields f)
            throws RecordRejected {
        f.clearAttributes();
        if (t != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            boolean keySeen = false;
            int key = SpanAttributes.NONE;
            String value = null;
            int field;
            while ((field = p.nextField(KEY_VALUE)) != JsonTokenizer.END_OF_OBJECT) {
                t = p.currentToken();
                if (field == KEY && t == JsonToken.VALUE_STRING) {
                    keySeen = true;
                    CharSequence text = p.textSequence();
                    key = SpanAttributes.keyOf(text, 0, text.length());
                } else if (field == VALUE && (!keySeen || key != SpanAttributes.NONE)) {
                    value = JsonValues.readStringOnlyField(p, t, JsonValues.STRING_VALUE);
                } else if (field == VALUE) {
                    JsonValues.skipFields(p, t, JsonValues.STRING_VALUE);
                } else {
                    p.skipChildren();
                }
            }
            if (key != SpanAttributes.NONE && value != null) {
                f.setAttribute(key, value);
            }
        }
    }
}
