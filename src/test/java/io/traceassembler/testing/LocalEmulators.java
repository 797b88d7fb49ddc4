package io.traceassembler.testing;

import io.traceassembler.config.PropertyGroups;
import io.traceassembler.local.AwsAdmin;
import io.traceassembler.local.CloudWatchStub;
import io.traceassembler.local.Emulators;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;

/**
 * JUnit face of {@link Emulators}: runs kinesis-local and/or dynalite for a test class. Use as
 * {@code @RegisterExtension static final LocalEmulators EMULATORS = LocalEmulators.dynamoDbOnly();}
 * or as an {@link AutoCloseable} with {@link #start()}. It also gives admin clients of both
 * emulators (closed with them) and the properties of a job that reads spans from and writes
 * summaries to them ({@link #jobProperties}).
 */
public final class LocalEmulators implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    /** The region of every client of the emulators (they accept any). */
    public static final String REGION = "us-east-1";

    private final Emulators emulators;
    private AwsAdmin kinesisAdmin;
    private AwsAdmin dynamoDbAdmin;

    private LocalEmulators(boolean withKinesis, boolean withDynamoDb) {
        this.emulators = new Emulators(Emulators.projectDirectory(), withKinesis, withDynamoDb);
    }

    public static LocalEmulators all() {
        return new LocalEmulators(true, true);
    }

    public static LocalEmulators dynamoDbOnly() {
        return new LocalEmulators(false, true);
    }

    public static LocalEmulators kinesisOnly() {
        return new LocalEmulators(true, false);
    }

    /** Plain-HTTP endpoint of kinesis-local (polling and EFO both work there). */
    public String kinesisEndpoint() {
        return emulators.kinesisEndpoint();
    }

    public String dynamoDbEndpoint() {
        return emulators.dynamoDbEndpoint();
    }

    /** Streams and records on kinesis-local; made at the first call, closed with the emulators. */
    public synchronized AwsAdmin kinesisAdmin() {
        if (kinesisAdmin == null) {
            kinesisAdmin = new AwsAdmin(REGION, kinesisEndpoint());
        }
        return kinesisAdmin;
    }

    /** Tables and items on dynalite; made at the first call, closed with the emulators. */
    public synchronized AwsAdmin dynamoDbAdmin() {
        if (dynamoDbAdmin == null) {
            dynamoDbAdmin = new AwsAdmin(REGION, dynamoDbEndpoint());
        }
        return dynamoDbAdmin;
    }

    /**
     * The properties of a job on these emulators: spans from {@code spanStream} on kinesis-local,
     * read from TRIM_HORIZON (records put before the job started are read too), summaries to {@code
     * table} on dynalite, insight metrics off. A test adds its own settings (assembly timing, other
     * sinks) with {@code set}.
     */
    public PropertyGroups jobProperties(String spanStream, String table) {
        return sourceAndStore(spanStream, table).set("InsightMetrics", "enabled", "false");
    }

    /**
     * {@link #jobProperties(String, String)} with the insight metrics going to {@code cloudWatch}.
     */
    public PropertyGroups jobProperties(
            String spanStream, String table, CloudWatchStub cloudWatch) {
        return sourceAndStore(spanStream, table)
                .set("InsightMetrics", "namespace", "Test/Insights")
                .set("InsightMetrics", "aws.region", REGION)
                .set("InsightMetrics", "aws.endpoint", cloudWatch.endpoint());
    }

    private PropertyGroups sourceAndStore(String spanStream, String table) {
        return PropertyGroups.empty()
                .set("SpanSource", "stream.name", spanStream)
                .set("SpanSource", "aws.region", REGION)
                .set("SpanSource", "aws.endpoint", kinesisEndpoint())
                .set("SpanSource", "initial.position", "TRIM_HORIZON")
                .set("TraceStore", "table.name", table)
                .set("TraceStore", "aws.region", REGION)
                .set("TraceStore", "aws.endpoint", dynamoDbEndpoint());
    }

    /**
     * The emulators themselves, e.g. to suspend and resume one ({@link
     * Emulators#suspendDynamoDb()}).
     */
    public Emulators emulators() {
        return emulators;
    }

    public LocalEmulators start() throws IOException, InterruptedException {
        emulators.start();
        return this;
    }

    @Override
    public void close() {
        try {
            closeAdmins();
        } finally {
            emulators.close();
        }
    }

    private synchronized void closeAdmins() {
        try {
            if (kinesisAdmin != null) {
                kinesisAdmin.close();
            }
        } finally {
            kinesisAdmin = null;
            if (dynamoDbAdmin != null) {
                dynamoDbAdmin.close();
            }
            dynamoDbAdmin = null;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }
}
