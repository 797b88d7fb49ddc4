package io.traceassembler.assemble;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;

/**
 * The state serializer of {@link TraceState} (format version 1, {@link
 * TraceStateSerializerSnapshot}):
 *
 * <pre>
 *   int spanCount, int errorCount, long minStartMicros, long maxEndMicros, long firstEndMicros,
 *   string rootService, string rootOperation (Flink string encoding, null allowed),
 *   byte flags (1 hasRoot, 2 truncated, 4 dirty), int revision, int reportedInsightTypes,
 *   long forcedCloseAtMillis, long timerAt,
 *   int services, string × services,
 *   int spanIds, (long id, long parent) × spanIds
 * </pre>
 *
 * About 75 bytes plus the service names plus 16 bytes per stored span id. Hand-written, never Kryo;
 * a change of the format needs a new snapshot version that can read this one.
 */
public final class TraceStateSerializer extends TypeSerializerSingleton<TraceState> {
    private static final long serialVersionUID = 1L;

    public static final TraceStateSerializer INSTANCE = new TraceStateSerializer();

    private static final int HAS_ROOT = 1;
    private static final int TRUNCATED = 2;
    private static final int DIRTY = 4;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TraceState createInstance() {
        return new TraceState();
    }

    @Override
    public TraceState copy(TraceState from) {
        return from.copy();
    }

    @Override
    public TraceState copy(TraceState from, TraceState reuse) {
        return from.copy();
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(TraceState trace, DataOutputView target) throws IOException {
        target.writeInt(trace.spanCount);
        target.writeInt(trace.errorCount);
        target.writeLong(trace.minStartMicros);
        target.writeLong(trace.maxEndMicros);
        target.writeLong(trace.firstEndMicros);
        StringValue.writeString(trace.rootService, target);
        StringValue.writeString(trace.rootOperation, target);
        target.writeByte(
                (trace.hasRoot ? HAS_ROOT : 0)
                        | (trace.truncated ? TRUNCATED : 0)
                        | (trace.dirty ? DIRTY : 0));
        target.writeInt(trace.revision);
        target.writeInt(trace.reportedInsightTypes);
        target.writeLong(trace.forcedCloseAtMillis);
        target.writeLong(trace.timerAt);
        target.writeInt(trace.serviceCount());
        for (int i = 0; i < trace.serviceCount(); i++) {
            StringValue.writeString(trace.service(i), target);
        }
        SpanTable spans = trace.spans;
        target.writeInt(spans.size());
        for (int i = 0; i < spans.size(); i++) {
            target.writeLong(spans.id(i));
            target.writeLong(spans.parent(i));
        }
    }

    @Override
    public TraceState deserialize(DataInputView source) throws IOException {
        int spanCount = source.readInt();
        int errorCount = source.readInt();
        long minStartMicros = source.readLong();
        long maxEndMicros = source.readLong();
        long firstEndMicros = source.readLong();
        String rootService = StringValue.readString(source);
        String rootOperation = StringValue.readString(source);
        int flags = source.readByte();
        int revision = source.readInt();
        int reportedInsightTypes = source.readInt();
        long forcedCloseAtMillis = source.readLong();
        long timerAt = source.readLong();
        int serviceCount = source.readInt();
        String[] services = new String[Math.max(2, serviceCount)];
        for (int i = 0; i < serviceCount; i++) {
            services[i] = StringValue.readString(source);
        }
        int spanIds = source.readInt();
        SpanTable spans = new SpanTable(spanIds + 4);
        for (int i = 0; i < spanIds; i++) {
            spans.append(source.readLong(), source.readLong());
        }

        TraceState trace = new TraceState(spans, services, serviceCount);
        trace.spanCount = spanCount;
        trace.errorCount = errorCount;
        trace.minStartMicros = minStartMicros;
        trace.maxEndMicros = maxEndMicros;
        trace.firstEndMicros = firstEndMicros;
        trace.rootService = rootService;
        trace.rootOperation = rootOperation;
        trace.hasRoot = (flags & HAS_ROOT) != 0;
        trace.truncated = (flags & TRUNCATED) != 0;
        trace.dirty = (flags & DIRTY) != 0;
        trace.revision = revision;
        trace.reportedInsightTypes = reportedInsightTypes;
        trace.forcedCloseAtMillis = forcedCloseAtMillis;
        trace.timerAt = timerAt;
        return trace;
    }

    @Override
    public TraceState deserialize(TraceState reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        target.write(source, 2 * Integer.BYTES + 3 * Long.BYTES); // counts and bounds
        StringValue.copyString(source, target);
        StringValue.copyString(source, target);
        target.write(source, 1 + 2 * Integer.BYTES + 2 * Long.BYTES);
        int serviceCount = source.readInt();
        target.writeInt(serviceCount);
        for (int i = 0; i < serviceCount; i++) {
            StringValue.copyString(source, target);
        }
        int spanIds = source.readInt();
        target.writeInt(spanIds);
        target.write(source, spanIds * 2 * Long.BYTES);
    }

    @Override
    public TypeSerializerSnapshot<TraceState> snapshotConfiguration() {
        return new TraceStateSerializerSnapshot();
    }

    /**
     * Restores {@link TraceStateSerializer#INSTANCE}; no configuration. Version 1 = the format
     * above.
     */
    public static final class TraceStateSerializerSnapshot
            extends SimpleTypeSerializerSnapshot<TraceState> {
        public TraceStateSerializerSnapshot() {
            super(() -> INSTANCE);
        }
    }
}
