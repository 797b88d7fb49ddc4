package io.traceassembler.ingest.format;

/** The limits every reader keeps, whatever a producer sends; {@code SpanDecoder} publishes them. */
public final class DecodeLimits {
    /**
     * Largest record accepted, before and after decompression; larger decompressed data is treated
     * as a zip bomb.
     */
    public static final int MAX_RECORD_BYTES = 10 * 1024 * 1024;

    /** Most spans (good or rejected) one record may hold. */
    public static final int MAX_SPANS_PER_RECORD = 100_000;

    /** Longest trace, span or parent id accepted. */
    public static final int MAX_ID_LENGTH = 256;

    /** Deepest JSON nesting accepted; real span JSON needs fewer than 10 levels. */
    public static final int MAX_JSON_NESTING_DEPTH = 100;

    /** Longest JSON string value accepted. */
    public static final int MAX_JSON_STRING_LENGTH = 1024 * 1024;

    private DecodeLimits() {}
}
