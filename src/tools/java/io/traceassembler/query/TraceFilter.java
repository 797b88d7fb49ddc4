package io.traceassembler.query;

import io.traceassembler.local.AwsAdmin;
import io.traceassembler.model.InsightType;
import io.traceassembler.sink.TraceItems;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What {@code query traces} selects: by root service, by insight or by root-cause service, each
 * answered by one of the table's GSIs, or everything (with {@code --scan} only).
 */
final class TraceFilter {
    /** One filter flag, the index that answers it and the attribute the index keys on. */
    enum Kind {
        SERVICE("--service", AwsAdmin.INDEX_BY_ROOT_SERVICE, TraceItems.ROOT_SERVICE),
        INSIGHT("--insight", AwsAdmin.INDEX_BY_INSIGHT, TraceItems.PRIMARY_INSIGHT),
        ROOT_CAUSE("--root-cause", AwsAdmin.INDEX_BY_ROOT_CAUSE, TraceItems.ROOT_CAUSE_SERVICE);

        final String flag;
        final String index;
        final String hashKey;

        Kind(String flag, String index, String hashKey) {
            this.flag = flag;
            this.index = index;
            this.hashKey = hashKey;
        }
    }

    /**
     * One index partition to read, newest first; {@code requiredInsight} non-null: keep only the
     * items whose {@code insights} set contains it (a DynamoDB filter expression).
     */
    static final class Partition {
        final String index;
        final String hashKey;
        final String hashValue;
        final String requiredInsight;

        Partition(String index, String hashKey, String hashValue, String requiredInsight) {
            this.index = index;
            this.hashKey = hashKey;
            this.hashValue = hashValue;
            this.requiredInsight = requiredInsight;
        }
    }

    /** Null: every trace (a full scan). */
    final Kind kind;

    final String value;

    private TraceFilter(Kind kind, String value) {
        this.kind = kind;
        this.value = value;
    }

    static TraceFilter everything() {
        return new TraceFilter(null, null);
    }

    static TraceFilter rootService(String service) {
        return new TraceFilter(Kind.SERVICE, service);
    }

    static TraceFilter rootCause(String service) {
        return new TraceFilter(Kind.ROOT_CAUSE, service);
    }

    /** Rejects an unknown insight type, naming the known ones. */
    static TraceFilter insight(String type) {
        try {
            return new TraceFilter(Kind.INSIGHT, InsightType.fromId(type).id());
        } catch (IllegalArgumentException e) {
            throw new QueryException(
                    "--insight '"
                            + type
                            + "' is not an insight type: one of "
                            + Stream.of(InsightType.values())
                                    .map(InsightType::id)
                                    .collect(Collectors.joining(", ")));
        }
    }

    /**
     * The index partitions holding every matching trace. An insight's traces are keyed in {@code
     * by-insight} under their primary (most severe) insight: a slow trace with errors sits under
     * {@code trace_errors}. So an insight reads its own partition and those of every more severe
     * type, keeping there only the traces whose {@code insights} contain it.
     */
    List<Partition> partitions() {
        if (kind == null) {
            throw new IllegalStateException("no index answers an unfiltered query: scan");
        }
        List<Partition> partitions = new ArrayList<>();
        if (kind != Kind.INSIGHT) {
            partitions.add(new Partition(kind.index, kind.hashKey, value, null));
            return partitions;
        }
        for (InsightType type : TraceItems.SEVERITY_ORDER) {
            boolean own = type.id().equals(value);
            partitions.add(new Partition(kind.index, kind.hashKey, type.id(), own ? null : value));
            if (own) {
                break;
            }
        }
        return partitions;
    }

    @Override
    public String toString() {
        if (kind == null) {
            return "all traces";
        }
        switch (kind) {
            case SERVICE:
                return "root service '" + value + "'";
            case INSIGHT:
                return "insight '" + value + "'";
            default:
                return "root-cause service '" + value + "'";
        }
    }
}
