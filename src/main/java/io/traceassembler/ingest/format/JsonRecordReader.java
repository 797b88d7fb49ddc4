package io.traceassembler.ingest.format;

import io.traceassembler.model.SpanFormat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;

import java.io.IOException;

/**
 * One JSON record, of any JSON encoding: a span object or an array of them (native or Zipkin, told
 * apart per span by their keys unless the format is fixed), or an OTLP/JSON object with {@code
 * resourceSpans}. Streams through Jackson with the {@link DecodeLimits} on nesting, string and
 * document length; hands each span to {@link NativeJsonReader}, {@link ZipkinJsonReader} or {@link
 * OtlpJsonReader}.
 *
 * <p>Not thread-safe (reuses one scratch span): one per decoder.
 */
public final class JsonRecordReader {
    private final JsonFactory jsonFactory =
            JsonFactory.builder()
                    .streamReadConstraints(
                            StreamReadConstraints.builder()
                                    .maxNestingDepth(DecodeLimits.MAX_JSON_NESTING_DEPTH)
                                    .maxStringLength(DecodeLimits.MAX_JSON_STRING_LENGTH)
                                    .maxDocumentLength(DecodeLimits.MAX_RECORD_BYTES)
                                    .build())
                    // Python's json.dumps writes NaN/Infinity; reject such a span, not the whole
                    // record.
                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .build();
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
        try (JsonParser parser = jsonFactory.createParser(data, offset, length)) {
            JsonToken token = parser.nextToken();
            if (token == JsonToken.START_OBJECT) {
                readTopLevelObject(parser, format, out);
            } else if (token == JsonToken.START_ARRAY) {
                if (format == SpanFormat.OTLP_JSON) {
                    throw new RecordRejected(
                            "expected an OTLP JSON object with resourceSpans, found an array");
                }
                while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                    if (token == JsonToken.START_OBJECT) {
                        readSpanObject(parser, false, out);
                        finishSpan(format, out);
                    } else {
                        parser.skipChildren();
                        out.reject(out.nextSpanNumber(), "is not a JSON object");
                    }
                }
            } else {
                throw new RecordRejected("expected a JSON object or array, found " + token);
            }
            if (parser.nextToken() != null) {
                JsonLocation location = parser.currentLocation();
                throw new RecordRejected(
                        "unexpected data after the JSON value at line "
                                + location.getLineNr()
                                + " column "
                                + location.getColumnNr());
            }
        } catch (StreamConstraintsException e) {
            throw new RecordRejected("JSON exceeds a limit: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            String where =
                    location == null
                            ? ""
                            : " at line "
                                    + location.getLineNr()
                                    + " column "
                                    + location.getColumnNr();
            throw new RecordRejected("not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RecordRejected("not valid JSON: " + e.getMessage());
        }
    }

    /**
     * A top-level object is either an OTLP JSON envelope ({@code resourceSpans}) or a single
     * native/Zipkin span.
     */
    private void readTopLevelObject(JsonParser parser, SpanFormat format, RecordSpans out)
            throws IOException, RecordRejected {
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
    private boolean readSpanObject(JsonParser p, boolean allowResourceSpans, RecordSpans out)
            throws IOException, RecordRejected {
        JsonSpanFields f = fields;
        f.reset();
        boolean otlp = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "trace_id":
                    f.nativeKeys++;
                    f.traceId = JsonValues.scalarText(p, t);
                    break;
                case "traceId":
                    f.zipkinKeys++;
                    f.traceId = JsonValues.scalarText(p, t);
                    break;
                case "span_id":
                    f.nativeKeys++;
                    f.spanId = JsonValues.scalarText(p, t);
                    break;
                case "id":
                    f.zipkinKeys++;
                    f.spanId = JsonValues.scalarText(p, t);
                    break;
                case "parent_span_id":
                    f.nativeKeys++;
                    f.parentSpanId = JsonValues.scalarText(p, t);
                    break;
                case "parentId":
                    f.zipkinKeys++;
                    f.parentSpanId = JsonValues.scalarText(p, t);
                    break;
                case "operation_name":
                    f.nativeKeys++;
                    f.operationName = JsonValues.scalarText(p, t);
                    break;
                case "name":
                    f.zipkinKeys++;
                    f.operationName = JsonValues.scalarText(p, t);
                    break;
                case "service_name":
                    f.nativeKeys++;
                    f.serviceName = JsonValues.scalarText(p, t);
                    break;
                case "localEndpoint":
                    f.zipkinKeys++;
                    f.serviceName = JsonValues.readStringField(p, t, "serviceName");
                    break;
                case "remoteEndpoint":
                    f.remoteServiceName = JsonValues.readStringField(p, t, "serviceName");
                    break;
                case "span_kind":
                    f.kind = JsonValues.kindName(p, t, f.chars);
                    break;
                case "kind":
                    f.kind = JsonValues.kindName(p, t, f.chars);
                    break;
                case "shared":
                    f.shared = t == JsonToken.VALUE_TRUE;
                    p.skipChildren();
                    break;
                case "start_time":
                    f.nativeKeys++;
                    f.start.read(p, t);
                    break;
                case "end_time":
                    f.nativeKeys++;
                    f.end.read(p, t);
                    break;
                case "timestamp":
                    f.timestamp.read(p, t);
                    break;
                case "duration_ms":
                    f.nativeKeys++;
                    f.durationMs.read(p, t);
                    break;
                case "duration":
                    f.zipkinKeys++;
                    f.duration.read(p, t);
                    break;
                case "status":
                    f.status = JsonValues.scalarText(p, t);
                    break;
                case "tags":
                    JsonValues.readTags(p, t, f);
                    break;
                case "resourceSpans":
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
