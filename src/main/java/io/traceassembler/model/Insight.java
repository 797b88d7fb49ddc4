package io.traceassembler.model;

/** One insight about one trace: a CloudWatch datum in the live job, a JSON line in replay. */
public class Insight {
    public String traceId;

    /** {@link InsightType#id()}. */
    public String type;

    public String severity;

    /** The trace's root service, or {@code unknown}. */
    public String serviceName;

    public String message;

    /** Epoch milliseconds of the trace's end. */
    public long timestampMillis;

    /**
     * Who is to blame, when the analysis knows: for {@code trace_errors} the root cause's service
     * and operation, for {@code slow_trace} the bottleneck's; null otherwise.
     */
    public String culpritService;

    public String culpritOperation;

    public Insight() {}

    public Insight(
            String traceId,
            InsightType type,
            String serviceName,
            String message,
            long timestampMillis) {
        this.traceId = traceId;
        this.type = type.id();
        this.severity = type.severity();
        this.serviceName = serviceName;
        this.message = message;
        this.timestampMillis = timestampMillis;
    }

    @Override
    public String toString() {
        return "Insight{trace="
                + traceId
                + ", type="
                + type
                + ", severity="
                + severity
                + ", service="
                + serviceName
                + ", message="
                + message
                + (culpritService == null
                        ? ""
                        : ", culprit=" + culpritService + "/" + culpritOperation)
                + '}';
    }
}
