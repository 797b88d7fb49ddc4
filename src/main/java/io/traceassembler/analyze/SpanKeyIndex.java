package io.traceassembler.analyze;

/**
 * Span key to span index for {@link SpanTree#link()}: open addressing over primitive arrays, reused
 * from tree to tree, so linking a tree boxes nothing and allocates nothing once the arrays have
 * grown. {@link #reset} forgets every entry in O(1) by moving to a new generation.
 */
final class SpanKeyIndex {
    static final int ABSENT = -1;

    private long[] keys = new long[32];
    private int[] values = new int[32];

    /** The generation an entry was written in; an older one is an empty slot. */
    private int[] generations = new int[32];

    private int generation = 1;

    /** Empties the index and makes room for {@code entries} at a load of at most one half. */
    void reset(int entries) {
        int capacity = keys.length;
        while (capacity < entries * 2) {
            capacity *= 2;
        }
        if (capacity != keys.length) {
            keys = new long[capacity];
            values = new int[capacity];
            generations = new int[capacity];
            generation = 1;
            return;
        }
        if (++generation == Integer.MAX_VALUE) {
            java.util.Arrays.fill(generations, 0);
            generation = 1;
        }
    }

    /** Maps {@code key} to {@code value} unless it is mapped already. */
    void putIfAbsent(long key, int value) {
        int mask = keys.length - 1;
        for (int slot = slot(key, mask); ; slot = (slot + 1) & mask) {
            if (generations[slot] != generation) {
                generations[slot] = generation;
                keys[slot] = key;
                values[slot] = value;
                return;
            }
            if (keys[slot] == key) {
                return;
            }
        }
    }

    /** The value of {@code key}, or {@link #ABSENT}. */
    int get(long key) {
        int mask = keys.length - 1;
        for (int slot = slot(key, mask); ; slot = (slot + 1) & mask) {
            if (generations[slot] != generation) {
                return ABSENT;
            }
            if (keys[slot] == key) {
                return values[slot];
            }
        }
    }

    /** MurmurHash3's fmix64: span keys that are hex ids are not uniform in their low bits. */
    private static int slot(long key, int mask) {
        long h = key;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return (int) h & mask;
    }
}
