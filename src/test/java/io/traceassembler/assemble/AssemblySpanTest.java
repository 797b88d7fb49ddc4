package io.traceassembler.assemble;

import io.traceassembler.model.Span;
import io.traceassembler.model.TraceId;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AssemblySpanTest {
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
                    new Span(
                            "4bf92f3577b34da6a3ce929d0e0e4736",
                            "00f067aa0ba902b8",
                            "00f067aa0ba902b7",
                            "db",
                            "SELECT",
                            1,
                            2,
                            true),
                    // Ids that are not 16/32 lower-case hex digits keep their text; "" is a root's
                    // parent too.
                    new Span("trace-1", "span-1", "", "svc-ü", "op ✓", -5, Long.MAX_VALUE, true),
                    new Span(
                            "4BF92F3577B34DA6A3CE929D0E0E4736",
                            "00F067AA0BA902B7",
                            "0000000000000000",
                            null,
                            null,
                            0,
                            0,
                            false),
                    new Span(
                            "4bf92f3577b34da6",
                            "0000000000000000",
                            "span-1",
                            "a",
                            "b",
                            1,
                            2,
                            false));

    @Test
    void givesBackExactlyTheSpanItWasMadeOf() {
        for (Span span : SPANS) {
            assertThat(AssemblySpan.of(span).toSpan()).isEqualTo(span);
        }
    }

    @Test
    void hexIdsTravelAsTheirValueAndRootsHaveTheRootKey() {
        AssemblySpan root = AssemblySpan.of(SPANS.get(0));
        assertThat(root.spanKey).isEqualTo(0x00f067aa0ba902b7L);
        assertThat(root.spanIdText).isNull();
        assertThat(root.isRoot()).isTrue();
        AssemblySpan child = AssemblySpan.of(SPANS.get(1));
        assertThat(child.parentKey).isEqualTo(root.spanKey);
        assertThat(child.parentIdText).isNull();
        assertThat(child.traceId).isEqualTo(root.traceId);
        assertThat(AssemblySpan.of(SPANS.get(2)).isRoot()).as("parent \"\"").isTrue();
        // An all-zero id is no root marker: it is hashed and keeps its text.
        AssemblySpan zero = AssemblySpan.of(SPANS.get(3));
        assertThat(zero.isRoot()).isFalse();
        assertThat(zero.parentIdText).isEqualTo("0000000000000000");
    }

    @Test
    void serializerRoundTripsAndCopiesBytesExactly() throws Exception {
        TypeSerializer<AssemblySpan> serializer =
                AssemblySpan.TYPE.createSerializer(new SerializerConfigImpl());
        // Stateful (its NameCache): each user gets an instance of its own.
        assertThat(serializer)
                .isInstanceOf(AssemblySpan.Serializer.class)
                .isNotSameAs(AssemblySpan.Serializer.INSTANCE)
                .isNotSameAs(AssemblySpan.TYPE.createSerializer(new SerializerConfigImpl()));
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (Span span : SPANS) {
            serializer.serialize(AssemblySpan.of(span), out);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        AssemblySpan reuse = new AssemblySpan();
        for (Span span : SPANS) {
            assertThat(serializer.deserialize(reuse, in).toSpan()).isEqualTo(span);
        }
        assertThat(in.available()).isZero();

        DataInputDeserializer again = new DataInputDeserializer(out.getCopyOfBuffer());
        DataOutputSerializer copied =
                new DataOutputSerializer(4096); // write(DataInputView, n) does not grow
        for (int i = 0; i < SPANS.size(); i++) {
            serializer.copy(again, copied);
        }
        assertThat(copied.getCopyOfBuffer()).isEqualTo(out.getCopyOfBuffer());
    }

    @Test
    void namesOfDeserializedSpansAreSharedInstances() throws Exception {
        TypeSerializer<AssemblySpan> serializer =
                AssemblySpan.TYPE.createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (int i = 0; i < 2; i++) {
            for (Span span : SPANS) {
                serializer.serialize(AssemblySpan.of(span), out);
            }
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        List<AssemblySpan> first = new java.util.ArrayList<>();
        for (Span span : SPANS) {
            first.add(serializer.deserialize(in));
        }
        for (AssemblySpan earlier : first) {
            AssemblySpan again = serializer.deserialize(in);
            assertThat(again.serviceName).isEqualTo(earlier.serviceName);
            if (again.serviceName != null) {
                assertThat(again.serviceName).isSameAs(earlier.serviceName);
            }
            if (again.operationName != null) {
                assertThat(again.operationName).isSameAs(earlier.operationName);
            }
        }
    }

    @Test
    void traceIdsAreValuesThatPrintAsTheirText() throws Exception {
        for (String id :
                List.of(
                        "4bf92f3577b34da6a3ce929d0e0e4736",
                        "4BF92F3577B34DA6A3CE929D0E0E4736",
                        "t1",
                        "4bf92f3577b34da6",
                        "00000000000000000000000000000000")) {
            TraceId traceId = TraceId.of(id);
            assertThat(traceId.toString()).isEqualTo(id);
            assertThat(TraceId.of(new String(id.toCharArray())))
                    .isEqualTo(traceId)
                    .hasSameHashCodeAs(traceId);
            DataOutputSerializer out = new DataOutputSerializer(64);
            TraceId.Serializer.INSTANCE.serialize(traceId, out);
            assertThat(
                            TraceId.Serializer.INSTANCE.deserialize(
                                    new DataInputDeserializer(out.getCopyOfBuffer())))
                    .isEqualTo(traceId);
        }
        assertThat(TraceId.of("4bf92f3577b34da6a3ce929d0e0e4736"))
                .isNotEqualTo(TraceId.of("4bf92f3577b34da6a3ce929d0e0e4737"))
                .isNotEqualTo(TraceId.of("4BF92F3577B34DA6A3CE929D0E0E4736"));
        assertThat(TraceId.TYPE.isKeyType()).isTrue();
        // Type extraction (a lambda's or a function's types) finds the hand-written serializers:
        // never Kryo.
        assertThat(org.apache.flink.api.common.typeinfo.TypeInformation.of(TraceId.class))
                .isSameAs(TraceId.TYPE);
        assertThat(org.apache.flink.api.common.typeinfo.TypeInformation.of(AssemblySpan.class))
                .isSameAs(AssemblySpan.TYPE);
    }
}
