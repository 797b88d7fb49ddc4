package io.traceassembler.assemble;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything {@link TraceAssembler} keeps about one open trace, in one value: counters, bounds, the
 * root, the emit and timer bookkeeping, the span ids with their parents ({@link SpanTable}, 16
 * bytes per span) and the distinct services. One state entry per trace: a cleanup is one delete,
 * and on RocksDB, with the assembler's write-back cache, a trace is read and written once per cache
 * residency instead of once per span. Serialised by {@link TraceStateSerializer}. Times are epoch
 * microseconds for span bounds, epoch milliseconds for timers.
 */
public final class TraceState {
    /** {@link #timerAt} when no timer is pending. */
    public static final long NO_TIMER = Long.MAX_VALUE;

    /** Above this many services a hash set is kept beside the array (never serialised). */
    private static final int SERVICES_LINEAR_SCAN_MAX = 16;

    /** Every span counted, including those beyond the span cap; duplicates excluded. */
    public int spanCount;

    public int errorCount;
    public long minStartMicros = Long.MAX_VALUE;
    public long maxEndMicros = Long.MIN_VALUE;

    /** End of the first span seen: the forced-close schedule starts from it. */
    public long firstEndMicros;

    /** Null until a span without parent arrives. */
    public String rootService;

    public String rootOperation;
    public boolean hasRoot;

    /** The span cap was hit: later span ids are not stored. */
    public boolean truncated;

    /** Summaries emitted so far for this trace; the next summary has revision + 1. */
    public int revision;

    /**
     * Insight types reported for this trace so far, one bit per {@code InsightType} (see
     * TraceAnalysis).
     */
    public int reportedInsightTypes;

    /** Changed since the last emit: a timer only emits a dirty trace. */
    public boolean dirty;

    /** Event time (ms) at which a trace that never goes quiet is emitted anyway. */
    public long forcedCloseAtMillis;

    /**
     * The earliest pending timer this trace relies on (ms), or {@link #NO_TIMER}. Later deadlines
     * are not registered per span; the pending timer re-registers at the current deadline when it
     * fires.
     */
    public long timerAt = NO_TIMER;

    /** The stored span ids (at most the span cap) with their parents. */
    public SpanTable spans;

    private String[] services;
    private int serviceCount;
    private transient Set<String> serviceIndex;

    public TraceState() {
        this(new SpanTable(), new String[2], 0);
    }

    TraceState(SpanTable spans, String[] services, int serviceCount) {
        this.spans = spans;
        this.services = services;
        this.serviceCount = serviceCount;
    }

    public long maxEndMillis() {
        return Math.floorDiv(maxEndMicros, 1000);
    }

    public boolean hasService(String service) {
        if (serviceIndex != null) {
            return serviceIndex.contains(service);
        }
        for (int i = 0; i < serviceCount; i++) {
            if (services[i].equals(service)) {
                return true;
            }
        }
        return false;
    }

    /** Adds a service name; false when it is already there. */
    public boolean addService(String service) {
        if (hasService(service)) {
            return false;
        }
        if (serviceCount == services.length) {
            services = Arrays.copyOf(services, serviceCount * 2);
        }
        services[serviceCount++] = service;
        if (serviceIndex != null) {
            serviceIndex.add(service);
        } else if (serviceCount > SERVICES_LINEAR_SCAN_MAX) {
            serviceIndex = new HashSet<>(Arrays.asList(services).subList(0, serviceCount));
        }
        return true;
    }

    public int serviceCount() {
        return serviceCount;
    }

    public String service(int index) {
        return services[index];
    }

    /** Adds every service name to {@code target}. */
    public void copyServicesTo(List<String> target) {
        target.addAll(Arrays.asList(services).subList(0, serviceCount));
    }

    /** A deep copy (the heap backend copies state that a running snapshot still reads). */
    public TraceState copy() {
        TraceState copy =
                new TraceState(
                        spans.copy(),
                        Arrays.copyOf(services, Math.max(1, serviceCount)),
                        serviceCount);
        copy.spanCount = spanCount;
        copy.errorCount = errorCount;
        copy.minStartMicros = minStartMicros;
        copy.maxEndMicros = maxEndMicros;
        copy.firstEndMicros = firstEndMicros;
        copy.rootService = rootService;
        copy.rootOperation = rootOperation;
        copy.hasRoot = hasRoot;
        copy.truncated = truncated;
        copy.revision = revision;
        copy.reportedInsightTypes = reportedInsightTypes;
        copy.dirty = dirty;
        copy.forcedCloseAtMillis = forcedCloseAtMillis;
        copy.timerAt = timerAt;
        return copy;
    }

    @Override
    public String toString() {
        return "TraceState{spans="
                + spanCount
                + ", stored="
                + spans.size()
                + ", errors="
                + errorCount
                + ", services="
                + serviceCount
                + ", start="
                + minStartMicros
                + ", end="
                + maxEndMicros
                + ", firstEnd="
                + firstEndMicros
                + ", root="
                + rootService
                + "/"
                + rootOperation
                + ", truncated="
                + truncated
                + ", revision="
                + revision
                + ", insights="
                + reportedInsightTypes
                + ", dirty="
                + dirty
                + ", forcedCloseAt="
                + forcedCloseAtMillis
                + ", timerAt="
                + timerAt
                + '}';
    }
}
