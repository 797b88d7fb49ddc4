package io.traceassembler.query;

import io.traceassembler.sink.TraceItems;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A stored trace item as the replay output line ({@link TraceItems#toJsonLine}): the same field
 * names, in the same order, numbers as JSON numbers, string sets as sorted arrays, the critical
 * path as an object. Attributes the contract does not list come last, sorted by name.
 */
final class ItemJson {
    /** The order in which {@link TraceItems} writes the fields (docs/contracts.md, section 2). */
    static final List<String> FIELD_ORDER =
            List.of(
                    TraceItems.TRACE_ID,
                    TraceItems.START_TIME,
                    TraceItems.END_TIME,
                    TraceItems.START_EPOCH_MS,
                    TraceItems.END_EPOCH_MS,
                    TraceItems.DURATION_MS,
                    TraceItems.SPAN_COUNT,
                    TraceItems.SERVICE_COUNT,
                    TraceItems.ERROR_COUNT,
                    TraceItems.SERVICES,
                    TraceItems.ROOT_SERVICE,
                    TraceItems.ROOT_OPERATION,
                    TraceItems.INSIGHTS,
                    TraceItems.HAS_ROOT,
                    TraceItems.ORPHAN_SPAN_COUNT,
                    TraceItems.TRUNCATED,
                    TraceItems.REVISION,
                    TraceItems.EXPIRES_AT,
                    TraceItems.PRIMARY_INSIGHT,
                    TraceItems.ROOT_CAUSE_SERVICE,
                    TraceItems.ROOT_CAUSE_OPERATION,
                    TraceItems.ROOT_CAUSE_SPAN_ID,
                    TraceItems.CRITICAL_PATH,
                    TraceItems.BOTTLENECK_SERVICE,
                    TraceItems.BOTTLENECK_OPERATION,
                    TraceItems.BOTTLENECK_SHARE);

    private static final JsonFactory JSON =
            JsonFactory.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();

    private ItemJson() {}

    /** The item's attribute names: the contract's order first, then any others sorted. */
    static List<String> orderedNames(Map<String, AttributeValue> item) {
        List<String> names = new ArrayList<>();
        for (String name : FIELD_ORDER) {
            if (item.containsKey(name)) {
                names.add(name);
            }
        }
        for (String name : new TreeSet<>(item.keySet())) {
            if (!FIELD_ORDER.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    /** One JSON object, no trailing newline. */
    static String toJsonLine(Map<String, AttributeValue> item) {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            for (String name : orderedNames(item)) {
                json.writeFieldName(name);
                write(json, item.get(name));
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    private static void write(JsonGenerator json, AttributeValue value) throws IOException {
        switch (value.type()) {
            case S:
                json.writeString(value.s());
                break;
            case N:
                json.writeNumber(new BigDecimal(value.n()));
                break;
            case BOOL:
                json.writeBoolean(value.bool());
                break;
            case SS:
                json.writeStartArray();
                for (String s : new TreeSet<>(value.ss())) {
                    json.writeString(s);
                }
                json.writeEndArray();
                break;
            case NS:
                json.writeStartArray();
                for (String n : value.ns()) {
                    json.writeNumber(new BigDecimal(n));
                }
                json.writeEndArray();
                break;
            case L:
                json.writeStartArray();
                for (AttributeValue element : value.l()) {
                    write(json, element);
                }
                json.writeEndArray();
                break;
            case M:
                json.writeStartObject();
                for (Map.Entry<String, AttributeValue> e : new TreeMap<>(value.m()).entrySet()) {
                    json.writeFieldName(e.getKey());
                    write(json, e.getValue());
                }
                json.writeEndObject();
                break;
            case NUL:
                json.writeNull();
                break;
            default:
                json.writeString(String.valueOf(value));
        }
    }
}
