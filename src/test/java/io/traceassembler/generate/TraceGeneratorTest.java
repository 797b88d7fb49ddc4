package io.traceassembler.generate;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.traceassembler.generate.GeneratorFixtures.allTraces;
import static io.traceassembler.generate.GeneratorFixtures.describeAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TraceGeneratorTest {

    @Test
    void sameSeedGivesSameTracesAndAnotherSeedDifferentOnes() {
        GeneratorOptions options =
                GeneratorOptions.defaults()
                        .seed(7)
                        .traces(300)
                        .bigTraceRatio(0.01)
                        .bigTraceSpans(500);

        List<String> first = describeAll(allTraces(options));
        List<String> second = describeAll(allTraces(options));
        List<String> otherSeed = describeAll(allTraces(options.copy().seed(8)));

        assertThat(first).isEqualTo(second);
        assertThat(otherSeed).isNotEqualTo(first);
    }

    @Test
    void everyTraceIsAValidTreeWithChildrenInsideTheirParents() {
        GeneratorOptions options =
                GeneratorOptions.defaults()
                        .seed(3)
                        .traces(1_000)
                        .errorRatio(0.2)
                        .slowRatio(0.1)
                        .fanOutRatio(0.5)
                        .bigTraceRatio(0.005)
                        .bigTraceSpans(2_000);
        Set<String> traceIds = new HashSet<>();

        for (List<GeneratedSpan> trace : allTraces(options)) {
            String traceId = trace.get(0).traceId;
            assertThat(traceIds.add(traceId)).as("trace ids are unique").isTrue();
            assertThat(traceId).matches("[0-9a-f]{32}");
            // A B3 server half shares its client half's id; every other span has an id of its own.
            Map<String, GeneratedSpan> byId = new HashMap<>();
            for (GeneratedSpan span : trace) {
                if (!span.shared) {
                    assertThat(byId.put(span.spanId, span)).as("span ids are unique").isNull();
                }
            }
            assertThat(trace.stream().filter(span -> span.parentSpanId == null))
                    .as("one root")
                    .hasSize(1);
            assertThat(trace.get(0).parentSpanId).as("root comes first").isNull();
            for (GeneratedSpan span : trace) {
                assertThat(span.traceId).isEqualTo(traceId);
                assertThat(span.spanId).matches("[0-9a-f]{16}").isNotEqualTo("0000000000000000");
                assertThat(span.kind).isIn("server", "client", "producer", "consumer", "internal");
                assertThat(span.status).isIn("ok", "error");
                assertThat(span.endEpochNanos).isGreaterThan(span.startEpochNanos);
                if (span.shared) {
                    GeneratedSpan client = byId.get(span.spanId);
                    assertThat(client.kind).isEqualTo("client");
                    assertThat(span.kind).isEqualTo("server");
                    assertThat(span.parentSpanId).isEqualTo(client.parentSpanId);
                    assertThat(span.startEpochNanos).isGreaterThanOrEqualTo(client.startEpochNanos);
                    assertThat(span.endEpochNanos).isLessThanOrEqualTo(client.endEpochNanos);
                }
                if (span.parentSpanId != null) {
                    GeneratedSpan parent = byId.get(span.parentSpanId);
                    assertThat(parent).as("parent of %s exists", span.spanId).isNotNull();
                    assertThat(span.startEpochNanos).isGreaterThanOrEqualTo(parent.startEpochNanos);
                    assertThat(span.endEpochNanos).isLessThanOrEqualTo(parent.endEpochNanos);
                }
            }
        }
    }

    @Test
    void ratiosAreRoughlyHonouredOver2000Traces() {
        GeneratorOptions options =
                GeneratorOptions.defaults()
                        .seed(11)
                        .traces(2_000)
                        .errorRatio(0.10)
                        .slowRatio(0.05)
                        .fanOutRatio(0.30);
        TraceGenerator generator = new TraceGenerator(options);
        int slow = 0;
        int errors = 0;
        int wide = 0;
        int traces = 0;
        for (List<GeneratedSpan> trace : (Iterable<List<GeneratedSpan>>) generator::traces) {
            TraceFacts facts = TraceFacts.of(trace);
            traces++;
            slow += facts.isSlow() ? 1 : 0;
            errors += facts.hasErrors() ? 1 : 0;
            wide += facts.isHighServiceCount() ? 1 : 0;
        }

        assertThat(traces).isEqualTo(2_000);
        assertThat(slow / 2000.0).isCloseTo(0.05, within(0.015));
        assertThat(errors / 2000.0).isCloseTo(0.10, within(0.025));
        assertThat(wide / 2000.0).isCloseTo(0.30, within(0.04));
        assertThat(generator.stats().slowTraces()).isEqualTo(slow);
        assertThat(generator.stats().errorTraces()).isEqualTo(errors);
        assertThat(generator.stats().highServiceCountTraces()).isEqualTo(wide);
    }

    @Test
    void topologySpansTenToFifteenServicesAndWideTracesTouchMoreThanFive() {
        Set<String> services = new HashSet<>();
        int maxServices = 0;
        for (List<GeneratedSpan> trace :
                allTraces(GeneratorOptions.defaults().seed(5).traces(500).fanOutRatio(0.5))) {
            trace.forEach(span -> services.add(span.serviceName));
            maxServices = Math.max(maxServices, TraceFacts.of(trace).serviceCount);
        }
        assertThat(services).hasSizeBetween(10, 15).isSubsetOf(TraceGenerator.SERVICES);
        assertThat(maxServices).isGreaterThanOrEqualTo(8);
    }

    @Test
    void bigTracesHaveExactlyTheConfiguredSpanCount() {
        GeneratorOptions options =
                GeneratorOptions.defaults()
                        .seed(1)
                        .traces(3)
                        .bigTraceRatio(1.0)
                        .bigTraceSpans(5_003);

        List<List<GeneratedSpan>> traces = allTraces(options);

        assertThat(traces)
                .allSatisfy(
                        trace -> {
                            assertThat(trace).hasSize(5_003);
                            assertThat(TraceFacts.of(trace).isSlow()).isFalse();
                        });
    }

    @Test
    void slowTracesLastLongerThanFiveSecondsAndOthersDoNot() {
        for (List<GeneratedSpan> trace :
                allTraces(GeneratorOptions.defaults().seed(9).traces(200).slowRatio(0.5))) {
            TraceFacts facts = TraceFacts.of(trace);
            boolean markedSlow =
                    trace.stream().anyMatch(span -> "true".equals(span.tags.get("slow")));
            assertThat(facts.isSlow()).isEqualTo(markedSlow);
            assertThat(facts.durationMs).isLessThan(25_000);
        }
    }

    @Test
    void tracesStartInOrderAtTheConfiguredRate() {
        GeneratorOptions options =
                GeneratorOptions.defaults().seed(2).traces(1_000).tracesPerSecond(50);
        List<List<GeneratedSpan>> traces = allTraces(options);

        long first = traces.get(0).get(0).startEpochNanos;
        long last = traces.get(traces.size() - 1).get(0).startEpochNanos;
        assertThat(first).isEqualTo(GeneratorOptions.DEFAULT_START_EPOCH_MILLIS * 1_000_000L);
        for (int i = 1; i < traces.size(); i++) {
            assertThat(traces.get(i).get(0).startEpochNanos)
                    .isGreaterThanOrEqualTo(traces.get(i - 1).get(0).startEpochNanos);
        }
        assertThat((last - first) / 1e9).isCloseTo(999 / 50.0, within(2.0));
    }

    @Test
    void zipkinReportedTracesShareTheB3RatioOfTheirClientServerPairs() {
        GeneratorOptions options =
                GeneratorOptions.defaults()
                        .seed(4)
                        .traces(2_000)
                        .zipkinTraceRatio(0.4)
                        .b3Ratio(0.3);
        int zipkinTraces = 0;
        int pairs = 0;
        int shared = 0;
        for (List<GeneratedSpan> trace : allTraces(options)) {
            boolean zipkin = trace.get(0).zipkinReported;
            zipkinTraces += zipkin ? 1 : 0;
            Map<String, GeneratedSpan> clients = new HashMap<>();
            for (GeneratedSpan span : trace) {
                assertThat(span.zipkinReported).as("the whole trace").isEqualTo(zipkin);
                if ("client".equals(span.kind)) {
                    clients.put(span.spanId, span);
                }
            }
            for (GeneratedSpan span : trace) {
                if (!"server".equals(span.kind) || span.parentSpanId == null) {
                    continue;
                }
                boolean underClient = span.shared || clients.containsKey(span.parentSpanId);
                if (underClient && zipkin) {
                    pairs++;
                    shared += span.shared ? 1 : 0;
                }
                assertThat(span.shared && !zipkin).as("B3 only in Zipkin traces").isFalse();
            }
        }
        assertThat(zipkinTraces / 2000.0).isCloseTo(0.4, within(0.04));
        assertThat((double) shared / pairs).isCloseTo(0.3, within(0.02));

        // The B3 choice is drawn last: the same seed gives the same times and services.
        List<List<GeneratedSpan>> plain = allTraces(options.copy().zipkinTraceRatio(0));
        List<List<GeneratedSpan>> b3 = allTraces(options);
        for (int t = 0; t < plain.size(); t++) {
            for (int i = 0; i < plain.get(t).size(); i++) {
                GeneratedSpan p = plain.get(t).get(i);
                GeneratedSpan s = b3.get(t).get(i);
                assertThat(s.startEpochNanos).isEqualTo(p.startEpochNanos);
                assertThat(s.serviceName).isEqualTo(p.serviceName);
                assertThat(p.shared || p.zipkinReported).isFalse();
            }
        }
    }
}
