package io.traceassembler.generate;

import io.traceassembler.aws.AwsClients;
import io.traceassembler.config.AwsEndpoint;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts generated records on a Kinesis stream with {@code PutRecords}, as an exporter would: batches
 * within the service limits (500 records, 5 MiB per call; 1 MiB per record, partition key
 * included), entries that failed (throttling, {@code FailedRecordCount}) retried with exponential
 * backoff, and optionally paced so records arrive at the real-time rate of their {@link
 * GeneratedRecord#arrivalEpochNanos} (relative to the first one). Not thread-safe.
 */
public final class KinesisRecordSink implements RecordSink {
    public static final int MAX_RECORDS_PER_CALL = 500;
    public static final long MAX_BYTES_PER_CALL = 5L * 1024 * 1024;
    public static final int MAX_BYTES_PER_RECORD = 1024 * 1024;

    /**
     * With pacing, a batch waits at most this long for more records: near-real-time, but not one
     * call per record.
     */
    private static final long LINGER_NANOS = Duration.ofMillis(100).toNanos();

    private static final int MAX_ATTEMPTS = 10;
    private static final long FIRST_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 5_000;

    private final KinesisClient kinesis;
    private final boolean ownsClient;
    private final String streamName;
    private final boolean paced;
    private final List<PutRecordsRequestEntry> batch = new ArrayList<>();
    private long batchBytes;
    private long batchOpenedNanos;
    private long firstArrivalNanos = Long.MIN_VALUE;
    private long wallStartNanos;

    private long recordsSent;
    private long bytesSent;
    private long calls;
    private long retriedEntries;

    /**
     * A sink with its own client ({@code endpoint} null for AWS itself); closing the sink closes
     * the client.
     */
    public static KinesisRecordSink open(
            String streamName, String region, String endpoint, boolean paced) {
        KinesisClient kinesis =
                AwsClients.build(KinesisClient.builder(), new AwsEndpoint(region, endpoint));
        return new KinesisRecordSink(kinesis, true, streamName, paced);
    }

    /** A sink on a client owned by the caller. */
    public KinesisRecordSink(KinesisClient kinesis, String streamName, boolean paced) {
        this(kinesis, false, streamName, paced);
    }

    private KinesisRecordSink(
            KinesisClient kinesis, boolean ownsClient, String streamName, boolean paced) {
        this.kinesis = kinesis;
        this.ownsClient = ownsClient;
        this.streamName = streamName;
        this.paced = paced;
    }

    @Override
    public void write(GeneratedRecord record) throws IOException {
        int size = record.data.length + record.partitionKey.getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_BYTES_PER_RECORD) {
            throw new IllegalArgumentException(
                    "record of "
                            + size
                            + " bytes exceeds Kinesis' limit of "
                            + MAX_BYTES_PER_RECORD
                            + " bytes (data plus partition key): "
                            + record);
        }
        if (paced) {
            awaitArrival(record.arrivalEpochNanos);
        }
        if (batch.size() == MAX_RECORDS_PER_CALL || batchBytes + size > MAX_BYTES_PER_CALL) {
            flush();
        }
        if (batch.isEmpty()) {
            batchOpenedNanos = System.nanoTime();
        }
        batch.add(
                PutRecordsRequestEntry.builder()
                        .data(SdkBytes.fromByteArray(record.data))
                        .partitionKey(record.partitionKey)
                        .build());
        batchBytes += size;
    }

    /** Sends the records batched so far. */
    public void flush() throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        List<PutRecordsRequestEntry> pending = new ArrayList<>(batch);
        int records = pending.size();
        long bytes = batchBytes;
        batch.clear();
        batchBytes = 0;
        for (int attempt = 1; ; attempt++) {
            PutRecordsResponse response = put(pending);
            calls++;
            if (response.failedRecordCount() == null || response.failedRecordCount() == 0) {
                break;
            }
            pending = failedEntries(pending, response.records());
            if (attempt == MAX_ATTEMPTS) {
                throw new IOException(
                        pending.size()
                                + " records still failed after "
                                + MAX_ATTEMPTS
                                + " PutRecords attempts on stream '"
                                + streamName
                                + "'; last error: "
                                + firstError(response));
            }
            retriedEntries += pending.size();
            sleep(Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << (attempt - 1)));
        }
        recordsSent += records;
        bytesSent += bytes;
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            if (ownsClient) {
                kinesis.close();
            }
        }
    }

    public long recordsSent() {
        return recordsSent;
    }

    public long bytesSent() {
        return bytesSent;
    }

    @Override
    public String describe() {
        return "put "
                + recordsSent
                + " records ("
                + bytesSent
                + " bytes) on Kinesis stream '"
                + streamName
                + "' in "
                + calls
                + " PutRecords calls ("
                + retriedEntries
                + " entries retried)"
                + (paced ? ", paced" : "");
    }

    private PutRecordsResponse put(List<PutRecordsRequestEntry> entries) {
        // The SDK itself retries whole calls on throttling and 5xx; this loop handles per-entry
        // failures.
        return kinesis.putRecords(r -> r.streamName(streamName).records(entries));
    }

    /** Results come in request order; an entry failed when its result carries an error code. */
    private static List<PutRecordsRequestEntry> failedEntries(
            List<PutRecordsRequestEntry> sent, List<PutRecordsResultEntry> results) {
        List<PutRecordsRequestEntry> failed = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            if (results.get(i).errorCode() != null) {
                failed.add(sent.get(i));
            }
        }
        return failed;
    }

    private static String firstError(PutRecordsResponse response) {
        return response.records().stream()
                .filter(r -> r.errorCode() != null)
                .findFirst()
                .map(r -> r.errorCode() + ": " + r.errorMessage())
                .orElse("none");
    }

    /**
     * Sleeps until the record is due in real time, sending the open batch first when it would
     * linger too long.
     */
    private void awaitArrival(long arrivalEpochNanos) throws IOException {
        long now = System.nanoTime();
        if (firstArrivalNanos == Long.MIN_VALUE) {
            firstArrivalNanos = arrivalEpochNanos;
            wallStartNanos = now;
        }
        long due = wallStartNanos + (arrivalEpochNanos - firstArrivalNanos);
        if (!batch.isEmpty() && due > batchOpenedNanos + LINGER_NANOS) {
            sleepUntil(batchOpenedNanos + LINGER_NANOS);
            flush();
        }
        sleepUntil(due);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedIOException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            sleep(Duration.ofNanos(wait).toMillis());
        }
    }

    private static void sleep(long millis) throws InterruptedIOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while sending records to Kinesis");
        }
    }
}
