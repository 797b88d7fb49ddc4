package io.traceassembler.assemble;

import io.traceassembler.analyze.ServiceGraphEdges;
import io.traceassembler.analyze.TraceAnalysis;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.model.ConnectionType;
import io.traceassembler.model.DeadLetter;
import io.traceassembler.model.PeerType;
import io.traceassembler.model.ServiceGraphEdge;
import io.traceassembler.model.Span;
import io.traceassembler.model.TraceId;
import io.traceassembler.model.TraceSummary;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Assembles the spans of one trace id into a {@link TraceSummary}; keyed by {@link TraceId}, fed
 * {@link AssemblySpan}s (see {@code TracePipeline.assemble}). Given a {@link TraceAnalysis}, it
 * sets each emitted summary's insights and reports each insight type once per trace on {@link
 * TraceAnalysis#INSIGHTS}, keeping the reported types in the trace's state. With the service graph
 * on, each emit puts the trace's new service-graph edges on {@link #SERVICE_GRAPH_EDGES}: every
 * edge at the first emit, and at a later revision only those that its late spans make (the stored
 * span count at the last emit is in the state), so an edge counts once.
 *
 * <h2>Event time = span END time</h2>
 *
 * A span's event time is its end ({@code endMicros / 1000} ms). Spans are exported when they
 * finish, so arrival order is close to end order. A parent or root span starts first but finishes,
 * and therefore arrives, last: with start time as event time a 12-second root span arriving after
 * its children would be 12 s behind the watermark and late. The function reads {@code
 * span.endMicros} itself rather than {@code ctx.timestamp()}, so it also works in batch execution
 * where no timestamps may be assigned.
 *
 * <h2>Sessions with event-time timers</h2>
 *
 * One trace per trace id: every span of a trace id merges into the one trace, whatever the gaps. (A
 * timer-based function instead of merging session windows: measured about twice the throughput with
 * less heap.) Timers, all in event time:
 *
 * <ul>
 *   <li><b>gap close</b> at {@code maxEnd + sessionGap}: the trace has gone quiet; emit it.
 *   <li><b>forced close</b> at {@code firstEnd + maxTraceDuration}, then every further {@code
 *       maxTraceDuration}: a trace that never goes quiet is still emitted, each time with revision
 *       + 1 and the counts of every span seen. It keeps its state.
 *   <li><b>cleanup</b> at {@code maxEnd + sessionGap + allowedLateness} once emitted: all state is
 *       cleared.
 * </ul>
 *
 * Each trace has one pending timer, at its earliest deadline. A span that pushes the gap deadline
 * later registers nothing; when the pending timer fires it re-registers at the current deadline
 * (lazy invalidation), so a trace whose spans arrive in end order costs about one timer per session
 * gap instead of a delete and a register per span. A firing acts on the current watermark (what is
 * due is done), not on which timer it was. A timer registered behind the watermark (a late span
 * re-opening a closed trace) fires with the next watermark advance; {@link TraceWatermarks} keeps
 * the watermark advancing even on a quiet stream.
 *
 * <p>A timer emits only a trace that changed since its last emit (the dirty flag). In batch
 * execution all spans of a key are processed before its timers fire, with the watermark at {@code
 * Long.MAX_VALUE}: the first firing emits the complete trace and clears the state, so every trace
 * is emitted exactly once. (Timers registered while batch timers fire are ignored by Flink, which
 * is why a firing must not rely on a re-registered timer to finish its work.)
 *
 * <h2>Compact state: one value per trace</h2>
 *
 * {@link TraceState}: counters, bounds, root, emit/timer bookkeeping, the distinct services and the
 * span ids with their parents as 64-bit keys ({@link SpanTable}, 16 bytes per span): de-duplication
 * (an exporter retry counts once, metric {@code duplicateSpans}) and the orphan count at each emit.
 * No {@code String} or map entry per span. On the heap backend a span is a hash lookup and an
 * append. On RocksDB a whole-value read-modify-write per span would re-serialise the trace for
 * every span, so the assembler keeps recently touched traces in a {@link TraceCache}: with {@link
 * TraceAssemblerOperator} (write-back, as the pipeline wires it) a cached trace is written once
 * when it leaves the cache and before every snapshot; the cleanup is one delete.
 *
 * <p>Once {@code maxSpansPerTrace} span ids are stored, further spans are not stored (so a retry of
 * one of them cannot be recognised) but still count in span/error counts, bounds and services; the
 * trace is marked truncated (metric {@code truncatedTraces}).
 *
 * <h2>Lateness</h2>
 *
 * After an emit the state is kept until the watermark passes {@code maxEnd + sessionGap +
 * allowedLateness}. A span arriving meanwhile updates the state and re-opens the session; the trace
 * is emitted again (revision + 1, counts of every span seen) when the watermark passes its new gap
 * deadline, at once if it already has. A span without state whose {@code end + sessionGap +
 * allowedLateness} is at or behind the watermark is beyond lateness: it goes to {@link #LATE_SPANS}
 * (metric {@code lateSpansDropped}) and never starts a new trace, which would overwrite the stored
 * summary with a fragment. In batch execution the watermark is {@code Long.MIN_VALUE} while
 * elements are processed, so nothing is late there.
 *
 * <p>Known limit: the lateness of a span without state is judged by its own end. A span ending
 * after the cleaned-up trace's last span (typically a root or async span) whose exporter stalled
 * for more than {@code sessionGap + allowedLateness} is therefore not late, and starts a fragment
 * with revision 1. Only the store can rule that out completely (a conditional write on span count
 * or revision).
 */
public class TraceAssembler extends KeyedProcessFunction<TraceId, AssemblySpan, TraceSummary> {
    private static final long serialVersionUID = 1L;

    /** Spans that arrived after their trace's state was cleaned up. */
    public static final OutputTag<Span> LATE_SPANS =
            new OutputTag<>("late-spans", TypeInformation.of(Span.class));

    /** Traces whose spans all came without a timestamp: no summary can be made of them. */
    public static final OutputTag<DeadLetter> UNTIMED_TRACES =
            new OutputTag<>("untimed-traces", TypeInformation.of(DeadLetter.class));

    public static final String UNTIMED_TRACE_REASON = "trace without a timed span";

    /** The service-graph edges of emitted traces, each once (docs/contracts.md, section 3a). */
    public static final OutputTag<ServiceGraphEdge> SERVICE_GRAPH_EDGES =
            new OutputTag<>("service-graph-edges", TypeInformation.of(ServiceGraphEdge.class));

    /**
     * Service names shared per subtask; beyond it (a producer with unbounded names) names are not
     * shared.
     */
    private static final int MAX_SHARED_SERVICE_NAMES = 10_000;

    private static final String HEAP_VALUE_STATE =
            "org.apache.flink.runtime.state.heap.HeapValueState";

    private final long sessionGapMillis;
    private final long allowedLatenessMillis;
    private final long maxTraceDurationMillis;
    private final int maxSpansPerTrace;
    private final int cacheMaxTraces;
    private final int cacheMaxSpans;

    /**
     * Applied to every emitted summary (null: summaries without insights, for tests of assembly
     * alone).
     */
    private final TraceAnalysis analysis;

    /** Whether emits put service-graph edges on {@link #SERVICE_GRAPH_EDGES}. */
    private final boolean serviceGraph;

    private transient ValueState<TraceState> traceState;

    /**
     * The state is Flink's heap value state, whose {@code value()} returns the live object (copied
     * first while a snapshot still reads it): a trace changed in place needs no {@code update()},
     * only a new one.
     */
    private transient boolean changedInPlace;

    /** Recently touched traces (RocksDB only): saves state reads, with write-back also writes. */
    private transient TraceCache cache;

    /**
     * Set by {@link TraceAssemblerOperator} (RocksDB only): the cache holds the newest {@link
     * TraceState} of its traces and writes it to the state only before a snapshot, on eviction and
     * at the end of input.
     */
    private transient KeySwitch writeBack;

    /** The key being processed while write-back may switch keys (to restore it). */
    private transient TraceId currentTraceId;

    /** Sets the keyed state backend's current key (the operator's {@code setCurrentKey}). */
    interface KeySwitch {
        void setCurrentKey(TraceId traceId);
    }

    /**
     * One instance per service name (bounded): every open trace refers to the shared name instead
     * of the copy its span brought across the shuffle, and the per-span service check is mostly an
     * identity comparison.
     */
    private transient HashMap<String, String> serviceNames;

    /** Root cause and critical path of each emitted trace, from its stored spans. */
    private transient TraceTreeAnalysis treeAnalysis;

    /** Puts the edges of the trace being emitted on the side output (null: no service graph). */
    private transient EdgeOutput edgeOutput;

    private transient Counter tracesEmitted;
    private transient Counter lateSpansDropped;
    private transient Counter duplicateSpans;
    private transient Counter truncatedTraces;

    /** An assembler whose summaries carry no insights (assembly alone). */
    public TraceAssembler(TraceAssemblerConfig.TraceAssembly config) {
        this(config, null);
    }

    /**
     * An assembler that applies {@code analysis} to each summary it emits: insights are set on the
     * summary and each insight type is reported once per trace on {@link TraceAnalysis#INSIGHTS};
     * the reported types are kept in the trace's state (no keyed state or timer of their own).
     */
    public TraceAssembler(TraceAssemblerConfig.TraceAssembly config, TraceAnalysis analysis) {
        this(config, analysis, false);
    }

    /**
     * As {@link #TraceAssembler(TraceAssemblerConfig.TraceAssembly, TraceAnalysis)}; with {@code
     * serviceGraph}, each emit also puts the trace's new edges on {@link #SERVICE_GRAPH_EDGES}.
     */
    public TraceAssembler(
            TraceAssemblerConfig.TraceAssembly config,
            TraceAnalysis analysis,
            boolean serviceGraph) {
        this.serviceGraph = serviceGraph;
        this.sessionGapMillis = config.sessionGap.toMillis();
        this.allowedLatenessMillis = config.allowedLateness.toMillis();
        this.maxTraceDurationMillis = config.maxTraceDuration.toMillis();
        this.maxSpansPerTrace = config.maxSpansPerTrace;
        this.cacheMaxTraces = config.cacheMaxTraces;
        this.cacheMaxSpans = config.cacheMaxSpans;
        this.analysis = analysis;
    }

    /** The state descriptor of the per-trace state (hand-written serializer, no Kryo). */
    static ValueStateDescriptor<TraceState> traceStateDescriptor() {
        return new ValueStateDescriptor<>("trace", TraceStateSerializer.INSTANCE);
    }

    @Override
    public void open(OpenContext openContext) {
        traceState = getRuntimeContext().getState(traceStateDescriptor());
        changedInPlace = traceState.getClass().getName().equals(HEAP_VALUE_STATE);
        // On the heap backend a state access is a hash lookup already; the cache would only add
        // work there.
        cache = isRocksDb(traceState) ? new TraceCache(cacheMaxTraces, cacheMaxSpans) : null;
        serviceNames = new HashMap<>();
        treeAnalysis = new TraceTreeAnalysis();
        edgeOutput = serviceGraph ? new EdgeOutput() : null;
        tracesEmitted = getRuntimeContext().getMetricGroup().counter("tracesEmitted");
        lateSpansDropped = getRuntimeContext().getMetricGroup().counter("lateSpansDropped");
        duplicateSpans = getRuntimeContext().getMetricGroup().counter("duplicateSpans");
        truncatedTraces = getRuntimeContext().getMetricGroup().counter("truncatedTraces");
    }

    @Override
    public void processElement(AssemblySpan span, Context ctx, Collector<TraceSummary> out)
            throws Exception {
        long endMillis = Math.floorDiv(span.endMicros, 1000);
        TraceId traceId = ctx.getCurrentKey();
        currentTraceId = traceId;
        TraceCache.Entry cached = cache == null ? null : cache.get(traceId);
        TraceState trace = cached != null ? cached.trace : traceState.value();
        long spanKey = span.spanKey;
        boolean isNew = trace == null;

        if (isNew) {
            long watermark = ctx.timerService().currentWatermark();
            if (endMillis + sessionGapMillis + allowedLatenessMillis <= watermark) {
                // Its trace was emitted and cleaned up (or would have been): a new trace from this
                // span
                // alone would replace the stored summary with a fragment.
                lateSpansDropped.inc();
                ctx.output(LATE_SPANS, span.toSpan());
                return;
            }
            trace = new TraceState();
            trace.firstEndMicros = span.endMicros;
            trace.forcedCloseAtMillis = endMillis + maxTraceDurationMillis;
        }
        String service = span.serviceName;
        int serviceIndex = service == null ? SpanTable.NO_SERVICE : trace.serviceIndex(service);
        if (!isNew && trace.spans.isDuplicate(spanKey, span.shared, serviceIndex)) {
            duplicateSpans.inc();
            return;
        }
        if (service != null && serviceIndex < 0) {
            service = sharedServiceName(service); // only for a service new to the trace
            serviceIndex = trace.addService(service);
        }

        // A Zipkin server half has its client half's parent id, but the client half as its parent.
        boolean root = span.isRoot() && !span.shared;
        if (trace.spans.size() < maxSpansPerTrace) {
            PeerType peerType = PeerType.of(span);
            trace.spans.append(
                    spanKey,
                    span.spanIdText,
                    span.parentKey,
                    span.startMicros,
                    span.endMicros,
                    serviceIndex,
                    trace.nameIndex(span.operationName),
                    trace.nameIndex(peerType.nameIn(span)),
                    peerType,
                    span.kind,
                    span.shared,
                    span.error,
                    span.untimed);
        } else if (!trace.truncated) {
            trace.truncated = true;
            truncatedTraces.inc();
        }

        trace.spanCount++;
        if (span.error) {
            trace.errorCount++;
        }
        if (!span.untimed) {
            trace.minStartMicros = Math.min(trace.minStartMicros, span.startMicros);
            trace.maxEndMicros = Math.max(trace.maxEndMicros, span.endMicros);
        }
        trace.lastEndMicros = Math.max(trace.lastEndMicros, span.endMicros);
        if (root && !trace.hasRoot) {
            trace.hasRoot = true;
            trace.rootService = service == null ? null : sharedServiceName(service);
            trace.rootOperation = span.operationName;
        }
        trace.dirty = true;

        registerIfEarlier(nextDeadline(trace), trace, ctx.timerService());
        if (cache != null && cached == null) {
            cached = cache.put(traceId, trace);
        }
        store(trace, cached, isNew);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TraceSummary> out)
            throws Exception {
        TraceId traceId = ctx.getCurrentKey();
        currentTraceId = traceId;
        // With write-back the cached trace is the newest (the state's may be older): read it first.
        TraceCache.Entry cached = cache == null ? null : cache.get(traceId);
        TraceState trace = cached != null ? cached.trace : traceState.value();
        if (trace == null) {
            return; // a stale timer of a trace already cleaned up
        }
        if (timestamp >= trace.timerAt) {
            trace.timerAt = TraceState.NO_TIMER; // the timer we relied on has fired
        }

        // Act on the watermark, not only on this timer's timestamp: in batch execution timers fire
        // at the
        // end of each key with the watermark at Long.MAX_VALUE, and timers registered then are
        // ignored.
        long now = Math.max(timestamp, ctx.timerService().currentWatermark());
        long gapCloseAt = gapCloseAt(trace);
        if (trace.dirty
                && (now >= gapCloseAt || now >= trace.forcedCloseAtMillis)
                && trace.minStartMicros == Long.MAX_VALUE) {
            ctx.output(UNTIMED_TRACES, untimedTrace(traceId, trace));
            trace.dirty = false;
        }
        if (trace.dirty && (now >= gapCloseAt || now >= trace.forcedCloseAtMillis)) {
            if (edgeOutput != null) {
                edgeOutput.ctx = ctx;
            }
            TraceSummary summary = summarize(traceId, trace);
            if (analysis != null) {
                trace.reportedInsightTypes =
                        analysis.analyze(
                                summary,
                                trace.reportedInsightTypes,
                                insight -> ctx.output(TraceAnalysis.INSIGHTS, insight));
            }
            out.collect(summary);
            trace.dirty = false;
        }

        if (!trace.dirty && now >= gapCloseAt + allowedLatenessMillis) {
            if (trace.timerAt != TraceState.NO_TIMER) {
                ctx.timerService().deleteEventTimeTimer(trace.timerAt);
            }
            traceState.clear();
            if (cache != null) {
                cache.remove(traceId);
            }
            return;
        }

        if (now >= trace.forcedCloseAtMillis) {
            // The next forced close is whole maxTraceDurations after the previous one, beyond now.
            long periods = (now - trace.forcedCloseAtMillis) / maxTraceDurationMillis + 1;
            trace.forcedCloseAtMillis += periods * maxTraceDurationMillis;
        }
        registerIfEarlier(nextDeadline(trace), trace, ctx.timerService());
        store(trace, cached, false);
    }

    /**
     * Stores the trace: with write-back into its cache entry only, marked dirty; on the heap value
     * state only a new trace (a changed one is the live object already); otherwise into the state
     * (RocksDB without write-back, and wrapping or batch backends, which must see every change).
     */
    private void store(TraceState trace, TraceCache.Entry cached, boolean isNew) throws Exception {
        if (cached != null) {
            cache.weigh(cached);
            if (writeBack != null) {
                cached.dirty = true;
                return;
            }
        }
        if (isNew || !changedInPlace) {
            traceState.update(trace);
        }
    }

    /**
     * Switches the assembler to write-back (called by {@link TraceAssemblerOperator} after {@code
     * open}). Only with the cache (RocksDB); on the heap backend nothing changes.
     */
    void enableWriteBack(KeySwitch keySwitch) {
        if (cache == null) {
            return;
        }
        writeBack = keySwitch;
        cache.setEvictionListener(
                (traceId, entry) -> {
                    if (entry.dirty) {
                        write(traceId, entry);
                    }
                });
    }

    /**
     * Writes every dirty cached trace to the state (before a snapshot, at the end of input):
     * afterwards the keyed state holds exactly what a write-through assembler would hold.
     */
    void flushDirty() throws Exception {
        if (writeBack == null) {
            return;
        }
        currentTraceId = null; // between elements: no key to restore
        for (Map.Entry<TraceId, TraceCache.Entry> e : cache.entries()) {
            if (e.getValue().dirty) {
                write(e.getKey(), e.getValue());
            }
        }
    }

    /** Writes one entry under its own key, then restores the key being processed (if any). */
    private void write(TraceId traceId, TraceCache.Entry entry) throws Exception {
        writeBack.setCurrentKey(traceId);
        traceState.update(entry.trace);
        entry.dirty = false;
        if (currentTraceId != null && !currentTraceId.equals(traceId)) {
            writeBack.setCurrentKey(currentTraceId);
        }
    }

    private String sharedServiceName(String service) {
        String shared = serviceNames.get(service);
        if (shared != null) {
            return shared;
        }
        if (serviceNames.size() < MAX_SHARED_SERVICE_NAMES) {
            serviceNames.put(service, service);
        }
        return service;
    }

    /**
     * The RocksDB backend's states (RocksDBValueState) and the backend itself are its own classes;
     * wrapped or unknown ones count as heap.
     */
    static boolean isRocksDb(Object state) {
        return state.getClass().getName().contains("RocksDB");
    }

    /** The session gap runs from the latest span end, untimed spans' stand-in ends included. */
    private long gapCloseAt(TraceState trace) {
        return Math.floorDiv(trace.lastEndMicros, 1000) + sessionGapMillis;
    }

    /** A trace of untimed spans only, as a dead letter: what is known of it, as JSON. */
    private static DeadLetter untimedTrace(TraceId traceId, TraceState trace) {
        List<String> services = new ArrayList<>();
        trace.copyServicesTo(services);
        DeadLetter deadLetter = new DeadLetter();
        deadLetter.reason = UNTIMED_TRACE_REASON;
        deadLetter.origin = "trace-assembler";
        deadLetter.data =
                ("{\"trace_id\":\""
                                + traceId
                                + "\",\"span_count\":"
                                + trace.spanCount
                                + ",\"service_count\":"
                                + services.size()
                                + "}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return deadLetter;
    }

    /** A dirty trace waits for its gap or forced close; an emitted one for its cleanup. */
    private long nextDeadline(TraceState trace) {
        long gapCloseAt = gapCloseAt(trace);
        return trace.dirty
                ? Math.min(gapCloseAt, trace.forcedCloseAtMillis)
                : gapCloseAt + allowedLatenessMillis;
    }

    /**
     * A later deadline is not registered: the pending earlier timer re-registers when it fires. An
     * earlier one replaces the pending timer, which happens on the first span and when a span
     * arrives for an emitted trace (the cleanup timer gives way to the gap timer): one timer per
     * trace.
     */
    private static void registerIfEarlier(long deadline, TraceState trace, TimerService timers) {
        if (deadline < trace.timerAt) {
            if (trace.timerAt != TraceState.NO_TIMER) {
                timers.deleteEventTimeTimer(trace.timerAt);
            }
            timers.registerEventTimeTimer(deadline);
            trace.timerAt = deadline;
        }
    }

    /**
     * Registers the trace's pending timer again (its deadline if none is recorded), for a restore
     * whose timers did not survive (see {@link TraceAssemblerOperator}); the current key is the
     * trace's.
     */
    void registerPendingTimer(TraceState trace, TimerService timers) {
        if (trace != null) {
            timers.registerEventTimeTimer(
                    trace.timerAt != TraceState.NO_TIMER ? trace.timerAt : nextDeadline(trace));
        }
    }

    long tracesEmittedCount() {
        return tracesEmitted.getCount();
    }

    long lateSpansDroppedCount() {
        return lateSpansDropped.getCount();
    }

    long duplicateSpansCount() {
        return duplicateSpans.getCount();
    }

    long truncatedTracesCount() {
        return truncatedTraces.getCount();
    }

    private TraceSummary summarize(TraceId traceId, TraceState trace) {
        TraceSummary summary = new TraceSummary();
        summary.traceId = traceId.toString();
        summary.startMicros = trace.minStartMicros;
        summary.endMicros = trace.maxEndMicros;
        summary.spanCount = trace.spanCount;
        summary.errorCount = trace.errorCount;
        trace.copyServicesTo(summary.services);
        Collections.sort(summary.services);
        summary.hasRoot = trace.hasRoot;
        summary.rootService = trace.rootService;
        summary.rootOperation = trace.rootOperation;
        summary.orphanSpanCount = trace.spans.orphanCount();
        summary.truncated = trace.truncated;
        if (trace.spans.hasColumns()) {
            treeAnalysis.analyze(trace, summary, edgeOutput);
        }
        trace.emittedSpans = trace.spans.size();
        summary.revision = ++trace.revision;
        tracesEmitted.inc();
        return summary;
    }

    /** The edges of the trace being emitted, as records on {@link #SERVICE_GRAPH_EDGES}. */
    private static final class EdgeOutput implements ServiceGraphEdges.Sink {
        /** The context of the timer that emits the trace. */
        Context ctx;

        @Override
        public void edge(
                String client,
                String server,
                ConnectionType type,
                boolean failed,
                double latencyMs,
                long startMicros) {
            ctx.output(
                    SERVICE_GRAPH_EDGES,
                    new ServiceGraphEdge(
                            client,
                            server,
                            type,
                            failed,
                            latencyMs,
                            Math.floorDiv(startMicros, 1000)));
        }
    }
}
