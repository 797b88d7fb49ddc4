package io.traceassembler.ingest.format;

import com.fasterxml.jackson.core.JsonParser.NumberType;
import com.fasterxml.jackson.core.JsonToken;

import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A strict, validating pull tokenizer over the UTF-8 bytes of one JSON record, in place of
 * Jackson's parser for the span readers (issue 14: Jackson's tokenizer was ~60 % of a decode). It
 * yields Jackson's tokens with Jackson's semantics as the readers configured it: RFC 8259 JSON,
 * plus {@code NaN}, {@code Infinity}, {@code +Infinity}, {@code -Infinity}, {@code +INF} and {@code
 * -INF} as floating point numbers ({@code ALLOW_NON_NUMERIC_NUMBERS}), a UTF-8 byte order mark, the
 * {@link DecodeLimits} on nesting and string length, Jackson's default limits on number (1,000
 * characters) and name length (50,000), and nothing after the top-level value but white space.
 * Stricter than Jackson in one respect: UTF-8 must be well-formed (no overlong forms, no encoded
 * surrogates, nothing above U+10FFFF), as {@link Utf8Bytes} requires of protobuf strings.
 *
 * <p>Every string is scanned and validated when its token is read, but made into a {@code String}
 * only when asked for ({@link #text()}); a field name is matched against {@link JsonFieldNames}
 * byte for byte, and short values such as a span kind are matched in place ({@link
 * #textSequence()}). Strings are limited when read, as Jackson limits them, not when skipped.
 *
 * <p>Not thread-safe; reused for every record ({@link #reset}), it allocates only the strings it
 * returns. A syntax error or an exceeded limit rejects the whole record ({@link RecordRejected},
 * with line and column).
 */
final class JsonTokenizer {
    /** Jackson's default {@code StreamReadConstraints.maxNumberLength}. */
    static final int MAX_NUMBER_LENGTH = 1000;

    /** Jackson's default {@code StreamReadConstraints.maxNameLength}. */
    static final int MAX_NAME_LENGTH = 50_000;

    // What the next token may be.
    private static final int ROOT = 0;
    private static final int ROOT_DONE = 1;
    private static final int ARRAY_FIRST = 2;
    private static final int ARRAY_NEXT = 3;
    private static final int OBJECT_FIRST = 4;
    private static final int OBJECT_NEXT = 5;
    private static final int AFTER_NAME = 6;

    // Byte classes inside a string.
    private static final byte PLAIN = 0;
    private static final byte QUOTE = 1;
    private static final byte BACKSLASH = 2;
    private static final byte CONTROL = 3;
    private static final byte NON_ASCII = 4;
    private static final byte[] STRING_CLASS = new byte[256];

    static {
        for (int i = 0; i < 0x20; i++) {
            STRING_CLASS[i] = CONTROL;
        }
        STRING_CLASS['"'] = QUOTE;
        STRING_CLASS['\\'] = BACKSLASH;
        for (int i = 0x80; i < 0x100; i++) {
            STRING_CLASS[i] = NON_ASCII;
        }
    }

    /** Eight bytes at a time, in little-endian order (only per-byte tests are made on them). */
    private static final VarHandle LONGS = LittleEndianWords.LONGS;

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long QUOTES = ONES * '"';
    private static final long BACKSLASHES = ONES * '\\';
    private static final long CONTROL_LIMIT = ONES * 0x20;
    private static final long CAPITAL_LOW = ONES * (0x80 - 'A');
    private static final long CAPITAL_HIGH = ONES * (0x80 - 'Z' - 1);

    private byte[] data;
    private int begin;
    private int pos;
    private int end;
    private int state;
    private JsonToken token;

    /** Per open container: true for an object; {@link #depth} of them are open. */
    private final boolean[] inObject = new boolean[DecodeLimits.MAX_JSON_NESTING_DEPTH + 1];

    /**
     * Per open object: the index of its last name {@link #nextField} found (-1 for one not looked
     * for), or {@link #OBJECT_START}.
     */
    private final int[] lastField = new int[DecodeLimits.MAX_JSON_NESTING_DEPTH + 1];

    private static final int OBJECT_START = -2;

    /**
     * Per prediction slot of a {@link JsonFieldNames} (what came before: its name, the object's
     * start or another name): the index + 1 of the name that came next last time, 0 for none.
     * Records of one producer write their fields in one order, so the guess is mostly right and the
     * name is then only compared, not scanned and looked up.
     */
    private int[] predictions = new int[0];

    private int depth;

    // The current field name: its bytes between the quotes.
    private int nameStart;
    private int nameLength;
    private boolean nameEscaped;
    private boolean nameAscii;

    // The current string value (between the quotes) or number (as written).
    private int valueStart;
    private int valueLength;
    private boolean valueEscaped;
    private boolean valueAscii;

    // The current number.
    private NumberType numberType;
    private long longValue;

    /** The current float (its digits, or a non-numeric word). */
    private final JsonFloat number = new JsonFloat();

    private static final int CACHED_MAX_LENGTH = 32;
    private static final int CACHED_WORDS = CACHED_MAX_LENGTH / Long.BYTES;
    private static final int CACHED_SLOT_BITS = 9;
    private final String[] cachedTexts = new String[1 << CACHED_SLOT_BITS];
    private final int[] cachedLengths = new int[1 << CACHED_SLOT_BITS];
    private final long[] cachedWords = new long[CACHED_WORDS << CACHED_SLOT_BITS];

    private char[] chars = new char[64];
    private final BytesView bytesView = new BytesView();

    /** Starts on {@code length} bytes of {@code data} from {@code offset}, skipping a BOM. */
    void reset(byte[] data, int offset, int length) throws RecordRejected {
        if (length > DecodeLimits.MAX_RECORD_BYTES) {
            throw new RecordRejected(
                    "JSON exceeds a limit: document of "
                            + length
                            + " bytes is longer than "
                            + DecodeLimits.MAX_RECORD_BYTES);
        }
        this.data = data;
        this.begin = offset;
        this.pos = offset;
        this.end = offset + length;
        if (length >= 3
                && (data[offset] & 0xff) == 0xEF
                && (data[offset + 1] & 0xff) == 0xBB
                && (data[offset + 2] & 0xff) == 0xBF) {
            pos += 3;
        }
        state = ROOT;
        depth = 0;
        token = null;
    }

    /** The current token, null before the first and after the end of input. */
    JsonToken currentToken() {
        return token;
    }

    /** The next token, or null at the end of the input (after the top-level value). */
    JsonToken nextToken() throws RecordRejected {
        int c = skipWhiteSpace();
        switch (state) {
            case ROOT:
                if (c < 0) {
                    return token = null; // empty input, as Jackson
                }
                return token = value(c);
            case ROOT_DONE:
                if (c < 0) {
                    return token = null;
                }
                throw new RecordRejected("unexpected data after the JSON value" + where());
            case ARRAY_FIRST:
                if (c == ']') {
                    return token = close(false);
                }
                return token = value(c);
            case ARRAY_NEXT:
                if (c == ']') {
                    return token = close(false);
                }
                if (c != ',') {
                    throw expected("a comma or ']' in an array", c);
                }
                pos++;
                return token = value(skipWhiteSpace());
            case OBJECT_FIRST:
                if (c == '}') {
                    return token = close(true);
                }
                return token = name(c);
            case OBJECT_NEXT:
                if (c == '}') {
                    return token = close(true);
                }
                if (c != ',') {
                    throw expected("a comma or '}' in an object", c);
                }
                pos++;
                return token = name(skipWhiteSpace());
            case AFTER_NAME:
                if (c != ':') {
                    throw expected("a colon after the field name", c);
                }
                pos++;
                return token = value(skipWhiteSpace());
            default:
                throw new IllegalStateException("state " + state);
        }
    }

    /** {@link #nextField} at the end of the object. */
    static final int END_OF_OBJECT = -2;

    /**
     * In an object (on its {@code START_OBJECT} or on the value of a field): reads the next field's
     * name, colon and value, and returns the name's index in {@code names} (-1 for another name);
     * the value is then the {@link #currentToken()}, the name {@link #currentName()}. At the end of
     * the object {@link #END_OF_OBJECT}, on its {@code END_OBJECT}. The same tokens, checks and
     * reasons as {@link #nextToken()} twice, in one call.
     */
    int nextField(JsonFieldNames names) throws RecordRejected {
        int c = skipWhiteSpace();
        if (state == OBJECT_NEXT) {
            if (c == ',') {
                pos++;
                c = skipWhiteSpace();
            } else if (c == '}') {
                token = close(true);
                return END_OF_OBJECT;
            } else {
                throw expected("a comma or '}' in an object", c);
            }
        } else if (state == OBJECT_FIRST) {
            if (c == '}') {
                token = close(true);
                return END_OF_OBJECT;
            }
        } else {
            throw new IllegalStateException("nextField outside an object, state " + state);
        }
        int open = depth - 1;
        int slot = names.slotBase + lastField[open] + 2;
        if (slot >= predictions.length) {
            predictions = Arrays.copyOf(predictions, JsonFieldNames.allSlots());
        }
        int index = predictions[slot] - 1;
        int predictedLength;
        if (index >= 0
                && c == '"'
                && (predictedLength = names.lengthAt(index, data, pos + 1, end)) >= 0) {
            nameStart = pos + 1;
            nameLength = predictedLength;
            nameEscaped = false;
            nameAscii = names.isAscii(index);
            pos = nameStart + predictedLength + 1;
        } else {
            token = name(c);
            index = field(names);
            predictions[slot] = index + 1;
        }
        lastField[open] = index;
        // compact JSON first: the colon and the value's first byte right after the name
        if (pos < end && data[pos] == ':') {
            pos++;
        } else {
            c = skipWhiteSpace();
            if (c != ':') {
                state = AFTER_NAME;
                throw expected("a colon after the field name", c);
            }
            pos++;
        }
        c = skipWhiteSpace();
        if (c == '"') {
            state = OBJECT_NEXT; // in an object: no need for afterValue()'s look at the container
            token = stringAfterState();
        } else {
            token = value(c);
        }
        return index;
    }

    /**
     * On {@code START_OBJECT} or {@code START_ARRAY}: skips to its end (validating, making no
     * strings); on any other token nothing.
     */
    void skipChildren() throws RecordRejected {
        if (token != JsonToken.START_OBJECT && token != JsonToken.START_ARRAY) {
            return;
        }
        int open = 1;
        while (open > 0) {
            JsonToken t = nextToken();
            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                open++;
            } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                open--;
            } else if (t == null) {
                return; // cannot happen: the end of input inside a container is an error
            }
        }
    }

    /** Index of the current field name in {@code names}, or -1; no string unless escaped. */
    int field(JsonFieldNames names) throws RecordRejected {
        if (nameEscaped) {
            return names.indexOf(currentName());
        }
        return names.indexOf(data, nameStart, nameLength);
    }

    /** The current field name as a string (its last one while on the value after it). */
    String currentName() throws RecordRejected {
        if (!nameEscaped) {
            return new String(
                    data,
                    nameStart,
                    nameLength,
                    nameAscii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        }
        return decode(nameStart, nameLength, MAX_NAME_LENGTH);
    }

    /** True when the current field name is exactly {@code ascii} (ASCII), without a string. */
    boolean nameIs(byte[] ascii) throws RecordRejected {
        if (nameEscaped) {
            return new String(ascii, StandardCharsets.ISO_8859_1).equals(currentName());
        }
        if (nameLength != ascii.length) {
            return false;
        }
        for (int i = 0; i < nameLength; i++) {
            if (data[nameStart + i] != ascii[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Text of the current token as Jackson's {@code getText()}: a string value decoded, a number as
     * written, {@code true}, {@code false}, {@code null}, a field name, or a structural char.
     */
    String text() throws RecordRejected {
        if (token == null) {
            return null;
        }
        switch (token) {
            case VALUE_STRING:
                if (!valueEscaped) {
                    if (valueLength > DecodeLimits.MAX_JSON_STRING_LENGTH) {
                        checkStringLength(valueAscii ? valueLength : utf8Chars());
                    }
                    return new String(
                            data,
                            valueStart,
                            valueLength,
                            valueAscii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
                }
                return decode(valueStart, valueLength, DecodeLimits.MAX_JSON_STRING_LENGTH);
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return new String(data, valueStart, valueLength, StandardCharsets.ISO_8859_1);
            case FIELD_NAME:
                return currentName();
            default:
                return token.asString();
        }
    }

    /**
     * The current string value as characters, in place when it is plain ASCII (valid until the next
     * token), else as its decoded string.
     */
    CharSequence textSequence() throws RecordRejected {
        if (token == JsonToken.VALUE_STRING && !valueEscaped && valueAscii) {
            checkStringLength(valueLength);
            return bytesView.of(data, valueStart, valueLength);
        }
        return text();
    }

    /**
     * True when the current string or number token reads {@code ascii} (ASCII letters in any case
     * when {@code ignoreCase}), compared in place where the text is plain.
     */
    boolean textEquals(String ascii, boolean ignoreCase) throws RecordRejected {
        if (token == JsonToken.VALUE_STRING && (valueEscaped || !valueAscii)) {
            String text = text();
            return ignoreCase ? ascii.equalsIgnoreCase(text) : ascii.equals(text);
        }
        if (token == JsonToken.VALUE_STRING) {
            checkStringLength(valueLength); // read, so limited as Jackson's getText() is
        } else if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
            return false;
        }
        if (valueLength != ascii.length()) {
            return false;
        }
        for (int i = 0; i < valueLength; i++) {
            char c = (char) data[valueStart + i];
            char w = ascii.charAt(i);
            if (c != w && !(ignoreCase && Character.toLowerCase(c) == Character.toLowerCase(w))) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link #text()}, but for a short plain ASCII string the same {@code String} as the last time
     * these bytes were read (from a small direct-mapped cache): for values that repeat from span to
     * span, service and operation names and tag values, no string is made and copied each time.
     */
    String repeatedText() throws RecordRejected {
        int n = valueLength;
        int start = valueStart;
        byte[] d = data;
        if (token != JsonToken.VALUE_STRING
                || valueEscaped
                || !valueAscii
                || n > CACHED_MAX_LENGTH
                || start + CACHED_MAX_LENGTH > d.length) {
            return text();
        }
        int words = (n + 7) >>> 3;
        long lastMask = (n & 7) == 0 ? -1L : (1L << ((n & 7) * 8)) - 1;
        long hash = n;
        for (int k = 0; k < words; k++) {
            long w = (long) LONGS.get(d, start + k * Long.BYTES);
            if (k == words - 1) {
                w &= lastMask;
            }
            hash = (hash ^ w) * 0x9E3779B97F4A7C15L;
        }
        int slot = (int) (hash >>> (64 - CACHED_SLOT_BITS));
        String cached = cachedTexts[slot];
        if (cached != null && cachedLengths[slot] == n) {
            int base = slot * CACHED_WORDS;
            int k = 0;
            while (k < words) {
                long w = (long) LONGS.get(d, start + k * Long.BYTES);
                if ((k == words - 1 ? w & lastMask : w) != cachedWords[base + k]) {
                    break;
                }
                k++;
            }
            if (k == words) {
                return cached;
            }
        }
        String text = new String(d, start, n, StandardCharsets.ISO_8859_1);
        int base = slot * CACHED_WORDS;
        for (int k = 0; k < words; k++) {
            long w = (long) LONGS.get(d, start + k * Long.BYTES);
            cachedWords[base + k] = k == words - 1 ? w & lastMask : w;
        }
        cachedLengths[slot] = n;
        cachedTexts[slot] = text;
        return text;
    }

    /**
     * True when the current token's text is plain ASCII without a capital letter, so that its
     * {@code toLowerCase(Locale.ROOT)} is itself (hex ids, which the readers lower-case), checked
     * in place a word at a time; false when it may have one (an escape or a character beyond ASCII
     * included). True for a literal, a structural token or none, whose text has no capital.
     */
    boolean textIsLowerCase() {
        if (token == JsonToken.VALUE_STRING) {
            if (valueEscaped || !valueAscii) {
                return false;
            }
        } else if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
            return true;
        }
        byte[] d = data;
        int i = valueStart;
        int e = valueStart + valueLength;
        for (; i + Long.BYTES <= e; i += Long.BYTES) {
            long w = (long) LONGS.get(d, i);
            // ASCII bytes (below 0x80): the high bit of b + 0x3F is b >= 'A', of b + 0x25 b > 'Z',
            // and no sum carries into the next byte
            if (((w + CAPITAL_LOW) & ~(w + CAPITAL_HIGH) & HIGH_BITS) != 0) {
                return false;
            }
        }
        for (; i < e; i++) {
            if (d[i] >= 'A' && d[i] <= 'Z') {
                return false;
            }
        }
        return true;
    }

    /**
     * The current string value's bytes when they are its characters (ASCII, no escape), for reading
     * in place ({@link #valueStart()}, {@link #valueLength()}); else null.
     */
    byte[] plainStringBytes() throws RecordRejected {
        if (token == JsonToken.VALUE_STRING && !valueEscaped && valueAscii) {
            checkStringLength(valueLength);
            return data;
        }
        return null;
    }

    int valueStart() {
        return valueStart;
    }

    int valueLength() {
        return valueLength;
    }

    /** The type of the current number token, as Jackson's {@code getNumberType()}. */
    NumberType numberType() {
        return numberType;
    }

    /** The current integer (of type INT or LONG). */
    long longValue() {
        return longValue;
    }

    /** The current number as a double, as Jackson's {@code getDoubleValue()}. */
    double doubleValue() {
        if (token == JsonToken.VALUE_NUMBER_INT) {
            return numberType != NumberType.BIG_INTEGER
                    ? longValue
                    : Double.parseDouble(
                            new String(data, valueStart, valueLength, StandardCharsets.ISO_8859_1));
        }
        return currentFloat().value();
    }

    /**
     * The current floating point number (a {@code VALUE_NUMBER_FLOAT}), copied into {@code into}
     * for its {@link JsonFloat#value()} later, while the record is read.
     */
    void copyFloat(JsonFloat into) {
        into.copyFrom(currentFloat());
    }

    /** {@link #number} with the place where it is written. */
    private JsonFloat currentFloat() {
        number.data = data;
        number.start = valueStart;
        number.length = valueLength;
        return number;
    }

    /** " at line L column C" of the current position, both from 1 (columns count bytes). */
    String where() {
        int line = 1;
        int lineStart = begin;
        int at = Math.min(pos, end);
        for (int i = begin; i < at; i++) {
            byte b = data[i];
            if (b == '\n' || (b == '\r' && (i + 1 >= at || data[i + 1] != '\n'))) {
                line++;
                lineStart = i + 1;
            }
        }
        return " at line " + line + " column " + (at - lineStart + 1);
    }

    // ---------------------------------------------------------------------------------------

    /** The next byte after white space (not consumed), or -1 at the end. */
    private int skipWhiteSpace() {
        if (pos < end) {
            int c = data[pos] & 0xff;
            if (c > ' ') {
                return c; // compact JSON: no white space between tokens
            }
        }
        while (pos < end) {
            int c = data[pos] & 0xff;
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                pos++;
            } else {
                return c;
            }
        }
        return -1;
    }

    private JsonToken value(int c) throws RecordRejected {
        switch (c) {
            case '{':
                open(true);
                return JsonToken.START_OBJECT;
            case '[':
                open(false);
                return JsonToken.START_ARRAY;
            case '"':
                return stringValue();
            case 't':
                literal("true");
                return JsonToken.VALUE_TRUE;
            case 'f':
                literal("false");
                return JsonToken.VALUE_FALSE;
            case 'n':
                literal("null");
                return JsonToken.VALUE_NULL;
            case 'N':
                return nonNumeric("NaN", Double.NaN);
            case 'I':
                return nonNumeric("Infinity", Double.POSITIVE_INFINITY);
            case '+':
                if (matches("+Infinity")) {
                    return nonNumeric("+Infinity", Double.POSITIVE_INFINITY);
                }
                if (matches("+INF")) {
                    return nonNumeric("+INF", Double.POSITIVE_INFINITY);
                }
                throw fail("a number may not start with a plus sign");
            case -1:
                throw fail("unexpected end of input, expected a value");
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw expected("a JSON value", c);
        }
    }

    /** A string value at {@code pos} (its opening quote). */
    private JsonToken stringValue() throws RecordRejected {
        afterValue();
        return stringAfterState();
    }

    /** {@link #stringValue()} once the state after it is set. */
    private JsonToken stringAfterState() throws RecordRejected {
        pos++;
        valueStart = pos;
        valueAscii = true;
        valueEscaped = false;
        pos = scanString(false);
        valueLength = pos - 1 - valueStart;
        return JsonToken.VALUE_STRING;
    }

    private void open(boolean object) throws RecordRejected {
        if (depth == DecodeLimits.MAX_JSON_NESTING_DEPTH) {
            throw limit("Document nesting depth", depth + 1, DecodeLimits.MAX_JSON_NESTING_DEPTH);
        }
        lastField[depth] = OBJECT_START;
        inObject[depth++] = object;
        pos++;
        state = object ? OBJECT_FIRST : ARRAY_FIRST;
    }

    private JsonToken close(boolean object) {
        pos++;
        depth--;
        afterValue();
        return object ? JsonToken.END_OBJECT : JsonToken.END_ARRAY;
    }

    /** The state after a complete value at the current depth. */
    private void afterValue() {
        state = depth == 0 ? ROOT_DONE : inObject[depth - 1] ? OBJECT_NEXT : ARRAY_NEXT;
    }

    private JsonToken name(int c) throws RecordRejected {
        if (c != '"') {
            throw expected("a field name in double quotes", c);
        }
        pos++;
        int start = pos;
        valueEscaped = false;
        valueAscii = true;
        pos = scanString(true);
        nameStart = start;
        nameLength = pos - 1 - start;
        nameEscaped = valueEscaped;
        nameAscii = valueAscii;
        if (nameLength > MAX_NAME_LENGTH) {
            checkNameLength();
        }
        state = AFTER_NAME;
        return JsonToken.FIELD_NAME;
    }

    private void checkNameLength() throws RecordRejected {
        int length = currentName().length();
        if (length > MAX_NAME_LENGTH) {
            throw limit("Name length", length, MAX_NAME_LENGTH);
        }
    }

    private void checkStringLength(int length) throws RecordRejected {
        if (length > DecodeLimits.MAX_JSON_STRING_LENGTH) {
            throw limit("String value length", length, DecodeLimits.MAX_JSON_STRING_LENGTH);
        }
    }

    /** Chars (UTF-16 units) of the current unescaped non-ASCII string value. */
    private int utf8Chars() {
        int n = 0;
        for (int i = valueStart; i < valueStart + valueLength; i++) {
            int b = data[i] & 0xff;
            if ((b & 0xC0) != 0x80) {
                n += b >= 0xF0 ? 2 : 1;
            }
        }
        return n;
    }

    /**
     * Validates the string from {@code pos} (after its opening quote) and returns the position
     * after its closing quote; sets {@link #valueEscaped} and {@link #valueAscii}.
     */
    private int scanString(boolean isName) throws RecordRejected {
        byte[] d = data;
        int i = pos;
        int e = end;
        while (true) {
            // Eight bytes at a time up to the first quote, backslash, control character or high
            // bit: the lowest flagged byte is the first such (borrows only run upwards from one).
            while (i + Long.BYTES <= e) {
                long w = (long) LONGS.get(d, i);
                long quote = w ^ QUOTES;
                long backslash = w ^ BACKSLASHES;
                long special =
                        (((quote - ONES) & ~quote)
                                        | ((backslash - ONES) & ~backslash)
                                        | (w - CONTROL_LIMIT)
                                        | w)
                                & HIGH_BITS;
                if (special != 0) {
                    i += Long.numberOfTrailingZeros(special) >>> 3;
                    break;
                }
                i += Long.BYTES;
            }
            if (i + Long.BYTES > e) {
                while (i < e && STRING_CLASS[d[i] & 0xff] == PLAIN) {
                    i++;
                }
                if (i >= e) {
                    pos = i;
                    throw fail(
                            "unexpected end of input in a "
                                    + (isName ? "field name" : "string value"));
                }
            }
            byte c = d[i];
            if (c == '"') {
                return i + 1;
            }
            i = special(i);
        }
    }

    /** The byte at {@code i} of a string: an escape, a control character or a UTF-8 sequence. */
    private int special(int i) throws RecordRejected {
        int c = data[i] & 0xff;
        switch (STRING_CLASS[c]) {
            case BACKSLASH:
                valueEscaped = true;
                return escape(i);
            case CONTROL:
                pos = i;
                throw fail(
                        "control character 0x"
                                + Integer.toHexString(c)
                                + " in a string must be escaped");
            default:
                valueAscii = false;
                return utf8(i);
        }
    }

    /** Validates the escape at {@code i} (a backslash); returns the position after it. */
    private int escape(int i) throws RecordRejected {
        if (i + 1 >= end) {
            pos = i + 1;
            throw fail("unexpected end of input in an escape");
        }
        switch (data[i + 1]) {
            case '"':
            case '\\':
            case '/':
            case 'b':
            case 'f':
            case 'n':
            case 'r':
            case 't':
                return i + 2;
            case 'u':
                for (int k = i + 2; k < i + 6; k++) {
                    if (k >= end) {
                        pos = k;
                        throw fail("unexpected end of input in a \\u escape");
                    }
                    if (hex(data[k]) < 0) {
                        pos = k;
                        throw fail("\\u escape needs four hex digits");
                    }
                }
                return i + 6;
            default:
                pos = i + 1;
                throw fail("unknown escape \\" + printable(data[i + 1] & 0xff));
        }
    }

    /** Validates the UTF-8 sequence at {@code i} (a byte >= 0x80); returns the position after. */
    private int utf8(int i) throws RecordRejected {
        int c = data[i] & 0xff;
        int need;
        int min1 = 0x80;
        int max1 = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            if (c == 0xE0) {
                min1 = 0xA0; // overlong
            } else if (c == 0xED) {
                max1 = 0x9F; // a surrogate
            }
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            if (c == 0xF0) {
                min1 = 0x90; // overlong
            } else if (c == 0xF4) {
                max1 = 0x8F; // above U+10FFFF
            }
        } else {
            pos = i;
            throw fail("invalid UTF-8 start byte 0x" + Integer.toHexString(c));
        }
        for (int k = 1; k <= need; k++) {
            int b = i + k < end ? data[i + k] & 0xff : -1;
            int min = k == 1 ? min1 : 0x80;
            int max = k == 1 ? max1 : 0xBF;
            if (b < min || b > max) {
                pos = i + k;
                throw fail("invalid UTF-8 sequence");
            }
        }
        return i + need + 1;
    }

    /** Decodes a validated string of {@code length} bytes from {@code start} (escapes, UTF-8). */
    private String decode(int start, int length, int limit) throws RecordRejected {
        if (chars.length < length) {
            chars = new char[Math.max(length, chars.length * 2)];
        }
        char[] out = chars;
        int n = 0;
        int i = start;
        int e = start + length;
        byte[] d = data;
        while (i < e) {
            int c = d[i];
            if (c >= 0 && c != '\\') {
                out[n++] = (char) c;
                i++;
            } else if (c == '\\') {
                byte x = d[i + 1];
                i += 2;
                switch (x) {
                    case 'b':
                        out[n++] = '\b';
                        break;
                    case 'f':
                        out[n++] = '\f';
                        break;
                    case 'n':
                        out[n++] = '\n';
                        break;
                    case 'r':
                        out[n++] = '\r';
                        break;
                    case 't':
                        out[n++] = '\t';
                        break;
                    case 'u':
                        out[n++] =
                                (char)
                                        (hex(d[i]) << 12
                                                | hex(d[i + 1]) << 8
                                                | hex(d[i + 2]) << 4
                                                | hex(d[i + 3]));
                        i += 4;
                        break;
                    default: // " \ /
                        out[n++] = (char) x;
                }
            } else {
                c &= 0xff;
                int cp;
                if (c < 0xE0) {
                    cp = (c & 0x1F) << 6 | (d[i + 1] & 0x3F);
                    i += 2;
                } else if (c < 0xF0) {
                    cp = (c & 0x0F) << 12 | (d[i + 1] & 0x3F) << 6 | (d[i + 2] & 0x3F);
                    i += 3;
                } else {
                    cp =
                            (c & 0x07) << 18
                                    | (d[i + 1] & 0x3F) << 12
                                    | (d[i + 2] & 0x3F) << 6
                                    | (d[i + 3] & 0x3F);
                    i += 4;
                }
                if (cp >= 0x10000) {
                    out[n++] = Character.highSurrogate(cp);
                    out[n++] = Character.lowSurrogate(cp);
                } else {
                    out[n++] = (char) cp;
                }
            }
        }
        if (n > limit) {
            throw limit(limit == MAX_NAME_LENGTH ? "Name length" : "String value length", n, limit);
        }
        return new String(out, 0, n);
    }

    private static int hex(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    private void literal(String word) throws RecordRejected {
        if (!matches(word)) {
            throw fail("unrecognised token, expected " + word);
        }
        pos += word.length();
        afterValue();
    }

    private boolean matches(String word) {
        if (end - pos < word.length()) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if (data[pos + k] != word.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private JsonToken nonNumeric(String word, double value) throws RecordRejected {
        if (!matches(word)) {
            throw fail("unrecognised token, expected " + word);
        }
        valueStart = pos;
        valueLength = word.length();
        pos += word.length();
        number.isNonNumeric = true;
        number.nonNumeric = value;
        numberType = NumberType.DOUBLE;
        afterValue();
        return JsonToken.VALUE_NUMBER_FLOAT;
    }

    /** A number at {@code pos} (a minus sign or a digit), as Jackson reads it. */
    private JsonToken number() throws RecordRejected {
        byte[] d = data;
        int start = pos;
        int i = pos;
        boolean negative = d[i] == '-';
        if (negative) {
            i++;
            pos = i;
            pos = start;
            if (matches("-Infinity")) {
                return nonNumeric("-Infinity", Double.NEGATIVE_INFINITY);
            }
            if (matches("-INF")) {
                return nonNumeric("-INF", Double.NEGATIVE_INFINITY);
            }
            pos = i;
            if (i >= end || d[i] < '0' || d[i] > '9') {
                throw fail("expected a digit after the minus sign");
            }
        }
        int digitsStart = i;
        long value = 0;
        if (d[i] == '0') {
            i++;
            if (i < end && d[i] >= '0' && d[i] <= '9') {
                pos = i;
                throw fail("leading zeroes are not allowed in a number");
            }
        } else {
            while (i < end && d[i] >= '0' && d[i] <= '9') {
                if (i - digitsStart < 18) {
                    value = value * 10 + (d[i] - '0');
                }
                i++;
            }
        }
        int intDigits = i - digitsStart;
        int fractionDigits = 0;
        long exponent = 0;
        boolean isFloat = false;
        long digits = value; // the significant digits, for doubleValue (only up to 19 of them)
        if (i < end && d[i] == '.') {
            isFloat = true;
            i++;
            int fractionStart = i;
            while (i < end && d[i] >= '0' && d[i] <= '9') {
                digits = digits * 10 + (d[i] - '0');
                i++;
            }
            fractionDigits = i - fractionStart;
            if (fractionDigits == 0) {
                pos = i;
                throw fail("a decimal point must be followed by a digit");
            }
        }
        int exponentDigits = 0;
        if (i < end && (d[i] == 'e' || d[i] == 'E')) {
            isFloat = true;
            i++;
            boolean negativeExponent = false;
            if (i < end && (d[i] == '+' || d[i] == '-')) {
                negativeExponent = d[i] == '-';
                i++;
            }
            int exponentStart = i;
            long exp = 0;
            while (i < end && d[i] >= '0' && d[i] <= '9') {
                if (exp < 1_000_000_000L) {
                    exp = exp * 10 + (d[i] - '0');
                }
                i++;
            }
            exponentDigits = i - exponentStart;
            if (exponentDigits == 0) {
                pos = i;
                throw fail("an exponent must have a digit");
            }
            exponent = negativeExponent ? -exp : exp;
        }
        pos = i;
        valueStart = start;
        valueLength = i - start;
        if (intDigits + fractionDigits + exponentDigits > MAX_NUMBER_LENGTH) {
            pos = start;
            throw limit("Number value length", valueLength, MAX_NUMBER_LENGTH);
        }
        afterValue();
        if (isFloat) {
            JsonFloat f = number;
            f.isNonNumeric = false;
            f.mantissa = digits;
            f.negative = negative;
            f.intDigits = intDigits;
            f.fractionDigits = fractionDigits;
            f.exponent = exponent;
            numberType = NumberType.DOUBLE;
            return JsonToken.VALUE_NUMBER_FLOAT;
        }
        if (intDigits <= 18) {
            longValue = negative ? -value : value;
        } else if (intDigits == 19) {
            int last = d[digitsStart + 18] - '0';
            if (value < 922_337_203_685_477_580L
                    || (value == 922_337_203_685_477_580L && last <= (negative ? 8 : 7))) {
                longValue = negative ? -(value * 10) - last : value * 10 + last;
            } else {
                numberType = NumberType.BIG_INTEGER;
                return JsonToken.VALUE_NUMBER_INT;
            }
        } else {
            numberType = NumberType.BIG_INTEGER;
            return JsonToken.VALUE_NUMBER_INT;
        }
        numberType =
                longValue >= Integer.MIN_VALUE && longValue <= Integer.MAX_VALUE
                        ? NumberType.INT
                        : NumberType.LONG;
        return JsonToken.VALUE_NUMBER_INT;
    }

    private RecordRejected expected(String what, int c) {
        if (c < 0) {
            return fail("unexpected end of input, expected " + what);
        }
        return fail("unexpected character " + printable(c) + ", expected " + what);
    }

    private static String printable(int c) {
        return c >= 0x20 && c < 0x7F ? "'" + (char) c + "'" : String.format("(code 0x%02x)", c);
    }

    /** An exceeded limit, in the words of Jackson's {@code StreamConstraintsException}. */
    private RecordRejected limit(String what, int length, int max) {
        return new RecordRejected(
                "JSON exceeds a limit: "
                        + what
                        + " ("
                        + length
                        + ") exceeds the maximum allowed ("
                        + max
                        + ")"
                        + where());
    }

    private RecordRejected fail(String what) {
        return new RecordRejected("not valid JSON" + where() + ": " + what);
    }

    /** Bytes of ASCII text seen as a {@link CharSequence}, without a copy; reused. */
    private static final class BytesView implements CharSequence {
        private byte[] bytes;
        private int offset;
        private int length;

        BytesView of(byte[] bytes, int offset, int length) {
            this.bytes = bytes;
            this.offset = offset;
            this.length = length;
            return this;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            return (char) bytes[offset + index];
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new String(bytes, offset + start, end - start, StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
        }
    }
}
