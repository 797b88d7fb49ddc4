package io.traceassembler.assemble;

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
        assertThat(read.addService("service-3")).isFalse();
        assertThat(read.addService("new-service")).isTrue();
        assertThat(read.serviceCount()).isEqualTo(26);
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
        copy.spanCount++;
        assertThat(state.spans.contains(99)).isFalse();
        assertThat(state.serviceCount()).isEqualTo(2);
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
        for (int i = 1; i <= spans; i++) {
            state.spans.add(i, i == 1 ? SpanTable.ROOT : i / 2);
        }
        for (int i = 0; i < services; i++) {
            state.addService("service-" + i);
        }
        return state;
    }

    private static void assertSameContent(TraceState actual, TraceState expected) {
        assertThat(actual.spans.size()).isEqualTo(expected.spans.size());
        for (int i = 0; i < expected.spans.size(); i++) {
            assertThat(actual.spans.id(i)).isEqualTo(expected.spans.id(i));
            assertThat(actual.spans.parent(i)).isEqualTo(expected.spans.parent(i));
        }
        List<String> actualServices = new ArrayList<>();
        List<String> expectedServices = new ArrayList<>();
        actual.copyServicesTo(actualServices);
        expected.copyServicesTo(expectedServices);
        assertThat(actualServices).isEqualTo(expectedServices);
        assertThat(actual.spans.orphanCount()).isEqualTo(expected.spans.orphanCount());
    }
}
