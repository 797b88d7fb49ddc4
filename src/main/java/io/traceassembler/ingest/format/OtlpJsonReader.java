package io.traceassembler.ingest.format;

import io.traceassembler.model.Span;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * OTLP/JSON ({@code otlp_json}): the {@code resourceSpans} array of a {@code TracesData} object,
 * with hex ids (normalised to lower case), times in nanoseconds as strings or numbers, {@code
 * status.code} 2 (or its enum name) for an error, the service from the resource's {@code
 * service.name}, wherever in the object the resource comes; {@code kind} as its number or enum
 * name; the span attributes {@code peer.service}, {@code db.system} and {@code messaging.system}
 * with a string value, no other attribute.
 */
final class OtlpJsonReader {
    private OtlpJsonReader() {}

    /**
     * Reads the array value of {@code resourceSpans}; the parser stands on its {@code START_ARRAY}.
     */
    static void readResourceSpans(JsonParser p, JsonSpanFields f, RecordSpans out)
            throws IOException, RecordRejected {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            // "resource" may come after "scopeSpans": name the service once the object is complete.
            int firstSpan = out.size();
            String service = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                t = p.nextToken();
                if ("resource".equals(name) && t == JsonToken.START_OBJECT) {
                    service = readResourceServiceName(p);
                } else if (("scopeSpans".equals(name) || "instrumentationLibrarySpans".equals(name))
                        && t == JsonToken.START_ARRAY) {
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

    private static String readResourceServiceName(JsonParser p) throws IOException {
        String service = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if ("attributes".equals(name) && t == JsonToken.START_ARRAY) {
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t != JsonToken.START_OBJECT) {
                        p.skipChildren();
                        continue;
                    }
                    String key = null;
                    String stringValue = null;
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String attributeField = p.currentName();
                        t = p.nextToken();
                        if ("key".equals(attributeField)) {
                            key = JsonValues.scalarText(p, t);
                        } else if ("value".equals(attributeField)) {
                            stringValue = JsonValues.readStringField(p, t, "stringValue");
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

    private static void readScopeSpans(JsonParser p, JsonSpanFields f, RecordSpans out)
            throws IOException, RecordRejected {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                t = p.nextToken();
                if ("spans".equals(name) && t == JsonToken.START_ARRAY) {
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

    private static void readSpan(JsonParser p, JsonSpanFields f, RecordSpans out)
            throws IOException, RecordRejected {
        f.reset();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "traceId":
                    f.traceId = JsonValues.scalarText(p, t);
                    break;
                case "spanId":
                    f.spanId = JsonValues.scalarText(p, t);
                    break;
                case "parentSpanId":
                    f.parentSpanId = JsonValues.scalarText(p, t);
                    break;
                case "name":
                    f.operationName = JsonValues.scalarText(p, t);
                    break;
                case "startTimeUnixNano":
                    f.start.read(p, t);
                    break;
                case "endTimeUnixNano":
                    f.end.read(p, t);
                    break;
                case "status":
                    f.status = JsonValues.readStringField(p, t, "code");
                    break;
                case "kind":
                    f.kind = JsonValues.otlpKind(p, t, f.chars);
                    break;
                case "attributes":
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
                        f.traceId.toLowerCase(java.util.Locale.ROOT),
                        f.spanId.toLowerCase(java.util.Locale.ROOT),
                        RecordSpans.lowerOrNull(f.parentSpanId),
                        null, // named from the enclosing resource
                        RecordSpans.orUnknown(f.operationName),
                        start,
                        end,
                        "2".equals(f.status) || "STATUS_CODE_ERROR".equals(f.status));
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
    private static void readSpanAttributes(JsonParser p, JsonToken t, JsonSpanFields f)
            throws IOException {
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
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                t = p.nextToken();
                if ("key".equals(field) && t == JsonToken.VALUE_STRING) {
                    keySeen = true;
                    key =
                            SpanAttributes.keyOf(
                                    f.chars.of(p.getTextCharacters()),
                                    p.getTextOffset(),
                                    p.getTextLength());
                } else if ("value".equals(field) && (!keySeen || key != SpanAttributes.NONE)) {
                    value = JsonValues.readStringOnlyField(p, t, "stringValue");
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
