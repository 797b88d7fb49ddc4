package io.traceassembler.generate;

/** Per-record compression as exporters apply it, without any marker. */
public enum Compression {
    NONE,
    GZIP,
    /** gzip without its 8-byte CRC/size trailer, as some older exporters wrote it. */
    GZIP_NO_TRAILER,
    ZLIB,
    /** Raw deflate, no header or trailer. */
    DEFLATE
}
