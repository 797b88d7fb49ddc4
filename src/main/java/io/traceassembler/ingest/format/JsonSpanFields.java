package io.traceassembler.ingest.format;

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
    String serviceName;
    String status;
    boolean errorTag;
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
        serviceName = null;
        status = null;
        errorTag = false;
        nativeKeys = 0;
        zipkinKeys = 0;
        start.clear();
        end.clear();
        timestamp.clear();
        durationMs.clear();
        duration.clear();
    }
}
