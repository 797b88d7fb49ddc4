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

    /** Service and operation name (Flink's string encoding, null allowed), then start and end. */
    protected static void writeNamesAndTimes(SpanFields span, DataOutputView target)
            throws IOException {
        StringValue.writeString(span.serviceName, target);
        StringValue.writeString(span.operationName, target);
        target.writeLong(span.startMicros);
        target.writeLong(span.endMicros);
    }

    /**
     * Reads what {@link #writeNamesAndTimes} wrote into {@code reuse} (its error flag is left
     * alone).
     */
    protected static void readNamesAndTimes(DataInputView source, SpanFields reuse)
            throws IOException {
        reuse.serviceName = StringValue.readString(source);
        reuse.operationName = StringValue.readString(source);
        reuse.startMicros = source.readLong();
        reuse.endMicros = source.readLong();
    }

    /** Copies what {@link #writeNamesAndTimes} wrote from {@code source} to {@code target}. */
    protected static void copyNamesAndTimes(DataInputView source, DataOutputView target)
            throws IOException {
        StringValue.copyString(source, target);
        StringValue.copyString(source, target);
        target.write(source, 2 * Long.BYTES);
    }
}
