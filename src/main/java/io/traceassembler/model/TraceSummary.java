package io.traceassembler.model;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The summary of one assembled trace: the DynamoDB item and the replay output line of the data
 * contracts (section 2). A Flink POJO; lists are mutable {@link ArrayList}s so Flink's serializer
 * can rebuild them; {@link TraceSummaryTypeInfoFactory} gives them Flink's list serializer instead
 * of Kryo.
 */
@TypeInfo(TraceSummaryTypeInfoFactory.class)
public class TraceSummary {
    public String traceId;
    public long startMicros;
    public long endMicros;
    public int spanCount;
    public int errorCount;

    /** Distinct service names, sorted. */
    public List<String> services = new ArrayList<>();

    /** Null when no root span arrived. */
    public String rootService;

    public String rootOperation;
    public boolean hasRoot;
    public int orphanSpanCount;
    public boolean truncated;
    public int revision;

    /**
     * Insight types ({@link InsightType#id()}), sorted; filled when the assembler emits the trace
     * ({@code analyze.TraceAnalysis}).
     */
    public List<String> insights = new ArrayList<>();

    /** The error root cause (docs/contracts.md, section 2); null when none. */
    public String rootCauseService;

    public String rootCauseOperation;
    public String rootCauseSpanId;

    /**
     * Critical-path microseconds per service; null when the trace has no single root or is
     * truncated.
     */
    public Map<String, Long> criticalPathMicros;

    public String bottleneckService;
    public String bottleneckOperation;

    /**
     * The bottleneck service's share of the root's duration, 0..1 (three decimals); null with no
     * path.
     */
    public Double bottleneckShare;

    public TraceSummary() {}

    public int serviceCount() {
        return services.size();
    }

    public long startEpochMillis() {
        return Math.floorDiv(startMicros, 1000);
    }

    public long endEpochMillis() {
        return Math.floorDiv(endMicros, 1000);
    }

    /**
     * Latest end minus earliest start in milliseconds, to microsecond precision (as the seed
     * computes it).
     */
    public double durationMillis() {
        return (endMicros - startMicros) / 1000.0;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TraceSummary)) {
            return false;
        }
        TraceSummary that = (TraceSummary) o;
        return startMicros == that.startMicros
                && endMicros == that.endMicros
                && spanCount == that.spanCount
                && errorCount == that.errorCount
                && hasRoot == that.hasRoot
                && orphanSpanCount == that.orphanSpanCount
                && truncated == that.truncated
                && revision == that.revision
                && Objects.equals(traceId, that.traceId)
                && Objects.equals(services, that.services)
                && Objects.equals(rootService, that.rootService)
                && Objects.equals(rootOperation, that.rootOperation)
                && Objects.equals(insights, that.insights)
                && Objects.equals(rootCauseService, that.rootCauseService)
                && Objects.equals(rootCauseOperation, that.rootCauseOperation)
                && Objects.equals(rootCauseSpanId, that.rootCauseSpanId)
                && Objects.equals(criticalPathMicros, that.criticalPathMicros)
                && Objects.equals(bottleneckService, that.bottleneckService)
                && Objects.equals(bottleneckOperation, that.bottleneckOperation)
                && Objects.equals(bottleneckShare, that.bottleneckShare);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                traceId, startMicros, endMicros, spanCount, errorCount, services, revision);
    }

    @Override
    public String toString() {
        return "TraceSummary{trace="
                + traceId
                + ", start="
                + startMicros
                + ", end="
                + endMicros
                + ", spans="
                + spanCount
                + ", errors="
                + errorCount
                + ", services="
                + services
                + ", root="
                + rootService
                + "/"
                + rootOperation
                + ", orphans="
                + orphanSpanCount
                + ", truncated="
                + truncated
                + ", revision="
                + revision
                + ", insights="
                + insights
                + (rootCauseService == null
                        ? ""
                        : ", rootCause="
                                + rootCauseService
                                + "/"
                                + rootCauseOperation
                                + "/"
                                + rootCauseSpanId)
                + (criticalPathMicros == null
                        ? ""
                        : ", criticalPath="
                                + criticalPathMicros
                                + ", bottleneck="
                                + bottleneckService
                                + "/"
                                + bottleneckOperation
                                + "@"
                                + bottleneckShare)
                + '}';
    }
}
