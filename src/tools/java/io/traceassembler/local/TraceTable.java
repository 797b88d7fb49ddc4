package io.traceassembler.local;

import io.traceassembler.sink.TraceItems;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the trace table of a local run back: counts, insights and the slowest traces. Full scans:
 * local sizes only.
 */
final class TraceTable {
    private static final String PROJECTION =
            String.join(
                    ", ",
                    TraceItems.TRACE_ID,
                    TraceItems.DURATION_MS,
                    TraceItems.SPAN_COUNT,
                    TraceItems.ROOT_SERVICE,
                    TraceItems.ROOT_OPERATION,
                    "#insights",
                    TraceItems.REVISION);

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    TraceTable(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    /** One trace as stored (the fields the summary shows). */
    static final class Trace {
        final String traceId;
        final double durationMs;
        final long spanCount;
        final String root;
        final List<String> insights;
        final long revision;

        Trace(Map<String, AttributeValue> item) {
            traceId = item.get(TraceItems.TRACE_ID).s();
            durationMs = number(item, TraceItems.DURATION_MS);
            spanCount = (long) number(item, TraceItems.SPAN_COUNT);
            revision = (long) number(item, TraceItems.REVISION);
            String service = text(item, TraceItems.ROOT_SERVICE);
            root =
                    service == null
                            ? "(no root span)"
                            : service + " " + text(item, TraceItems.ROOT_OPERATION);
            AttributeValue insightSet = item.get(TraceItems.INSIGHTS);
            insights = insightSet == null || !insightSet.hasSs() ? List.of() : insightSet.ss();
        }

        private static double number(Map<String, AttributeValue> item, String name) {
            AttributeValue value = item.get(name);
            return value == null || value.n() == null ? 0 : Double.parseDouble(value.n());
        }

        private static String text(Map<String, AttributeValue> item, String name) {
            AttributeValue value = item.get(name);
            return value == null ? null : value.s();
        }
    }

    /** Every trace in the table (paginated scan). */
    List<Trace> scan() {
        List<Trace> traces = new ArrayList<>();
        scan(
                ScanRequest.builder()
                        .tableName(tableName)
                        .projectionExpression(PROJECTION)
                        .expressionAttributeNames(Map.of("#insights", TraceItems.INSIGHTS)),
                item -> traces.add(new Trace(item)));
        return traces;
    }

    /** Every item of the table, every attribute (paginated scan). */
    List<Map<String, AttributeValue>> items() {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        scan(ScanRequest.builder().tableName(tableName), items::add);
        return items;
    }

    private void scan(
            ScanRequest.Builder request,
            java.util.function.Consumer<Map<String, AttributeValue>> out) {
        Map<String, AttributeValue> startKey = null;
        do {
            if (startKey != null) {
                request.exclusiveStartKey(startKey);
            }
            ScanResponse response = dynamoDb.scan(request.build());
            response.items().forEach(out);
            startKey =
                    response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                            ? response.lastEvaluatedKey()
                            : null;
        } while (startKey != null);
    }

    /** Traces per insight type, sorted by type. */
    static Map<String, Long> insightCounts(List<Trace> traces) {
        Map<String, Long> counts = new TreeMap<>();
        for (Trace trace : traces) {
            trace.insights.forEach(insight -> counts.merge(insight, 1L, Long::sum));
        }
        return counts;
    }

    static List<Trace> slowest(List<Trace> traces, int n) {
        List<Trace> sorted = new ArrayList<>(traces);
        sorted.sort(Comparator.comparingDouble((Trace t) -> t.durationMs).reversed());
        return sorted.subList(0, Math.min(n, sorted.size()));
    }
}
