package io.traceassembler.query;

import io.traceassembler.sink.TraceItems;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * The trace table's reads: one trace by id (GetItem), the newest traces of an index partition or
 * several (Query, newest first, paginated with LastEvaluatedKey, merged by start time), or of the
 * whole table (Scan, only when asked for).
 */
final class TraceQueries {
    /** Newest first; equal start times by trace id, so that the order is stable. */
    static final Comparator<Map<String, AttributeValue>> NEWEST_FIRST =
            Comparator.comparingLong(TraceQueries::startEpochMillis)
                    .reversed()
                    .thenComparing(item -> item.get(TraceItems.TRACE_ID).s());

    private final TraceStoreAccess store;
    private final Integer pageSize;
    private int requests;

    TraceQueries(TraceStoreAccess store, Integer pageSize) {
        this.store = store;
        this.pageSize = pageSize;
    }

    /** The item, or null when the table has no trace with this id. */
    Map<String, AttributeValue> get(String traceId) {
        requests++;
        GetItemResponse response =
                store.call(
                        null,
                        () ->
                                store.dynamoDb.getItem(
                                        r ->
                                                r.tableName(store.tableName())
                                                        .key(
                                                                Map.of(
                                                                        TraceItems.TRACE_ID,
                                                                        AttributeValue.builder()
                                                                                .s(traceId)
                                                                                .build()))));
        return response.hasItem() && !response.item().isEmpty() ? response.item() : null;
    }

    /**
     * Up to {@code limit} traces of the filter's partitions started in {@code range}, newest first.
     * Each partition is read page by page only as far as the merge needs.
     */
    Iterator<Map<String, AttributeValue>> newest(TraceFilter filter, TimeRange range, int limit) {
        PriorityQueue<PagedQuery> heads =
                new PriorityQueue<>((a, b) -> NEWEST_FIRST.compare(a.peek(), b.peek()));
        for (TraceFilter.Partition partition : filter.partitions()) {
            PagedQuery query = new PagedQuery(partition, range, limit);
            if (query.hasNext()) {
                heads.add(query);
            }
        }
        return new Iterator<>() {
            private int returned;

            @Override
            public boolean hasNext() {
                return returned < limit && !heads.isEmpty();
            }

            @Override
            public Map<String, AttributeValue> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                PagedQuery head = heads.poll();
                Map<String, AttributeValue> item = head.next();
                if (head.hasNext()) {
                    heads.add(head);
                }
                returned++;
                return item;
            }
        };
    }

    /**
     * Every item of the table (paginated Scan) that matches the filter and range, newest first, the
     * first {@code limit}: reads and bills the whole table.
     */
    List<Map<String, AttributeValue>> scan(TraceFilter filter, TimeRange range, int limit) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        names.put("#t", TraceItems.START_EPOCH_MS);
        values.put(":from", number(range.fromMillis));
        values.put(":to", number(range.toMillis));
        String condition = "#t BETWEEN :from AND :to";
        if (filter.kind != null) {
            values.put(":v", AttributeValue.builder().s(filter.value).build());
            if (filter.kind == TraceFilter.Kind.INSIGHT) {
                names.put("#i", TraceItems.INSIGHTS);
                condition += " AND contains(#i, :v)";
            } else {
                names.put("#k", filter.kind.hashKey);
                condition += " AND #k = :v";
            }
        }
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> startKey = null;
        do {
            ScanRequest.Builder request =
                    ScanRequest.builder()
                            .tableName(store.tableName())
                            .filterExpression(condition)
                            .expressionAttributeNames(names)
                            .expressionAttributeValues(values);
            if (pageSize != null) {
                request.limit(pageSize);
            }
            if (startKey != null) {
                request.exclusiveStartKey(startKey);
            }
            requests++;
            ScanResponse response = store.call(null, () -> store.dynamoDb.scan(request.build()));
            items.addAll(response.items());
            startKey = lastKey(response.hasLastEvaluatedKey(), response.lastEvaluatedKey());
        } while (startKey != null);
        items.sort(NEWEST_FIRST);
        return items.size() > limit ? new ArrayList<>(items.subList(0, limit)) : items;
    }

    /** DynamoDB requests made so far (pages read). */
    int requests() {
        return requests;
    }

    /** One index partition, newest first, a page at a time. */
    private final class PagedQuery implements Iterator<Map<String, AttributeValue>> {
        private final TraceFilter.Partition partition;
        private final TimeRange range;
        private final Integer limit;
        private final Deque<Map<String, AttributeValue>> page = new ArrayDeque<>();
        private Map<String, AttributeValue> startKey;
        private boolean exhausted;

        PagedQuery(TraceFilter.Partition partition, TimeRange range, int wanted) {
            this.partition = partition;
            this.range = range;
            // Without a filter expression a page of `wanted` items is all the merge can take from
            // here; with one, DynamoDB counts the items before filtering: let it fill 1 MB pages.
            this.limit =
                    pageSize != null ? pageSize : partition.requiredInsight == null ? wanted : null;
        }

        @Override
        public boolean hasNext() {
            while (page.isEmpty() && !exhausted) {
                fetch();
            }
            return !page.isEmpty();
        }

        @Override
        public Map<String, AttributeValue> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return page.poll();
        }

        Map<String, AttributeValue> peek() {
            return page.peek();
        }

        private void fetch() {
            Map<String, String> names = new HashMap<>();
            Map<String, AttributeValue> values = new HashMap<>();
            names.put("#k", partition.hashKey);
            names.put("#t", TraceItems.START_EPOCH_MS);
            values.put(":k", AttributeValue.builder().s(partition.hashValue).build());
            values.put(":from", number(range.fromMillis));
            values.put(":to", number(range.toMillis));
            QueryRequest.Builder request =
                    QueryRequest.builder()
                            .tableName(store.tableName())
                            .indexName(partition.index)
                            .keyConditionExpression("#k = :k AND #t BETWEEN :from AND :to")
                            .scanIndexForward(false);
            if (partition.requiredInsight != null) {
                names.put("#i", TraceItems.INSIGHTS);
                values.put(":i", AttributeValue.builder().s(partition.requiredInsight).build());
                request.filterExpression("contains(#i, :i)");
            }
            request.expressionAttributeNames(names).expressionAttributeValues(values);
            if (limit != null) {
                request.limit(limit);
            }
            if (startKey != null) {
                request.exclusiveStartKey(startKey);
            }
            requests++;
            QueryResponse response =
                    store.call(partition.index, () -> store.dynamoDb.query(request.build()));
            page.addAll(response.items());
            startKey = lastKey(response.hasLastEvaluatedKey(), response.lastEvaluatedKey());
            exhausted = startKey == null;
        }
    }

    private static Map<String, AttributeValue> lastKey(
            boolean present, Map<String, AttributeValue> key) {
        return present && !key.isEmpty() ? key : null;
    }

    private static AttributeValue number(long value) {
        return AttributeValue.builder().n(Long.toString(value)).build();
    }

    static long startEpochMillis(Map<String, AttributeValue> item) {
        AttributeValue value = item.get(TraceItems.START_EPOCH_MS);
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }
}
