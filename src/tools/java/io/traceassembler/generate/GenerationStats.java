package io.traceassembler.generate;

/**
 * Running totals of the traces a {@link TraceGenerator} has produced: the expected insight counts.
 */
public final class GenerationStats {
    private long traces;
    private long spans;
    private long slowTraces;
    private long errorTraces;
    private long highServiceCountTraces;
    private long bigTraces;

    void add(TraceFacts facts, boolean big) {
        traces++;
        spans += facts.spanCount;
        slowTraces += facts.isSlow() ? 1 : 0;
        errorTraces += facts.hasErrors() ? 1 : 0;
        highServiceCountTraces += facts.isHighServiceCount() ? 1 : 0;
        bigTraces += big ? 1 : 0;
    }

    public long traces() {
        return traces;
    }

    public long spans() {
        return spans;
    }

    public long slowTraces() {
        return slowTraces;
    }

    public long errorTraces() {
        return errorTraces;
    }

    public long highServiceCountTraces() {
        return highServiceCountTraces;
    }

    public long bigTraces() {
        return bigTraces;
    }

    @Override
    public String toString() {
        return traces
                + " traces ("
                + spans
                + " spans; slow "
                + slowTraces
                + ", with errors "
                + errorTraces
                + ", high service count "
                + highServiceCountTraces
                + ", big "
                + bigTraces
                + ")";
    }
}
