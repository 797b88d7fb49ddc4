package io.traceassembler.model;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Flink type information for {@link TraceSummary}: a POJO whose {@code List<String>} fields use
 * Flink's list serializer and whose {@code Map} field (the critical path) its map serializer.
 * Without it Flink treats {@code java.util.List} as a generic type and serialises the lists with
 * Kryo (which fails under {@code disableGenericTypes()}). Fields are read by reflection so a field
 * added to the summary is never silently dropped.
 */
public class TraceSummaryTypeInfoFactory extends TypeInfoFactory<TraceSummary> {
    @Override
    public TypeInformation<TraceSummary> createTypeInfo(
            Type t, Map<String, TypeInformation<?>> genericParameters) {
        Map<String, TypeInformation<?>> fields = new LinkedHashMap<>();
        for (Field field : TraceSummary.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers())
                    || Modifier.isTransient(field.getModifiers())) {
                continue;
            }
            fields.put(
                    field.getName(),
                    field.getType() == List.class
                            ? stringList(field)
                            : field.getType() == Map.class
                                    ? Types.MAP(Types.STRING, Types.LONG)
                                    : TypeInformation.of(field.getType()));
        }
        return Types.POJO(TraceSummary.class, fields);
    }

    private static TypeInformation<?> stringList(Field field) {
        Type type = field.getGenericType();
        if (type instanceof ParameterizedType
                && ((ParameterizedType) type).getActualTypeArguments()[0] == String.class) {
            return Types.LIST(Types.STRING);
        }
        throw new IllegalStateException(
                "TraceSummary." + field.getName() + ": only List<String> is supported");
    }
}
