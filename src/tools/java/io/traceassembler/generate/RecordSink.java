package io.traceassembler.generate;

import java.io.Closeable;
import java.io.IOException;

/**
 * Where generated records go: archive files now, a Kinesis stream (PutRecords) later. Records
 * arrive in stream order; {@link GeneratedRecord#arrivalEpochNanos} lets a live sink pace itself.
 */
public interface RecordSink extends Closeable {
    void write(GeneratedRecord record) throws IOException;

    /** A few words on where the records went, for the command's summary line. */
    default String describe() {
        return "";
    }
}
