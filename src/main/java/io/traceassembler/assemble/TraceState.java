package io.traceassembler.assemble;

import java.util.List;

/**
 * Everything {@link TraceAssembler} keeps about one open trace, in one value: counters, bounds, the
 * root, the emit and timer bookkeeping, the stored spans ({@link SpanTable}: the span tree the
 * analysis reads at emit) and the name tables they refer to (services; operations and peers). One
 * state entry per trace: a cleanup is one delete, and on RocksDB, with the assembler's write-back
 * cache, a trace is read and written once per cache residency instead of once per span. Serialised
 * by {@link TraceStateSerializer}. Times are epoch microseconds for span bounds, epoch milliseconds
 * for timers.
 */
public final class TraceState {
    /** {@link #timerAt} when no timer is pending. */
    public static final long NO_TIMER = Long.MAX_VALUE;

    /** Every span counted, including those beyond the span cap; duplicates excluded. */
    public int spanCount;

    public int errorCount;
    public long minStartMicros = Long.MAX_VALUE;
    public long maxEndMicros = Long.MIN_VALUE;

    /**
     * The latest end of any span, untimed spans' stand-in ends included: the session gap runs from
     * it. {@link #maxEndMicros} is the trace's bound, from timed spans only.
     */
    public long lastEndMicros = Long.MIN_VALUE;

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

    /**
     * How many spans were stored at the last emit (0 before the first): stored spans keep their
     * index, so the service graph counts only the edges that later spans make (see {@code
     * ServiceGraphEdges}).
     */
    public int emittedSpans;

    /** The stored spans (at most the span cap): the span tree at emit. */
    public SpanTable spans;

    /** The distinct services; the stored spans refer to them by index. */
    final NameTable services;

    /** Operation names and peer names of the stored spans, each once. */
    final NameTable names;

    public TraceState() {
        this(new SpanTable(), new NameTable(), new NameTable());
    }

    TraceState(SpanTable spans, NameTable services, NameTable names) {
        this.spans = spans;
        this.services = services;
        this.names = names;
    }

    public long maxEndMillis() {
        return Math.floorDiv(maxEndMicros, 1000);
    }

    public boolean hasService(String service) {
        return services.indexOf(service) >= 0;
    }

    /** The service's index, or -1. */
    public int serviceIndex(String service) {
        return services.indexOf(service);
    }

    /** Adds a service name not in the trace yet; returns its index. */
    public int addService(String service) {
        return services.add(service);
    }

    public int serviceCount() {
        return services.size();
    }

    public String service(int index) {
        return services.get(index);
    }

    /** Adds every service name to {@code target}. */
    public void copyServicesTo(List<String> target) {
        services.copyTo(target);
    }

    /** The index of an operation or peer name, added when new; -1 for null. */
    public int nameIndex(String name) {
        if (name == null) {
            return -1;
        }
        int i = names.indexOf(name);
        return i >= 0 ? i : names.add(name);
    }

    public String name(int index) {
        return index < 0 ? null : names.get(index);
    }

    public int nameCount() {
        return names.size();
    }

    /** A deep copy (the heap backend copies state that a running snapshot still reads). */
    public TraceState copy() {
        TraceState copy = new TraceState(spans.copy(), services.copy(), names.copy());
        copy.spanCount = spanCount;
        copy.errorCount = errorCount;
        copy.minStartMicros = minStartMicros;
        copy.maxEndMicros = maxEndMicros;
        copy.firstEndMicros = firstEndMicros;
        copy.lastEndMicros = lastEndMicros;
        copy.rootService = rootService;
        copy.rootOperation = rootOperation;
        copy.hasRoot = hasRoot;
        copy.truncated = truncated;
        copy.revision = revision;
        copy.reportedInsightTypes = reportedInsightTypes;
        copy.dirty = dirty;
        copy.forcedCloseAtMillis = forcedCloseAtMillis;
        copy.timerAt = timerAt;
        copy.emittedSpans = emittedSpans;
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
                + services.size()
                + ", start="
                + minStartMicros
                + ", end="
                + maxEndMicros
                + ", lastEnd="
                + lastEndMicros
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
                + ", emittedSpans="
                + emittedSpans
                + '}';
    }
}
