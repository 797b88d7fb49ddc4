package io.traceassembler.ingest;

import io.traceassembler.model.Span;

/**
 * Receives what {@link SpanDecoder} finds in one record: good spans, and reasons for what it could
 * not use.
 */
public interface SpanCollector {

    void collect(Span span);

    /** Called once per unusable span, or once for a whole record that cannot be decoded at all. */
    void reject(String reason);
}
