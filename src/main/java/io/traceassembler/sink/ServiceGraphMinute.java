package io.traceassembler.sink;

import org.apache.flink.util.Collector;

/**
 * The calls over one service-graph edge that started in one minute (docs/contracts.md, section 3a):
 * {@code ServiceGraphRequests}, {@code ServiceGraphRequestsFailed} and {@code ServiceGraphLatency},
 * dimensions {@code Client}, {@code Server} and {@code ConnectionType}.
 */
public class ServiceGraphMinute extends CallStats {
    public static final String REQUESTS = "ServiceGraphRequests";
    public static final String REQUESTS_FAILED = "ServiceGraphRequestsFailed";
    public static final String LATENCY = "ServiceGraphLatency";
    public static final String DIMENSION_CLIENT = "Client";
    public static final String DIMENSION_SERVER = "Server";
    public static final String DIMENSION_CONNECTION_TYPE = "ConnectionType";

    public String client;
    public String server;

    /** {@code request}, {@code messaging} or {@code database}. */
    public String connectionType;

    public ServiceGraphMinute() {}

    public ServiceGraphMinute(
            long minuteMillis, String client, String server, String connectionType) {
        this.minuteMillis = minuteMillis;
        this.client = client;
        this.server = server;
        this.connectionType = connectionType;
    }

    @Override
    public String key() {
        return minuteMillis + "|" + client + "|" + server + "|" + connectionType;
    }

    @Override
    public ServiceGraphMinute emptyOfSameKey() {
        return new ServiceGraphMinute(minuteMillis, client, server, connectionType);
    }

    /**
     * The CloudWatch points of this minute: requests and failures (counts, also when none failed,
     * so an alarm on failures sees every minute of traffic) and the latency distribution.
     */
    public void metricPoints(Collector<MetricPoint> out) {
        String[] dimensions = {
            DIMENSION_CLIENT,
            client,
            DIMENSION_SERVER,
            server,
            DIMENSION_CONNECTION_TYPE,
            connectionType
        };
        metricPoints(REQUESTS, REQUESTS_FAILED, LATENCY, dimensions, out);
    }

    @Override
    public String toString() {
        return "ServiceGraphMinute{"
                + key()
                + ", requests="
                + calls
                + ", failed="
                + errors
                + ", max="
                + maxMs
                + '}';
    }
}
