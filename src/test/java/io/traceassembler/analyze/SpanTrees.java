package io.traceassembler.analyze;

import io.traceassembler.model.PeerType;
import io.traceassembler.model.SpanKind;

import java.util.ArrayList;
import java.util.List;

/**
 * Hand-drawn span trees for the analysis tests: {@code span("b", "a", "svc", "op", 10, 40)} is span
 * b, child of a, of service svc, from 10 to 40 (milliseconds, stored as microseconds). Ids are
 * short names; their key is the name's characters, so "a" sorts before "b".
 */
final class SpanTrees {
    private final SpanTree tree = new SpanTree();
    private final List<String> services = new ArrayList<>();
    private final List<String> operations = new ArrayList<>();
    private int last = -1;

    /** The index of a name in its table, added when new (what the assembler's tables do). */
    private static int indexOf(List<String> names, String name) {
        int i = names.indexOf(name);
        if (i >= 0) {
            return i;
        }
        names.add(name);
        return names.size() - 1;
    }

    static SpanTrees tree() {
        return new SpanTrees();
    }

    SpanTrees span(
            String id, String parent, String service, String operation, long startMs, long endMs) {
        return add(id, parent, false, service, operation, SpanKind.INTERNAL, startMs, endMs, false);
    }

    SpanTrees error(
            String id, String parent, String service, String operation, long startMs, long endMs) {
        return add(id, parent, false, service, operation, SpanKind.INTERNAL, startMs, endMs, true);
    }

    SpanTrees kind(
            String id, String parent, SpanKind kind, String service, long startMs, long endMs) {
        return add(id, parent, false, service, id, kind, startMs, endMs, false);
    }

    /** A Zipkin server half: same id as its client half, another service. */
    SpanTrees serverHalf(
            String id, String parent, String service, long startMs, long endMs, boolean error) {
        return add(id, parent, true, service, id, SpanKind.SERVER, startMs, endMs, error);
    }

    SpanTrees add(
            String id,
            String parent,
            boolean shared,
            String service,
            String operation,
            SpanKind kind,
            long startMs,
            long endMs,
            boolean error) {
        last =
                tree.add(
                        key(id),
                        parent != null,
                        parent == null ? 0 : key(parent),
                        shared,
                        indexOf(services, service),
                        indexOf(operations, operation),
                        kind,
                        startMs * 1000,
                        endMs * 1000,
                        error,
                        false);
        return this;
    }

    /** A span that came without a timestamp (its times a stand-in at {@code atMs}). */
    SpanTrees untimed(String id, String parent, String service, long atMs) {
        last =
                tree.add(
                        key(id),
                        parent != null,
                        parent == null ? 0 : key(parent),
                        false,
                        indexOf(services, service),
                        indexOf(operations, id),
                        SpanKind.INTERNAL,
                        atMs * 1000,
                        atMs * 1000,
                        false,
                        true);
        return this;
    }

    /** Gives the span added last a peer attribute (peer.service, db.system, messaging.system). */
    SpanTrees peer(PeerType type, String name) {
        tree.setPeer(last, type, name);
        return this;
    }

    SpanTree build() {
        tree.names(
                services.toArray(new String[0]),
                services.size(),
                operations.toArray(new String[0]),
                operations.size());
        tree.link();
        return tree;
    }

    static long key(String id) {
        long key = 0;
        for (int i = 0; i < id.length() && i < 8; i++) {
            key = (key << 8) | id.charAt(i);
        }
        return key << (8 * (8 - Math.min(8, id.length())));
    }
}
