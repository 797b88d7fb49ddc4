package io.traceassembler.sink;

import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.model.ServiceGraphEdge;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The service graph per minute (docs/contracts.md, section 3a): the edges the assembler emits (each
 * edge of a trace once), pre-aggregated per minute of the call's start, client, server and
 * connection type in each assembler subtask (chained to it, see {@link MinutePreAggregator}).
 *
 * <p>Edge cap: each subtask reports at most {@code ServiceGraph.max.edges} distinct (client,
 * server, connection type) edges in the job's lifetime, so a producer with unbounded names cannot
 * create unbounded CloudWatch series; a further edge reports as {@code Server=_other} (and {@code
 * Client=_other} unless its client already has an edge), counted in {@code serviceGraphOverCap} and
 * logged at most once a minute. The known edges are union list state, so after a restore every
 * subtask knows them all.
 */
public class ServiceGraphAggregator
        extends MinutePreAggregator<ServiceGraphEdge, ServiceGraphMinute> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ServiceGraphAggregator.class);

    public static final String OTHER = "_other";
    private static final long LOG_INTERVAL_MS = MINUTE_MS;

    private final int maxEdges;

    private transient Set<MinuteKey> edges;
    private transient Set<String> clients;
    private transient MinuteKey edgeProbe;
    private transient ListState<Tuple3<String, String, String>> knownEdges;
    private transient Counter overCap;
    private transient long overCapSinceLog;
    private transient long lastLogMillis;

    public ServiceGraphAggregator(TraceAssemblerConfig.ServiceGraph config) {
        this.maxEdges = config.maxEdges;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        edges = new HashSet<>();
        clients = new HashSet<>();
        edgeProbe = new MinuteKey();
        knownEdges =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>(
                                        "known-edges",
                                        Types.TUPLE(Types.STRING, Types.STRING, Types.STRING)));
        for (Tuple3<String, String, String> known : knownEdges.get()) {
            edges.add(new MinuteKey().set(0, known.f0, known.f1, known.f2));
            clients.add(known.f0);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        overCap = getMetricGroup().counter("serviceGraphOverCap");
        lastLogMillis = Long.MIN_VALUE;
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<Tuple3<String, String, String>> known = new ArrayList<>(edges.size());
        for (MinuteKey edge : edges) {
            known.add(Tuple3.of(edge.a, edge.b, edge.c));
        }
        knownEdges.update(known);
    }

    @Override
    public void processElement(StreamRecord<ServiceGraphEdge> element) {
        ServiceGraphEdge edge = element.getValue();
        String type = edge.connectionType.id();
        String client = edge.client;
        String server = edge.server;
        if (!edges.contains(edgeProbe.set(0, client, server, type))) {
            if (edges.size() < maxEdges) {
                edges.add(edgeProbe.copy());
                clients.add(client);
            } else {
                server = OTHER;
                client = clients.contains(client) ? client : OTHER;
                countOverCap(edge);
            }
        }
        aggregateFor(probe.set(minuteOfMillis(edge.startMillis), client, server, type))
                .add(edge.failed, edge.latencyMs);
    }

    private void countOverCap(ServiceGraphEdge edge) {
        overCap.inc();
        overCapSinceLog++;
        long now = getProcessingTimeService().getCurrentProcessingTime();
        if (lastLogMillis == Long.MIN_VALUE || now - lastLogMillis >= LOG_INTERVAL_MS) {
            LOG.warn(
                    "Service graph: {} call(s) over edges beyond ServiceGraph.max.edges = {} reported"
                            + " as Server={} (latest: {})",
                    overCapSinceLog,
                    maxEdges,
                    OTHER,
                    edge);
            overCapSinceLog = 0;
            lastLogMillis = now;
        }
    }

    @Override
    protected ServiceGraphMinute newAggregate(MinuteKey key) {
        return new ServiceGraphMinute(key.minute, key.a, key.b, key.c);
    }

    /** Calls reported over an {@link #OTHER} edge so far (for tests). */
    long overCapCount() {
        return overCap.getCount();
    }
}
