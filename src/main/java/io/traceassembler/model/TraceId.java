package io.traceassembler.model;

import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Objects;

/**
 * A trace id as the key of the assembly and analysis: the usual 32 lower-case hex digits (what the
 * decoder makes of OTLP's 16-byte ids, and what Zipkin and the native format carry) as two {@code
 * long}s, any other id as its text. Hashing, comparing and (de)serialising it needs no {@code
 * String} per span, and its state key is 17 bytes instead of 33. {@link #toString()} gives back
 * exactly the id it was made of.
 */
@TypeInfo(TraceId.TypeInfoFactory.class)
public final class TraceId {
    /** The type information of the key: hand-written, deterministic serializer; never Kryo. */
    public static final TypeInformation<TraceId> TYPE =
            new SerializerTypeInfo<>(TraceId.class, Serializer.INSTANCE, true);

    private final long high;
    private final long low;

    /** Null for an id of 32 lower-case hex digits. */
    private final String text;

    private TraceId(long high, long low, String text) {
        this.high = high;
        this.low = low;
        this.text = text;
    }

    public static TraceId of(String id) {
        Objects.requireNonNull(id, "trace id");
        if (id.length() == 32) {
            // One pass: a char that is no lower-case hex digit makes {@code bad} negative.
            long high = 0;
            long low = 0;
            int bad = 0;
            for (int i = 0; i < 16; i++) {
                int digit = HexIds.digit(id.charAt(i));
                bad |= digit;
                high = (high << 4) | (digit & 0xf);
            }
            for (int i = 16; i < 32; i++) {
                int digit = HexIds.digit(id.charAt(i));
                bad |= digit;
                low = (low << 4) | (digit & 0xf);
            }
            if (bad >= 0) {
                return new TraceId(high, low, null);
            }
        }
        return new TraceId(0, 0, id);
    }

    @Override
    public String toString() {
        return text != null ? text : HexIds.toHex(high, low);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TraceId)) {
            return false;
        }
        TraceId other = (TraceId) o;
        return text == null
                ? other.text == null && high == other.high && low == other.low
                : text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return text != null ? text.hashCode() : Long.hashCode(high * 0x9E3779B97F4A7C15L + low);
    }

    /**
     * Type extraction finds {@link #TYPE} (the hand-written serializer), never a generic (Kryo)
     * type.
     */
    public static final class TypeInfoFactory
            extends org.apache.flink.api.common.typeinfo.TypeInfoFactory<TraceId> {
        @Override
        public TypeInformation<TraceId> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return TYPE;
        }
    }

    /** Tag byte, then two longs (hex) or Flink's string encoding (text). Version 1. */
    public static final class Serializer extends TypeSerializerSingleton<TraceId> {
        private static final long serialVersionUID = 1L;
        public static final Serializer INSTANCE = new Serializer();

        private static final byte HEX = 0;
        private static final byte TEXT = 1;

        @Override
        public boolean isImmutableType() {
            return true;
        }

        @Override
        public TraceId createInstance() {
            return new TraceId(0, 0, null);
        }

        @Override
        public TraceId copy(TraceId from) {
            return from;
        }

        @Override
        public TraceId copy(TraceId from, TraceId reuse) {
            return from;
        }

        @Override
        public int getLength() {
            return -1;
        }

        @Override
        public void serialize(TraceId id, DataOutputView target) throws IOException {
            if (id.text == null) {
                target.writeByte(HEX);
                target.writeLong(id.high);
                target.writeLong(id.low);
            } else {
                target.writeByte(TEXT);
                StringValue.writeString(id.text, target);
            }
        }

        @Override
        public TraceId deserialize(DataInputView source) throws IOException {
            byte tag = source.readByte();
            if (tag == HEX) {
                return new TraceId(source.readLong(), source.readLong(), null);
            }
            if (tag == TEXT) {
                return new TraceId(0, 0, StringValue.readString(source));
            }
            throw new IOException("corrupt trace id: unknown tag " + tag);
        }

        @Override
        public TraceId deserialize(TraceId reuse, DataInputView source) throws IOException {
            return deserialize(source);
        }

        @Override
        public void copy(DataInputView source, DataOutputView target) throws IOException {
            byte tag = source.readByte();
            target.writeByte(tag);
            if (tag == HEX) {
                target.write(source, 2 * Long.BYTES);
            } else {
                StringValue.copyString(source, target);
            }
        }

        @Override
        public TypeSerializerSnapshot<TraceId> snapshotConfiguration() {
            return new SerializerSnapshot();
        }

        /** Restores {@link Serializer#INSTANCE}; no configuration. */
        public static final class SerializerSnapshot extends SimpleTypeSerializerSnapshot<TraceId> {
            public SerializerSnapshot() {
                super(() -> INSTANCE);
            }
        }
    }
}
