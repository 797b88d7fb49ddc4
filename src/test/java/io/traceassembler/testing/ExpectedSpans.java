package io.traceassembler.testing;

import io.traceassembler.generate.Encoding;
import io.traceassembler.generate.GeneratedSpan;
import io.traceassembler.model.Span;
import io.traceassembler.model.SpanKind;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** What the decoder should make of a generated span, worked out from the generator's values. */
public final class ExpectedSpans {
    private ExpectedSpans() {}

    /**
     * A generated span sent in {@code encoding}: times rounded down to microseconds; the Zipkin
     * library lower-cases span names; the kind as that encoding carries it (the native Kinesis
     * record has no span_kind; Zipkin and Jaeger write no kind for an internal span); the three
     * kept tags; the shared flag of a B3 server half (only Zipkin carries it).
     */
    public static Span of(GeneratedSpan g, Encoding encoding) {
        boolean zipkin = encoding == Encoding.ZIPKIN_JSON || encoding == Encoding.ZIPKIN_PROTO;
        Span span =
                new Span(
                        g.traceId,
                        g.spanId,
                        g.parentSpanId,
                        g.serviceName,
                        zipkin ? g.operationName.toLowerCase(Locale.ROOT) : g.operationName,
                        Math.floorDiv(g.startEpochNanos, 1000L),
                        Math.floorDiv(g.endEpochNanos, 1000L),
                        g.isError());
        String kind = g.kind == null ? "internal" : g.kind;
        boolean noInternalKind = zipkin || encoding == Encoding.JAEGER_PROTO;
        if (encoding == Encoding.NATIVE_KINESIS_RECORD
                || (noInternalKind && kind.equals("internal"))) {
            span.kind = SpanKind.UNSPECIFIED;
        } else {
            span.kind = SpanKind.valueOf(kind.toUpperCase(Locale.ROOT));
        }
        span.shared = zipkin && g.shared;
        span.peerService = g.tags.get("peer.service");
        span.dbSystem = g.tags.get("db.system");
        span.messagingSystem = g.tags.get("messaging.system");
        return span;
    }

    public static List<Span> of(List<GeneratedSpan> spans, Encoding encoding) {
        return spans.stream().map(g -> of(g, encoding)).collect(Collectors.toList());
    }
}
