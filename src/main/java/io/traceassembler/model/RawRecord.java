package io.traceassembler.model;

/**
 * The bytes of one input record (a Kinesis record or one line of an archive) and where it came
 * from, so that a dead letter can point back at it.
 */
public class RawRecord {
    public byte[] data;

    /** Stream name or file path. */
    public String origin;

    /** Shard id for Kinesis; null for files. */
    public String partition;

    /** Sequence number for Kinesis; line number for files. */
    public String position;

    /**
     * Set when the record could not even be taken out of its container (a broken archive envelope):
     * the decoder dead-letters it with this reason instead of decoding.
     */
    public String rejectReason;

    public RawRecord() {}

    public RawRecord(byte[] data, String origin, String partition, String position) {
        this.data = data;
        this.origin = origin;
        this.partition = partition;
        this.position = position;
    }

    public static RawRecord of(byte[] data) {
        return new RawRecord(data, null, null, null);
    }

    public static RawRecord rejected(byte[] data, String origin, String position, String reason) {
        RawRecord record = new RawRecord(data, origin, null, position);
        record.rejectReason = reason;
        return record;
    }
}
