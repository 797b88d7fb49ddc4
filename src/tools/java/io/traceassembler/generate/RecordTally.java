package io.traceassembler.generate;

import java.util.EnumMap;
import java.util.Map;

/**
 * Counts of a record stream: what a job consuming it should report (distinct spans, traces, dead
 * letters).
 */
public final class RecordTally {
    private long records;
    private long bytes;
    private long spanDeliveries;
    private long distinctSpans;
    private long traces;
    private long duplicateRecords;
    private long duplicateSpans;
    private long lateSpans;
    private long badRecords;
    private long expectedDeadLetters;
    private long kplAggregates;
    private final Map<Encoding, Long> userRecordsByEncoding = new EnumMap<>(Encoding.class);
    private final Map<Compression, Long> userRecordsByCompression =
            new EnumMap<>(Compression.class);

    public void add(GeneratedRecord record) {
        records++;
        bytes += record.data.length;
        spanDeliveries += record.spans.size();
        expectedDeadLetters += record.expectedDeadLetters;
        if (record.isBad()) {
            badRecords++;
        }
        if (record.duplicate) {
            duplicateRecords++;
            duplicateSpans += record.spans.size();
        } else {
            // Every span is delivered exactly once outside duplicates (late spans are moved, not
            // copied).
            distinctSpans += record.spans.size();
            lateSpans += record.lateSpans;
            for (GeneratedSpan span : record.spans) {
                traces += span.parentSpanId == null ? 1 : 0;
            }
        }
        if (record.isBad()) {
            return; // bad records have fixed encodings of their own; the mix counts good records
            // only
        }
        if (record.isKplAggregate()) {
            kplAggregates++;
            record.aggregatedRecords.forEach(this::countUserRecord);
        } else {
            countUserRecord(record);
        }
    }

    private void countUserRecord(GeneratedRecord record) {
        userRecordsByEncoding.merge(record.encoding, 1L, Long::sum);
        userRecordsByCompression.merge(record.compression, 1L, Long::sum);
    }

    public long records() {
        return records;
    }

    public long bytes() {
        return bytes;
    }

    /** Spans in all records, duplicates included. */
    public long spanDeliveries() {
        return spanDeliveries;
    }

    /** Spans a de-duplicating consumer keeps. */
    public long distinctSpans() {
        return distinctSpans;
    }

    /**
     * Traces with a root span among the good records (each generated trace has exactly one root).
     */
    public long traces() {
        return traces;
    }

    public long duplicateRecords() {
        return duplicateRecords;
    }

    public long duplicateSpans() {
        return duplicateSpans;
    }

    public long lateSpans() {
        return lateSpans;
    }

    public long badRecords() {
        return badRecords;
    }

    public long expectedDeadLetters() {
        return expectedDeadLetters;
    }

    public long kplAggregates() {
        return kplAggregates;
    }

    /** Good user records per encoding, counting each record inside a KPL aggregate. */
    public Map<Encoding, Long> userRecordsByEncoding() {
        return new EnumMap<>(userRecordsByEncoding);
    }

    public Map<Compression, Long> userRecordsByCompression() {
        return new EnumMap<>(userRecordsByCompression);
    }

    @Override
    public String toString() {
        return records
                + " records ("
                + duplicateRecords
                + " duplicate, "
                + kplAggregates
                + " KPL aggregates, "
                + badRecords
                + " bad -> "
                + expectedDeadLetters
                + " dead letters), "
                + distinctSpans
                + " distinct spans ("
                + duplicateSpans
                + " re-sent, "
                + lateSpans
                + " late) of "
                + traces
                + " traces";
    }
}
