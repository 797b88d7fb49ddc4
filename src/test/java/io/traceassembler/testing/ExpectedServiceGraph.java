package io.traceassembler.testing;

import io.traceassembler.generate.Encoding;
import io.traceassembler.generate.GeneratedRecord;
import io.traceassembler.generate.GeneratedSpan;
import io.traceassembler.model.Span;
import io.traceassembler.model.SpanKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The service-graph and span-metrics lines (docs/contracts.md, section 3a) of generated traffic,
 * worked out here from the generated spans, independently of the job's code: per key the calls, the
 * failed ones and every duration. Spans are taken as the decoder should see them in the encoding
 * they were delivered in ({@link ExpectedSpans}).
 */
public final class ExpectedServiceGraph {
    private static final long MINUTE_MS = 60_000;

    private ExpectedServiceGraph() {}

    /** The calls of one line: how many, how many failed, their durations in ms. */
    public static final class Calls {
        public long calls;
        public long failed;
        public final List<Double> durationsMs = new ArrayList<>();

        void add(boolean error, double durationMs) {
            calls++;
            failed += error ? 1 : 0;
            durationsMs.add(durationMs);
        }

        /** Nearest rank: the smallest duration with at least ceil(p * n) at or below it. */
        public double percentile(double p) {
            List<Double> sorted = new ArrayList<>(durationsMs);
            sorted.sort(null);
            int rank = (int) Math.max(1, Math.ceil(p * sorted.size()));
            return sorted.get(rank - 1);
        }

        public double max() {
            return durationsMs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }
    }

    /**
     * Key {@code minute|client|server|connection_type} (minute in epoch ms) to the calls of every
     * edge of every trace; {@code deliveredIn} names the encoding each span first came in.
     */
    public static Map<String, Calls> serviceGraph(
            Iterable<List<GeneratedSpan>> traces, Map<GeneratedSpan, Encoding> deliveredIn) {
        Map<String, Calls> lines = new TreeMap<>();
        for (List<GeneratedSpan> trace : traces) {
            List<Span> spans = new ArrayList<>();
            for (GeneratedSpan g : trace) {
                spans.add(ExpectedSpans.of(g, deliveredIn.get(g)));
            }
            edges(spans, lines);
        }
        return lines;
    }

    /**
     * Key {@code minute|service|operation} to the calls of every span delivered (retries count
     * again: span metrics are taken before assembly).
     */
    public static Map<String, Calls> spanMetrics(List<GeneratedRecord> records) {
        Map<String, Calls> lines = new TreeMap<>();
        for (GeneratedRecord record : records) {
            for (GeneratedRecord part :
                    record.isKplAggregate() ? record.aggregatedRecords : List.of(record)) {
                for (GeneratedSpan g : part.spans) {
                    Span s = ExpectedSpans.of(g, part.encoding);
                    lines.computeIfAbsent(
                                    minute(s.startMicros)
                                            + "|"
                                            + s.serviceName
                                            + "|"
                                            + s.operationName,
                                    k -> new Calls())
                            .add(s.error, (s.endMicros - s.startMicros) / 1000.0);
                }
            }
        }
        return lines;
    }

    /** The span tree of one trace and its edges, with plain maps. */
    private static void edges(List<Span> spans, Map<String, Calls> lines) {
        Map<String, Span> plainById = new HashMap<>();
        Map<String, Span> serverHalfById = new HashMap<>();
        for (Span s : spans) {
            (s.shared ? serverHalfById : plainById).put(s.spanId, s);
        }
        Map<Span, Integer> children = new IdentityHashMap<>();
        Map<Span, Span> parentOf = new IdentityHashMap<>();
        for (Span s : spans) {
            Span parent = s.shared ? plainById.get(s.spanId) : null;
            if (parent == null && s.parentSpanId != null) {
                // A child of a B3 RPC runs in the server's process: under the server half.
                parent = serverHalfById.get(s.parentSpanId);
                if (parent == null) {
                    parent = plainById.get(s.parentSpanId);
                }
            }
            if (parent != null) {
                parentOf.put(s, parent);
                children.merge(parent, 1, Integer::sum);
            }
        }
        for (Span child : spans) {
            Span parent = parentOf.get(child);
            if (parent != null && !parent.serviceName.equals(child.serviceName)) {
                String type = child.kind == SpanKind.CONSUMER ? "messaging" : "request";
                add(lines, child, parent.serviceName, child.serviceName, type);
            }
        }
        for (Span client : spans) {
            boolean callsOut = client.kind == SpanKind.CLIENT || client.kind == SpanKind.PRODUCER;
            if (!callsOut || children.containsKey(client)) {
                continue;
            }
            // peer.service names the peer before db.system, before messaging.system.
            if (client.peerService != null) {
                add(lines, client, client.serviceName, client.peerService, "request");
            } else if (client.dbSystem != null) {
                add(lines, client, client.serviceName, client.dbSystem, "database");
            } else if (client.messagingSystem != null) {
                add(lines, client, client.serviceName, client.messagingSystem, "request");
            }
        }
    }

    /** A call timed and judged by {@code span}: the server span, or the client's for a peer. */
    private static void add(
            Map<String, Calls> lines, Span span, String client, String server, String type) {
        lines.computeIfAbsent(
                        minute(span.startMicros) + "|" + client + "|" + server + "|" + type,
                        k -> new Calls())
                .add(span.error, (span.endMicros - span.startMicros) / 1000.0);
    }

    private static long minute(long epochMicros) {
        return Math.floorDiv(Math.floorDiv(epochMicros, 1000), MINUTE_MS) * MINUTE_MS;
    }
}
