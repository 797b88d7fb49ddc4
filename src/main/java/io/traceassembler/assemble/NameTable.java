package io.traceassembler.assemble;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The distinct names of one trace (services, or operations and peers), in order of arrival, each
 * stored once and referred to by index. Up to {@link #LINEAR_SCAN_MAX} names a lookup scans the
 * array, by identity first: names arrive through the shuffle's {@code NameCache}, one instance per
 * name, so a known name is found without comparing characters; then by value (names read back from
 * RocksDB, or not cached). Beyond it a hash index is kept beside it (never serialised).
 */
final class NameTable {
    private static final int LINEAR_SCAN_MAX = 16;

    private String[] names;
    private int size;
    private Map<String, Integer> index;

    NameTable() {
        this(new String[2], 0);
    }

    NameTable(String[] names, int size) {
        this.names = names.length == 0 ? new String[2] : names;
        this.size = size;
    }

    /** The name's index, or -1. */
    int indexOf(String name) {
        if (index != null) {
            Integer i = index.get(name);
            return i == null ? -1 : i;
        }
        for (int i = 0; i < size; i++) {
            if (names[i] == name) {
                return i;
            }
        }
        for (int i = 0; i < size; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Adds a name not in the table yet; returns its index. */
    int add(String name) {
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
        }
        names[size] = name;
        if (index != null) {
            index.put(name, size);
        } else if (size + 1 > LINEAR_SCAN_MAX) {
            index = new HashMap<>();
            for (int i = 0; i <= size; i++) {
                index.put(names[i], i);
            }
        }
        return size++;
    }

    int size() {
        return size;
    }

    String get(int i) {
        return names[i];
    }

    void copyTo(List<String> target) {
        target.addAll(Arrays.asList(names).subList(0, size));
    }

    NameTable copy() {
        return new NameTable(Arrays.copyOf(names, Math.max(2, size)), size);
    }
}
