package io.traceassembler.sink;

import org.apache.flink.connector.base.sink.writer.AsyncSinkWriterStateSerializer;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Checkpoints the CloudWatch sink's buffered datums (explicit format: no Java serialization in
 * state).
 */
final class CloudWatchDatumEntrySerializer
        extends AsyncSinkWriterStateSerializer<CloudWatchDatumEntry> {
    private static final int VERSION = 1;

    @Override
    protected void serializeRequestToStream(CloudWatchDatumEntry entry, DataOutputStream out)
            throws IOException {
        MetricDatumRecord d = entry.datum;
        out.writeUTF(d.metricName);
        out.writeInt(d.dimensionNames.length);
        for (int i = 0; i < d.dimensionNames.length; i++) {
            out.writeUTF(d.dimensionNames[i]);
            out.writeUTF(d.dimensionValues[i]);
        }
        out.writeLong(d.timestampMillis);
        out.writeUTF(d.unit);
        out.writeInt(d.values.length);
        for (int i = 0; i < d.values.length; i++) {
            out.writeDouble(d.values[i]);
            out.writeDouble(d.counts[i]);
        }
        out.writeInt(entry.attempts);
    }

    @Override
    protected CloudWatchDatumEntry deserializeRequestFromStream(
            long requestSize, DataInputStream in) throws IOException {
        MetricDatumRecord d = new MetricDatumRecord();
        d.metricName = in.readUTF();
        int dimensions = in.readInt();
        d.dimensionNames = new String[dimensions];
        d.dimensionValues = new String[dimensions];
        for (int i = 0; i < dimensions; i++) {
            d.dimensionNames[i] = in.readUTF();
            d.dimensionValues[i] = in.readUTF();
        }
        d.timestampMillis = in.readLong();
        d.unit = in.readUTF();
        int values = in.readInt();
        d.values = new double[values];
        d.counts = new double[values];
        for (int i = 0; i < values; i++) {
            d.values[i] = in.readDouble();
            d.counts[i] = in.readDouble();
        }
        return new CloudWatchDatumEntry(d, in.readInt());
    }

    @Override
    public int getVersion() {
        return VERSION;
    }
}
