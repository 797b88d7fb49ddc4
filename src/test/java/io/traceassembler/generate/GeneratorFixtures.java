package io.traceassembler.generate;

import java.util.ArrayList;
import java.util.List;

/** Shared helpers of the generator tests. */
final class GeneratorFixtures {
    private GeneratorFixtures() {}

    static List<List<GeneratedSpan>> allTraces(GeneratorOptions options) {
        List<List<GeneratedSpan>> traces = new ArrayList<>();
        new TraceGenerator(options).traces().forEachRemaining(traces::add);
        return traces;
    }

    static List<GeneratedRecord> allRecords(GeneratorOptions generator, TrafficOptions traffic) {
        return TrafficShaper.allRecords(generator, traffic);
    }

    /** Every field of a span, for equality checks (GeneratedSpan has no equals). */
    static String describe(GeneratedSpan s) {
        return s.traceId
                + '/'
                + s.spanId
                + '/'
                + s.parentSpanId
                + '/'
                + s.serviceName
                + '/'
                + s.operationName
                + '/'
                + s.kind
                + (s.shared ? "/shared" : "")
                + (s.zipkinReported ? "/zipkin" : "")
                + '/'
                + s.startEpochNanos
                + '/'
                + s.endEpochNanos
                + '/'
                + s.status
                + '/'
                + s.tags;
    }

    static List<String> describeAll(List<List<GeneratedSpan>> traces) {
        List<String> lines = new ArrayList<>();
        traces.forEach(trace -> trace.forEach(span -> lines.add(describe(span))));
        return lines;
    }
}
