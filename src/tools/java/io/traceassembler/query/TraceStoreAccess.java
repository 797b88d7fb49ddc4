package io.traceassembler.query;

import io.traceassembler.aws.AwsClients;
import io.traceassembler.config.PropertyGroups;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.local.Emulators;
import io.traceassembler.local.LocalRun;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The DynamoDB client of the {@code TraceStore} configuration, built like the job's ({@link
 * AwsClients}), and, with {@code --local}, the dynalite it started on the local run's data. Turns
 * the SDK's failures into one-line {@link QueryException}s that say what to do.
 */
final class TraceStoreAccess implements AutoCloseable {
    private static final Set<String> REJECTED_CREDENTIALS =
            Set.of(
                    "UnrecognizedClientException",
                    "InvalidSignatureException",
                    "ExpiredTokenException",
                    "AccessDeniedException",
                    "MissingAuthenticationTokenException");

    final DynamoDbClient dynamoDb;
    final TraceAssemblerConfig.TraceStore config;
    private final Path localData;
    private final Emulators emulators;

    private TraceStoreAccess(
            DynamoDbClient dynamoDb,
            TraceAssemblerConfig.TraceStore config,
            Path localData,
            Emulators emulators) {
        this.dynamoDb = dynamoDb;
        this.config = config;
        this.localData = localData;
        this.emulators = emulators;
    }

    static TraceStoreAccess open(StoreOptions options, QueryTuning tuning) {
        if (!options.local) {
            TraceAssemblerConfig.TraceStore store = resolve(options, groups -> {});
            return new TraceStoreAccess(client(store, tuning), store, null, null);
        }
        Path home = Emulators.projectDirectory();
        Path data = tuning.localData;
        if (!Files.isRegularFile(data.resolve("CURRENT"))) {
            throw new QueryException(
                    "no local trace table yet ("
                            + data
                            + " holds no dynalite data): run scripts/run-local.sh first");
        }
        requireNotInUse(data);
        PropertyGroups localConfig =
                PropertyGroups.fromJsonFile(home.resolve(LocalRun.CONFIG_FILE));
        Emulators emulators = new Emulators(home, false, true).dynamoDbDataDirectory(data);
        try {
            emulators.start();
            TraceAssemblerConfig.TraceStore store =
                    resolve(
                            options,
                            groups -> {
                                Properties traceStore = localConfig.group("TraceStore");
                                traceStore.forEach(
                                        (key, value) ->
                                                groups.set(
                                                        "TraceStore",
                                                        key.toString(),
                                                        value.toString()));
                                groups.set(
                                        "TraceStore", "aws.endpoint", emulators.dynamoDbEndpoint());
                            });
            return new TraceStoreAccess(client(store, tuning), store, data, emulators);
        } catch (IOException e) {
            emulators.close();
            throw new QueryException("could not start dynalite on " + data + ": " + e);
        } catch (InterruptedException e) {
            emulators.close();
            Thread.currentThread().interrupt();
            throw new QueryException("interrupted while starting dynalite");
        } catch (RuntimeException e) {
            emulators.close();
            throw e;
        }
    }

    private static TraceAssemblerConfig.TraceStore resolve(
            StoreOptions options, java.util.function.Consumer<PropertyGroups> settings) {
        try {
            return options.configFlags.resolve(settings).traceStore;
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new QueryException(e.getMessage());
        }
    }

    private static DynamoDbClient client(
            TraceAssemblerConfig.TraceStore store, QueryTuning tuning) {
        return tuning.client
                .apply(AwsClients.configure(DynamoDbClient.builder(), store.aws))
                .build();
    }

    /**
     * dynalite answers nothing on a LevelDB folder another dynalite holds (a local run still
     * going): its lock is a POSIX record lock, which {@link FileChannel#tryLock()} sees.
     */
    private static void requireNotInUse(Path data) {
        Path lock = data.resolve("LOCK");
        if (!Files.exists(lock)) {
            return;
        }
        boolean inUse;
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE);
                FileLock held = channel.tryLock()) {
            inUse = held == null;
        } catch (OverlappingFileLockException e) {
            inUse = true;
        } catch (IOException e) {
            inUse = false; // dynalite will say what is wrong
        }
        if (inUse) {
            throw new QueryException(
                    data
                            + " is in use by another dynalite (is scripts/run-local.sh still running?):"
                            + " query it when the run has finished");
        }
    }

    String tableName() {
        return config.tableName;
    }

    /**
     * Runs one DynamoDB request; {@code index} names the GSI it reads (null for the table itself).
     */
    <T> T call(String index, Supplier<T> request) {
        try {
            return request.get();
        } catch (ResourceNotFoundException e) {
            throw missingTable();
        } catch (DynamoDbException e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            String message =
                    e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null
                            ? e.getMessage()
                            : e.awsErrorDetails().errorMessage();
            if (index != null
                    && "ValidationException".equals(code)
                    && message.contains("specified index")) {
                throw missingIndex(index);
            }
            if (REJECTED_CREDENTIALS.contains(code)) {
                throw new QueryException(
                        "AWS rejected the credentials for DynamoDB in "
                                + config.aws
                                + ": "
                                + message
                                + " (check the AWS profile or keys in use, and their rights on table '"
                                + config.tableName
                                + "')");
            }
            throw new QueryException(
                    "DynamoDB request on table '"
                            + config.tableName
                            + "' in "
                            + config.aws
                            + " failed: "
                            + code
                            + ": "
                            + message);
        } catch (SdkClientException e) {
            String message = String.valueOf(e.getMessage());
            if (message.toLowerCase(Locale.ROOT).contains("credentials")) {
                throw new QueryException(
                        "no AWS credentials found for DynamoDB in "
                                + config.aws
                                + ": configure them as for the AWS CLI (AWS_PROFILE, AWS_ACCESS_KEY_ID"
                                + " and AWS_SECRET_ACCESS_KEY, aws sso login), or for an emulator set"
                                + " TraceStore.aws.endpoint, or use --local for the local stack");
            }
            throw new QueryException(
                    "cannot reach DynamoDB in "
                            + config.aws
                            + ": "
                            + firstLine(message)
                            + " (check TraceStore.aws.region and TraceStore.aws.endpoint)");
        }
    }

    private QueryException missingTable() {
        if (localData != null) {
            return new QueryException(
                    "DynamoDB table '"
                            + config.tableName
                            + "' not found in the local data ("
                            + localData
                            + "): run scripts/run-local.sh first");
        }
        return new QueryException(
                "DynamoDB table '"
                        + config.tableName
                        + "' not found in "
                        + config.aws
                        + ": create it (the terraform module in terraform/ does, scripts/run-local.sh for"
                        + " the local stack) or set TraceStore.table.name");
    }

    private QueryException missingIndex(String index) {
        return new QueryException(
                "DynamoDB table '"
                        + config.tableName
                        + "' in "
                        + config.aws
                        + " has no index '"
                        + index
                        + "': the terraform module (terraform/dynamodb.tf) and the local stack"
                        + " (scripts/run-local.sh) create it; apply the current terraform/, or use --scan"
                        + " to read the whole table");
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    @Override
    public void close() {
        try {
            dynamoDb.close();
        } finally {
            if (emulators != null) {
                emulators.close();
            }
        }
    }
}
