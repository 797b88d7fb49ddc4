package io.traceassembler.ingest.format;

import io.traceassembler.generate.Compression;
import io.traceassembler.generate.Encoding;
import io.traceassembler.generate.TrafficShaper;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link JsonTokenizer} against Jackson's parser configured as the readers configured it before
 * (the limits of {@link DecodeLimits}, {@code ALLOW_NON_NUMERIC_NUMBERS}): the same tokens, names,
 * texts and numbers on the generator's real records, on random documents written by Jackson's
 * generator, and on mutations of both; where one rejects a document the other does too. The one
 * difference allowed: the tokenizer rejects malformed UTF-8 that Jackson lets through.
 */
class JsonTokenizerTest {
    private static final JsonFactory JACKSON =
            JsonFactory.builder()
                    .streamReadConstraints(
                            StreamReadConstraints.builder()
                                    .maxNestingDepth(DecodeLimits.MAX_JSON_NESTING_DEPTH)
                                    .maxStringLength(DecodeLimits.MAX_JSON_STRING_LENGTH)
                                    .maxDocumentLength(DecodeLimits.MAX_RECORD_BYTES)
                                    .build())
                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .build();

    private static final String REJECTED = "REJECTED";

    private final Random random = new Random(14);
    private final JsonTokenizer tokenizer = new JsonTokenizer();
    private int compared;
    private int rejectedByBoth;

