package io.traceassembler.model;

/**
 * One call between two services, as an assembled trace shows it (docs/contracts.md, section 3a):
 * the client service, the server service (a real service, or a virtual node named by the client
 * span's {@code peer.service}, {@code db.system} or {@code messaging.system}), how they talk,
 * whether the call failed, its latency and when it started. The assembler emits one per edge of a
 * trace the first time the trace's emit shows it. A Flink POJO.
 */
public class ServiceGraphEdge {
    public String client;
    public String server;
    public ConnectionType connectionType;
    public boolean failed;

    /** The server span's duration (the client span's for a virtual node); NaN when untimed. */
    public double latencyMs;

    /** Start of the server span (the client span for a virtual node), epoch milliseconds. */
    public long startMillis;

    public ServiceGraphEdge() {}

    public ServiceGraphEdge(
            String client,
            String server,
            ConnectionType connectionType,
            boolean failed,
            double latencyMs,
            long startMillis) {
        this.client = client;
        this.server = server;
        this.connectionType = connectionType;
        this.failed = failed;
        this.latencyMs = latencyMs;
        this.startMillis = startMillis;
    }

    @Override
    public String toString() {
        return client
                + " -> "
                + server
                + " ("
                + connectionType.id()
                + (failed ? ", failed" : "")
                + ", "
                + latencyMs
                + " ms at "
                + startMillis
                + ")";
    }
}
