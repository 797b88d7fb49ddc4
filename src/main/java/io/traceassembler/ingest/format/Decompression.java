package io.traceassembler.ingest.format;

import java.util.Arrays;
import java.util.zip.Adler32;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Per-record compression as exporters write it, without any marker: gzip ({@code 1f 8b}), zlib
 * ({@code 78 ..}) and raw deflate (no header: the decoder's last try). Inflates into one reusable
 * buffer, bounded by {@link DecodeLimits#MAX_RECORD_BYTES} (more is treated as a zip bomb); a
 * missing gzip or zlib trailer (older exporters) is tolerated, a wrong one is not.
 *
 * <p>Not thread-safe: one per decoder. The inflated bytes stay valid until the next call.
 */
public final class Decompression {
    private static final int INITIAL_INFLATE_BUFFER = 64 * 1024;

    /** Keep a grown inflate buffer between records only up to this size. */
    private static final int RETAINED_INFLATE_BUFFER = 1024 * 1024;

    private Inflater inflater;
    private byte[] buffer;

    /**
     * Decompression hit {@link DecodeLimits#MAX_RECORD_BYTES}: a zip bomb, or a record far larger
     * than any exporter sends.
     */
    public static final class DecompressedTooLarge extends RecordRejected {
        private static final long serialVersionUID = 1L;

        DecompressedTooLarge(String compression) {
            super(
                    compression
                            + " data decompresses to more than the limit of "
                            + DecodeLimits.MAX_RECORD_BYTES
                            + " bytes (zip bomb?)");
        }
    }

    /** The inflated bytes of the last successful call, from offset 0. */
    public byte[] buffer() {
        return buffer;
    }

    /** Drops a buffer that one large record grew beyond what is worth keeping. */
    public void releaseLargeBuffer() {
        if (buffer != null && buffer.length > RETAINED_INFLATE_BUFFER) {
            buffer = null;
        }
    }

    public static boolean isGzip(byte[] d, int off, int len) {
        return len >= 10
                && (d[off] & 0xff) == 0x1f
                && (d[off + 1] & 0xff) == 0x8b
                && d[off + 2] == 8;
    }

    /**
     * zlib header: deflate method, window size at most 32 KiB, no preset dictionary, valid FCHECK.
     */
    public static boolean isZlib(byte[] d, int off, int len) {
        if (len < 3) {
            return false;
        }
        int cmf = d[off] & 0xff;
        int flg = d[off + 1] & 0xff;
        return (cmf & 0x0f) == 8
                && (cmf >>> 4) <= 7
                && (flg & 0x20) == 0
                && ((cmf << 8) | flg) % 31 == 0;
    }

    /**
     * Inflates a gzip member with {@link Inflater} so that a missing trailer (older exporters) is
     * tolerated.
     */
    public int inflateGzip(byte[] d, int off, int len) throws RecordRejected {
        int end = off + len;
        int flags = d[off + 3] & 0xff;
        int pos = off + 10;
        try {
            if ((flags & 0x04) != 0) { // FEXTRA
                int extraLength = (d[pos] & 0xff) | (d[pos + 1] & 0xff) << 8;
                pos += 2 + extraLength;
            }
            if ((flags & 0x08) != 0) { // FNAME
                while (d[pos++] != 0) {}
            }
            if ((flags & 0x10) != 0) { // FCOMMENT
                while (d[pos++] != 0) {}
            }
            if ((flags & 0x02) != 0) { // FHCRC
                pos += 2;
            }
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new RecordRejected("gzip data is corrupt: header is truncated");
        }
        if (pos >= end) {
            throw new RecordRejected("gzip data is corrupt: no compressed data after the header");
        }
        int n = inflate(d, pos, end - pos, "gzip");
        int trailer = inflater.getRemaining();
        if (trailer >= 8) {
            int t = end - trailer;
            CRC32 crc = new CRC32();
            crc.update(buffer, 0, n);
            long expectedCrc = readIntLittleEndian(d, t) & 0xffffffffL;
            long expectedSize = readIntLittleEndian(d, t + 4) & 0xffffffffL;
            if (crc.getValue() != expectedCrc || (n & 0xffffffffL) != expectedSize) {
                throw new RecordRejected(
                        "gzip data is corrupt: CRC or size in the trailer does not match");
            }
        }
        return n;
    }

    /** Inflates zlib data, checking the Adler-32 trailer when present (tolerated when missing). */
    public int inflateZlib(byte[] d, int off, int len) throws RecordRejected {
        int n = inflate(d, off + 2, len - 2, "zlib");
        int trailer = inflater.getRemaining();
        if (trailer >= 4) {
            int t = off + len - trailer;
            Adler32 adler = new Adler32();
            adler.update(buffer, 0, n);
            long expected =
                    ((d[t] & 0xffL) << 24)
                            | ((d[t + 1] & 0xffL) << 16)
                            | ((d[t + 2] & 0xffL) << 8)
                            | (d[t + 3] & 0xffL);
            if (adler.getValue() != expected) {
                throw new RecordRejected("zlib data is corrupt: Adler-32 checksum does not match");
            }
        }
        return n;
    }

    /** Returns the inflated length, or -1 when the bytes are not a complete raw deflate stream. */
    public int tryInflateRawDeflate(byte[] d, int off, int len) throws DecompressedTooLarge {
        try {
            int n = inflate(d, off, len, "deflate");
            return inflater.getRemaining() == 0 ? n : -1;
        } catch (DecompressedTooLarge e) {
            throw e;
        } catch (RecordRejected e) {
            return -1;
        }
    }

    /**
     * Inflates raw deflate data into {@link #buffer}, bounded by {@link
     * DecodeLimits#MAX_RECORD_BYTES}.
     */
    private int inflate(byte[] d, int off, int len, String compression) throws RecordRejected {
        if (inflater == null) {
            inflater = new Inflater(true);
        }
        if (buffer == null) {
            buffer = new byte[INITIAL_INFLATE_BUFFER];
        }
        inflater.reset();
        inflater.setInput(d, off, len);
        int n = 0;
        try {
            while (!inflater.finished()) {
                if (n == buffer.length) {
                    if (n > DecodeLimits.MAX_RECORD_BYTES) {
                        throw new DecompressedTooLarge(compression);
                    }
                    buffer =
                            Arrays.copyOf(
                                    buffer, Math.min(n * 2, DecodeLimits.MAX_RECORD_BYTES + 1));
                }
                int produced = inflater.inflate(buffer, n, buffer.length - n);
                n += produced;
                if (produced == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new RecordRejected(
                            compression
                                    + " data is corrupt: truncated before the end of the"
                                    + " compressed stream");
                }
            }
        } catch (DataFormatException e) {
            throw new RecordRejected(compression + " data is corrupt: " + e.getMessage());
        }
        if (n > DecodeLimits.MAX_RECORD_BYTES) {
            throw new DecompressedTooLarge(compression);
        }
        return n;
    }

    private static int readIntLittleEndian(byte[] d, int at) {
        return (d[at] & 0xff)
                | (d[at + 1] & 0xff) << 8
                | (d[at + 2] & 0xff) << 16
                | (d[at + 3] & 0xff) << 24;
    }
}
