package io.traceassembler.assemble;

import io.traceassembler.model.HexIds;
import io.traceassembler.model.NameCache;
import io.traceassembler.model.SerializerTypeInfo;
import io.traceassembler.model.Span;
import io.traceassembler.model.SpanFields;
import io.traceassembler.model.SpanFieldsSerializer;
import io.traceassembler.model.TraceId;

import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;

/**
 * A span as {@link TraceAssembler} needs it, made from a {@link Span} just before the {@code keyBy}
 * (chained to the decoder, so no serialisation in between): the trace id as a {@link TraceId} and
 * the span and parent ids as their 64-bit {@link SpanTable#key keys}. Every span crosses the
 * shuffle in this form: the receiving side allocates no {@code String} for any id and parses none.
 * {@link #toSpan()} gives the span back exactly (a late span becomes a dead letter): an id whose
 * key is not its exact value keeps its text.
 */
@TypeInfo(AssemblySpan.TypeInfoFactory.class)
public final class AssemblySpan extends SpanFields {
    public static final TypeInformation<AssemblySpan> TYPE =
            new SerializerTypeInfo<>(AssemblySpan.class, Serializer.INSTANCE, false);

    public TraceId traceId;
    public long spanKey;

    /** {@link SpanTable#ROOT} for a root span. */
    public long parentKey;

    /**
     * The span id when {@link #spanKey} is not its exact value (not 16 lower-case hex digits), else
     * null.
     */
    public String spanIdText;

    /**
     * The parent id when {@link #parentKey} is not its exact value (including "" for a root), else
     * null.
     */
    public String parentIdText;

    public AssemblySpan() {}

    public static AssemblySpan of(Span span) {
        AssemblySpan a = new AssemblySpan();
        a.traceId = TraceId.of(span.traceId);
        long spanKey = SpanTable.exactKey(span.spanId);
        a.spanKey = spanKey != SpanTable.ROOT ? spanKey : SpanTable.key(span.spanId);
        a.spanIdText = spanKey != SpanTable.ROOT ? null : span.spanId;
        if (span.parentSpanId != null) {
            long parentKey = SpanTable.exactKey(span.parentSpanId);
            a.parentKey =
                    parentKey != SpanTable.ROOT ? parentKey : SpanTable.key(span.parentSpanId);
            a.parentIdText = parentKey != SpanTable.ROOT ? null : span.parentSpanId;
        }
        a.copyFieldsOf(span);
        return a;
    }

    public boolean isRoot() {
        return parentKey == SpanTable.ROOT;
    }

    /** The span this was made of. */
    public Span toSpan() {
        String spanId = spanIdText != null ? spanIdText : HexIds.toHex(spanKey);
        String parent =
                parentIdText != null
                        ? parentIdText
                        : parentKey == SpanTable.ROOT ? null : HexIds.toHex(parentKey);
        Span span = new Span();
        span.traceId = traceId.toString();
        span.spanId = spanId;
        span.parentSpanId = parent;
        span.copyFieldsOf(this);
        return span;
    }

    @Override
    public String toString() {
        return "AssemblySpan{" + toSpan() + '}';
    }

    /**
     * Type extraction finds {@link #TYPE} (the hand-written serializer), never a POJO or Kryo type.
     */
    public static final class TypeInfoFactory
            extends org.apache.flink.api.common.typeinfo.TypeInfoFactory<AssemblySpan> {
        @Override
        public TypeInformation<AssemblySpan> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return TYPE;
        }
    }

    /**
     * Flags byte (1 error, 2 span id text, 4 parent id text), trace id ({@link
     * TraceId.Serializer}), span and parent key, the id texts present, then service and operation
     * name, start and end as {@link Span}'s ({@link SpanFieldsSerializer#writeNamesAndTimes}). Not
     * kept in any state: it only travels from the decoder to the assembler. Names are read through
     * a {@link NameCache}, so the assembler's traces share one instance of each: the serializer is
     * stateful, and {@link #duplicate()} gives each user its own.
     */
    public static final class Serializer extends SpanFieldsSerializer<AssemblySpan> {
        private static final long serialVersionUID = 1L;
        public static final Serializer INSTANCE = new Serializer();

        private transient NameCache names;

        @Override
        public Serializer duplicate() {
            return new Serializer();
        }

        private static final int ERROR = 1;
        private static final int SPAN_ID_TEXT = 2;
        private static final int PARENT_ID_TEXT = 4;

        @Override
        public AssemblySpan createInstance() {
            return new AssemblySpan();
        }

        @Override
        protected void copyIds(AssemblySpan from, AssemblySpan reuse) {
            reuse.traceId = from.traceId; // immutable
            reuse.spanKey = from.spanKey;
            reuse.parentKey = from.parentKey;
            reuse.spanIdText = from.spanIdText;
            reuse.parentIdText = from.parentIdText;
        }

        @Override
        public void serialize(AssemblySpan span, DataOutputView target) throws IOException {
            target.writeByte(
                    (span.error ? ERROR : 0)
                            | (span.spanIdText != null ? SPAN_ID_TEXT : 0)
                            | (span.parentIdText != null ? PARENT_ID_TEXT : 0));
            TraceId.Serializer.INSTANCE.serialize(span.traceId, target);
            target.writeLong(span.spanKey);
            target.writeLong(span.parentKey);
            if (span.spanIdText != null) {
                StringValue.writeString(span.spanIdText, target);
            }
            if (span.parentIdText != null) {
                StringValue.writeString(span.parentIdText, target);
            }
            writeNamesAndTimes(span, target);
        }

        @Override
        public AssemblySpan deserialize(AssemblySpan reuse, DataInputView source)
                throws IOException {
            int flags = source.readByte();
            reuse.error = (flags & ERROR) != 0;
            reuse.traceId = TraceId.Serializer.INSTANCE.deserialize(source);
            reuse.spanKey = source.readLong();
            reuse.parentKey = source.readLong();
            reuse.spanIdText = (flags & SPAN_ID_TEXT) != 0 ? StringValue.readString(source) : null;
            reuse.parentIdText =
                    (flags & PARENT_ID_TEXT) != 0 ? StringValue.readString(source) : null;
            if (names == null) {
                names = new NameCache();
            }
            readNamesAndTimes(source, reuse, names);
            return reuse;
        }

        @Override
        public void copy(DataInputView source, DataOutputView target) throws IOException {
            int flags = source.readByte();
            target.writeByte(flags);
            TraceId.Serializer.INSTANCE.copy(source, target);
            target.write(source, 2 * Long.BYTES);
            if ((flags & SPAN_ID_TEXT) != 0) {
                StringValue.copyString(source, target);
            }
            if ((flags & PARENT_ID_TEXT) != 0) {
                StringValue.copyString(source, target);
            }
            copyNamesAndTimes(source, target);
        }

        @Override
        public TypeSerializerSnapshot<AssemblySpan> snapshotConfiguration() {
            return new SerializerSnapshot();
        }

        /** Restores a {@link Serializer}; no configuration. */
        public static final class SerializerSnapshot
                extends SimpleTypeSerializerSnapshot<AssemblySpan> {
            public SerializerSnapshot() {
                super(Serializer::new);
            }
        }
    }
}
