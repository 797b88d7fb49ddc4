package io.traceassembler.generate;

import java.util.LinkedHashMap;
import java.util.Map;

/** A span as a producer would record it, before any encoding; times in epoch nanoseconds. */
public class GeneratedSpan {
    /** 32 lower-case hex characters. */
    public String traceId;

    /** 16 lower-case hex characters. */
    public String spanId;

    /** Null for a root span. */
    public String parentSpanId;

    public String operationName;
    public String serviceName;

    /** server, client, producer, consumer or internal. */
    public String kind = "internal";

    /**
     * A B3 server half (Zipkin {@code shared: true}, kind server): it has its client half's span id
     * and parent id. Only in a {@link #zipkinReported} trace.
     */
    public boolean shared;

    /**
     * The trace's services report with Zipkin reporters: the traffic shaper sends this span only in
     * a Zipkin encoding (set on every span of such a trace).
     */
    public boolean zipkinReported;

    public long startEpochNanos;
    public long endEpochNanos;

    /** ok, error, timeout or cancelled. */
    public String status = "ok";

    public Map<String, String> tags = new LinkedHashMap<>();

    public GeneratedSpan() {}

    public GeneratedSpan(
            String traceId,
            String spanId,
            String parentSpanId,
            String operationName,
            String serviceName,
            String kind,
            long startEpochNanos,
            long endEpochNanos,
            String status) {
        this.traceId = traceId;
        this.spanId = spanId;
        this.parentSpanId = parentSpanId;
        this.operationName = operationName;
        this.serviceName = serviceName;
        this.kind = kind;
        this.startEpochNanos = startEpochNanos;
        this.endEpochNanos = endEpochNanos;
        this.status = status;
    }

    public boolean isError() {
        return "error".equals(status);
    }

    @Override
    public String toString() {
        return "GeneratedSpan{trace="
                + traceId
                + ", span="
                + spanId
                + ", parent="
                + parentSpanId
                + ", op="
                + operationName
                + ", service="
                + serviceName
                + ", kind="
                + kind
                + (shared ? ", shared" : "")
                + ", start="
                + startEpochNanos
                + ", end="
                + endEpochNanos
                + ", status="
                + status
                + '}';
    }
}
