package io.traceassembler.assemble;

import io.traceassembler.model.Span;
import io.traceassembler.model.SpanKind;
import io.traceassembler.model.SpanSerializer;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.StringUtils;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bytes of {@link SpanSerializer} and {@link AssemblySpan.Serializer}, pinned: they are the
 * network (and, for anyone who stores spans, the savepoint) format, so a refactoring of either
 * serializer must leave them as they are. The hex strings were captured from the serializers as
 * they were before they shared any code; since then one change was made on purpose: after start and
 * end both write the span's kind with the shared flag (one byte) and the three kept attributes
 * (Flink strings: a null one is the single byte 00), {@link #NO_CALL_FIELDS} for a span without
 * them.
 */
class SpanWireFormatTest {
    private static final List<Span> SPANS =
            List.of(
                    // The usual ids: 32 and 16 lower-case hex digits; a root has no parent.
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
                    // Upper case is no hex id here; "" is a root's parent too; names may be null.
                    new Span(
                            "4BF92F3577B34DA6A3CE929D0E0E4736",
                            "00F067AA0BA902B7",
                            "",
                            null,
                            null,
                            0,
                            0,
                            false),
                    // Not hex at all, non-ASCII names, extreme times.
                    new Span(
                            "trace-1",
                            "span-1",
                            "parent-1",
                            "svc-ü",
                            "op ✓",
                            -5,
                            Long.MAX_VALUE,
                            true),
                    // Hex of the other lengths, one char too many, and an all-zero parent (no root
                    // marker).
                    new Span(
                            "4bf92f3577b34da6",
                            "4bf92f3577b34da6a3ce929d0e0e4736",
                            "00f067aa0ba902b7x",
                            "a",
                            "b",
                            1,
                            2,
                            true),
                    new Span(
                            "00000000000000000000000000000000",
                            "ffffffffffffffff",
                            "0000000000000000",
                            "",
                            "",
                            -1,
                            -1,
                            false));

    /**
     * {@link SpanSerializer}'s bytes of each of {@link #SPANS}, in order, then of a span with every
     * field unset.
     */
    private static final List<String> SPAN_BYTES =
            List.of(
                    "024bf92f3577b34da6a3ce929d0e0e47360100f067aa0ba902b70008676174657761790c474554202f6f72646572730006"
                            + "0a24181e400000060a241822109000",
                    "024bf92f3577b34da6a3ce929d0e0e47360100f067aa0ba902b80100f067aa0ba902b70364620753454c45435400000000"
                            + "00000001000000000000000201",
                    "032134424639324633353737423334444136413343453932394430453045343733360311303046303637414130424139"
                            + "30324237030100000000000000000000000000000000000000",
                    "030874726163652d3103077370616e2d310309706172656e742d31067376632dfc01056f7020934efffffffffffffffb7f"
                            + "ffffffffffffff01",
                    "014bf92f3577b34da6024bf92f3577b34da6a3ce929d0e0e4736031230306630363761613062613930326237780261026200"
                            + "00000000000001000000000000000201",
                    "020000000000000000000000000000000001ffffffffffffffff0100000000000000000101ffffffffffffffffffffffff"
                            + "ffffffff00",
                    "00000000000000000000000000000000000000000000");

    /**
     * {@link AssemblySpan.Serializer}'s bytes of {@code AssemblySpan.of} each of {@link #SPANS}, in
     * order.
     */
    private static final List<String> ASSEMBLY_SPAN_BYTES =
            List.of(
                    "00004bf92f3577b34da6a3ce929d0e0e473600f067aa0ba902b7000000000000000008676174657761790c474554202f"
                            + "6f726465727300060a24181e400000060a2418221090",
                    "01004bf92f3577b34da6a3ce929d0e0e473600f067aa0ba902b800f067aa0ba902b70364620753454c45435400000000"
                            + "000000010000000000000002",
                    "060121344246393246333537374233344441364133434539323944304530453437333684c1eaba229ec1e40000000000"
                            + "000000113030463036374141304241393032423701000000000000000000000000000000000000",
                    "07010874726163652d31582aa51210ab41eed1821eece8228133077370616e2d3109706172656e742d31067376632dfc01"
                            + "056f7020934efffffffffffffffb7fffffffffffffff",
                    "07011134626639326633353737623334646136e668f55d97f2d8a8818216262c3f4cf521346266393266333537376233"
                            + "34646136613363653932396430653065343733361230306630363761613062613930326237780261026200000000"
                            + "000000010000000000000002",
                    "040000000000000000000000000000000000ffffffffffffffffe84146be4d55dddf113030303030303030303030303030"
                            + "30300101ffffffffffffffffffffffffffffffff");

    /** Kind UNSPECIFIED, not shared, no peer.service, db.system or messaging.system. */
    private static final String NO_CALL_FIELDS = "00000000";

    /** Span: ids, names and times, then the call fields, then the error flag (the last byte). */
    private static String spanBytes(int i) {
        String pinned = SPAN_BYTES.get(i);
        int errorFlag = pinned.length() - 2;
        return pinned.substring(0, errorFlag) + NO_CALL_FIELDS + pinned.substring(errorFlag);
    }

    /** AssemblySpan: flags, ids, names and times, then the call fields. */
    private static String assemblySpanBytes(int i) {
        return ASSEMBLY_SPAN_BYTES.get(i) + NO_CALL_FIELDS;
    }

    @Test
    void callFieldsRoundTripThroughBothSerializers() throws IOException {
        Span span =
                new Span(
                        "4bf92f3577b34da6a3ce929d0e0e4736",
                        "00f067aa0ba902b7",
                        "00f067aa0ba902b6",
                        "payment",
                        "charge",
                        1,
                        2,
                        true);
        span.kind = SpanKind.SERVER;
        span.shared = true;
        span.peerService = "ledger";
        span.dbSystem = "postgresql";
        span.messagingSystem = "kafka";

        String bytes = hex(SpanSerializer.INSTANCE, span);
        assertThat(read(SpanSerializer.INSTANCE, bytes)).isEqualTo(span);
        // Kind SERVER (ordinal 2) with the shared flag 0x10, then the three strings (length + 1,
        // bytes).
        assertThat(bytes)
                .contains(
                        "12"
                                + "07"
                                + hexOf("ledger")
                                + "0b"
                                + hexOf("postgresql")
                                + "06"
                                + hexOf("kafka"));
        AssemblySpan assembly =
                read(
                        AssemblySpan.Serializer.INSTANCE,
                        hex(AssemblySpan.Serializer.INSTANCE, AssemblySpan.of(span)));
        assertThat(assembly.toSpan()).isEqualTo(span);
        assertThat(SpanSerializer.INSTANCE.copy(span)).isEqualTo(span);
    }

    private static String hexOf(String ascii) {
        return StringUtils.byteToHexString(
                ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void spanSerializerWritesAndReadsThePinnedBytes() throws IOException {
        List<Span> spans = new ArrayList<>(SPANS);
        spans.add(new Span());
        for (int i = 0; i < spans.size(); i++) {
            Span span = spans.get(i);
            assertThat(hex(SpanSerializer.INSTANCE, span)).as("%s", span).isEqualTo(spanBytes(i));
            assertThat(read(SpanSerializer.INSTANCE, spanBytes(i))).isEqualTo(span);
        }
    }

    @Test
    void assemblySpanSerializerWritesAndReadsThePinnedBytes() throws IOException {
        for (int i = 0; i < SPANS.size(); i++) {
            Span span = SPANS.get(i);
            assertThat(hex(AssemblySpan.Serializer.INSTANCE, AssemblySpan.of(span)))
                    .as("%s", span)
                    .isEqualTo(assemblySpanBytes(i));
            assertThat(read(AssemblySpan.Serializer.INSTANCE, assemblySpanBytes(i)).toSpan())
                    .isEqualTo(span);
        }
    }

    private static <T> String hex(TypeSerializer<T> serializer, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        return StringUtils.byteToHexString(out.getCopyOfBuffer());
    }

    private static <T> T read(TypeSerializer<T> serializer, String hex) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(StringUtils.hexStringToByte(hex));
        T value = serializer.deserialize(in);
        assertThat(in.available()).as("bytes left after %s", value).isZero();
        return value;
    }
}
