package io.traceassembler.ingest.format;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Kinesis Producer Library aggregates: magic {@code F3 89 9A C2}, a protobuf {@code
 * AggregatedRecord}, and the MD5 of that message. Checks the MD5 and returns the data of each user
 * record.
 *
 * <p>Not thread-safe (keeps its MessageDigest): one per decoder.
 */
public final class KplDeaggregator {
    /** The magic prefix of a KPL aggregated record. */
    public static final byte[] KPL_MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};

    static final int KPL_MD5_LENGTH = 16;

    /**
     * Field 3, length-delimited: {@code AggregatedRecord.records} and, inside a record, {@code
     * Record.data}.
     */
    private static final int KPL_DATA_TAG = (3 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private final MessageDigest md5;

    public KplDeaggregator() {
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by every Java platform", e);
        }
    }

    public static boolean isAggregate(byte[] record) {
        if (record.length < KPL_MAGIC.length) {
            return false;
        }
        for (int i = 0; i < KPL_MAGIC.length; i++) {
            if (record[i] != KPL_MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** The data of every user record of an aggregate that {@link #isAggregate} accepted. */
    public List<byte[]> userRecords(byte[] record) throws RecordRejected {
        int bodyStart = KPL_MAGIC.length;
        int bodyLength = record.length - KPL_MAGIC.length - KPL_MD5_LENGTH;
        if (bodyLength < 0) {
            throw new RecordRejected("KPL aggregated record is too short to hold its MD5 checksum");
        }
        md5.reset();
        md5.update(record, bodyStart, bodyLength);
        byte[] expected = md5.digest();
        if (!Arrays.equals(
                expected, 0, KPL_MD5_LENGTH, record, bodyStart + bodyLength, record.length)) {
            throw new RecordRejected("KPL aggregated record has a wrong MD5 checksum");
        }
        List<byte[]> userRecords;
        try {
            userRecords = readUserRecords(record, bodyStart, bodyLength);
        } catch (IOException e) {
            throw new RecordRejected(
                    "KPL aggregated record is not valid protobuf: " + e.getMessage());
        }
        if (userRecords.isEmpty()) {
            throw new RecordRejected("KPL aggregated record holds no user records");
        }
        return userRecords;
    }

    /**
     * Reads the data of each {@code Record} (field 3) of a KPL {@code AggregatedRecord}; the
     * partition and explicit hash key tables (fields 1 and 2) and the record tags are not needed
     * for decoding.
     */
    private static List<byte[]> readUserRecords(byte[] buffer, int offset, int length)
            throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(buffer, offset, length);
        List<byte[]> records = new ArrayList<>();
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == KPL_DATA_TAG) {
                if (records.size() >= DecodeLimits.MAX_SPANS_PER_RECORD) {
                    throw new IOException(
                            "more than " + DecodeLimits.MAX_SPANS_PER_RECORD + " user records");
                }
                int oldLimit = in.pushLimit(in.readRawVarint32());
                byte[] data = new byte[0];
                int recordTag;
                while ((recordTag = in.readTag()) != 0) {
                    if (recordTag == KPL_DATA_TAG) {
                        data = in.readByteArray();
                    } else if (!in.skipField(recordTag)) {
                        break;
                    }
                }
                in.popLimit(oldLimit);
                records.add(data);
            } else if (!in.skipField(tag)) {
                break;
            }
        }
        return records;
    }
}
