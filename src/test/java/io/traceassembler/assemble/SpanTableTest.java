package io.traceassembler.assemble;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SpanTableTest {

    @Test
    void sixteenLowerCaseHexDigitsAreTheirOwnKey() {
        assertThat(SpanTable.key("00f067aa0ba902b7")).isEqualTo(0x00f067aa0ba902b7L);
        assertThat(SpanTable.key("ffffffffffffffff")).isEqualTo(-1L);
        assertThat(SpanTable.key("0000000000000001")).isEqualTo(1L);
    }

    @Test
    void otherIdsAreHashedAndNeverTheRootKey() {
        assertThat(SpanTable.key(null)).isEqualTo(SpanTable.ROOT);
        assertThat(SpanTable.key("")).isEqualTo(SpanTable.ROOT);
        // All-zero is no valid id, but it must not read as "no parent".
        assertThat(SpanTable.key("0000000000000000")).isNotEqualTo(SpanTable.ROOT);
        // Upper case differs from lower case (different strings, different spans).
        assertThat(SpanTable.key("00F067AA0BA902B7"))
                .isNotEqualTo(SpanTable.key("00f067aa0ba902b7"));
        assertThat(SpanTable.key("span-1")).isNotEqualTo(SpanTable.key("span-2"));
        assertThat(SpanTable.key("span-1"))
                .isEqualTo(SpanTable.key(new String("span-1".toCharArray())));
        assertThat(SpanTable.key("00f067aa0ba902b"))
                .isNotEqualTo(SpanTable.key("00f067aa0ba902b7"));
    }

    @Test
    void hashedKeysOfManyDistinctIdsDoNotCollide() {
        Set<Long> keys = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            keys.add(SpanTable.key("span-" + i));
        }
        assertThat(keys).hasSize(200_000);
    }

    @Test
    void addRejectsDuplicatesBelowAndAboveTheIndexThreshold() {
        SpanTable table = new SpanTable();
        Random random = new Random(7);
        Set<Long> added = new HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            long id = 1 + random.nextInt(3_000); // many repeats
            boolean isNew = added.add(id);
            assertThat(table.add(id, SpanTable.ROOT))
                    .as("add %d at size %d", id, table.size())
                    .isEqualTo(isNew);
            assertThat(table.size()).isEqualTo(added.size());
        }
        for (long id = 1; id <= 3_000; id++) {
            assertThat(table.contains(id)).isEqualTo(added.contains(id));
        }
        assertThat(table.contains(3_001)).isFalse();
    }

    @Test
    void orphanCountMatchesAMapBasedCount() {
        for (int spans :
                new int[] {1, 3, SpanTable.LINEAR_SCAN_MAX, SpanTable.LINEAR_SCAN_MAX + 1, 500}) {
            Random random = new Random(spans);
            SpanTable table = new SpanTable();
            Map<Long, Long> reference = new HashMap<>();
            for (int i = 0; i < spans; i++) {
                long id = 1 + random.nextInt(spans * 2);
                long parent =
                        random.nextInt(5) == 0 ? SpanTable.ROOT : 1 + random.nextInt(spans * 2);
                if (table.add(id, parent)) {
                    reference.put(id, parent);
                }
            }
            long expected =
                    reference.values().stream()
                            .filter(p -> p != SpanTable.ROOT && !reference.containsKey(p))
                            .count();
            assertThat(table.orphanCount()).as("%d spans", spans).isEqualTo((int) expected);
        }
    }

    @Test
    void copyIsIndependent() {
        SpanTable table = new SpanTable();
        for (long id = 1; id <= 20; id++) {
            table.add(id, id - 1);
        }
        SpanTable copy = table.copy();
        copy.add(21, 20);
        table.add(22, 21);
        assertThat(copy.contains(21)).isTrue();
        assertThat(copy.contains(22)).isFalse();
        assertThat(table.contains(21)).isFalse();
        assertThat(copy.size()).isEqualTo(21);
        assertThat(copy.orphanCount()).isZero();
        assertThat(table.orphanCount()).isEqualTo(1); // 22's parent 21 is not in the original
    }
}
