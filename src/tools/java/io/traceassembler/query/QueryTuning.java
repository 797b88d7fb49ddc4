package io.traceassembler.query;

import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

import java.util.function.UnaryOperator;

/**
 * Knobs the command line does not offer, for tests: the DynamoDB page size (to page past one page
 * with few items) and a last say on the client (e.g. a credentials provider that finds none).
 */
final class QueryTuning {
    /** Items per Query/Scan request; null: the command's own choice. */
    final Integer pageSize;

    final UnaryOperator<DynamoDbClientBuilder> client;

    QueryTuning(Integer pageSize, UnaryOperator<DynamoDbClientBuilder> client) {
        this.pageSize = pageSize;
        this.client = client;
    }

    static QueryTuning defaults() {
        return new QueryTuning(null, UnaryOperator.identity());
    }
}
