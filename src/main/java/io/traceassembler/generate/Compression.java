package io.traceassembler.generate;

/** PLACEHOLDER (replaced by the ingest branch): per-record compressions. */
public enum Compression {
    NONE,
    GZIP,
    GZIP_NO_TRAILER,
    ZLIB,
    DEFLATE
}
