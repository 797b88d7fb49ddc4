package io.traceassembler.model;

/** How the two services of a service-graph edge talk (docs/contracts.md, section 3a). */
public enum ConnectionType {
    /** A call: any edge that is neither of the others. */
    REQUEST("request"),
    /** The server span is a CONSUMER: a message handed over through a broker. */
    MESSAGING("messaging"),
    /** A virtual server node named by a client span's {@code db.system}. */
    DATABASE("database");

    private final String id;

    ConnectionType(String id) {
        this.id = id;
    }

    /** The name in metrics ({@code ConnectionType} dimension) and replay lines. */
    public String id() {
        return id;
    }
}
