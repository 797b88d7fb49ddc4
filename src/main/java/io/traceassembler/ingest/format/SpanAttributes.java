package io.traceassembler.ingest.format;

import io.traceassembler.model.SpanKind;

/**
 * The span kind and the three attributes the service graph needs (docs/contracts.md, section 3a):
 * {@code peer.service}, {@code db.system} and {@code messaging.system}, with string values only;
 * every other tag or attribute is dropped. Shared by the readers: which key is kept, and the kind
 * of each encoding's way of writing it. Nothing here allocates; a reader allocates only the value
 * strings it keeps.
 */
final class SpanAttributes {
    /** {@link #keyOf} of a key that is not kept. */
    static final int NONE = 0;

    static final int PEER_SERVICE = 1;
    static final int DB_SYSTEM = 2;
    static final int MESSAGING_SYSTEM = 3;

    private static final SpanKind[] OTLP_KINDS = {
        SpanKind.UNSPECIFIED,
        SpanKind.INTERNAL,
        SpanKind.SERVER,
        SpanKind.CLIENT,
        SpanKind.PRODUCER,
        SpanKind.CONSUMER
    };

    private static final String OTLP_KIND_PREFIX = "SPAN_KIND_";

    private SpanAttributes() {}

    /** Which kept attribute {@code key} names, or {@link #NONE}. */
    static int keyOf(String key) {
        if (key == null) {
            return NONE;
        }
        switch (key) {
            case "peer.service":
                return PEER_SERVICE;
            case "db.system":
                return DB_SYSTEM;
            case "messaging.system":
                return MESSAGING_SYSTEM;
            default:
                return NONE;
        }
    }

    /**
     * {@link #keyOf(String)} of {@code length} characters from {@code offset} (a parser's buffer),
     * without a string.
     */
    static int keyOf(CharSequence text, int offset, int length) {
        switch (length) {
            case 12:
                return same(text, offset, "peer.service") ? PEER_SERVICE : NONE;
            case 9:
                return same(text, offset, "db.system") ? DB_SYSTEM : NONE;
            case 16:
                return same(text, offset, "messaging.system") ? MESSAGING_SYSTEM : NONE;
            default:
                return NONE;
        }
    }

    /** OTLP's {@code Span.SpanKind} number: 1 INTERNAL ... 5 CONSUMER; 0 or other UNSPECIFIED. */
    static SpanKind otlpKind(long number) {
        return number >= 0 && number < OTLP_KINDS.length
                ? OTLP_KINDS[(int) number]
                : SpanKind.UNSPECIFIED;
    }

    /**
     * The kind named {@code server}, {@code client}, {@code producer}, {@code consumer} or {@code
     * internal} in any case (native {@code span_kind}, Jaeger's {@code span.kind} tag, Zipkin's
     * {@code kind}); anything else is UNSPECIFIED.
     */
    static SpanKind kindOfName(CharSequence name) {
        return name == null ? SpanKind.UNSPECIFIED : kindOfName(name, 0, name.length());
    }

    /** {@link #kindOfName(CharSequence)} of {@code length} characters from {@code offset}. */
    static SpanKind kindOfName(CharSequence text, int offset, int length) {
        switch (length) {
            case 6:
                if (matches(text, offset, "server")) {
                    return SpanKind.SERVER;
                }
                if (matches(text, offset, "client")) {
                    return SpanKind.CLIENT;
                }
                return SpanKind.UNSPECIFIED;
            case 8:
                if (matches(text, offset, "producer")) {
                    return SpanKind.PRODUCER;
                }
                if (matches(text, offset, "consumer")) {
                    return SpanKind.CONSUMER;
                }
                if (matches(text, offset, "internal")) {
                    return SpanKind.INTERNAL;
                }
                return SpanKind.UNSPECIFIED;
            default:
                return SpanKind.UNSPECIFIED;
        }
    }

    /**
     * OTLP/JSON's enum name of a kind, {@code SPAN_KIND_SERVER} and so on (any case); UNSPECIFIED
     * otherwise.
     */
    static SpanKind otlpKindName(CharSequence chars, int offset, int length) {
        int prefix = OTLP_KIND_PREFIX.length();
        if (length <= prefix || !matches(chars, offset, OTLP_KIND_PREFIX)) {
            return SpanKind.UNSPECIFIED;
        }
        return kindOfName(chars, offset + prefix, length - prefix);
    }

    /** Zipkin's kind (absent = UNSPECIFIED). */
    static SpanKind zipkinKind(zipkin2.Span.Kind kind) {
        if (kind == null) {
            return SpanKind.UNSPECIFIED;
        }
        switch (kind) {
            case CLIENT:
                return SpanKind.CLIENT;
            case SERVER:
                return SpanKind.SERVER;
            case PRODUCER:
                return SpanKind.PRODUCER;
            case CONSUMER:
                return SpanKind.CONSUMER;
            default:
                return SpanKind.UNSPECIFIED;
        }
    }

    /** {@code word}'s characters, exactly, at {@code offset} of {@code text}. */
    private static boolean same(CharSequence text, int offset, String word) {
        for (int i = 0; i < word.length(); i++) {
            if (text.charAt(offset + i) != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** {@code word}'s characters (ASCII) at {@code offset} of {@code text}, ignoring case. */
    private static boolean matches(CharSequence text, int offset, String word) {
        for (int i = 0; i < word.length(); i++) {
            char c = text.charAt(offset + i);
            char w = word.charAt(i);
            if (c != w && c != Character.toUpperCase(w) && c != Character.toLowerCase(w)) {
                return false;
            }
        }
        return true;
    }
}
