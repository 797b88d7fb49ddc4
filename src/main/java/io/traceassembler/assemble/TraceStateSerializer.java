package io.traceassembler.assemble;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;

/**
 * The state serializer of {@link TraceState}, format version 3 ({@link
 * TraceStateSerializerSnapshot}):
 *
 * <pre>
 *   int spanCount, int errorCount, long minStartMicros, long maxEndMicros, long firstEndMicros,
 *   string rootService, string rootOperation (Flink string encoding, null allowed),
 *   byte flags (1 hasRoot, 2 truncated, 4 dirty), int revision, int reportedInsightTypes,
 *   long forcedCloseAtMillis, long timerAt,
 *   int services, string × services,
 *   int names, string × names, long lastEndMicros                (version 2)
 *   int emittedSpans                                             (version 3)
 *   int spans, per span: long id, long parent,
 *     varint start - minStartMicros, varint end - start,         (version 2, zig-zag)
 *     varint service + 1, varint (operation + 1) * 2 + (1 if the id's text follows),
 *     varint peer + 1, byte flags (kind, shared, error, peer type, untimed), [string id text]
 * </pre>
 *
 * Older formats are still read, and the snapshot asks Flink to migrate such state: version 2 had no
 * {@code emittedSpans} (a trace already emitted then counts its stored spans as emitted, so the
 * service graph counts only the edges of spans arriving after the upgrade); version 1 (snapshots
 * written before the span tree was kept) had {@code (long id, long parent)} per span and no names
 * (the spans' other columns are unknown, so such a trace is not analysed). Hand-written, never
 * Kryo.
 */
public class TraceStateSerializer extends TypeSerializerSingleton<TraceState> {
    private static final long serialVersionUID = 1L;

    public static final TraceStateSerializer INSTANCE = new TraceStateSerializer();

    private static final int HAS_ROOT = 1;
    private static final int TRUNCATED = 2;
    private static final int DIRTY = 4;

