package io.traceassembler.ingest;

import io.traceassembler.generate.Compression;
import io.traceassembler.generate.Encoding;
import io.traceassembler.generate.TrafficShaper;
import io.traceassembler.model.Span;
import io.traceassembler.model.SpanFormat;
import io.traceassembler.model.SpanKind;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SpanDecoder} (format auto) on JSON records against a reference that parses the same bytes
 * with Jackson's tree ({@code ObjectMapper.readTree}, configured with the decoder's limits) and
 * maps the tree to spans and reject reasons as docs/contracts.md describes the native, Zipkin and
 * OTLP JSON encodings: the same spans, field for field, and the same per-span reject reasons, on
 * the generator's records of the three JSON encodings, on arrays of native spans, and on mutations
 * of them (truncations, byte flips, insertions, deletions, escaped characters, keys of the other
 * encoding, and time, id, kind and status values of every form). Where Jackson rejects the bytes,
 * or they are not well-formed UTF-8, the decoder must reject the whole record with a JSON reason.
 * Documents with duplicate keys (a tree keeps one of them, a stream reader sees both) and numbers
 * where an id or name is read as text (a tree does not keep the number as written) are left out,
 * and counted.
 */
class JsonDecoderDifferentialTest {
    private static final ObjectMapper JACKSON =
            JsonMapper.builder(
                            JsonFactory.builder()
                                    .streamReadConstraints(
                                            StreamReadConstraints.builder()
                                                    .maxNestingDepth(
                                                            SpanDecoder.MAX_JSON_NESTING_DEPTH)
                                                    .maxStringLength(
                                                            SpanDecoder.MAX_JSON_STRING_LENGTH)
                                                    .maxDocumentLength(SpanDecoder.MAX_RECORD_BYTES)
                                                    .build())
                                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                                    .build())
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .build();

    private static final long MAX_MICROS =
            LocalDate.of(2500, 1, 1).toEpochDay() * 86_400L * 1_000_000L;

    private static final Pattern ISO =
            Pattern.compile(
                    "(\\d{4})-(\\d{2})-(\\d{2})[Tt ](\\d{2}):(\\d{2})"
                            + "(?::(\\d{2})(?:[.,](\\d+))?)?"
                            + "(?:([Zz])|([+-])(\\d{2})(?::?(\\d{2}))?)?");

    private final Random random = new Random(1414);
    private final Map<SpanFormat, SpanDecoder> decoders = new EnumMap<>(SpanFormat.class);
    private int compared;
    private int rejectedRecords;
    private int withSpanRejects;
    private int leftOut;

    // ---------------------------------------------------------------- the comparison

    /** A decode's outcome: spans and reasons. */
    private static final class Outcome implements SpanCollector {
        final List<Span> spans = new ArrayList<>();
        final List<String> rejects = new ArrayList<>();

        @Override
        public void collect(Span span) {
            spans.add(span);
        }

        @Override
        public void reject(String reason) {
            rejects.add(reason);
        }
    }

    /** Thrown by the reference where it cannot tell the outcome from the tree. */
    private static final class LeftOut extends RuntimeException {
        LeftOut(String why) {
            super(why, null, false, false);
        }
    }

    private void assertSame(byte[] doc) {
        assertSame(doc, SpanFormat.AUTO);
    }

    /** The decoder with {@code format} (AUTO or a JSON encoding) against the reference. */
    private void assertSame(byte[] doc, SpanFormat format) {
        if (doc.length == 0 || (doc[0] != '{' && doc[0] != '[')) {
            return; // not sniffed as JSON: the decoder tries protobuf and compression instead
        }
        Outcome actual = new Outcome();
        decoders.computeIfAbsent(format, SpanDecoder::new).decode(doc, actual);
        if (format == SpanFormat.OTLP_JSON && doc[0] == '[') {
            // told at the first byte, before the rest is read (valid JSON or not)
            assertThat(actual.spans).isEmpty();
            assertThat(actual.rejects)
                    .containsExactly(
                            "expected an OTLP JSON object with resourceSpans, found an array");
            compared++;
            return;
        }
        String shown = new String(doc, StandardCharsets.UTF_8);
        if (shown.length() > 400) {
            shown = shown.substring(0, 400) + "...";
        }
        JsonNode tree;
        try {
            tree = JACKSON.readTree(doc);
        } catch (IOException e) {
            if (e.getMessage().startsWith("Duplicate field")) {
                leftOut++;
                return;
            }
            assertRecordRejected(actual, shown, "Jackson: " + e.getMessage());
            return;
        }
        if (!isUtf8(doc)) {
            assertRecordRejected(actual, shown, "malformed UTF-8");
            return;
        }
        Outcome expected = new Outcome();
        try {
            new Reference(expected, format).read(tree);
        } catch (LeftOut e) {
            leftOut++;
            return;
        }
        if (expected.spans.isEmpty() && expected.rejects.isEmpty()) {
            expected.rejects.add("record holds no spans");
        }
        assertThat(actual.rejects).as("reasons for %s", shown).isEqualTo(expected.rejects);
        assertThat(describe(actual.spans))
                .as("spans of %s", shown)
                .isEqualTo(describe(expected.spans));
        assertThat(actual.spans).isEqualTo(expected.spans);
        compared++;
        if (!expected.rejects.isEmpty()) {
            withSpanRejects++;
        }
    }

