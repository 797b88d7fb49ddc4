package io.traceassembler.testing;

import io.traceassembler.ingest.SpanCollector;
import io.traceassembler.ingest.SpanDecoder;
import io.traceassembler.model.Span;
import io.traceassembler.model.SpanFormat;

import java.util.ArrayList;
import java.util.List;

/**
 * One record through the job's decoder, for the tests: the spans and the reject reasons it gave.
 */
public final class Decoding {
    private Decoding() {}

    /** What the decoder emitted for one record. */
    public static final class Decoded implements SpanCollector {
        public final List<Span> spans = new ArrayList<>();
        public final List<String> rejects = new ArrayList<>();

        @Override
        public void collect(Span span) {
            spans.add(span);
        }

        @Override
        public void reject(String reason) {
            rejects.add(reason);
        }
    }

    public static Decoded decode(SpanFormat format, byte[] record) {
        Decoded decoded = new Decoded();
        new SpanDecoder(format).decode(record, decoded);
        return decoded;
    }
}
