package io.traceassembler.model;

import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;

/**
 * What the hand-written serializers of {@link Span} ({@link SpanSerializer}) and of the assembler's
 * form of it ({@code io.traceassembler.assemble.AssemblySpan.Serializer}) share: a mutable type of
 * variable length whose {@link SpanFields} are copied alike, and one encoding of service and
 * operation name, start and end ({@link #writeNamesAndTimes}). A subclass copies and writes its ids
 * and its error flag its own way.
 */
public abstract class SpanFieldsSerializer<T extends SpanFields>
        extends TypeSerializerSingleton<T> {
    private static final long serialVersionUID = 1L;

    @Override
    public final boolean isImmutableType() {
        return false;
    }

    @Override
    public final int getLength() {
        return -1;
    }

    @Override
    public final T copy(T from) {
        return copy(from, createInstance());
    }

    @Override
    public final T copy(T from, T reuse) {
        copyIds(from, reuse);
        reuse.copyFieldsOf(from);
        return reuse;
    }

    /** Sets the ids of {@code reuse} (all but its {@link SpanFields}) to those of {@code from}. */
    protected abstract void copyIds(T from, T reuse);

    @Override
    public final T deserialize(DataInputView source) throws IOException {
        return deserialize(createInstance(), source);
    }

    /** The shared and untimed flags in the byte that holds the kind's ordinal. */
    private static final int SHARED = 0x10;

    private static final int UNTIMED = 0x20;

    /**
     * Service and operation name (Flink's string encoding, null allowed), start and end, a byte
     * with the kind's ordinal and the shared flag, then the three attributes (null allowed).
     */
    protected static void writeNamesAndTimes(SpanFields span, DataOutputView target)
            throws IOException {
        StringValue.writeString(span.serviceName, target);
        StringValue.writeString(span.operationName, target);
        target.writeLong(span.startMicros);
        target.writeLong(span.endMicros);
        target.writeByte(
                span.kind.ordinal() | (span.shared ? SHARED : 0) | (span.untimed ? UNTIMED : 0));
        StringValue.writeString(span.peerService, target);
        StringValue.writeString(span.dbSystem, target);
        StringValue.writeString(span.messagingSystem, target);
    }

    /**
     * Reads what {@link #writeNamesAndTimes} wrote into {@code reuse} (its error flag is left
     * alone).
     */
    protected static void readNamesAndTimes(DataInputView source, SpanFields reuse)
            throws IOException {
        readNamesAndTimes(source, reuse, null);
    }

    /**
     * As {@link #readNamesAndTimes(DataInputView, SpanFields)}, the names through {@code names}
     * (one instance per distinct name) unless it is null.
     */
    protected static void readNamesAndTimes(DataInputView source, SpanFields reuse, NameCache names)
            throws IOException {
        reuse.serviceName = readName(source, names);
        reuse.operationName = readName(source, names);
        reuse.startMicros = source.readLong();
        reuse.endMicros = source.readLong();
        int kindAndShared = source.readByte();
        reuse.kind = SpanKind.of(kindAndShared & ~(SHARED | UNTIMED));
        reuse.shared = (kindAndShared & SHARED) != 0;
        reuse.untimed = (kindAndShared & UNTIMED) != 0;
        reuse.peerService = readName(source, names);
        reuse.dbSystem = readName(source, names);
        reuse.messagingSystem = readName(source, names);
    }

    private static String readName(DataInputView source, NameCache names) throws IOException {
        return names != null ? names.read(source) : StringValue.readString(source);
    }

    /** Copies what {@link #writeNamesAndTimes} wrote from {@code source} to {@code target}. */
    protected static void copyNamesAndTimes(DataInputView source, DataOutputView target)
            throws IOException {
        StringValue.copyString(source, target);
        StringValue.copyString(source, target);
        target.write(source, 2 * Long.BYTES + 1);
        StringValue.copyString(source, target);
        StringValue.copyString(source, target);
        StringValue.copyString(source, target);
    }
}
