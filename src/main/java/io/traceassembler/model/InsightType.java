package io.traceassembler.model;

/** The insight types of docs/contracts.md, with the seed's severities. */
public enum InsightType {
    SLOW_TRACE("slow_trace", "warning"),
    TRACE_ERRORS("trace_errors", "error"),
    HIGH_SERVICE_COUNT("high_service_count", "info");

    private final String id;
    private final String severity;

    InsightType(String id, String severity) {
        this.id = id;
        this.severity = severity;
    }

    /** The type whose {@link #id()} this is. */
    public static InsightType fromId(String id) {
        for (InsightType type : values()) {
            if (type.id.equals(id)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown insight type '" + id + "'");
    }

    /** The metric name and the value in a summary's {@code insights} set. */
    public String id() {
        return id;
    }

    public String severity() {
        return severity;
    }
}
