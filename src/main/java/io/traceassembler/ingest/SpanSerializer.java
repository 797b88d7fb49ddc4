package io.traceassembler.ingest;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;

/**
 * A hand-written serializer for {@link Span} (every span crosses the {@code keyBy} to the assembler):
 * the five strings with Flink's string encoding ({@link StringValue#writeString}, which encodes null
 * itself), then the two longs and the error flag. Unlike the {@code PojoSerializer} it needs no
 * reflection, no per-field null flags and no subclass tag. Never Kryo.
 *
 * <p>Span is not kept in the job's keyed or operator state (it only travels between operators), so the
 * format is not part of a savepoint of the trace pipeline; {@link SpanSerializerSnapshot} still makes it
 * a well-behaved state serializer (version 1 of the format below) should anyone store spans.
 */
public final class SpanSerializer extends TypeSerializerSingleton<Span> {
    private static final long serialVersionUID = 1L;

    public static final SpanSerializer INSTANCE = new SpanSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public Span createInstance() {
        return new Span();
    }

    @Override
    public Span copy(Span from) {
        return new Span(from.traceId, from.spanId, from.parentSpanId, from.serviceName, from.operationName,
                from.startMicros, from.endMicros, from.error);
    }

    @Override
    public Span copy(Span from, Span reuse) {
        reuse.traceId = from.traceId;
        reuse.spanId = from.spanId;
        reuse.parentSpanId = from.parentSpanId;
        reuse.serviceName = from.serviceName;
        reuse.operationName = from.operationName;
        reuse.startMicros = from.startMicros;
        reuse.endMicros = from.endMicros;
        reuse.error = from.error;
        return reuse;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Span span, DataOutputView target) throws IOException {
        StringValue.writeString(span.traceId, target);
        StringValue.writeString(span.spanId, target);
        StringValue.writeString(span.parentSpanId, target);
        StringValue.writeString(span.serviceName, target);
        StringValue.writeString(span.operationName, target);
        target.writeLong(span.startMicros);
        target.writeLong(span.endMicros);
        target.writeBoolean(span.error);
    }

    @Override
    public Span deserialize(DataInputView source) throws IOException {
        return deserialize(new Span(), source);
    }

    @Override
    public Span deserialize(Span reuse, DataInputView source) throws IOException {
        reuse.traceId = StringValue.readString(source);
        reuse.spanId = StringValue.readString(source);
        reuse.parentSpanId = StringValue.readString(source);
        reuse.serviceName = StringValue.readString(source);
        reuse.operationName = StringValue.readString(source);
        reuse.startMicros = source.readLong();
        reuse.endMicros = source.readLong();
        reuse.error = source.readBoolean();
        return reuse;
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        for (int i = 0; i < 5; i++) {
            StringValue.copyString(source, target);
        }
        target.write(source, 2 * Long.BYTES + 1);
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
