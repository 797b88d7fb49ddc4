package io.traceassembler.model;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.lang.reflect.Type;
import java.util.Map;

/**
 * Flink type information for {@link Span} (via {@code @TypeInfo} on the class): its serializer is
 * the hand-written {@link SpanSerializer} instead of the reflective {@code PojoSerializer}. Not a
 * generic type: Kryo is never involved, also under {@code disableGenericTypes()}.
 */
public class SpanTypeInfoFactory extends TypeInfoFactory<Span> {
    /**
     * The type information of {@link Span}: an atomic (non-key) type with {@link SpanSerializer}.
     */
    public static final TypeInformation<Span> TYPE =
            new SerializerTypeInfo<>(Span.class, SpanSerializer.INSTANCE, false);

    @Override
    public TypeInformation<Span> createTypeInfo(
            Type t, Map<String, TypeInformation<?>> genericParameters) {
        return TYPE;
    }
}