    /** Jackson's tokens up to the end of the top-level value, then whether anything follows. */
    private static List<String> jackson(byte[] doc) {
        List<String> tokens = new ArrayList<>();
        try (JsonParser p = JACKSON.createParser(doc)) {
            int depth = 0;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                tokens.add(describe(t, p.getText(), p));
                if (t.isStructStart()) {
                    depth++;
                } else if (t.isStructEnd()) {
                    depth--;
                }
                if (depth == 0) {
                    break;
                }
            }
            if (t != null && p.nextToken() != null) {
                tokens.add(REJECTED); // data after the value
            }
        } catch (IOException e) {
            tokens.add(REJECTED);
        }
        return tokens;
    }

    private List<String> ours(byte[] doc) {
        List<String> tokens = new ArrayList<>();
        JsonTokenizer p = tokenizer;
        try {
            p.reset(doc, 0, doc.length);
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                tokens.add(describe(t, p.text(), p));
            }
        } catch (RecordRejected e) {
            assertThat(e.getMessage()).matches("(?s).* at line \\d+ column \\d+.*");
            tokens.add(REJECTED);
        }
        return tokens;
    }

    private static String describe(JsonToken t, String text, JsonParser p) throws IOException {
        switch (t) {
            case VALUE_NUMBER_INT:
                JsonParser.NumberType type = p.getNumberType();
                return t
                        + " "
                        + type
                        + " "
                        + text
                        + (type == JsonParser.NumberType.BIG_INTEGER
                                ? ""
                                : " = " + p.getLongValue());
            case VALUE_NUMBER_FLOAT:
                // getDoubleValue() after a big integer's getNumberType() can give the big integer
                // (Jackson 2.18); Jackson's own text-to-double conversion is Double.parseDouble.
                double value =
                        text.endsWith("INF") || text.endsWith("Infinity") || text.equals("NaN")
                                ? p.getDoubleValue()
                                : Double.parseDouble(text);
                return t + " " + text + " = " + Double.doubleToRawLongBits(value);
            default:
                return t + " " + text;
        }
    }

    private static String describe(JsonToken t, String text, JsonTokenizer p) {
        switch (t) {
            case VALUE_NUMBER_INT:
                JsonParser.NumberType type = p.numberType();
                return t
                        + " "
                        + type
                        + " "
                        + text
                        + (type == JsonParser.NumberType.BIG_INTEGER ? "" : " = " + p.longValue());
            case VALUE_NUMBER_FLOAT:
                return t + " " + text + " = " + Double.doubleToRawLongBits(p.doubleValue());
            default:
                return t + " " + text;
        }
    }

    /** Both accept with the same tokens, or both reject (or only ours, on malformed UTF-8). */
    private void assertSame(byte[] doc) {
        List<String> expected = jackson(doc);
        List<String> actual = ours(doc);
        boolean jacksonRejects = expected.contains(REJECTED);
        boolean oursRejects = actual.contains(REJECTED);
        String shown = new String(doc, StandardCharsets.ISO_8859_1);
        if (shown.length() > 300) {
            shown = shown.substring(0, 300) + "...";
        }
        if (jacksonRejects) {
            assertThat(oursRejects).as("Jackson rejects %s, so must we", shown).isTrue();
            rejectedByBoth++;
        } else if (oursRejects && !Utf8Bytes.isValid(doc, 0, doc.length)) {
            rejectedByBoth++; // ours alone refuses malformed UTF-8
        } else {
            int first = 0;
            while (first < Math.min(actual.size(), expected.size())
                    && actual.get(first).equals(expected.get(first))) {
                first++;
            }
            assertThat(actual).as("tokens of %s, from token %d", shown, first).isEqualTo(expected);
            compared++;
        }
    }

    @Test
    void sameTokensOnTheGeneratorsRecordsAndTheirMutations() {
        for (Encoding encoding :
                new Encoding[] {
                    Encoding.NATIVE_SPAN,
                    Encoding.NATIVE_KINESIS_RECORD,
                    Encoding.OTLP_JSON,
                    Encoding.ZIPKIN_JSON
                }) {
            List<byte[]> records = records(encoding);
            assertThat(records).hasSizeGreaterThan(50);
            for (byte[] record : records) {
                assertSame(record);
            }
            for (int i = 0; i < 3000; i++) {
                assertSame(mutate(records.get(random.nextInt(records.size()))));
            }
        }
        assertThat(compared).isGreaterThan(1000);
        assertThat(rejectedByBoth).isGreaterThan(1000);
    }

    @Test
    void sameTokensOnRandomDocumentsAndTheirMutations() throws IOException {
        for (int i = 0; i < 3000; i++) {
            byte[] doc = randomDocument();
            assertSame(doc);
            for (int m = 0; m < 5; m++) {
                assertSame(mutate(doc));
            }
        }
        assertThat(compared).isGreaterThan(2000);
        assertThat(rejectedByBoth).isGreaterThan(3000);
    }

    @Test
    void sameTokensOnHandPickedEdgeCases() {
        String[] docs = {
            "",
            "  ",
            "[]",
            "{}",
            "\uFEFF{\"a\":1}",
            "[-0, 0, -0.0, 0e0, 1E+2, 1e-2, 12.5e3, 123456789, 2147483647, 2147483648, -2147483648,"
                    + " -2147483649, 9223372036854775807, 9223372036854775808,"
                    + " -9223372036854775808, -9223372036854775809, 123456789012345678901234567890]",
            "[0.1, 0.30000000000000004, 1.7976931348623157e308, 4.9e-324, 1e309, 1e-400,"
                    + " 123456789012345678.5, 0.0000000000000000000000001, 9007199254740993.0]",
            "[NaN, Infinity, -Infinity, +Infinity, +INF, -INF]",
            "[INF]",
            "[+1]",
            "[01]",
            "[-01]",
            "[1.]",
            "[.5]",
            "[1e]",
            "[1e+]",
            "[-]",
            "[--1]",
            "[1,]",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{a:1}",
            "{'a':1}",
            "[\"\\u00e9\\uD83D\\uDE00\\uD800\\n\\t\\\"\\\\\\/\\b\\f\\r\"]",
            "[\"\\x\"]",
            "[\"\\u12G4\"]",
            "[\"tab\there\"]",
            "[\"é😀\"]",
            "{\"é\":1,\"\\u0061\":2}",
            "[true, false, null]",
            "[tru]",
            "[truex]",
            "[nul]",
            "[NaNa]",
            "{} {}",
            "{} x",
            "[1] ",
            "[1]\n\n]",
            "/* comment */ []",
            "[1 2]",
            "{\"a\":{\"b\":[1,{\"c\":null}]}}",
            "[" + "1".repeat(1001) + "]",
            "[" + "1".repeat(1000) + "]",
            "[\"" + "x".repeat(DecodeLimits.MAX_JSON_STRING_LENGTH) + "\"]",
            "[\"" + "x".repeat(DecodeLimits.MAX_JSON_STRING_LENGTH + 1) + "\"]",
            "[".repeat(100) + "]".repeat(100),
            "[".repeat(101) + "]".repeat(101),
            "{\"a\":".repeat(99) + "[]" + "}".repeat(99),
            "{\"a\":".repeat(100) + "[]" + "}".repeat(100),
            "[\"unterminated",
            "{\"a\":",
            "[1",
        };
        for (String doc : docs) {
            assertSame(doc.getBytes(StandardCharsets.UTF_8));
        }
        assertSame(new byte[] {'[', '"', (byte) 0xC3, 0x28, '"', ']'});
        assertSame(new byte[] {'[', '"', (byte) 0xC0, (byte) 0xAF, '"', ']'});
        assertSame(new byte[] {'[', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', ']'});
        assertSame(
                new byte[] {
                    '[', '"', (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"', ']'
                });
        assertSame(new byte[] {'[', (byte) 0xC3, (byte) 0xA9, ']'});
    }

    @Test
    void positionsInMessagesCountLinesAndColumnsFromOne() {
        byte[] doc = "{\"a\":1,\n  \"b\":tru}".getBytes(StandardCharsets.UTF_8);
        assertThat(rejection(doc)).startsWith("not valid JSON at line 2 column 7: ");
        assertThat(rejection("[1] x".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("unexpected data after the JSON value at line 1 column 5");
        assertThat(rejection(("[".repeat(101) + "]".repeat(101)).getBytes(StandardCharsets.UTF_8)))
                .startsWith("JSON exceeds a limit: Document nesting depth (101)");
    }

    @Test
    void fieldNamesMatchByTheirBytesAndEscaped() throws RecordRejected {
        JsonFieldNames names = new JsonFieldNames("traceId", "id", "é");
        byte[] doc =
                "{\"id\":1,\"traceId\":2,\"tr\\u0061ceId\":3,\"é\":4,\"idx\":5}"
                        .getBytes(StandardCharsets.UTF_8);
        tokenizer.reset(doc, 0, doc.length);
        List<Integer> found = new ArrayList<>();
        tokenizer.nextToken();
        while (tokenizer.nextToken() == JsonToken.FIELD_NAME) {
            found.add(tokenizer.field(names));
            tokenizer.nextToken();
        }
        assertThat(found).containsExactly(1, 0, 0, 2, -1);
    }

    @Test
    void predictedNamesMatchOnlyThemselvesAtEveryLengthAndPlace() {
        // lengths across the word boundaries of lengthAt's straight-line and looped compares
        String[] names = new String[40];
        for (int n = 1; n <= names.length; n++) {
            StringBuilder name = new StringBuilder();
            for (int k = 0; k < n; k++) {
                name.append((char) ('a' + (k * 7 + n) % 26));
            }
            names[n - 1] = name.toString();
        }
        JsonFieldNames set = new JsonFieldNames(names);
        for (int index = 0; index < names.length; index++) {
            byte[] name = names[index].getBytes(StandardCharsets.US_ASCII);
            for (int slack = 0; slack <= 9; slack++) { // bytes after the quote, up to the end
                byte[] exact = new byte[1 + name.length + 1 + slack];
                exact[0] = '"';
                System.arraycopy(name, 0, exact, 1, name.length);
                exact[1 + name.length] = '"';
                Arrays.fill(exact, 2 + name.length, exact.length, (byte) ',');
                assertThat(set.lengthAt(index, exact, 1, exact.length))
                        .as("%s with %d bytes after it", names[index], slack)
                        .isEqualTo(name.length);
                for (int at = 1; at <= name.length + 1; at++) { // every byte, the quote too
                    byte[] other = exact.clone();
                    other[at] = (byte) (other[at] == 'z' ? 'y' : 'z');
                    assertThat(set.lengthAt(index, other, 1, other.length))
                            .as("%s changed at %d", names[index], at)
                            .isEqualTo(-1);
                }
                // the name cut short by the end of the data: its closing quote is beyond it
                assertThat(set.lengthAt(index, exact, 1, name.length + 1)).isEqualTo(-1);
            }
        }
    }

    private String rejection(byte[] doc) {
        try {
            tokenizer.reset(doc, 0, doc.length);
            while (tokenizer.nextToken() != null) {
                tokenizer.text();
            }
        } catch (RecordRejected e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted " + new String(doc, StandardCharsets.UTF_8));
    }

    /** The generator's records of one encoding, as DecoderBenchmark builds them (uncompressed). */
    static List<byte[]> records(Encoding encoding) {
        List<byte[]> records = new ArrayList<>();
        TrafficShaper.recordsOf(encoding, Compression.NONE, 100, 4, 3)
                .forEach(record -> records.add(record.data));
        return records;
    }

    private static final byte[] INTERESTING =
            "\"\\{}[],:0-+.eE uINaf\t\n".getBytes(StandardCharsets.ISO_8859_1);

    /** One to three flips, insertions, deletions or a truncation. */
    byte[] mutate(byte[] doc) {
        byte[] m = doc;
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && m.length > 0; e++) {
            int at = random.nextInt(m.length);
            byte b =
                    random.nextInt(3) == 0
                            ? (byte) random.nextInt(256)
                            : INTERESTING[random.nextInt(INTERESTING.length)];
            switch (random.nextInt(4)) {
                case 0:
                    m = m.clone();
                    m[at] = b;
                    break;
                case 1:
                    byte[] inserted = new byte[m.length + 1];
                    System.arraycopy(m, 0, inserted, 0, at);
                    inserted[at] = b;
                    System.arraycopy(m, at, inserted, at + 1, m.length - at);
                    m = inserted;
                    break;
                case 2:
                    byte[] deleted = new byte[m.length - 1];
                    System.arraycopy(m, 0, deleted, 0, at);
                    System.arraycopy(m, at + 1, deleted, at, m.length - at - 1);
                    m = deleted;
                    break;
                default:
                    byte[] cut = new byte[at];
                    System.arraycopy(m, 0, cut, 0, at);
                    m = cut;
            }
        }
        return m;
    }

    /** A random document by Jackson's generator: deep, odd strings, numbers of every shape. */
    byte[] randomDocument() throws IOException {
        JsonFactory factory =
                JsonFactory.builder()
                        .configure(JsonWriteFeature.ESCAPE_NON_ASCII, random.nextInt(4) == 0)
                        .configure(JsonWriteFeature.WRITE_NAN_AS_STRINGS, false)
                        .build();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = factory.createGenerator(bytes)) {
            if (random.nextInt(4) == 0) {
                g.useDefaultPrettyPrinter();
            }
            int maxDepth = random.nextInt(10) == 0 ? 105 : 6;
            if (random.nextBoolean()) {
                writeObject(g, 0, maxDepth);
            } else {
                writeArray(g, 0, maxDepth);
            }
        }
        return bytes.toByteArray();
    }

    private void writeObject(JsonGenerator g, int depth, int maxDepth) throws IOException {
        g.writeStartObject();
        int n = depth + 1 >= maxDepth || maxDepth > 6 ? 1 : random.nextInt(5);
        for (int i = 0; i < n; i++) {
            g.writeFieldName(randomString());
            writeValue(g, depth + 1, maxDepth);
        }
        g.writeEndObject();
    }

    private void writeArray(JsonGenerator g, int depth, int maxDepth) throws IOException {
        g.writeStartArray();
        int n = depth + 1 >= maxDepth || maxDepth > 6 ? 1 : random.nextInt(5);
        for (int i = 0; i < n; i++) {
            writeValue(g, depth + 1, maxDepth);
        }
        g.writeEndArray();
    }

    private void writeValue(JsonGenerator g, int depth, int maxDepth) throws IOException {
        int kind =
                depth < maxDepth && (maxDepth > 6 || random.nextInt(3) == 0)
                        ? random.nextInt(2)
                        : 2 + random.nextInt(9);
        switch (kind) {
            case 0:
                writeObject(g, depth, maxDepth);
                break;
            case 1:
                writeArray(g, depth, maxDepth);
                break;
            case 2:
            case 3:
                g.writeString(randomString());
                break;
            case 4:
                g.writeNumber(random.nextInt(3) == 0 ? random.nextInt(100) : random.nextLong());
                break;
            case 5:
                g.writeNumber(new BigInteger(1 + random.nextInt(90), random).negate());
                break;
            case 6:
                double d =
                        random.nextBoolean()
                                ? Double.longBitsToDouble(random.nextLong())
                                : random.nextInt(100000) / 1000.0;
                g.writeNumber(d); // NaN and Infinity as non-numeric numbers
                break;
            case 7:
                g.writeNumber(randomNumberText());
                break;
            case 8:
                g.writeBoolean(random.nextBoolean());
                break;
            case 9:
                g.writeNull();
                break;
            default:
                g.writeNumber(random.nextInt());
        }
    }

    private String randomNumberText() {
        StringBuilder b = new StringBuilder();
        if (random.nextBoolean()) {
            b.append('-');
        }
        int digits = 1 + random.nextInt(random.nextInt(5) == 0 ? 30 : 8);
        b.append(1 + random.nextInt(9));
        for (int i = 1; i < digits; i++) {
            b.append(random.nextInt(10));
        }
        if (random.nextInt(3) == 0) {
            b.setLength(b.charAt(0) == '-' ? 1 : 0);
            b.append('0');
        }
        if (random.nextBoolean()) {
            b.append('.');
            int fraction = 1 + random.nextInt(20);
            for (int i = 0; i < fraction; i++) {
                b.append(random.nextInt(10));
            }
        }
        if (random.nextBoolean()) {
            b.append(random.nextBoolean() ? 'e' : 'E');
            int sign = random.nextInt(3);
            if (sign == 1) {
                b.append('+');
            } else if (sign == 2) {
                b.append('-');
            }
            b.append(random.nextInt(random.nextBoolean() ? 30 : 400));
        }
        return b.toString();
    }

    /**
     * The word-at-a-time string scan against Jackson's byte-at-a-time one (and {@link Utf8Bytes}
     * for UTF-8): strings of every length to 40, as values and as names, with every byte value,
     * UTF-8 sequences (valid, overlong, surrogate, above U+10FFFF, cut short) and escapes at every
     * place, so at every offset within and across the 8- and 16-byte words.
     */
    @Test
    void stringsWithEverySpecialByteAtEveryPlace() {
        List<byte[]> inserts = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            inserts.add(new byte[] {(byte) b});
        }
        for (String hex :
                new String[] {
                    "C3A9",
                    "E282AC",
                    "F09D849E",
                    "C080",
                    "EDA080",
                    "F4908080",
                    "E282",
                    "F09D84",
                    "5C6E",
                    "5C22",
                    "5C5C",
                    "5C7530306539",
                    "5C78",
                    "5C75303065"
                }) {
            byte[] bytes = new byte[hex.length() / 2];
            for (int k = 0; k < bytes.length; k++) {
                bytes[k] = (byte) Integer.parseInt(hex.substring(2 * k, 2 * k + 2), 16);
            }
            inserts.add(bytes);
        }
        for (int length = 0; length <= 40; length++) {
            for (int at = 0; at <= length; at++) {
                for (byte[] insert : inserts) {
                    byte[] content = new byte[length + insert.length];
                    java.util.Arrays.fill(content, (byte) 'a');
                    System.arraycopy(insert, 0, content, at, insert.length);
                    for (String[] around : new String[][] {{"[\"", "\"]"}, {"{\"", "\":1}"}}) {
                        byte[] before = around[0].getBytes(StandardCharsets.US_ASCII);
                        byte[] after = around[1].getBytes(StandardCharsets.US_ASCII);
                        byte[] doc = new byte[before.length + content.length + after.length];
                        System.arraycopy(before, 0, doc, 0, before.length);
                        System.arraycopy(content, 0, doc, before.length, content.length);
                        System.arraycopy(
                                after, 0, doc, before.length + content.length, after.length);
                        assertSame(doc);
                        if (!Utf8Bytes.isValid(doc, 0, doc.length)) {
                            assertThat(ours(doc))
                                    .as(new String(doc, StandardCharsets.ISO_8859_1))
                                    .contains(REJECTED);
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link JsonTokenizer#textIsLowerCase} against {@code text.equals(text.toLowerCase(ROOT))}:
     * exactly that for plain ASCII strings and numbers (every printable character at every place of
     * strings up to 40 long), never true for text that may change (escapes, beyond ASCII).
     */
    @Test
    void textIsLowerCaseExactlyForPlainAsciiWithoutCapitals() throws RecordRejected {
        JsonTokenizer t = new JsonTokenizer();
        List<String> values = new ArrayList<>();
        for (int length = 0; length <= 40; length++) {
            for (int at = 0; at < length; at++) {
                for (char c = 0x20; c < 0x7F; c++) {
                    if (c == '"' || c == '\\') {
                        continue;
                    }
                    char[] chars =
                            "0123456789abcdef0123456789abcdef01234567"
                                    .substring(0, length)
                                    .toCharArray();
                    chars[at] = c;
                    values.add('"' + new String(chars) + '"');
                }
            }
        }
        for (String odd :
                new String[] {
                    "\"ab\\u0041\"",
                    "\"ab\\n\"",
                    "\"abé\"",
                    "\"ÀB\"",
                    "\"ſ\"",
                    "\"\"",
                    "1E5",
                    "1e5",
                    "-12.5E-3",
                    "123456789012345678901234",
                    "true",
                    "null"
                }) {
            values.add(odd);
        }
        byte[] doc = ("[" + String.join(",", values) + "]").getBytes(StandardCharsets.UTF_8);
        t.reset(doc, 0, doc.length);
        t.nextToken();
        for (String value : values) {
            JsonToken token = t.nextToken();
            String text = t.text();
            boolean plain =
                    token != JsonToken.VALUE_STRING
                            || value.equals('"' + text + '"')
                                    && text.chars().allMatch(ch -> ch < 0x80);
            boolean lower = text.equals(text.toLowerCase(java.util.Locale.ROOT));
            if (plain) {
                assertThat(t.textIsLowerCase()).as(value).isEqualTo(lower);
            } else {
                assertThat(t.textIsLowerCase()).as(value).isFalse();
            }
        }
    }

    /**
     * {@link JsonTokenizer#repeatedText} against {@link JsonTokenizer#text}: equal on a long stream
     * of strings from a small pool and random ones (every length to 40, escapes, beyond ASCII,
     * cache slots overwritten), and the same instance when the same bytes come again at once.
     */
    @Test
    void repeatedTextIsTheTextAndReusedForTheSameBytes() throws RecordRejected {
        JsonTokenizer t = new JsonTokenizer();
        List<String> pool = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            pool.add(randomAscii(random.nextInt(41)));
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            String value;
            switch (random.nextInt(4)) {
                case 0:
                    value = randomAscii(random.nextInt(41));
                    break;
                case 1:
                    value = randomString();
                    break;
                default:
                    value = pool.get(random.nextInt(pool.size()));
            }
            values.add(value);
            if (random.nextInt(8) == 0) {
                values.add(value);
            }
        }
        StringBuilder doc = new StringBuilder("[");
        for (String v : values) {
            doc.append(doc.length() > 1 ? "," : "").append(quote(v));
        }
        // white space after the array: the last strings are not too near the end to be cached
        byte[] bytes = doc.append("]" + " ".repeat(40)).toString().getBytes(StandardCharsets.UTF_8);
        t.reset(bytes, 0, bytes.length);
        t.nextToken();
        String last = null;
        for (String value : values) {
            assertThat(t.nextToken()).isEqualTo(JsonToken.VALUE_STRING);
            String text = t.repeatedText();
            assertThat(text).isEqualTo(value).isEqualTo(t.text());
            if (value.equals(last)
                    && value.chars().allMatch(c -> c >= 0x20 && c < 0x7F && c != '"' && c != '\\')
                    && value.length() <= 32) {
                assertThat(text).isSameAs(lastText);
            }
            last = value;
            lastText = text;
        }
    }

    private String lastText;

    private String randomAscii(int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append((char) (0x20 + random.nextInt(0x5F)));
        }
        return b.toString();
    }

    private static String quote(String value) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    private String randomString() {
        int length = random.nextInt(12);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(6)) {
                case 0:
                    b.append((char) random.nextInt(0x20)); // control: escaped
                    break;
                case 1:
                    b.append("\"\\/é€".charAt(random.nextInt(5)));
                    break;
                case 2:
                    b.appendCodePoint(0x10000 + random.nextInt(0x100000)); // a surrogate pair
                    break;
                case 3:
                    b.append((char) (0x80 + random.nextInt(0xD800 - 0x80)));
                    break;
                default:
                    b.append((char) ('a' + random.nextInt(26)));
            }
        }
        return b.toString();
    }
}