    /** The format {@link #serialize} writes. */
    static final int CURRENT_FORMAT = 3;

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
        target.writeInt(trace.nameCount());
        for (int i = 0; i < trace.nameCount(); i++) {
            StringValue.writeString(trace.name(i), target);
        }
        target.writeLong(trace.lastEndMicros);
        target.writeInt(trace.emittedSpans);
        SpanTable spans = trace.spans;
        target.writeInt(spans.size());
        for (int i = 0; i < spans.size(); i++) {
            target.writeLong(spans.id(i));
            target.writeLong(spans.parent(i));
            writeVarLong(zigZag(spans.start(i) - trace.minStartMicros), target);
            writeVarLong(zigZag(spans.end(i) - spans.start(i)), target);
            String text = spans.idText(i);
            writeVarLong(spans.service(i) + 1L, target);
            writeVarLong((spans.operation(i) + 1L) * 2 + (text != null ? 1 : 0), target);
            writeVarLong(spans.peer(i) + 1L, target);
            target.writeByte(spans.flags(i));
            if (text != null) {
                StringValue.writeString(text, target);
            }
        }
    }

    @Override
    public TraceState deserialize(DataInputView source) throws IOException {
        return read(source, CURRENT_FORMAT);
    }

    /** Reads a state written in format {@code format} (1 to {@link #CURRENT_FORMAT}). */
    static TraceState read(DataInputView source, int format) throws IOException {
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
        NameTable services = readNames(source);
        NameTable names = format >= 2 ? readNames(source) : new NameTable();
        // Format 1 kept timed spans only: the latest end was the trace's bound.
        long lastEndMicros = format >= 2 ? source.readLong() : maxEndMicros;
        int emittedSpans = format >= 3 ? source.readInt() : -1;
        int stored = source.readInt();
        SpanTable spans = new SpanTable(stored + 4);
        for (int i = 0; i < stored; i++) {
            long id = source.readLong();
            long parent = source.readLong();
            if (format < 2) {
                spans.appendIdOnly(id, parent);
                continue;
            }
            long start = minStartMicros + unZigZag(readVarLong(source));
            long end = start + unZigZag(readVarLong(source));
            int service = (int) readVarLong(source) - 1;
            long operationAndText = readVarLong(source);
            int operation = (int) (operationAndText >>> 1) - 1;
            int peer = (int) readVarLong(source) - 1;
            byte spanFlags = source.readByte();
            String text = (operationAndText & 1) != 0 ? StringValue.readString(source) : null;
            spans.appendRaw(id, text, parent, start, end, service, operation, peer, spanFlags);
        }

        TraceState trace = new TraceState(spans, services, names);
        trace.spanCount = spanCount;
        trace.errorCount = errorCount;
        trace.minStartMicros = minStartMicros;
        trace.maxEndMicros = maxEndMicros;
        trace.firstEndMicros = firstEndMicros;
        trace.lastEndMicros = lastEndMicros;
        trace.rootService = rootService;
        trace.rootOperation = rootOperation;
        trace.hasRoot = (flags & HAS_ROOT) != 0;
        trace.truncated = (flags & TRUNCATED) != 0;
        trace.dirty = (flags & DIRTY) != 0;
        trace.revision = revision;
        trace.reportedInsightTypes = reportedInsightTypes;
        trace.forcedCloseAtMillis = forcedCloseAtMillis;
        trace.timerAt = timerAt;
        trace.emittedSpans = emittedSpans >= 0 ? emittedSpans : revision > 0 ? stored : 0;
        return trace;
    }

    private static NameTable readNames(DataInputView source) throws IOException {
        int count = source.readInt();
        String[] names = new String[Math.max(2, count)];
        for (int i = 0; i < count; i++) {
            names[i] = StringValue.readString(source);
        }
        return new NameTable(names, count);
    }

    private static long zigZag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unZigZag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    private static void writeVarLong(long v, DataOutputView target) throws IOException {
        while ((v & ~0x7FL) != 0) {
            target.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        target.writeByte((int) v);
    }

    private static long readVarLong(DataInputView source) throws IOException {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = source.readByte();
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IOException("malformed varint in trace state");
    }

    /** Copies one varint; returns its first byte (enough for its lowest bit). */
    private static int copyVarLong(DataInputView source, DataOutputView target) throws IOException {
        int first = source.readByte();
        int b = first;
        target.writeByte(b);
        while ((b & 0x80) != 0) {
            b = source.readByte();
            target.writeByte(b);
        }
        return first;
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
        for (int table = 0; table < 2; table++) { // services, names
            int count = source.readInt();
            target.writeInt(count);
            for (int i = 0; i < count; i++) {
                StringValue.copyString(source, target);
            }
        }
        target.write(source, Long.BYTES + Integer.BYTES); // lastEndMicros, emittedSpans
        int stored = source.readInt();
        target.writeInt(stored);
        for (int i = 0; i < stored; i++) {
            target.write(source, 2 * Long.BYTES);
            copyVarLong(source, target); // start
            copyVarLong(source, target); // duration
            copyVarLong(source, target); // service
            boolean text = (copyVarLong(source, target) & 1) != 0; // operation, text flag
            copyVarLong(source, target); // peer
            target.write(source, 1); // flags
            if (text) {
                StringValue.copyString(source, target);
            }
        }
    }

    @Override
    public TypeSerializerSnapshot<TraceState> snapshotConfiguration() {
        return new TraceStateSerializerSnapshot();
    }

    /** Reads an older format (for the migration of old snapshots); writes the current format. */
    static final class FormatReader extends TraceStateSerializer {
        private static final long serialVersionUID = 1L;
        static final FormatReader V1 = new FormatReader(1);
        static final FormatReader V2 = new FormatReader(2);

        private final int format;

        private FormatReader(int format) {
            this.format = format;
        }

        @Override
        public TraceState deserialize(DataInputView source) throws IOException {
            return read(source, format);
        }

        @Override
        public void copy(DataInputView source, DataOutputView target) throws IOException {
            serialize(deserialize(source), target);
        }

        @Override
        public TypeSerializerSnapshot<TraceState> snapshotConfiguration() {
            return new TraceStateSerializerSnapshot(format);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FormatReader && ((FormatReader) o).format == format;
        }

        @Override
        public int hashCode() {
            return format;
        }
    }

    /**
     * Restores the serializer of the format a snapshot was written in; the snapshot's version is
     * the format + 2 and it writes nothing else. Format 1 was written as a {@code
     * SimpleTypeSerializerSnapshot} (whose own version, 3, is what an old snapshot records, as
     * format 1 + 2 would); version 4 is format 2. Flink migrates an older format by reading with
     * {@link FormatReader} and writing with {@link TraceStateSerializer#INSTANCE}.
     */
    public static final class TraceStateSerializerSnapshot
            implements TypeSerializerSnapshot<TraceState> {
        /** The version of the current format's snapshot. */
        static final int VERSION = CURRENT_FORMAT + 2;

        private int format;

        public TraceStateSerializerSnapshot() {
            this(CURRENT_FORMAT);
        }

        TraceStateSerializerSnapshot(int format) {
            this.format = format;
        }

        @Override
        public int getCurrentVersion() {
            return format + 2;
        }

        @Override
        public void writeSnapshot(DataOutputView out) {}

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader)
                throws IOException {
            if (readVersion < 3) {
                // SimpleTypeSerializerSnapshot wrote nothing in its version 3; earlier ones a class
                // name.
                in.readUTF();
            }
            if (readVersion > VERSION) {
                throw new IOException(
                        "trace state of format "
                                + (readVersion - 2)
                                + " was written by a newer version of the job (this one reads up to "
                                + CURRENT_FORMAT
                                + ")");
            }
            format = Math.max(1, readVersion - 2);
        }

        @Override
        public TypeSerializer<TraceState> restoreSerializer() {
            switch (format) {
                case 1:
                    return FormatReader.V1;
                case 2:
                    return FormatReader.V2;
                default:
                    return INSTANCE;
            }
        }

        @Override
        public TypeSerializerSchemaCompatibility<TraceState> resolveSchemaCompatibility(
                TypeSerializerSnapshot<TraceState> oldSerializerSnapshot) {
            if (!(oldSerializerSnapshot instanceof TraceStateSerializerSnapshot)) {
                return TypeSerializerSchemaCompatibility.incompatible();
            }
            return ((TraceStateSerializerSnapshot) oldSerializerSnapshot).format == CURRENT_FORMAT
                    ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                    : TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }

        int format() {
            return format;
        }
    }
}
