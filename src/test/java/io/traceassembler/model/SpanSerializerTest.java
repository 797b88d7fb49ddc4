package io.traceassembler.model;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.InstantiationUtil;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SpanSerializerTest {
    private static final List<Span> SPANS =
            List.of(
                    new Span(
                            "4bf92f3577b34da6a3ce929d0e0e4736",
                            "00f067aa0ba902b7",
                            null,
                            "gateway",
                            "GET /orders",
                            1_700_000_000_000_000L,
                            1_700_000_000_250_000L,
                            false),
                    new Span("t", "s", "p", "svc-ü", "op ✓", -5, Long.MAX_VALUE, true),
                    new Span("t", "s", "", null, null, 0, 0, false),
                    // Hex ids travel as longs; upper case, other lengths and all-zero ids must come
                    // back unchanged.
                    new Span(
                            "4BF92F3577B34DA6A3CE929D0E0E4736",
                            "00F067AA0BA902B7",
                            "00f067aa0ba902b",
                            "a",
                            "b",
                            1,
                            2,
                            false),
                    new Span(
                            "00000000000000000000000000000000",
                            "0000000000000000",
                            "ffffffffffffffff",
                            "a",
                            "b",
                            1,
                            2,
                            true),
                    new Span(
                            "4bf92f3577b34da6",
                            "4bf92f3577b34da6a3ce929d0e0e4736",
                            "00f067aa0ba902b7x",
                            "a",
                            "b",
                            1,
                            2,
                            true),
                    new Span());

    @Test
    void typeInformationIsTheHandWrittenSerializerNotKryo() {
        TypeInformation<Span> type = TypeInformation.of(Span.class);
        assertThat(type).isNotInstanceOf(GenericTypeInfo.class);
        assertThat(type).isSameAs(SpanTypeInfoFactory.TYPE);
        assertThat(
                        type.createSerializer(
                                new org.apache.flink.api.common.serialization
                                        .SerializerConfigImpl()))
                .isSameAs(SpanSerializer.INSTANCE);
    }

    @Test
    void roundTripsEveryFieldIncludingNulls() throws Exception {
        TypeSerializer<Span> serializer = SpanSerializer.INSTANCE;
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (Span span : SPANS) {
            serializer.serialize(span, out);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        Span reuse = new Span();
        for (Span span : SPANS) {
            assertThat(serializer.deserialize(reuse, in)).isEqualTo(span);
        }
        assertThat(in.available()).isZero();

        // copy(DataInputView, DataOutputView) reproduces the bytes exactly.
        DataInputDeserializer again = new DataInputDeserializer(out.getCopyOfBuffer());
        DataOutputSerializer copied =
                new DataOutputSerializer(4096); // write(DataInputView, n) does not grow
        for (int i = 0; i < SPANS.size(); i++) {
            serializer.copy(again, copied);
        }
        assertThat(copied.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());

        for (Span span : SPANS) {
            assertThat(serializer.copy(span)).isEqualTo(span).isNotSameAs(span);
            assertThat(serializer.copy(span, new Span())).isEqualTo(span);
        }
    }

    @Test
    void snapshotRestoresACompatibleSerializer() throws Exception {
        TypeSerializerSnapshot<Span> snapshot = SpanSerializer.INSTANCE.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        TypeSerializerSnapshot<Span> restored =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(out.getCopyOfBuffer()),
                        getClass().getClassLoader());
        assertThat(restored.restoreSerializer()).isSameAs(SpanSerializer.INSTANCE);
        TypeSerializerSchemaCompatibility<Span> compatibility =
                SpanSerializer.INSTANCE
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(restored);
        assertThat(compatibility.isCompatibleAsIs()).isTrue();
        assertThat(InstantiationUtil.clone(SpanSerializer.INSTANCE))
                .isEqualTo(SpanSerializer.INSTANCE);
    }
}
