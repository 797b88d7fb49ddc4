package io.traceassembler.ingest.format;

import io.traceassembler.model.SpanFormat;

import com.fasterxml.jackson.core.JsonToken;

/**
 * One JSON record, of any JSON encoding: a span object or an array of them (native or Zipkin, told
 * apart per span by their keys unless the format is fixed), or an OTLP/JSON object with {@code
 * resourceSpans}. Streams through a {@link JsonTokenizer} (strict JSON, the {@link DecodeLimits} on
 * nesting, string and document length); hands each span to {@link NativeJsonReader}, {@link
 * ZipkinJsonReader} or {@link OtlpJsonReader}.
 *
 * <p>Not thread-safe (reuses one scratch span): one per decoder.
 */
public final class JsonRecordReader {
    // The keys of a native or Zipkin span (and resourceSpans), in the order of SPAN_FIELDS.
    private static final int TRACE_ID = 0;
    private static final int TRACE_ID_ZIPKIN = 1;
    private static final int SPAN_ID = 2;
    private static final int ID = 3;
    private static final int PARENT_SPAN_ID = 4;
    private static final int PARENT_ID = 5;
    private static final int OPERATION_NAME = 6;
    private static final int NAME = 7;
    private static final int SERVICE_NAME = 8;
    private static final int LOCAL_ENDPOINT = 9;
    private static final int REMOTE_ENDPOINT = 10;
    private static final int SPAN_KIND = 11;
    private static final int KIND = 12;
    private static final int SHARED = 13;
    private static final int START_TIME = 14;
    private static final int END_TIME = 15;
    private static final int TIMESTAMP = 16;
    private static final int DURATION_MS = 17;
    private static final int DURATION = 18;
    private static final int STATUS = 19;
    private static final int TAGS = 20;
    private static final int RESOURCE_SPANS = 21;
    private static final JsonFieldNames SPAN_FIELDS =
            new JsonFieldNames(
                    "trace_id",
                    "traceId",
                    "span_id",
                    "id",
                    "parent_span_id",
                    "parentId",
                    "operation_name",
                    "name",
                    "service_name",
                    "localEndpoint",
                    "remoteEndpoint",
                    "span_kind",
                    "kind",
                    "shared",
                    "start_time",
                    "end_time",
                    "timestamp",
                    "duration_ms",
                    "duration",
                    "status",
                    "tags",
                    "resourceSpans",
                    // skipped, but named so that nextField predicts them rather than scans them
                    "logs",
                    "baggage",
                    "annotations",
                    "debug");

    private final JsonTokenizer tokenizer = new JsonTokenizer();
    private final JsonSpanFields fields = new JsonSpanFields();

    /**
     * True when the first byte after white space (and a UTF-8 byte order mark) opens an object or
     * array.
     */
    public static boolean looksLikeJson(byte[] d, int off, int len) {
        int end = off + len;
        int i = off;
        if (len >= 3
                && (d[i] & 0xff) == 0xEF
                && (d[i + 1] & 0xff) == 0xBB
                && (d[i + 2] & 0xff) == 0xBF) {
            i += 3; // UTF-8 byte order mark
        }
        for (; i < end; i++) {
            byte b = d[i];
            if (b == '{' || b == '[') {
                return true;
            }
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return false;
    }

    /** Reads the record under {@code format} (AUTO or one of the JSON encodings). */
    public void read(byte[] data, int offset, int length, SpanFormat format, RecordSpans out)
            throws RecordRejected {
        JsonTokenizer p = tokenizer;
        p.reset(data, offset, length);
        JsonToken token = p.nextToken();
        if (token == JsonToken.START_OBJECT) {
            readTopLevelObject(p, format, out);
        } else if (token == JsonToken.START_ARRAY) {
            if (format == SpanFormat.OTLP_JSON) {
                throw new RecordRejected(
                        "expected an OTLP JSON object with resourceSpans, found an array");
            }
            while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
                if (token == JsonToken.START_OBJECT) {
                    readSpanObject(p, false, out);
                    finishSpan(format, out);
                } else {
                    p.skipChildren();
                    out.reject(out.nextSpanNumber(), "is not a JSON object");
                }
            }
        } else {
            throw new RecordRejected("expected a JSON object or array, found " + token);
        }
        p.nextToken(); // rejects data after the value
    }

    /**
     * A top-level object is either an OTLP JSON envelope ({@code resourceSpans}) or a single
     * native/Zipkin span.
     */
    private void readTopLevelObject(JsonTokenizer parser, SpanFormat format, RecordSpans out)
            throws RecordRejected {
        boolean otlp =
                readSpanObject(
                        parser, format == SpanFormat.AUTO || format == SpanFormat.OTLP_JSON, out);
        if (otlp) {
            return;
        }
        if (format == SpanFormat.OTLP_JSON) {
            throw new RecordRejected("OTLP JSON object has no resourceSpans");
        }
        finishSpan(format, out);
    }

