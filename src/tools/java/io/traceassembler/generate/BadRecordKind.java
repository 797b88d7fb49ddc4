package io.traceassembler.generate;

/**
 * The undecodable records a {@link TrafficShaper} mixes in; each yields exactly one dead letter.
 */
public enum BadRecordKind {
    /**
     * Random bytes behind a zero byte, which no format accepts (a zero protobuf tag is invalid).
     */
    GARBAGE,
    /** An OTLP protobuf request cut in half. */
    TRUNCATED_PROTOBUF,
    /** A JSON span record cut in half. */
    INVALID_JSON,
    /** A well-formed native span whose end lies before its start (in a trace of its own). */
    END_BEFORE_START
}
