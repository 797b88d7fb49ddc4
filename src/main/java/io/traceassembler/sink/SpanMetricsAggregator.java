package io.traceassembler.sink;

import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.model.Span;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Span RED metrics (docs/contracts.md, section 3a): per minute of the span's start, service and
 * operation, the calls, errors and a duration histogram of the decoded spans, pre-aggregated in
 * each subtask right after decoding (see {@link MinutePreAggregator}): no span crosses a shuffle
 * for metrics. Retries of a span that the assembler de-duplicates count here again (nothing is
 * assembled yet).
 *
 * <p>Operation cap: each subtask keeps at most {@code SpanMetrics.max.operations.per.service}
 * distinct operation names per service in the job's lifetime; later names report as {@link #OTHER}
 * (metric {@code spanMetricsOverCap}, logged at most once a minute). The known names are union list
 * state, so after a restore every subtask knows them all and the series stay the same. With {@code
 * SpanMetrics.operation.dimension} false there is one series per service.
 */
public class SpanMetricsAggregator extends MinutePreAggregator<Span, SpanMetricsMinute> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SpanMetricsAggregator.class);

    public static final String OTHER = "_other";
    public static final String UNKNOWN = TraceMetricPoints.UNKNOWN_SERVICE;
    private static final long LOG_INTERVAL_MS = MINUTE_MS;

    private final boolean operationDimension;
    private final int maxOperationsPerService;

    private transient Map<String, Set<String>> operations;
    private transient ListState<Tuple2<String, String>> knownOperations;
    private transient Counter overCap;
    private transient long overCapSinceLog;
    private transient long lastLogMillis;

    public SpanMetricsAggregator(TraceAssemblerConfig.SpanMetrics config) {
        this.operationDimension = config.operationDimension;
        this.maxOperationsPerService = config.maxOperationsPerService;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        operations = new HashMap<>();
        knownOperations =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>(
                                        "known-operations",
                                        Types.TUPLE(Types.STRING, Types.STRING)));
        for (Tuple2<String, String> known : knownOperations.get()) {
            operations.computeIfAbsent(known.f0, s -> new HashSet<>()).add(known.f1);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        overCap = getMetricGroup().counter("spanMetricsOverCap");
        lastLogMillis = Long.MIN_VALUE;
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<Tuple2<String, String>> known = new ArrayList<>();
        operations.forEach(
                (service, names) -> names.forEach(name -> known.add(Tuple2.of(service, name))));
        knownOperations.update(known);
    }

    @Override
    public void processElement(StreamRecord<Span> element) {
        Span span = element.getValue();
        String service = span.serviceName == null ? UNKNOWN : span.serviceName;
        String operation =
                !operationDimension
                        ? null
                        : span.operationName == null ? UNKNOWN : span.operationName;
        long minute = minuteOfMicros(span.startMicros);
        // An open aggregate under the operation's own name means it was admitted (admitted names
        // stay admitted): one lookup for most spans instead of the cap check's two more.
        SpanMetricsMinute aggregate = openAggregate(probe.set(minute, service, operation, null));
        if (aggregate == null) {
            if (operationDimension) {
                operation = admit(service, operation);
            }
            aggregate = aggregateFor(probe.set(minute, service, operation, null));
        }
        aggregate.add(
                span.error,
                span.untimed ? Double.NaN : (span.endMicros - span.startMicros) / 1000.0);
    }

    /** The operation as reported: itself while the service is within the cap, else _other. */
    private String admit(String service, String operation) {
        Set<String> known = operations.computeIfAbsent(service, s -> new HashSet<>());
        if (known.contains(operation)) {
            return operation;
        }
        if (known.size() < maxOperationsPerService) {
            known.add(operation);
            return operation;
        }
        overCap.inc();
        overCapSinceLog++;
        long now = getProcessingTimeService().getCurrentProcessingTime();
        if (lastLogMillis == Long.MIN_VALUE || now - lastLogMillis >= LOG_INTERVAL_MS) {
            LOG.warn(
                    "Span metrics: {} span(s) of operations beyond SpanMetrics.max.operations.per.service"
                            + " = {} reported as Operation={} (latest: service '{}', operation '{}')",
                    overCapSinceLog,
                    maxOperationsPerService,
                    OTHER,
                    service,
                    operation);
            overCapSinceLog = 0;
            lastLogMillis = now;
        }
        return OTHER;
    }

    @Override
    protected SpanMetricsMinute newAggregate(MinuteKey key) {
        return new SpanMetricsMinute(key.minute, key.a, key.b);
    }

    /** Spans reported as {@link #OTHER} so far (for tests). */
    long overCapCount() {
        return overCap.getCount();
    }
}
