package io.traceassembler.model;

/** A record, or a span inside a record, that could not be used, with the reason why. */
public class DeadLetter {
    public String reason;
    public String origin;
    public String partition;
    public String position;
    public byte[] data;

    public DeadLetter() {}

    public DeadLetter(String reason, RawRecord record) {
        this.reason = reason;
        this.origin = record.origin;
        this.partition = record.partition;
        this.position = record.position;
        this.data = record.data;
    }

    @Override
    public String toString() {
        return "DeadLetter{reason="
                + reason
                + ", origin="
                + origin
                + ", partition="
                + partition
                + ", position="
                + position
                + ", bytes="
                + (data == null ? 0 : data.length)
                + '}';
    }
}