    /**
     * Reads the fields of a native or Zipkin span object into {@link #fields}; returns true when
     * the object turned out to be an OTLP envelope whose spans were read instead.
     */
    private boolean readSpanObject(JsonTokenizer p, boolean allowResourceSpans, RecordSpans out)
            throws RecordRejected {
        JsonSpanFields f = fields;
        f.reset();
        boolean otlp = false;
        int name;
        while ((name = p.nextField(SPAN_FIELDS)) != JsonTokenizer.END_OF_OBJECT) {
            JsonToken t = p.currentToken();
            switch (name) {
                case TRACE_ID:
                    f.nativeKeys++;
                    f.traceId = JsonValues.scalarText(p, t);
                    f.idsCased = true; // unchecked: a native span keeps its ids as written
                    break;
                case TRACE_ID_ZIPKIN:
                    f.zipkinKeys++;
                    f.traceId = JsonValues.scalarText(p, t);
                    f.idsCased |= !p.textIsLowerCase();
                    break;
                case SPAN_ID:
                    f.nativeKeys++;
                    f.spanId = JsonValues.scalarText(p, t);
                    f.idsCased = true; // unchecked: a native span keeps its ids as written
                    break;
                case ID:
                    f.zipkinKeys++;
                    f.spanId = JsonValues.scalarText(p, t);
                    f.idsCased |= !p.textIsLowerCase();
                    break;
                case PARENT_SPAN_ID:
                    f.nativeKeys++;
                    f.parentSpanId = JsonValues.scalarText(p, t);
                    f.idsCased = true; // unchecked: a native span keeps its ids as written
                    break;
                case PARENT_ID:
                    f.zipkinKeys++;
                    f.parentSpanId = JsonValues.scalarText(p, t);
                    f.idsCased |= !p.textIsLowerCase();
                    break;
                case OPERATION_NAME:
                    f.nativeKeys++;
                    f.operationName = JsonValues.repeatedScalarText(p, t);
                    break;
                case NAME:
                    f.zipkinKeys++;
                    f.operationName = JsonValues.repeatedScalarText(p, t);
                    break;
                case SERVICE_NAME:
                    f.nativeKeys++;
                    f.serviceName = JsonValues.repeatedScalarText(p, t);
                    break;
                case LOCAL_ENDPOINT:
                    f.zipkinKeys++;
                    f.serviceName = JsonValues.readStringField(p, t, JsonValues.SERVICE_NAME);
                    break;
                case REMOTE_ENDPOINT:
                    f.remoteServiceName = JsonValues.readStringField(p, t, JsonValues.SERVICE_NAME);
                    break;
                case SPAN_KIND:
                case KIND:
                    f.kind = JsonValues.kindName(p, t);
                    break;
                case SHARED:
                    f.shared = t == JsonToken.VALUE_TRUE;
                    p.skipChildren();
                    break;
                case START_TIME:
                    f.nativeKeys++;
                    f.start.read(p, t);
                    break;
                case END_TIME:
                    f.nativeKeys++;
                    f.end.read(p, t);
                    break;
                case TIMESTAMP:
                    f.timestamp.read(p, t);
                    break;
                case DURATION_MS:
                    f.nativeKeys++;
                    f.durationMs.read(p, t);
                    break;
                case DURATION:
                    f.zipkinKeys++;
                    f.duration.read(p, t);
                    break;
                case STATUS:
                    f.statusError = JsonValues.scalarIs(p, t, "error");
                    break;
                case TAGS:
                    JsonValues.readTags(p, t, f);
                    break;
                case RESOURCE_SPANS:
                    if (allowResourceSpans && t == JsonToken.START_ARRAY) {
                        OtlpJsonReader.readResourceSpans(p, f, out);
                        otlp = true;
                    } else {
                        p.skipChildren();
                    }
                    break;
                default:
                    p.skipChildren(); // logs, baggage, annotations...: not needed downstream
            }
        }
        return otlp;
    }

    /**
     * Validates the span in {@link #fields} as native or Zipkin, by configured format or by its
     * keys.
     */
    private void finishSpan(SpanFormat format, RecordSpans out) throws RecordRejected {
        JsonSpanFields f = fields;
        int number = out.nextSpanNumber();
        boolean zipkin =
                format == SpanFormat.ZIPKIN_JSON
                        || (format != SpanFormat.NATIVE_JSON && f.zipkinKeys > f.nativeKeys);
        if (zipkin) {
            ZipkinJsonReader.finish(number, f, out);
        } else {
            NativeJsonReader.finish(number, f, out);
        }
    }
}
