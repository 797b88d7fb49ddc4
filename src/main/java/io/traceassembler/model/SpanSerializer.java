package io.traceassembler.model;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;

/**
 * A hand-written serializer for {@link Span} (every span crosses the {@code keyBy} to the
 * assembler): the three ids, each as a tag byte and then 8 bytes (16 lower-case hex digits), 16
 * bytes (32 digits) or, for any other id, Flink's string encoding; then service and operation name
 * with Flink's string encoding ({@link StringValue#writeString}, which encodes null itself), the
 * two longs and the error flag. The usual ids take 33 bytes instead of 67, and neither side runs a
 * per-char loop over them. Unlike the {@code PojoSerializer} it needs no reflection, no per-field
 * null flags and no subclass tag. Never Kryo.
 *
 * <p>Span is not kept in the job's keyed or operator state (it only travels between operators), so
 * the format is not part of a savepoint of the trace pipeline; {@link SpanSerializerSnapshot} still
 * makes it a well-behaved state serializer should anyone store spans.
 */
public final class SpanSerializer extends SpanFieldsSerializer<Span> {
    private static final long serialVersionUID = 1L;

    public static final SpanSerializer INSTANCE = new SpanSerializer();

    @Override
    public Span createInstance() {
        return new Span();
    }

    @Override
    protected void copyIds(Span from, Span reuse) {
        reuse.traceId = from.traceId;
        reuse.spanId = from.spanId;
        reuse.parentSpanId = from.parentSpanId;
    }

    @Override
    public void serialize(Span span, DataOutputView target) throws IOException {
        writeId(span.traceId, target);
        writeId(span.spanId, target);
        writeId(span.parentSpanId, target);
        writeNamesAndTimes(span, target);
        target.writeBoolean(span.error);
    }

    @Override
    public Span deserialize(Span reuse, DataInputView source) throws IOException {
        reuse.traceId = readId(source);
        reuse.spanId = readId(source);
        reuse.parentSpanId = readId(source);
        readNamesAndTimes(source, reuse);
        reuse.error = source.readBoolean();
        return reuse;
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        for (int i = 0; i < 3; i++) {
            copyId(source, target);
        }
        copyNamesAndTimes(source, target);
        target.write(source, 1); // error
    }

    private static final byte NULL_ID = 0;
    private static final byte HEX16_ID = 1;
    private static final byte HEX32_ID = 2;
    private static final byte STRING_ID = 3;

    private static void writeId(String id, DataOutputView target) throws IOException {
        if (id == null) {
            target.writeByte(NULL_ID);
        } else if (HexIds.isLowerHex(id, 16)) {
            target.writeByte(HEX16_ID);
            target.writeLong(HexIds.parse(id, 0));
        } else if (HexIds.isLowerHex(id, 32)) {
            target.writeByte(HEX32_ID);
            target.writeLong(HexIds.parse(id, 0));
            target.writeLong(HexIds.parse(id, 16));
        } else {
            target.writeByte(STRING_ID);
            StringValue.writeString(id, target);
        }
    }

    private static String readId(DataInputView source) throws IOException {
        byte tag = source.readByte();
        switch (tag) {
            case NULL_ID:
                return null;
            case HEX16_ID:
                return HexIds.toHex(source.readLong());
            case HEX32_ID:
                return HexIds.toHex(source.readLong(), source.readLong());
            case STRING_ID:
                return StringValue.readString(source);
            default:
                throw new IOException("corrupt span: unknown id tag " + tag);
        }
    }

    private static void copyId(DataInputView source, DataOutputView target) throws IOException {
        byte tag = source.readByte();
        target.writeByte(tag);
        if (tag == HEX16_ID) {
            target.write(source, Long.BYTES);
        } else if (tag == HEX32_ID) {
            target.write(source, 2 * Long.BYTES);
        } else if (tag == STRING_ID) {
            StringValue.copyString(source, target);
        } else if (tag != NULL_ID) {
            throw new IOException("corrupt span: unknown id tag " + tag);
        }
    }

    @Override
    public TypeSerializerSnapshot<Span> snapshotConfiguration() {
        return new SpanSerializerSnapshot();
    }

    /** Restores {@link SpanSerializer#INSTANCE}; no configuration. */
    public static final class SpanSerializerSnapshot extends SimpleTypeSerializerSnapshot<Span> {
        public SpanSerializerSnapshot() {
            super(() -> INSTANCE);
        }
    }
}
