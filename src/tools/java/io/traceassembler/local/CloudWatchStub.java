package io.traceassembler.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * An in-process CloudWatch stand-in (there is no CloudWatch emulator): a WireMock server answering
 * {@code PutMetricData} the way SDK 2.57 speaks it, Smithy RPC v2 CBOR, and recording what it
 * received. Point the job's {@code InsightMetrics.aws.endpoint} at {@link #endpoint()}; read what
 * arrived with {@link #requestBodies()} (decoded) or {@link #summary()}.
 */
public final class CloudWatchStub implements AutoCloseable {
    public static final String PUT_METRIC_DATA_PATH =
            "/service/GraniteServiceVersion20100801/operation/PutMetricData";

    private final WireMockServer server;
    private final CBORMapper cbor = new CBORMapper();

    private CloudWatchStub() {
        server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    }

    /** Starts on a free loopback port, accepting every {@code PutMetricData} call (HTTP 200). */
    public static CloudWatchStub start() {
        CloudWatchStub stub = new CloudWatchStub();
        stub.server.start();
        stub.respondWith(200);
        return stub;
    }

    public String endpoint() {
        // 127.0.0.1, not baseUrl()'s localhost: the server listens on IPv4 loopback only.
        return "http://127.0.0.1:" + server.port();
    }

    /**
     * Answers every following call with {@code status} (200 accepts; 4xx/5xx are service errors).
     */
    public void respondWith(int status) {
        server.resetMappings();
        server.stubFor(putMetricData().willReturn(response(status)));
    }

    /**
     * Answers the next calls with {@code statuses} in order, and every later call with the last
     * one.
     */
    public void respondInSequence(int... statuses) {
        server.resetMappings();
        String state = Scenario.STARTED;
        for (int i = 0; i < statuses.length; i++) {
            String next = i + 1 < statuses.length ? "call-" + (i + 2) : state;
            server.stubFor(
                    putMetricData()
                            .inScenario("sequence")
                            .whenScenarioStateIs(state)
                            .willReturn(response(statuses[i]))
                            .willSetStateTo(next));
            state = next;
        }
    }

    /** How many {@code PutMetricData} calls arrived, answered with success or not. */
    public int requestCount() {
        return loggedRequests().size();
    }

    /**
     * The decoded body of every {@code PutMetricData} call so far, in arrival order: a {@code
     * PutMetricDataInput} with {@code Namespace} and {@code MetricData} (datums with {@code
     * MetricName}, {@code Unit}, {@code Dimensions}, {@code Value} or {@code Values}/{@code
     * Counts}, {@code Timestamp} in epoch seconds).
     */
    public List<JsonNode> requestBodies() {
        List<JsonNode> bodies = new ArrayList<>();
        for (LoggedRequest request : loggedRequests()) {
            try {
                bodies.add(cbor.readTree(gunzipIfNeeded(request.getBody())));
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "Undecodable PutMetricData body ("
                                + request.getHeader("Content-Type")
                                + ", smithy-protocol "
                                + request.getHeader("smithy-protocol")
                                + ")",
                        e);
            }
        }
        return bodies;
    }

    /** Every datum ({@code MetricData} entry) of every call so far, in arrival order. */
    public List<JsonNode> datums() {
        List<JsonNode> datums = new ArrayList<>();
        for (JsonNode body : requestBodies()) {
            body.path("MetricData").forEach(datums::add);
        }
        return datums;
    }

    /** The headers of every {@code PutMetricData} call named {@code header}, in arrival order. */
    public List<String> requestHeaders(String header) {
        List<String> values = new ArrayList<>();
        loggedRequests().forEach(r -> values.add(r.getHeader(header)));
        return values;
    }

    /**
     * Totals over every call so far. Calls answered with an error count too: they show what was
     * attempted.
     */
    public Summary summary() {
        return Summary.of(requestBodies());
    }

    @Override
    public void close() {
        server.stop();
    }

    private List<LoggedRequest> loggedRequests() {
        return server.findAll(postRequestedFor(urlPathEqualTo(PUT_METRIC_DATA_PATH)));
    }

    private static MappingBuilder putMetricData() {
        return post(urlPathEqualTo(PUT_METRIC_DATA_PATH));
    }

    /**
     * An RPC v2 CBOR response: the protocol header and an empty CBOR map ({@code A0}), which the
     * SDK accepts.
     */
    private static ResponseDefinitionBuilder response(int status) {
        return aResponse()
                .withStatus(status)
                .withHeader("smithy-protocol", "rpc-v2-cbor")
                .withHeader("Content-Type", "application/cbor")
                .withBody(new byte[] {(byte) 0xA0});
    }

    /**
     * The SDK gzips bodies of 10 KB or more; depending on the version, WireMock has inflated them
     * already.
     */
    private static byte[] gunzipIfNeeded(byte[] body) throws IOException {
        if (body.length > 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b) {
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                return in.readAllBytes();
            }
        }
        return body;
    }

    /** What CloudWatch received: calls, namespaces, and per metric name its datums and totals. */
    public static final class Summary {
        public final int calls;
        public final Set<String> namespaces;
        public final Map<String, MetricTotals> metrics;

        private Summary(int calls, Set<String> namespaces, Map<String, MetricTotals> metrics) {
            this.calls = calls;
            this.namespaces = Collections.unmodifiableSet(namespaces);
            this.metrics = Collections.unmodifiableMap(metrics);
        }

        static Summary of(List<JsonNode> bodies) {
            Set<String> namespaces = new TreeSet<>();
            Map<String, MetricTotals> metrics = new TreeMap<>();
            for (JsonNode body : bodies) {
                namespaces.add(body.path("Namespace").asText());
                for (JsonNode datum : body.path("MetricData")) {
                    metrics.computeIfAbsent(
                                    datum.path("MetricName").asText(), name -> new MetricTotals())
                            .add(datum);
                }
            }
            return new Summary(bodies.size(), namespaces, metrics);
        }

        public long datums() {
            return metrics.values().stream().mapToLong(m -> m.datums).sum();
        }

        @Override
        public String toString() {
            return calls
                    + " PutMetricData calls, "
                    + datums()
                    + " datums, namespaces "
                    + namespaces
                    + ", "
                    + metrics;
        }
    }

    /**
     * One metric's datums. {@link #sum} adds every value times its count: for a {@code Count}
     * metric (an insight), the number of traces counted; {@link #samples} is the number of
     * observations (for {@code TraceDuration}, traces measured).
     */
    public static final class MetricTotals {
        public long datums;
        public double sum;
        public double samples;
        public String unit;

        void add(JsonNode datum) {
            datums++;
            unit = datum.path("Unit").asText(null);
            if (datum.has("Values")) {
                JsonNode values = datum.get("Values");
                JsonNode counts = datum.path("Counts");
                for (int i = 0; i < values.size(); i++) {
                    double count = counts.has(i) ? counts.get(i).asDouble() : 1.0;
                    sum += values.get(i).asDouble() * count;
                    samples += count;
                }
            } else if (datum.has("StatisticValues")) {
                sum += datum.get("StatisticValues").path("Sum").asDouble();
                samples += datum.get("StatisticValues").path("SampleCount").asDouble();
            } else {
                sum += datum.path("Value").asDouble();
                samples += 1;
            }
        }

        @Override
        public String toString() {
            return String.format(
                    java.util.Locale.ROOT,
                    "%d datums (sum %s, samples %s%s)",
                    datums,
                    format(sum),
                    format(samples),
                    unit == null ? "" : ", " + unit);
        }

        private static String format(double value) {
            return value == Math.rint(value)
                    ? Long.toString((long) value)
                    : String.format(java.util.Locale.ROOT, "%.1f", value);
        }
    }
}
