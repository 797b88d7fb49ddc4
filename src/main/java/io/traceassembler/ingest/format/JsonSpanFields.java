package io.traceassembler.ingest.format;

import io.traceassembler.model.SpanKind;

import java.util.Locale;

/**
 * Scratch for the fields of one JSON span, reused for every span. Native and Zipkin spans are read
 * in one pass (a top-level object may be either); the key counts tell them apart under {@code
 * format=auto}.
 */
final class JsonSpanFields {
    String traceId;
    String spanId;
    String parentSpanId;
    String operationName;

    /**
     * True when an id's text may have a capital letter ({@link JsonTokenizer#textIsLowerCase}):
     * only then are the ids of OTLP and Zipkin lower-cased ({@link #lowerId}), a copy and a case
     * lookup per character saved on the usual lower-case hex id. Ids under native keys are not
     * checked (a native span keeps them as written) and set it, for the odd object of native ids
     * that is read as Zipkin.
     */
    boolean idsCased;

    String serviceName;

    /** Native {@code status} "error" (any case), OTLP {@code status.code} 2 or its name. */
    boolean statusError;

    boolean errorTag;
    SpanKind kind;
    boolean shared;
    String peerService;
    String dbSystem;
    String messagingSystem;
    String remoteServiceName;
    int nativeKeys;
    int zipkinKeys;
    final JsonTimeValue start = new JsonTimeValue();
    final JsonTimeValue end = new JsonTimeValue();
    final JsonTimeValue timestamp = new JsonTimeValue();
    final JsonTimeValue durationMs = new JsonTimeValue();
    final JsonTimeValue duration = new JsonTimeValue();

    void reset() {
        traceId = null;
        spanId = null;
        parentSpanId = null;
        operationName = null;
        idsCased = false;
        serviceName = null;
        statusError = false;
        errorTag = false;
        kind = SpanKind.UNSPECIFIED;
        shared = false;
        clearAttributes();
        remoteServiceName = null;
        nativeKeys = 0;
        zipkinKeys = 0;
        start.clear();
        end.clear();
        timestamp.clear();
        durationMs.clear();
        duration.clear();
    }

    /** {@code id} in lower case (Locale.ROOT), as OTLP and Zipkin ids are normalised. */
    String lowerId(String id) {
        return idsCased ? id.toLowerCase(Locale.ROOT) : id;
    }

    /** {@link RecordSpans#lowerOrNull} of the parent id. */
    String lowerParentId() {
        return idsCased
                ? RecordSpans.lowerOrNull(parentSpanId)
                : RecordSpans.emptyToNull(parentSpanId);
    }

    void clearAttributes() {
        peerService = null;
        dbSystem = null;
        messagingSystem = null;
    }

    /** Keeps {@code value} as the attribute {@code key} ({@link SpanAttributes#keyOf}). */
    void setAttribute(int key, String value) {
        String kept = RecordSpans.emptyToNull(value);
        switch (key) {
            case SpanAttributes.PEER_SERVICE:
                peerService = kept;
                break;
            case SpanAttributes.DB_SYSTEM:
                dbSystem = kept;
                break;
            case SpanAttributes.MESSAGING_SYSTEM:
                messagingSystem = kept;
                break;
            default:
                break;
        }
    }
}
