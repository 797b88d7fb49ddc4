package io.traceassembler.model;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.util.Objects;

/**
 * One decoded span, reduced to what trace assembly needs. Tags, logs and baggage are dropped at
 * decode time so that nothing downstream pays for them.
 *
 * <p>Public no-arg constructor and public fields; Flink serialises it with the hand-written {@link
 * SpanSerializer} (see {@link SpanTypeInfoFactory}), never with Kryo. Times are epoch microseconds,
 * enough for the contract's microsecond-precise durations.
 */
@TypeInfo(SpanTypeInfoFactory.class)
public class Span extends SpanFields {
    public String traceId;
    public String spanId;

    /** Null for a root span. */
    public String parentSpanId;

    public Span() {}

    public Span(
            String traceId,
            String spanId,
            String parentSpanId,
            String serviceName,
            String operationName,
            long startMicros,
            long endMicros,
            boolean error) {
        this.traceId = traceId;
        this.spanId = spanId;
        this.parentSpanId = parentSpanId;
        this.serviceName = serviceName;
        this.operationName = operationName;
        this.startMicros = startMicros;
        this.endMicros = endMicros;
        this.error = error;
    }

    public boolean isRoot() {
        return parentSpanId == null;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Span)) {
            return false;
        }
        Span span = (Span) o;
        return startMicros == span.startMicros
                && endMicros == span.endMicros
                && error == span.error
                && Objects.equals(traceId, span.traceId)
                && Objects.equals(spanId, span.spanId)
                && Objects.equals(parentSpanId, span.parentSpanId)
                && Objects.equals(serviceName, span.serviceName)
                && Objects.equals(operationName, span.operationName)
                && kind == span.kind
                && shared == span.shared
                && untimed == span.untimed
                && Objects.equals(peerService, span.peerService)
                && Objects.equals(dbSystem, span.dbSystem)
                && Objects.equals(messagingSystem, span.messagingSystem);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                traceId,
                spanId,
                parentSpanId,
                serviceName,
                operationName,
                startMicros,
                endMicros,
                error,
                kind,
                shared);
    }

    @Override
    public String toString() {
        return "Span{trace="
                + traceId
                + ", span="
                + spanId
                + ", parent="
                + parentSpanId
                + ", service="
                + serviceName
                + ", op="
                + operationName
                + ", start="
                + startMicros
                + ", end="
                + endMicros
                + ", error="
                + error
                + (kind == SpanKind.UNSPECIFIED ? "" : ", kind=" + kind)
                + (shared ? ", shared" : "")
                + (untimed ? ", untimed" : "")
                + (peerService == null ? "" : ", peer.service=" + peerService)
                + (dbSystem == null ? "" : ", db.system=" + dbSystem)
                + (messagingSystem == null ? "" : ", messaging.system=" + messagingSystem)
                + '}';
    }
}
