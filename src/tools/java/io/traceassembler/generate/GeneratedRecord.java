package io.traceassembler.generate;

import java.util.List;

/**
 * One stream record as a producer would put it: the bytes plus what a test needs to know about
 * them. Immutable; {@link #spans} are the spans a correct decoder extracts (empty for bad records).
 */
public final class GeneratedRecord {
    public final byte[] data;

    /** The trace id of the record's first span (Kinesis partition key). */
    public final String partitionKey;

    /** The encoding; for a KPL aggregate that of its first user record. */
    public final Encoding encoding;

    /**
     * The per-record compression; {@code NONE} for a KPL aggregate (its user records carry their
     * own).
     */
    public final Compression compression;

    public final List<GeneratedSpan> spans;

    /** A re-send of an earlier record (exporter retry): its spans must count once. */
    public final boolean duplicate;

    /** How many of {@link #spans} were held back and delivered late. */
    public final int lateSpans;

    /** The user records of a KPL aggregate; empty for a plain record. */
    public final List<GeneratedRecord> aggregatedRecords;

    /** Why a decoder must reject this record, or null for a good record. */
    public final BadRecordKind badKind;

    /** Dead letters a correct job produces for this record. */
    public final int expectedDeadLetters;

    /** Simulated arrival in the stream (ApproximateArrivalTimestamp). */
    public final long arrivalEpochNanos;

    GeneratedRecord(
            byte[] data,
            String partitionKey,
            Encoding encoding,
            Compression compression,
            List<GeneratedSpan> spans,
            boolean duplicate,
            int lateSpans,
            List<GeneratedRecord> aggregatedRecords,
            BadRecordKind badKind,
            int expectedDeadLetters,
            long arrivalEpochNanos) {
        this.data = data;
        this.partitionKey = partitionKey;
        this.encoding = encoding;
        this.compression = compression;
        this.spans = List.copyOf(spans);
        this.duplicate = duplicate;
        this.lateSpans = lateSpans;
        this.aggregatedRecords = List.copyOf(aggregatedRecords);
        this.badKind = badKind;
        this.expectedDeadLetters = expectedDeadLetters;
        this.arrivalEpochNanos = arrivalEpochNanos;
    }

    public boolean isBad() {
        return badKind != null;
    }

    public boolean isKplAggregate() {
        return !aggregatedRecords.isEmpty();
    }

    /**
     * Whether the bytes are JSON text as is, so they may go on one line of a plain {@code *.jsonl}
     * archive.
     */
    public boolean isPlainJson() {
        return !isBad()
                && !isKplAggregate()
                && compression == Compression.NONE
                && !encoding.isProtobuf();
    }

    /** The same record re-sent later, as an exporter retry does: identical bytes. */
    GeneratedRecord resentAt(long arrival) {
        return new GeneratedRecord(
                data,
                partitionKey,
                encoding,
                compression,
                spans,
                true,
                0,
                aggregatedRecords,
                badKind,
                expectedDeadLetters,
                arrival);
    }

    @Override
    public String toString() {
        return "GeneratedRecord{"
                + encoding
                + "/"
                + compression
                + ", "
                + data.length
                + " bytes, "
                + spans.size()
                + " spans"
                + (duplicate ? ", duplicate" : "")
                + (isKplAggregate() ? ", kpl x" + aggregatedRecords.size() : "")
                + (isBad() ? ", bad " + badKind : "")
                + '}';
    }
}
