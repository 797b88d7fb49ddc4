package io.traceassembler.ingest.format;

/**
 * A parser's character buffer seen as a {@link CharSequence} without copying it (Jackson's {@code
 * getTextCharacters()}), so that short values such as a span kind are matched without allocating a
 * string. Mutable and reused: one per JSON scratch.
 */
final class CharArrayView implements CharSequence {
    private char[] chars = new char[0];

    /** Views {@code array}; valid until the parser moves on. */
    CharArrayView of(char[] array) {
        chars = array;
        return this;
    }

    @Override
    public int length() {
        return chars.length;
    }

    @Override
    public char charAt(int index) {
        return chars[index];
    }

    @Override
    public CharSequence subSequence(int start, int end) {
        return new String(chars, start, end - start);
    }

    @Override
    public String toString() {
        return new String(chars);
    }
}
