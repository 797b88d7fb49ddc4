package io.traceassembler.ingest;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

import java.lang.reflect.Type;
import java.util.Map;

/**
 * Flink type information for {@link Span} (via {@code @TypeInfo} on the class): its serializer is the
 * hand-written {@link SpanSerializer} instead of the reflective {@code PojoSerializer}. Not a generic type:
 * Kryo is never involved, also under {@code disableGenericTypes()}.
 */
public class SpanTypeInfoFactory extends TypeInfoFactory<Span> {
    @Override
    public TypeInformation<Span> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
        return SpanTypeInfo.INSTANCE;
    }

    /** The type information of {@link Span}: an atomic (non-key) type with {@link SpanSerializer}. */
    public static final class SpanTypeInfo extends TypeInformation<Span> {
        private static final long serialVersionUID = 1L;

        public static final SpanTypeInfo INSTANCE = new SpanTypeInfo();

        @Override
        public boolean isBasicType() {
            return false;
        }

        @Override
        public boolean isTupleType() {
            return false;
        }

        @Override
        public int getArity() {
            return 1;
        }

        @Override
        public int getTotalFields() {
            return 1;
        }

        @Override
        public Class<Span> getTypeClass() {
            return Span.class;
        }

        @Override
        public boolean isKeyType() {
            return false;
        }

        @Override
        public TypeSerializer<Span> createSerializer(SerializerConfig config) {
            return SpanSerializer.INSTANCE;
        }

        @Override
        @Deprecated
        public TypeSerializer<Span> createSerializer(ExecutionConfig config) {
            return SpanSerializer.INSTANCE;
        }

        @Override
        public String toString() {
            return "SpanTypeInfo";
        }

        @Override
        public boolean equals(Object obj) {
            return obj instanceof SpanTypeInfo;
        }

        @Override
        public int hashCode() {
            return SpanTypeInfo.class.hashCode();
        }

        @Override
        public boolean canEqual(Object obj) {
            return obj instanceof SpanTypeInfo;
        }
    }
}
