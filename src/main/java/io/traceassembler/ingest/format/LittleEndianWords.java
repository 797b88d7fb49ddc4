package io.traceassembler.ingest.format;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Eight bytes of a byte array as one little-endian {@code long}: the one view behind the readers'
 * word-at-a-time scans and compares (JSON strings, names and digits, UTF-8 checks, protobuf's
 * fixed64). Little-endian, so that the first byte is the lowest and a mask of the low bytes keeps
 * the first ones.
 */
final class LittleEndianWords {
    static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private LittleEndianWords() {}
}
