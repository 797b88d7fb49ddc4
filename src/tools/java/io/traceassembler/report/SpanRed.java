package io.traceassembler.report;

import io.traceassembler.report.ReportData.SpanMetricLine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Span RED (rate, errors, duration) per service and operation over the whole replay, added up from
 * the per-minute span metrics (docs/contracts.md, section 3a). Calls and errors add up exactly;
 * percentiles of different minutes cannot be merged, so p50 and p99 are the highest per-minute
 * values (the worst minute), and max is the longest span.
 */
final class SpanRed {
    static class Totals {
        long calls;
        long errors;
        double worstMinuteP50Ms;
        double worstMinuteP99Ms;
        double maxMs;

        void add(SpanMetricLine line) {
            calls += line.calls;
            errors += line.errors;
            worstMinuteP50Ms = Math.max(worstMinuteP50Ms, line.durationMsP50);
            worstMinuteP99Ms = Math.max(worstMinuteP99Ms, line.durationMsP99);
            maxMs = Math.max(maxMs, line.durationMsMax);
        }

        double errorRate() {
            return calls == 0 ? 0 : (double) errors / calls;
        }
    }

    static final class Operation extends Totals {
        final String name;

        Operation(String name) {
            this.name = name;
        }
    }

    static final class Service extends Totals {
        final String name;
        final Map<String, Operation> operations = new TreeMap<>();

        Service(String name) {
            this.name = name;
        }

        /** The busiest operations first (ties by name). */
        List<Operation> topOperations(int limit) {
            List<Operation> ops = new ArrayList<>(operations.values());
            ops.sort(
                    Comparator.comparingLong((Operation o) -> -o.calls).thenComparing(o -> o.name));
            return ops.subList(0, Math.min(limit, ops.size()));
        }
    }

    private SpanRed() {}

    /** Per service, keyed by name, busiest first. */
    static Map<String, Service> of(Collection<SpanMetricLine> lines) {
        Map<String, Service> services = new TreeMap<>();
        for (SpanMetricLine line : lines) {
            Service service = services.computeIfAbsent(line.service, Service::new);
            service.add(line);
            service.operations.computeIfAbsent(line.operation, Operation::new).add(line);
        }
        List<Service> sorted = new ArrayList<>(services.values());
        sorted.sort(Comparator.comparingLong((Service s) -> -s.calls).thenComparing(s -> s.name));
        Map<String, Service> busiestFirst = new LinkedHashMap<>();
        sorted.forEach(s -> busiestFirst.put(s.name, s));
        return busiestFirst;
    }
}
