package io.traceassembler.query;

import io.traceassembler.sink.TraceItems;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Trace items as text for a terminal: a table with one aligned row per trace ({@link #table}), or
 * one trace as a list of its fields ({@link #details}). A missing value shows as {@code -}.
 */
final class TraceTableFormat {
    static final String NONE = "-";

    private static final String[] HEADERS = {
        "START (UTC)",
        "TRACE ID",
        "DURATION MS",
        "SPANS",
        "SERVICES",
        "ERRORS",
        "ROOT",
        "BOTTLENECK",
        "ROOT CAUSE",
        "INSIGHTS"
    };

    /** Numbers line up on the right. */
    private static final boolean[] RIGHT = {
        false, false, true, true, true, true, false, false, false, false
    };

    private TraceTableFormat() {}

    /** The header and one row per item, columns as wide as their widest cell, two spaces apart. */
    static List<String> table(List<Map<String, AttributeValue>> items) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADERS);
        for (Map<String, AttributeValue> item : items) {
            rows.add(row(item));
        }
        int[] widths = new int[HEADERS.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        List<String> lines = new ArrayList<>();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    line.append("  ");
                }
                String pad = " ".repeat(widths[i] - row[i].length());
                line.append(RIGHT[i] ? pad + row[i] : row[i] + pad);
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }

    static String[] row(Map<String, AttributeValue> item) {
        return new String[] {
            text(item, TraceItems.START_TIME),
            text(item, TraceItems.TRACE_ID),
            durationMillis(item),
            text(item, TraceItems.SPAN_COUNT),
            text(item, TraceItems.SERVICE_COUNT),
            text(item, TraceItems.ERROR_COUNT),
            text(item, TraceItems.ROOT_SERVICE),
            bottleneck(item),
            rootCause(item),
            set(item, TraceItems.INSIGHTS)
        };
    }

    /** One trace: {@code name value} per field, in the contract's order. */
    static List<String> details(Map<String, AttributeValue> item) {
        List<String> names = ItemJson.orderedNames(item);
        int width = names.stream().mapToInt(String::length).max().orElse(0);
        List<String> lines = new ArrayList<>();
        for (String name : names) {
            String value =
                    name.equals(TraceItems.CRITICAL_PATH)
                            ? criticalPath(item.get(name))
                            : text(item, name);
            lines.add(name + " ".repeat(width - name.length()) + "  " + value);
        }
        return lines;
    }

    /** Milliseconds with one decimal: {@code 5234.568} shows as {@code 5234.6}. */
    static String durationMillis(Map<String, AttributeValue> item) {
        AttributeValue value = item.get(TraceItems.DURATION_MS);
        if (value == null || value.n() == null) {
            return NONE;
        }
        return new BigDecimal(value.n()).setScale(1, RoundingMode.HALF_UP).toPlainString();
    }

    /** {@code checkout 62%}: the bottleneck service and its share of the critical path. */
    static String bottleneck(Map<String, AttributeValue> item) {
        AttributeValue service = item.get(TraceItems.BOTTLENECK_SERVICE);
        if (service == null || service.s() == null) {
            return NONE;
        }
        AttributeValue share = item.get(TraceItems.BOTTLENECK_SHARE);
        if (share == null || share.n() == null) {
            return service.s();
        }
        BigDecimal percent =
                new BigDecimal(share.n()).movePointRight(2).setScale(0, RoundingMode.HALF_UP);
        return service.s() + " " + percent.toPlainString() + "%";
    }

    /** {@code payments (POST /charge)}: the root-cause service and operation. */
    static String rootCause(Map<String, AttributeValue> item) {
        AttributeValue service = item.get(TraceItems.ROOT_CAUSE_SERVICE);
        if (service == null || service.s() == null) {
            return NONE;
        }
        AttributeValue operation = item.get(TraceItems.ROOT_CAUSE_OPERATION);
        return operation == null || operation.s() == null
                ? service.s()
                : service.s() + " (" + operation.s() + ")";
    }

    private static String set(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null || !value.hasSs() || value.ss().isEmpty()
                ? NONE
                : String.join(",", new TreeSet<>(value.ss()));
    }

    /** {@code checkout=812.5 ms, payments=120 ms}: most time first. */
    private static String criticalPath(AttributeValue path) {
        if (path == null || !path.hasM()) {
            return NONE;
        }
        List<Map.Entry<String, AttributeValue>> entries = new ArrayList<>(path.m().entrySet());
        entries.sort(
                Comparator.comparing(
                                (Map.Entry<String, AttributeValue> e) ->
                                        new BigDecimal(e.getValue().n()))
                        .reversed()
                        .thenComparing(Map.Entry::getKey));
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, AttributeValue> e : entries) {
            parts.add(e.getKey() + "=" + e.getValue().n() + " ms");
        }
        return String.join(", ", parts);
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        if (value == null) {
            return NONE;
        }
        switch (value.type()) {
            case S:
                return value.s();
            case N:
                return value.n();
            case BOOL:
                return Boolean.toString(value.bool());
            case SS:
                return String.join(", ", new TreeSet<>(value.ss()));
            default:
                return ItemJson.toJsonLine(Map.of(name, value));
        }
    }
}
