package io.traceassembler.analyze;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SpanKeyIndexTest {
    @Test
    void keepsTheFirstValueOfAKeyAndForgetsEverythingOnReset() {
        SpanKeyIndex index = new SpanKeyIndex();
        index.reset(3);
        index.putIfAbsent(0x00f067aa0ba902b7L, 0);
        index.putIfAbsent(0x00f067aa0ba902b7L, 5); // a second span with the same id: ignored
        index.putIfAbsent(-1L, 1);

        assertThat(index.get(0x00f067aa0ba902b7L)).isEqualTo(0);
        assertThat(index.get(-1L)).isEqualTo(1);
        assertThat(index.get(42L)).isEqualTo(SpanKeyIndex.ABSENT);

        index.reset(1);
        assertThat(index.get(0x00f067aa0ba902b7L)).isEqualTo(SpanKeyIndex.ABSENT);
        assertThat(index.get(-1L)).isEqualTo(SpanKeyIndex.ABSENT);
    }

    @Test
    void growsForLargeTreesAndFindsEveryKey() {
        SpanKeyIndex index = new SpanKeyIndex();
        index.reset(10_000);
        // Keys that differ only in their high bits, as sequential hex ids can.
        for (int i = 0; i < 10_000; i++) {
            index.putIfAbsent(((long) i) << 40, i);
        }
        for (int i = 0; i < 10_000; i++) {
            assertThat(index.get(((long) i) << 40)).isEqualTo(i);
        }
        assertThat(index.get(10_000L << 40)).isEqualTo(SpanKeyIndex.ABSENT);
    }
}
