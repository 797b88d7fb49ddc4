package io.traceassembler.ingest.format;

/**
 * A record that cannot be decoded at all; carries the dead-letter reason and no stack trace (bad
 * input is not exceptional here). Thrown by the readers, turned into one reject by {@code
 * SpanDecoder}.
 */
public class RecordRejected extends Exception {
    private static final long serialVersionUID = 1L;

    public RecordRejected(String reason) {
        super(reason, null, false, false);
    }
}
