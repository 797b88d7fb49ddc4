package io.traceassembler.query;

import io.traceassembler.local.Emulators;
import io.traceassembler.local.LocalRun;

import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Knobs the command line does not offer, for tests: the DynamoDB page size (to page past one page
 * with few items), a last say on the client (e.g. a credentials provider that finds none), and the
 * folder {@code --local} reads (a test's own instead of the last local run's).
 */
final class QueryTuning {
    /** Items per Query/Scan request; null: the command's own choice. */
    final Integer pageSize;

    final UnaryOperator<DynamoDbClientBuilder> client;

    /** dynalite's data folder for {@code --local}. */
    final Path localData;

    QueryTuning(Integer pageSize, UnaryOperator<DynamoDbClientBuilder> client, Path localData) {
        this.pageSize = pageSize;
        this.client = client;
        this.localData = localData;
    }

    /** The command's own choices; {@code --local} reads {@value LocalRun#DYNAMODB_DATA}. */
    static QueryTuning defaults() {
        return new QueryTuning(
                null,
                UnaryOperator.identity(),
                Emulators.projectDirectory().resolve(LocalRun.DYNAMODB_DATA));
    }
}
