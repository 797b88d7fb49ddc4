package io.traceassembler.testing;

import io.traceassembler.local.Emulators;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;

/**
 * JUnit face of {@link Emulators}: runs kinesis-local and/or dynalite for a test class. Use as
 * {@code @RegisterExtension static final LocalEmulators EMULATORS = LocalEmulators.dynamoDbOnly();}
 * or as an {@link AutoCloseable} with {@link #start()}.
 */
public final class LocalEmulators implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    private final Emulators emulators;

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

    /** The emulators themselves, e.g. to suspend and resume one ({@link Emulators#suspendDynamoDb()}). */
    public Emulators emulators() {
        return emulators;
    }

    public LocalEmulators start() throws IOException, InterruptedException {
        emulators.start();
        return this;
    }

    @Override
    public void close() {
        emulators.close();
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
