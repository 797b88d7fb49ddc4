package io.traceassembler.model;

/**
 * Which attribute names the remote side of a span that has no child in its trace
 * (docs/contracts.md, section 3a): the service graph draws an edge to a virtual node of that name.
 * When a span has several, {@code peer.service} (or Zipkin's {@code remoteEndpoint.serviceName})
 * wins over {@code db.system}, which wins over {@code messaging.system}: the explicit name of the
 * peer first.
 */
public enum PeerType {
    NONE,
    /** {@code peer.service}, or Zipkin's {@code remoteEndpoint.serviceName}. */
    SERVICE,
    /** {@code db.system}: an edge of connection type {@code database}. */
    DATABASE,
    /** {@code messaging.system}. */
    MESSAGING;

    private static final PeerType[] VALUES = values();

    public static PeerType of(int code) {
        return code >= 0 && code < VALUES.length ? VALUES[code] : NONE;
    }

    /** The attribute that names a span's peer, by the rule above, and its type. */
    public static PeerType of(SpanFields span) {
        if (span.peerService != null) {
            return SERVICE;
        }
        if (span.dbSystem != null) {
            return DATABASE;
        }
        return span.messagingSystem != null ? MESSAGING : NONE;
    }

    /** The name of {@code span}'s peer of this type. */
    public String nameIn(SpanFields span) {
        switch (this) {
            case SERVICE:
                return span.peerService;
            case DATABASE:
                return span.dbSystem;
            case MESSAGING:
                return span.messagingSystem;
            default:
                return null;
        }
    }
}