    private void assertRecordRejected(Outcome actual, String shown, String why) {
        assertThat(actual.spans).as("spans of %s (%s)", shown, why).isEmpty();
        assertThat(actual.rejects).as("reasons for %s (%s)", shown, why).hasSize(1);
        assertThat(actual.rejects.get(0))
                .as("reason for %s (%s)", shown, why)
                .matches(
                        "(not valid JSON at line \\d+ column \\d+: |JSON exceeds a limit: "
                                + "|unexpected data after the JSON value at ).*");
        rejectedRecords++;
    }

    private static boolean isUtf8(byte[] doc) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(doc));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static List<String> describe(List<Span> spans) {
        List<String> shown = new ArrayList<>();
        for (Span s : spans) {
            shown.add(
                    String.join(
                            " ",
                            s.traceId,
                            s.spanId,
                            String.valueOf(s.parentSpanId),
                            s.serviceName,
                            s.operationName,
                            s.startMicros + ".." + s.endMicros,
                            "error=" + s.error,
                            String.valueOf(s.kind),
                            "shared=" + s.shared,
                            "untimed=" + s.untimed,
                            String.valueOf(s.peerService),
                            String.valueOf(s.dbSystem),
                            String.valueOf(s.messagingSystem)));
        }
        return shown;
    }

    // ---------------------------------------------------------------- the tests

    @Test
    void sameSpansAndReasonsOnTheGeneratorsRecordsAndTheirMutations() {
        for (Encoding encoding :
                new Encoding[] {
                    Encoding.NATIVE_SPAN, Encoding.NATIVE_KINESIS_RECORD, Encoding.OTLP_JSON
                }) {
            List<byte[]> records = records(encoding);
            assertThat(records).hasSizeGreaterThan(20);
            for (byte[] record : records) {
                assertSame(record);
            }
            for (int i = 0; i < 4000; i++) {
                byte[] record = records.get(random.nextInt(records.size()));
                assertSame(mutate(record));
            }
        }
        assertThat(compared).isGreaterThan(5000);
        assertThat(withSpanRejects).isGreaterThan(1000);
        assertThat(rejectedRecords).isGreaterThan(1000);
        assertThat(leftOut).isLessThan(compared / 10);
    }

    @Test
    void sameSpansAndReasonsOnArraysOfNativeSpansAndZipkinRecords() {
        List<byte[]> natives = records(Encoding.NATIVE_SPAN);
        List<byte[]> zipkin = records(Encoding.ZIPKIN_JSON);
        for (int i = 0; i < 2000; i++) {
            StringBuilder array = new StringBuilder("[");
            int n = 1 + random.nextInt(4);
            for (int k = 0; k < n; k++) {
                if (k > 0) {
                    array.append(random.nextInt(5) == 0 ? ", " : ",");
                }
                array.append(
                        random.nextInt(10) == 0
                                ? "1"
                                : new String(
                                        natives.get(random.nextInt(natives.size())),
                                        StandardCharsets.UTF_8));
            }
            byte[] doc = array.append(']').toString().getBytes(StandardCharsets.UTF_8);
            assertSame(doc);
            assertSame(mutate(doc));
            assertSame(mutate(zipkin.get(random.nextInt(zipkin.size()))));
        }
        assertThat(compared).isGreaterThan(3000);
    }

    /**
     * A fixed format reads every record as that encoding: a native span set to Zipkin (or the other
     * way round) is read by the other's rules, an OTLP envelope set to native or Zipkin is a span
     * object with none of their keys, and OTLP JSON takes only an object with resourceSpans.
     */
    @Test
    void fixedFormatsReadEveryRecordAsTheirEncoding() {
        SpanFormat[] fixed = {SpanFormat.NATIVE_JSON, SpanFormat.ZIPKIN_JSON, SpanFormat.OTLP_JSON};
        for (Encoding encoding :
                new Encoding[] {
                    Encoding.NATIVE_SPAN,
                    Encoding.NATIVE_KINESIS_RECORD,
                    Encoding.OTLP_JSON,
                    Encoding.ZIPKIN_JSON
                }) {
            List<byte[]> records = records(encoding);
            for (int i = 0; i < 600; i++) {
                byte[] record = records.get(random.nextInt(records.size()));
                byte[] doc = random.nextBoolean() ? record : mutate(record);
                for (SpanFormat format : fixed) {
                    assertSame(doc, format);
                }
            }
        }
        assertThat(compared).isGreaterThan(5000);
        assertThat(withSpanRejects).isGreaterThan(1000);
        assertThat(leftOut).isLessThan(compared / 10);
    }

    /** The generator's records of one encoding, as DecoderBenchmark builds them (uncompressed). */
    private static List<byte[]> records(Encoding encoding) {
        List<byte[]> records = new ArrayList<>();
        TrafficShaper.recordsOf(encoding, Compression.NONE, 200, 6, 5)
                .forEach(record -> records.add(record.data));
        return records;
    }

    // ---------------------------------------------------------------- mutations

    private static final byte[] INTERESTING =
            "\"\\{}[],:0-+.eE uINaf\t\n".getBytes(StandardCharsets.ISO_8859_1);

    private static final String[] VALUES = {
        "0",
        "-0",
        "1",
        "-1",
        "1.5",
        "1.356",
        "4.734999999999999",
        "0.07100000000000001",
        "1e3",
        "1E-3",
        "2.5e-3",
        "0.1e1",
        "1735689600002",
        "1735689600002.5",
        "1735689600002102",
        "1735689600002102000",
        "17356896000021020000",
        "9223372036854775807",
        "9223372036854775808",
        "-9223372036854775808",
        "18446744073709551615",
        "18446744073709551616",
        "123456789012345678901234567890",
        "1e400",
        "-1e400",
        "NaN",
        "Infinity",
        "-Infinity",
        "2",
        "2.0",
        "3",
        "5",
        "6",
        "\"2025-01-01T00:00:00.002102\"",
        "\"2025-01-01T00:00:00Z\"",
        "\"2025-01-01 00:00:00,5+02:00\"",
        "\"2025-01-01T00:00:00.1234567-0130\"",
        "\"2025-01-01T01:00+01\"",
        "\"2025-02-29T00:00:00\"",
        "\"2024-02-29T23:59:59.999999z\"",
        "\"2025-13-01T00:00\"",
        "\"2025-01-01T24:00\"",
        "\"2025-01-01T00:00:00.\"",
        "\"2025-01-01T00:00:00+19:00\"",
        "\"1969-12-31T23:59:59\"",
        "\"2500-01-01T00:00:00\"",
        "\"9999-12-31T23:59:59\"",
        "\"0000-01-01T00:00\"",
        "\"2025-01-01T00:00:00.\\u0032\"",
        "\"2025-01-01T00:00:00.\u0663\"",
        "\"1735689600002\"",
        "\"1735689600002.5\"",
        "\" 17 \"",
        "\"0x1p3\"",
        "\"1735689600002102000\"",
        "\"01735689600002102000\"",
        "\"-5\"",
        "\"18446744073709551615\"",
        "\"99999999999999999999\"",
        "\"abc\"",
        "\"\"",
        "\"\\u0032\"",
        "\"server\"",
        "\"SERVER\"",
        "\"Client\"",
        "\"internal\"",
        "\"sErVeR\"",
        "\"SPAN_KIND_SERVER\"",
        "\"span_kind_consumer\"",
        "\"SPAN_KIND_\"",
        "\"STATUS_CODE_ERROR\"",
        "\"2\"",
        "\"error\"",
        "\"ERROR\"",
        "\"ok\"",
        "\"ABCDEF0123456789ABCDEF0123456789\"",
        "\"" + "a".repeat(SpanDecoder.MAX_ID_LENGTH) + "\"",
        "\"" + "a".repeat(SpanDecoder.MAX_ID_LENGTH + 1) + "\"",
        "\"é\"",
        "\"\\u00e9\\n\"",
        "null",
        "true",
        "false",
        "{}",
        "[]",
        "{\"a\":1}",
        "[1,2]",
        "{\"serviceName\":\"svc\"}",
        "{\"code\":2}",
        "{\"code\":\"STATUS_CODE_ERROR\"}",
        "{\"stringValue\":\"x\"}",
    };

    private static final String[] KEYS = {
        "trace_id",
        "traceId",
        "span_id",
        "spanId",
        "id",
        "parent_span_id",
        "parentSpanId",
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
        "code",
        "startTimeUnixNano",
        "endTimeUnixNano",
        "key",
        "value",
        "stringValue",
        "attributes",
        "peer.service",
        "db.system",
        "messaging.system",
        "error",
        "service.name",
        "resource",
        "scopeSpans",
        "spans",
        "resourceSpans",
        "logs",
    };

    private static final Pattern KEY = Pattern.compile("\"([A-Za-z_.]+)\":");

    /** One to three edits of a record. */
    private byte[] mutate(byte[] record) {
        byte[] m = record;
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && m.length > 1; e++) {
            switch (random.nextInt(6)) {
                case 0:
                case 1:
                    m = replaceValue(m);
                    break;
                case 2:
                    m = replaceKey(m);
                    break;
                case 3:
                    m = escapeCharacter(m);
                    break;
                default:
                    m = editBytes(m);
            }
        }
        return m;
    }

    /** The value after a random key becomes one of {@link #VALUES}. */
    private byte[] replaceValue(byte[] doc) {
        String s = new String(doc, StandardCharsets.UTF_8);
        List<int[]> keys = keys(s);
        if (keys.isEmpty()) {
            return doc;
        }
        int[] key = keys.get(random.nextInt(keys.size()));
        int start = key[1];
        int end = valueEnd(s, start);
        if (end < 0) {
            return doc;
        }
        return (s.substring(0, start) + VALUES[random.nextInt(VALUES.length)] + s.substring(end))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A random key becomes one of {@link #KEYS}, or gets a character more. */
    private byte[] replaceKey(byte[] doc) {
        String s = new String(doc, StandardCharsets.UTF_8);
        List<int[]> keys = keys(s);
        if (keys.isEmpty()) {
            return doc;
        }
        int[] key = keys.get(random.nextInt(keys.size()));
        String name = s.substring(key[0] + 1, key[1] - 2);
        String replacement =
                random.nextInt(4) == 0 ? name + "x" : KEYS[random.nextInt(KEYS.length)];
        return (s.substring(0, key[0] + 1) + replacement + s.substring(key[1] - 2))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A letter or digit inside a string written as a \\u escape. */
    private byte[] escapeCharacter(byte[] doc) {
        String s = new String(doc, StandardCharsets.UTF_8);
        boolean[] inside = insideStrings(s);
        for (int tries = 0; tries < 20; tries++) {
            int at = random.nextInt(s.length());
            char c = s.charAt(at);
            if (Character.isLetterOrDigit(c) && c < 0x80 && inside[at]) {
                String escape =
                        String.format(random.nextBoolean() ? "\\u%04x" : "\\u%04X", (int) c);
                return (s.substring(0, at) + escape + s.substring(at + 1))
                        .getBytes(StandardCharsets.UTF_8);
            }
        }
        return doc;
    }

    /** A flip, an insertion, a deletion or a truncation. */
    private byte[] editBytes(byte[] m) {
        int at = 1 + random.nextInt(m.length - 1);
        byte b =
                random.nextInt(3) == 0
                        ? (byte) random.nextInt(256)
                        : INTERESTING[random.nextInt(INTERESTING.length)];
        switch (random.nextInt(4)) {
            case 0:
                m = m.clone();
                m[at] = b;
                return m;
            case 1:
                byte[] inserted = new byte[m.length + 1];
                System.arraycopy(m, 0, inserted, 0, at);
                inserted[at] = b;
                System.arraycopy(m, at, inserted, at + 1, m.length - at);
                return inserted;
            case 2:
                byte[] deleted = new byte[m.length - 1];
                System.arraycopy(m, 0, deleted, 0, at);
                System.arraycopy(m, at + 1, deleted, at, m.length - at - 1);
                return deleted;
            default:
                byte[] cut = new byte[at];
                System.arraycopy(m, 0, cut, 0, at);
                return cut;
        }
    }

    /** Per key of the document: the index of its opening quote and of its value. */
    private static List<int[]> keys(String s) {
        List<int[]> keys = new ArrayList<>();
        boolean[] inside = insideStrings(s);
        Matcher m = KEY.matcher(s);
        while (m.find()) {
            if (!inside[m.start()]) {
                keys.add(new int[] {m.start(), m.end()});
            }
        }
        return keys;
    }

    /** Per character: true inside a string, after its opening quote. */
    private static boolean[] insideStrings(String s) {
        boolean[] insideAt = new boolean[s.length()];
        boolean inside = false;
        for (int i = 0; i < s.length(); i++) {
            insideAt[i] = inside;
            char c = s.charAt(i);
            if (c == '\\' && inside && i + 1 < s.length()) {
                insideAt[++i] = true;
            } else if (c == '"') {
                inside = !inside;
            }
        }
        return insideAt;
    }

    /** The end of the value that starts at {@code start}, or -1. */
    private static int valueEnd(String s, int start) {
        int depth = 0;
        boolean inside = false;
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inside) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inside = false;
                    if (depth == 0) {
                        return i + 1;
                    }
                }
            } else if (c == '"') {
                inside = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    return i;
                }
                if (--depth == 0) {
                    return i + 1;
                }
            } else if (c == ',' && depth == 0) {
                return i;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- the reference

    /**
     * The JSON encodings as docs/contracts.md has them, read from Jackson's tree: fields in the
     * order written, the last of a key winning.
     */
    private static final class Reference {
        private final Outcome out;

        /** AUTO, or the fixed JSON encoding every record is read as. */
        private final SpanFormat format;

        private int spanNumber;

        Reference(Outcome out, SpanFormat format) {
            this.out = out;
            this.format = format;
        }

        void read(JsonNode tree) {
            if (tree.isArray()) {
                for (JsonNode element : tree) {
                    int number = ++spanNumber;
                    if (element.isObject()) {
                        finish(number, spanFields(element));
                    } else {
                        reject(number, "is not a JSON object");
                    }
                }
            } else if (tree.isObject()) {
                JsonNode resourceSpans = tree.get("resourceSpans");
                boolean otlpAllowed = format == SpanFormat.AUTO || format == SpanFormat.OTLP_JSON;
                if (otlpAllowed && resourceSpans != null && resourceSpans.isArray()) {
                    spanFields(tree); // read, so numbers in ids are left out as elsewhere
                    readResourceSpans(resourceSpans);
                } else if (format == SpanFormat.OTLP_JSON) {
                    out.rejects.add("OTLP JSON object has no resourceSpans");
                    return;
                } else {
                    finish(++spanNumber, spanFields(tree));
                }
            } else {
                throw new AssertionError("the first byte is { or [");
            }
            settleUntimed();
        }

        private void reject(int number, String problem) {
            out.rejects.add("span " + number + ": " + problem);
        }

        // ------------------------------------------------------------ native and Zipkin

        private static final class Fields {
            String traceId;
            String spanId;
            String parentId;
            String operation;
            String service;
            String remoteService;
            boolean statusError;
            boolean errorTag;
            SpanKind kind = SpanKind.UNSPECIFIED;
            boolean shared;
            String peerService;
            String dbSystem;
            String messagingSystem;
            int nativeKeys;
            int zipkinKeys;
            Time start;
            Time end;
            Time timestamp;
            Time durationMs;
            Time duration;
        }

        private Fields spanFields(JsonNode span) {
            Fields f = new Fields();
            for (Iterator<Map.Entry<String, JsonNode>> it = span.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode v = field.getValue();
                switch (field.getKey()) {
                    case "trace_id":
                        f.nativeKeys++;
                        f.traceId = text(v);
                        break;
                    case "traceId":
                        f.zipkinKeys++;
                        f.traceId = text(v);
                        break;
                    case "span_id":
                        f.nativeKeys++;
                        f.spanId = text(v);
                        break;
                    case "id":
                        f.zipkinKeys++;
                        f.spanId = text(v);
                        break;
                    case "parent_span_id":
                        f.nativeKeys++;
                        f.parentId = text(v);
                        break;
                    case "parentId":
                        f.zipkinKeys++;
                        f.parentId = text(v);
                        break;
                    case "operation_name":
                        f.nativeKeys++;
                        f.operation = text(v);
                        break;
                    case "name":
                        f.zipkinKeys++;
                        f.operation = text(v);
                        break;
                    case "service_name":
                        f.nativeKeys++;
                        f.service = text(v);
                        break;
                    case "localEndpoint":
                        f.zipkinKeys++;
                        f.service = v.isObject() ? text(v.get("serviceName")) : null;
                        break;
                    case "remoteEndpoint":
                        f.remoteService = v.isObject() ? text(v.get("serviceName")) : null;
                        break;
                    case "span_kind":
                    case "kind":
                        f.kind = v.isTextual() ? kindOfName(v.textValue()) : SpanKind.UNSPECIFIED;
                        break;
                    case "shared":
                        f.shared = v.isBoolean() && v.booleanValue();
                        break;
                    case "start_time":
                        f.nativeKeys++;
                        f.start = Time.of(v);
                        break;
                    case "end_time":
                        f.nativeKeys++;
                        f.end = Time.of(v);
                        break;
                    case "timestamp":
                        f.timestamp = Time.of(v);
                        break;
                    case "duration_ms":
                        f.nativeKeys++;
                        f.durationMs = Time.of(v);
                        break;
                    case "duration":
                        f.zipkinKeys++;
                        f.duration = Time.of(v);
                        break;
                    case "status":
                        f.statusError =
                                (v.isTextual() || v.isNumber())
                                        && "error".equalsIgnoreCase(v.asText());
                        break;
                    case "tags":
                        f.errorTag = false;
                        f.peerService = f.dbSystem = f.messagingSystem = null;
                        if (v.isObject()) {
                            for (Iterator<Map.Entry<String, JsonNode>> tags = v.fields();
                                    tags.hasNext(); ) {
                                Map.Entry<String, JsonNode> tag = tags.next();
                                if (tag.getKey().equals("error")) {
                                    f.errorTag = true;
                                } else if (tag.getValue().isTextual()) {
                                    setAttribute(f, tag.getKey(), tag.getValue().textValue());
                                }
                            }
                        }
                        break;
                    default:
                        break;
                }
            }
            return f;
        }

        private void finish(int number, Fields f) {
            if (format == SpanFormat.ZIPKIN_JSON
                    || (format != SpanFormat.NATIVE_JSON && f.zipkinKeys > f.nativeKeys)) {
                finishZipkin(number, f);
            } else {
                finishNative(number, f);
            }
        }

        private void finishNative(int number, Fields f) {
            if (!checkIds(
                    number,
                    f.traceId,
                    f.spanId,
                    f.parentId,
                    "trace_id",
                    "span_id",
                    "parent_span_id")) {
                return;
            }
            Time startValue = f.start != null ? f.start : f.timestamp;
            String startLabel = f.start != null ? "start_time" : "timestamp";
            if (startValue == null) {
                reject(number, "start_time is missing");
                return;
            }
            Long start = startValue.isoOrMillis();
            if (start == null) {
                reject(
                        number,
                        startLabel
                                + " "
                                + startValue.describe()
                                + " is not an ISO-8601 time or epoch millis");
                return;
            }
            long end;
            if (f.end != null) {
                Long e = f.end.isoOrMillis();
                if (e == null) {
                    reject(
                            number,
                            "end_time "
                                    + f.end.describe()
                                    + " is not an ISO-8601 time or epoch millis");
                    return;
                }
                end = e;
            } else if (f.durationMs != null) {
                double millis = f.durationMs.asDouble();
                if (!Double.isFinite(millis)) {
                    reject(
                            number,
                            "duration_ms " + f.durationMs.describe() + " is not a finite number");
                    return;
                }
                if (Math.abs(millis * 1000.0) > MAX_MICROS) {
                    reject(number, "duration_ms " + f.durationMs.describe() + " is absurdly large");
                    return;
                }
                end = start + Math.round(millis * 1000.0);
            } else {
                reject(number, "end_time is missing and there is no duration_ms");
                return;
            }
            if (!checkTimes(
                    number,
                    start,
                    end,
                    startLabel,
                    f.end != null ? "end_time" : startLabel + " + duration_ms")) {
                return;
            }
            Span span =
                    new Span(
                            f.traceId,
                            f.spanId,
                            emptyToNull(f.parentId),
                            orUnknown(f.service),
                            orUnknown(f.operation),
                            start,
                            end,
                            f.statusError);
            span.kind = f.kind;
            span.peerService = f.peerService;
            span.dbSystem = f.dbSystem;
            span.messagingSystem = f.messagingSystem;
            out.spans.add(span);
        }

        private void finishZipkin(int number, Fields f) {
            if (!checkIds(number, f.traceId, f.spanId, f.parentId, "traceId", "id", "parentId")) {
                return;
            }
            boolean untimed = f.timestamp == null;
            Long start = untimed ? Long.valueOf(0) : f.timestamp.whole();
            if (start == null) {
                reject(
                        number,
                        "timestamp " + f.timestamp.describe() + " is not a number of microseconds");
                return;
            }
            long duration = 0;
            if (f.duration != null) {
                Long d = f.duration.whole();
                if (d == null || Math.abs(d) > MAX_MICROS) {
                    reject(
                            number,
                            "duration "
                                    + f.duration.describe()
                                    + " is not a valid number of microseconds");
                    return;
                }
                duration = d;
            }
            if (!untimed
                    && !checkTimes(
                            number, start, start + duration, "timestamp", "timestamp + duration")) {
                return;
            }
            Span span =
                    new Span(
                            lower(f.traceId),
                            lower(f.spanId),
                            emptyToNull(lower(f.parentId)),
                            orUnknown(f.service),
                            orUnknown(f.operation),
                            start,
                            start + duration,
                            f.errorTag);
            span.kind = f.kind;
            span.shared = f.shared;
            span.untimed = untimed;
            span.peerService = f.peerService != null ? f.peerService : emptyToNull(f.remoteService);
            span.dbSystem = f.dbSystem;
            span.messagingSystem = f.messagingSystem;
            out.spans.add(span);
        }

        /** Untimed Zipkin spans take the latest end of their trace, else of the record. */
        private void settleUntimed() {
            long recordEnd = Long.MIN_VALUE;
            for (Span s : out.spans) {
                if (!s.untimed) {
                    recordEnd = Math.max(recordEnd, s.endMicros);
                }
            }
            for (Iterator<Span> it = out.spans.iterator(); it.hasNext(); ) {
                Span s = it.next();
                if (!s.untimed) {
                    continue;
                }
                if (recordEnd == Long.MIN_VALUE) {
                    out.rejects.add(
                            "span "
                                    + s.spanId
                                    + ": timestamp is missing and no span of the record has one");
                    it.remove();
                    continue;
                }
                long traceEnd = Long.MIN_VALUE;
                for (Span other : out.spans) {
                    if (!other.untimed && other.traceId.equals(s.traceId)) {
                        traceEnd = Math.max(traceEnd, other.endMicros);
                    }
                }
                s.startMicros = s.endMicros = traceEnd != Long.MIN_VALUE ? traceEnd : recordEnd;
            }
        }

        // ------------------------------------------------------------ OTLP JSON

        private void readResourceSpans(JsonNode resourceSpans) {
            for (JsonNode rs : resourceSpans) {
                if (!rs.isObject()) {
                    continue;
                }
                int first = out.spans.size();
                String service = null;
                for (Iterator<Map.Entry<String, JsonNode>> it = rs.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    JsonNode v = field.getValue();
                    String key = field.getKey();
                    if (key.equals("resource") && v.isObject()) {
                        service = serviceName(v);
                    } else if ((key.equals("scopeSpans")
                                    || key.equals("instrumentationLibrarySpans"))
                            && v.isArray()) {
                        for (JsonNode scope : v) {
                            JsonNode spans = scope.isObject() ? scope.get("spans") : null;
                            if (spans == null || !spans.isArray()) {
                                continue;
                            }
                            for (JsonNode span : spans) {
                                int number = ++spanNumber;
                                if (span.isObject()) {
                                    readOtlpSpan(number, span);
                                } else {
                                    reject(number, "is not a JSON object");
                                }
                            }
                        }
                    }
                }
                for (int i = first; i < out.spans.size(); i++) {
                    out.spans.get(i).serviceName = orUnknown(service);
                }
            }
        }

        private static String serviceName(JsonNode resource) {
            JsonNode attributes = resource.get("attributes");
            String service = null;
            if (attributes != null && attributes.isArray()) {
                for (JsonNode attribute : attributes) {
                    if (!attribute.isObject()) {
                        continue;
                    }
                    String key = text(attribute.get("key"));
                    JsonNode value = attribute.get("value");
                    String stringValue =
                            value != null && value.isObject()
                                    ? text(value.get("stringValue"))
                                    : null;
                    if ("service.name".equals(key) && stringValue != null) {
                        service = stringValue;
                    }
                }
            }
            return service;
        }

        private void readOtlpSpan(int number, JsonNode node) {
            Fields f = new Fields();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode v = field.getValue();
                switch (field.getKey()) {
                    case "traceId":
                        f.traceId = text(v);
                        break;
                    case "spanId":
                        f.spanId = text(v);
                        break;
                    case "parentSpanId":
                        f.parentId = text(v);
                        break;
                    case "name":
                        f.operation = text(v);
                        break;
                    case "startTimeUnixNano":
                        f.start = Time.of(v);
                        break;
                    case "endTimeUnixNano":
                        f.end = Time.of(v);
                        break;
                    case "status":
                        JsonNode code = v.isObject() ? v.get("code") : null;
                        f.statusError =
                                code != null
                                        && ((code.isTextual()
                                                        && (code.textValue().equals("2")
                                                                || code.textValue()
                                                                        .equals(
                                                                                "STATUS_CODE_ERROR")))
                                                || (code.isIntegralNumber()
                                                        && code.bigIntegerValue().intValue() == 2
                                                        && code.bigIntegerValue().bitLength()
                                                                < 32));
                        break;
                    case "kind":
                        f.kind = otlpKind(v);
                        break;
                    case "attributes":
                        f.peerService = f.dbSystem = f.messagingSystem = null;
                        if (v.isArray()) {
                            for (JsonNode attribute : v) {
                                JsonNode key = attribute.isObject() ? attribute.get("key") : null;
                                JsonNode value = attribute.get("value");
                                JsonNode string =
                                        value != null && value.isObject()
                                                ? value.get("stringValue")
                                                : null;
                                if (key != null
                                        && key.isTextual()
                                        && string != null
                                        && string.isTextual()) {
                                    setAttribute(f, key.textValue(), string.textValue());
                                }
                            }
                        }
                        break;
                    default:
                        break;
                }
            }
            if (!checkIds(
                    number, f.traceId, f.spanId, f.parentId, "traceId", "spanId", "parentSpanId")) {
                return;
            }
            if (f.start == null) {
                reject(number, "startTimeUnixNano is missing");
                return;
            }
            if (f.end == null) {
                reject(number, "endTimeUnixNano is missing");
                return;
            }
            Long startNanos = f.start.whole();
            Long endNanos = f.end.whole();
            if (startNanos == null) {
                reject(
                        number,
                        "startTimeUnixNano "
                                + f.start.describe()
                                + " is not a number of nanoseconds");
                return;
            }
            if (endNanos == null) {
                reject(
                        number,
                        "endTimeUnixNano " + f.end.describe() + " is not a number of nanoseconds");
                return;
            }
            long start = Math.floorDiv(startNanos, 1000L);
            long end = Math.floorDiv(endNanos, 1000L);
            if (!checkTimes(number, start, end, "startTimeUnixNano", "endTimeUnixNano")) {
                return;
            }
            Span span =
                    new Span(
                            lower(f.traceId),
                            lower(f.spanId),
                            emptyToNull(lower(f.parentId)),
                            null,
                            orUnknown(f.operation),
                            start,
                            end,
                            f.statusError);
            span.kind = f.kind;
            span.peerService = f.peerService;
            span.dbSystem = f.dbSystem;
            span.messagingSystem = f.messagingSystem;
            out.spans.add(span);
        }

        private static SpanKind otlpKind(JsonNode v) {
            if (v.isIntegralNumber() && v.canConvertToLong()) {
                long n = v.longValue();
                SpanKind[] kinds = {
                    SpanKind.UNSPECIFIED,
                    SpanKind.INTERNAL,
                    SpanKind.SERVER,
                    SpanKind.CLIENT,
                    SpanKind.PRODUCER,
                    SpanKind.CONSUMER
                };
                return n >= 0 && n < kinds.length ? kinds[(int) n] : SpanKind.UNSPECIFIED;
            }
            if (v.isTextual()) {
                String s = v.textValue();
                String prefix = "SPAN_KIND_";
                if (s.length() > prefix.length()
                        && isAscii(s)
                        && s.substring(0, prefix.length()).equalsIgnoreCase(prefix)) {
                    return kindOfName(s.substring(prefix.length()));
                }
            }
            return SpanKind.UNSPECIFIED;
        }

        // ------------------------------------------------------------ shared checks

        private boolean checkIds(
                int number,
                String traceId,
                String spanId,
                String parentId,
                String traceKey,
                String spanKey,
                String parentKey) {
            String problem = null;
            if (traceId == null || traceId.isEmpty()) {
                problem = traceKey + " is missing";
            } else if (spanId == null || spanId.isEmpty()) {
                problem = spanKey + " is missing";
            } else if (traceId.length() > SpanDecoder.MAX_ID_LENGTH) {
                problem = traceKey + " is longer than " + SpanDecoder.MAX_ID_LENGTH + " characters";
            } else if (spanId.length() > SpanDecoder.MAX_ID_LENGTH) {
                problem = spanKey + " is longer than " + SpanDecoder.MAX_ID_LENGTH + " characters";
            } else if (parentId != null && parentId.length() > SpanDecoder.MAX_ID_LENGTH) {
                problem =
                        parentKey + " is longer than " + SpanDecoder.MAX_ID_LENGTH + " characters";
            }
            if (problem != null) {
                reject(number, problem);
            }
            return problem == null;
        }

        private boolean checkTimes(
                int number, long start, long end, String startLabel, String endLabel) {
            if (start < 0 || start >= MAX_MICROS) {
                reject(
                        number,
                        startLabel + " " + format(start) + " is outside the years 1970 to 2499");
                return false;
            }
            if (end < 0 || end >= MAX_MICROS) {
                reject(number, endLabel + " " + format(end) + " is outside the years 1970 to 2499");
                return false;
            }
            if (end < start) {
                reject(
                        number,
                        endLabel
                                + " "
                                + format(end)
                                + " is before "
                                + startLabel
                                + " "
                                + format(start));
                return false;
            }
            return true;
        }

        private static String format(long micros) {
            try {
                return Instant.ofEpochSecond(
                                Math.floorDiv(micros, 1_000_000L),
                                Math.floorMod(micros, 1_000_000L) * 1000L)
                        .toString();
            } catch (DateTimeException e) {
                return micros + " µs";
            }
        }

        private static void setAttribute(Fields f, String key, String value) {
            String kept = emptyToNull(value);
            switch (key) {
                case "peer.service":
                    f.peerService = kept;
                    break;
                case "db.system":
                    f.dbSystem = kept;
                    break;
                case "messaging.system":
                    f.messagingSystem = kept;
                    break;
                default:
                    break;
            }
        }

        /**
         * A scalar read as text: strings, booleans and numbers as written. The tree keeps a
         * number's value, not its text: a whole number other than zero is written one way, any
         * other number leaves the document out.
         */
        private static String text(JsonNode v) {
            if (v == null || v.isNull() || v.isContainerNode()) {
                return null;
            }
            if (v.isNumber()) {
                if (!v.isIntegralNumber() || v.bigIntegerValue().signum() == 0) {
                    throw new LeftOut("a number read as text: " + v);
                }
                return v.bigIntegerValue().toString();
            }
            return v.asText();
        }

        private static SpanKind kindOfName(String s) {
            if (!isAscii(s)) {
                return SpanKind.UNSPECIFIED;
            }
            switch (s.toLowerCase(Locale.ROOT)) {
                case "server":
                    return SpanKind.SERVER;
                case "client":
                    return SpanKind.CLIENT;
                case "producer":
                    return SpanKind.PRODUCER;
                case "consumer":
                    return SpanKind.CONSUMER;
                case "internal":
                    return SpanKind.INTERNAL;
                default:
                    return SpanKind.UNSPECIFIED;
            }
        }

        private static boolean isAscii(String s) {
            return s.chars().allMatch(c -> c < 0x80);
        }

        private static String lower(String id) {
            return id == null ? null : id.toLowerCase(Locale.ROOT);
        }

        private static String emptyToNull(String s) {
            return s == null || s.isEmpty() ? null : s;
        }

        private static String orUnknown(String s) {
            return s == null || s.isEmpty() ? "unknown" : s;
        }
    }

    /** A time or duration value: text, a whole number (as long), a double, or another type. */
    private static final class Time {
        final String text;
        final Long whole;
        final Double real;

        private Time(String text, Long whole, Double real) {
            this.text = text;
            this.whole = whole;
            this.real = real;
        }

        /** Null (absent) for JSON null. */
        static Time of(JsonNode v) {
            if (v.isNull()) {
                return null;
            }
            if (v.isTextual()) {
                return new Time(v.textValue(), null, null);
            }
            if (v.isIntegralNumber()) {
                return v.numberType() == JsonParser.NumberType.BIG_INTEGER
                        ? new Time(v.bigIntegerValue().toString(), null, null)
                        : new Time(null, v.longValue(), null);
            }
            if (v.isNumber()) {
                return new Time(null, null, v.doubleValue());
            }
            return new Time(null, null, null);
        }

        /** Native: ISO-8601 text or epoch millis (number or text); null when neither. */
        Long isoOrMillis() {
            if (text != null) {
                Long iso = iso(text);
                if (iso != null) {
                    return iso;
                }
                try {
                    return millisToMicros(Double.parseDouble(text));
                } catch (NumberFormatException e) {
                    return null;
                }
            }
            if (whole != null) {
                return Math.abs(whole) > MAX_MICROS / 1000 ? null : whole * 1000L;
            }
            return real != null ? millisToMicros(real) : null;
        }

        private static Long millisToMicros(double millis) {
            if (!Double.isFinite(millis) || Math.abs(millis) > MAX_MICROS / 1000) {
                return null;
            }
            return Math.round(millis * 1000.0);
        }

        private static Long iso(String s) {
            Matcher m = ISO.matcher(s);
            if (!m.matches()) {
                return null;
            }
            int hour = Integer.parseInt(m.group(4));
            int minute = Integer.parseInt(m.group(5));
            int second = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
            if (hour > 23 || minute > 59 || second > 59) {
                return null;
            }
            long fraction = 0;
            if (m.group(7) != null) {
                String digits = (m.group(7) + "000000").substring(0, 6);
                fraction = Long.parseLong(digits);
            }
            int offset = 0;
            if (m.group(9) != null) {
                int hours = Integer.parseInt(m.group(10));
                int minutes = m.group(11) == null ? 0 : Integer.parseInt(m.group(11));
                if (hours > 18 || minutes > 59) {
                    return null;
                }
                offset = (m.group(9).equals("-") ? -1 : 1) * (hours * 3600 + minutes * 60);
            }
            long day;
            try {
                day =
                        LocalDate.of(
                                        Integer.parseInt(m.group(1)),
                                        Integer.parseInt(m.group(2)),
                                        Integer.parseInt(m.group(3)))
                                .toEpochDay();
            } catch (DateTimeException e) {
                return null;
            }
            long seconds = day * 86_400L + hour * 3600L + minute * 60L + second - offset;
            return seconds * 1_000_000L + fraction;
        }

        /** Zipkin micros, OTLP nanos: a whole number, a double rounded down, or digits. */
        Long whole() {
            if (whole != null) {
                return whole == Long.MIN_VALUE ? Long.MIN_VALUE + 1 : whole;
            }
            if (real != null) {
                return !Double.isFinite(real) || Math.abs(real) >= 9.0e18
                        ? null
                        : (long) Math.floor(real);
            }
            if (text != null) {
                try {
                    return Long.parseLong(text.trim());
                } catch (NumberFormatException e) {
                    try {
                        Long.parseUnsignedLong(text.trim());
                        return Long.MAX_VALUE;
                    } catch (NumberFormatException notANumber) {
                        return null;
                    }
                }
            }
            return null;
        }

        double asDouble() {
            if (whole != null) {
                return whole;
            }
            if (real != null) {
                return real;
            }
            if (text != null) {
                try {
                    return Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    return Double.NaN;
                }
            }
            return Double.NaN;
        }

        String describe() {
            if (text != null) {
                return '"' + (text.length() > 64 ? text.substring(0, 64) + "..." : text) + '"';
            }
            if (whole != null) {
                return Long.toString(whole);
            }
            if (real != null) {
                return Double.toString(real);
            }
            return "(not a string or number)";
        }
    }
}
