package io.traceassembler.assemble;

import io.traceassembler.model.PeerType;
import io.traceassembler.model.SpanKind;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TraceStateSerializerTest {
    private final TraceStateSerializer serializer = TraceStateSerializer.INSTANCE;

    @Test
    void roundTripKeepsEveryField() throws IOException {
        for (TraceState original : List.of(new TraceState(), full(3, 2), full(40, 25))) {
            TraceState read = roundTrip(original);
            assertThat(read.toString()).isEqualTo(original.toString());
            assertSameContent(read, original);
        }
    }

    @Test
    void aRestoredStateKeepsWorking() throws IOException {
        TraceState read = roundTrip(full(40, 25));
        assertThat(read.spans.add(1_000, 1)).isTrue();
        assertThat(read.spans.add(1, SpanTable.ROOT)).as("id 1 was serialised").isFalse();
        assertThat(read.serviceIndex("service-3")).isEqualTo(3);
        assertThat(read.addService("new-service")).isEqualTo(25);
        assertThat(read.serviceCount()).isEqualTo(26);
        assertThat(read.nameIndex("GET /checkout")).as("names were serialised").isEqualTo(0);
    }

    @Test
    void binaryCopyEqualsSerialisation() throws IOException {
        TraceState state = full(12, 5);
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(state, out);
        serializer.serialize(
                state, out); // two values back to back: copy must stop at the first's end
        // (DataOutputSerializer does not grow for write(DataInputView, int): room for the whole
        // value.)
        DataOutputSerializer copied = new DataOutputSerializer(4096);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        serializer.copy(in, copied);
        assertThat(in.available()).isEqualTo(out.length() / 2);
        assertSameContent(
                serializer.deserialize(new DataInputDeserializer(copied.getCopyOfBuffer())), state);
    }

    @Test
    void copyIsDeep() {
        TraceState state = full(5, 2);
        TraceState copy = serializer.copy(state);
        copy.spans.add(99, 1);
        copy.addService("another");
        copy.nameIndex("another-operation");
        copy.spanCount++;
        assertThat(state.spans.contains(99)).isFalse();
        assertThat(state.serviceCount()).isEqualTo(2);
        assertThat(state.nameCount()).isEqualTo(copy.nameCount() - 1);
        assertThat(state.spanCount).isEqualTo(copy.spanCount - 1);
    }

    @Test
    void snapshotRestoresTheSameSerializer() throws IOException {
        TypeSerializerSnapshot<TraceState> snapshot = serializer.snapshotConfiguration();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        TypeSerializerSnapshot<TraceState> read =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(out.getCopyOfBuffer()),
                        getClass().getClassLoader());
        TypeSerializer<TraceState> restored = read.restoreSerializer();
        assertThat(restored).isSameAs(serializer);
        TypeSerializerSchemaCompatibility<TraceState> compatibility =
                serializer.snapshotConfiguration().resolveSchemaCompatibility(read);
        assertThat(compatibility.isCompatibleAsIs()).isTrue();
    }

    /**
     * A state written in format 1 (before the span tree was kept: ids and parents only), as the
     * class comment of TraceStateSerializer describes it, and the snapshot such a savepoint holds
     * (a SimpleTypeSerializerSnapshot of version 3, no content).
     */
    @Test
    void formatOneStateIsReadAndMigrated() throws IOException {
        DataOutputSerializer v1 = new DataOutputSerializer(128);
        v1.writeInt(3); // spanCount
        v1.writeInt(1); // errorCount
        v1.writeLong(1_000L);
        v1.writeLong(9_000L);
        v1.writeLong(5_000L);
        org.apache.flink.types.StringValue.writeString("gateway", v1);
        org.apache.flink.types.StringValue.writeString("GET /", v1);
        v1.writeByte(1); // hasRoot
        v1.writeInt(1); // revision
        v1.writeInt(0);
        v1.writeLong(600_000L);
        v1.writeLong(TraceState.NO_TIMER);
        v1.writeInt(2);
        org.apache.flink.types.StringValue.writeString("gateway", v1);
        org.apache.flink.types.StringValue.writeString("db", v1);
        v1.writeInt(3);
        for (long[] span : new long[][] {{1, SpanTable.ROOT}, {2, 1}, {3, 99}}) {
            v1.writeLong(span[0]);
            v1.writeLong(span[1]);
        }

        DataOutputSerializer snapshotBytes = new DataOutputSerializer(64);
        snapshotBytes.writeUTF(TraceStateSerializer.TraceStateSerializerSnapshot.class.getName());
        snapshotBytes.writeInt(3);
        TypeSerializerSnapshot<TraceState> old =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(snapshotBytes.getCopyOfBuffer()),
                        getClass().getClassLoader());
        assertThat(
                        serializer
                                .snapshotConfiguration()
                                .resolveSchemaCompatibility(old)
                                .isCompatibleAfterMigration())
                .isTrue();

        TraceState read =
                old.restoreSerializer()
                        .deserialize(new DataInputDeserializer(v1.getCopyOfBuffer()));
        assertThat(read.spanCount).isEqualTo(3);
        assertThat(read.rootService).isEqualTo("gateway");
        assertThat(read.serviceCount()).isEqualTo(2);
        assertThat(read.spans.size()).isEqualTo(3);
        assertThat(read.spans.orphanCount()).isEqualTo(1);
        assertThat(read.spans.hasColumns()).as("format 1 kept no span columns").isFalse();
        // Migrated: written again in the current format, it reads back the same.
        assertSameContent(roundTrip(read), read);
    }

    /**
     * A state written in format 2 (the span tree, without the count of spans at the last emit), as
     * the class comment of TraceStateSerializer describes it, and its snapshot (version 4): an
     * emitted trace counts its stored spans as emitted, a trace never emitted none.
     */
    @Test
    void formatTwoStateIsReadAndMigrated() throws IOException {
        DataOutputSerializer snapshotBytes = new DataOutputSerializer(64);
        snapshotBytes.writeUTF(TraceStateSerializer.TraceStateSerializerSnapshot.class.getName());
        snapshotBytes.writeInt(4);
        TypeSerializerSnapshot<TraceState> old =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(snapshotBytes.getCopyOfBuffer()),
                        getClass().getClassLoader());
        assertThat(
                        serializer
                                .snapshotConfiguration()
                                .resolveSchemaCompatibility(old)
                                .isCompatibleAfterMigration())
                .isTrue();

        for (int revision : new int[] {0, 2}) {
            TraceState read =
                    old.restoreSerializer()
                            .deserialize(new DataInputDeserializer(formatTwo(revision)));
            assertThat(read.revision).isEqualTo(revision);
            assertThat(read.spans.size()).isEqualTo(2);
            assertThat(read.emittedSpans).isEqualTo(revision == 0 ? 0 : 2);
            assertThat(read.name(read.spans.operation(1))).isEqualTo("query");
            assertThat(read.spans.peerType(1)).isEqualTo(PeerType.DATABASE);
            assertThat(read.name(read.spans.peer(1))).isEqualTo("postgresql");
            assertThat(read.spans.kind(1)).isEqualTo(SpanKind.CLIENT);
            assertThat(read.spans.start(1)).isEqualTo(1_000L + 5);
            assertThat(read.spans.end(1)).isEqualTo(1_000L + 5 + 20);
            assertThat(read.lastEndMicros).isEqualTo(9_000L);
            assertSameContent(roundTrip(read), read);
            assertThat(roundTrip(read).emittedSpans).isEqualTo(read.emittedSpans);
        }
    }

    @Test
    void aSnapshotOfANewerFormatIsRejectedNamingIt() throws IOException {
        DataOutputSerializer snapshotBytes = new DataOutputSerializer(64);
        snapshotBytes.writeUTF(TraceStateSerializer.TraceStateSerializerSnapshot.class.getName());
        snapshotBytes.writeInt(TraceStateSerializer.TraceStateSerializerSnapshot.VERSION + 1);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () ->
                                TypeSerializerSnapshot.readVersionedSnapshot(
                                        new DataInputDeserializer(snapshotBytes.getCopyOfBuffer()),
                                        getClass().getClassLoader()))
                .hasMessageContaining("newer version of the job");
    }

    /** Two spans (a root, and a client span with a db.system peer) in format 2. */
    private static byte[] formatTwo(int revision) throws IOException {
        DataOutputSerializer v2 = new DataOutputSerializer(128);
        v2.writeInt(2); // spanCount
        v2.writeInt(0); // errorCount
        v2.writeLong(1_000L); // minStartMicros
        v2.writeLong(9_000L); // maxEndMicros
        v2.writeLong(9_000L); // firstEndMicros
        org.apache.flink.types.StringValue.writeString("web", v2);
        org.apache.flink.types.StringValue.writeString("GET /", v2);
        v2.writeByte(1); // hasRoot
        v2.writeInt(revision);
        v2.writeInt(0);
        v2.writeLong(600_000L);
        v2.writeLong(TraceState.NO_TIMER);
        v2.writeInt(1); // services
        org.apache.flink.types.StringValue.writeString("web", v2);
        v2.writeInt(3); // names
        org.apache.flink.types.StringValue.writeString("GET /", v2);
        org.apache.flink.types.StringValue.writeString("query", v2);
        org.apache.flink.types.StringValue.writeString("postgresql", v2);
        v2.writeLong(9_000L); // lastEndMicros
        v2.writeInt(2); // spans
        // the root: id 1, start 0 after the trace's start, 8000 µs (zig-zag 16000, two varint
        // bytes), service 0, operation 0, no peer, kind SERVER
        v2.writeLong(1);
        v2.writeLong(SpanTable.ROOT);
        v2.writeByte(0);
        v2.writeByte(0x80 | (16_000 & 0x7f));
        v2.writeByte(16_000 >>> 7);
        v2.writeByte(1);
        v2.writeByte(2);
        v2.writeByte(0);
        v2.writeByte(SpanKind.SERVER.ordinal());
        // id 2 under 1: start +5, 20 µs, service 0, operation 1, peer 2 of type DATABASE, CLIENT
        v2.writeLong(2);
        v2.writeLong(1);
        v2.writeByte(10);
        v2.writeByte(40);
        v2.writeByte(1);
        v2.writeByte(4);
        v2.writeByte(3);
        v2.writeByte(SpanKind.CLIENT.ordinal() | (PeerType.DATABASE.ordinal() << 5));
        return v2.getCopyOfBuffer();
    }

    private TraceState roundTrip(TraceState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(state, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    private static TraceState full(int spans, int services) {
        TraceState state = new TraceState();
        state.spanCount = spans + 1;
        state.errorCount = 2;
        state.minStartMicros = 1_700_000_000_000_000L;
        state.maxEndMicros = 1_700_000_003_000_000L;
        state.firstEndMicros = 1_700_000_001_000_000L;
        state.rootService = "gateway";
        state.rootOperation = "GET /checkout";
        state.hasRoot = true;
        state.truncated = true;
        state.revision = 3;
        state.reportedInsightTypes = 5;
        state.dirty = true;
        state.forcedCloseAtMillis = 1_700_000_600_000L;
        state.timerAt = 1_700_000_033_000L;
        state.emittedSpans = spans / 2;
        for (int i = 0; i < services; i++) {
            state.addService("service-" + i);
        }
        for (int i = 1; i <= spans; i++) {
            // Every column in use: times around the trace's start, names, a peer now and then,
            // kinds,
            // shared halves, errors, and a span id that is not its key.
            int peer = i % 3 == 0 ? state.nameIndex("peer-" + i % 4) : SpanTable.NO_PEER;
            state.spans.append(
                    i,
                    i == 7 ? "span-seven" : null,
                    i == 1 ? SpanTable.ROOT : i / 2,
                    state.minStartMicros + i * 1_000L,
                    state.minStartMicros + i * 1_000L + i * 37L,
                    i % services,
                    state.nameIndex(i == 1 ? "GET /checkout" : "op-" + i % 5),
                    peer,
                    peer == SpanTable.NO_PEER ? PeerType.NONE : PeerType.DATABASE,
                    SpanKind.of(i % 6),
                    i % 4 == 0,
                    i % 5 == 0,
                    i % 7 == 0);
        }
        return state;
    }

    private static void assertSameContent(TraceState actual, TraceState expected) {
        assertThat(actual.spans.size()).isEqualTo(expected.spans.size());
        for (int i = 0; i < expected.spans.size(); i++) {
            assertThat(actual.spans.id(i)).isEqualTo(expected.spans.id(i));
            assertThat(actual.spans.parent(i)).isEqualTo(expected.spans.parent(i));
            assertThat(actual.spans.start(i)).isEqualTo(expected.spans.start(i));
            assertThat(actual.spans.end(i)).isEqualTo(expected.spans.end(i));
            assertThat(actual.spans.service(i)).isEqualTo(expected.spans.service(i));
            assertThat(actual.name(actual.spans.operation(i)))
                    .isEqualTo(expected.name(expected.spans.operation(i)));
            assertThat(actual.name(actual.spans.peer(i)))
                    .isEqualTo(expected.name(expected.spans.peer(i)));
            assertThat(actual.spans.peerType(i)).isEqualTo(expected.spans.peerType(i));
            assertThat(actual.spans.kind(i)).isEqualTo(expected.spans.kind(i));
            assertThat(actual.spans.shared(i)).isEqualTo(expected.spans.shared(i));
            assertThat(actual.spans.error(i)).isEqualTo(expected.spans.error(i));
            assertThat(actual.spans.idText(i)).isEqualTo(expected.spans.idText(i));
            assertThat(actual.spans.untimed(i)).isEqualTo(expected.spans.untimed(i));
        }
        List<String> actualServices = new ArrayList<>();
        List<String> expectedServices = new ArrayList<>();
        actual.copyServicesTo(actualServices);
        expected.copyServicesTo(expectedServices);
        assertThat(actualServices).isEqualTo(expectedServices);
        assertThat(actual.spans.orphanCount()).isEqualTo(expected.spans.orphanCount());
    }
}
