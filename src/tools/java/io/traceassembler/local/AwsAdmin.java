package io.traceassembler.local;

import io.traceassembler.aws.AwsClients;
import io.traceassembler.config.AwsEndpoint;
import io.traceassembler.sink.TraceItems;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Creates the stream and table that the job needs, for emulators and local runs (Terraform does
 * this in AWS). SDK v2 sync clients, configured by {@link AwsClients}. Creation is idempotent: an
 * existing stream or table is left as it is.
 */
public final class AwsAdmin implements AutoCloseable {
    public static final String INDEX_BY_ROOT_SERVICE = "by-root-service";
    public static final String INDEX_BY_INSIGHT = "by-insight";
    public static final String INDEX_BY_ROOT_CAUSE = "by-root-cause";
    private static final Duration ACTIVE_TIMEOUT = Duration.ofSeconds(60);

    private final AwsEndpoint aws;
    private KinesisClient kinesis;
    private DynamoDbClient dynamoDb;

    /**
     * {@code endpoint} null for AWS itself; an emulator URL such as {@code http://127.0.0.1:4567}
     * otherwise.
     */
    public AwsAdmin(String region, String endpoint) {
        this.aws = new AwsEndpoint(region, endpoint);
    }

    /** Creates a Kinesis stream (if absent) and waits until it is ACTIVE. */
    public void createStream(String streamName, int shards) {
        KinesisClient client = kinesis();
        try {
            client.createStream(r -> r.streamName(streamName).shardCount(shards));
        } catch (
                software.amazon.awssdk.services.kinesis.model.ResourceInUseException
                        alreadyExists) {
            // idempotent
        }
        waitUntil(
                "Kinesis stream '" + streamName + "' ACTIVE",
                () ->
                        client.describeStreamSummary(r -> r.streamName(streamName))
                                        .streamDescriptionSummary()
                                        .streamStatus()
                                == StreamStatus.ACTIVE);
    }

    /**
     * Creates the trace table (if absent): partition key {@code trace_id}, on-demand billing, and
     * the GSIs {@code by-root-service} (root_service / start_epoch_ms) and {@code by-insight}
     * (primary_insight / start_epoch_ms; sparse, as only traces with an insight carry the key) and
     * {@code by-root-cause} (root_cause_service / start_epoch_ms; sparse: only traces with errors).
     * Waits until it is ACTIVE.
     */
    public void createTraceTable(String tableName) {
        DynamoDbClient client = dynamoDb();
        try {
            client.createTable(
                    r ->
                            r.tableName(tableName)
                                    .billingMode(BillingMode.PAY_PER_REQUEST)
                                    .attributeDefinitions(
                                            attribute(TraceItems.TRACE_ID, ScalarAttributeType.S),
                                            attribute(
                                                    TraceItems.ROOT_SERVICE, ScalarAttributeType.S),
                                            attribute(
                                                    TraceItems.PRIMARY_INSIGHT,
                                                    ScalarAttributeType.S),
                                            attribute(
                                                    TraceItems.ROOT_CAUSE_SERVICE,
                                                    ScalarAttributeType.S),
                                            attribute(
                                                    TraceItems.START_EPOCH_MS,
                                                    ScalarAttributeType.N))
                                    .keySchema(key(TraceItems.TRACE_ID, KeyType.HASH))
                                    .globalSecondaryIndexes(
                                            index(INDEX_BY_ROOT_SERVICE, TraceItems.ROOT_SERVICE),
                                            index(INDEX_BY_INSIGHT, TraceItems.PRIMARY_INSIGHT),
                                            index(
                                                    INDEX_BY_ROOT_CAUSE,
                                                    TraceItems.ROOT_CAUSE_SERVICE)));
        } catch (ResourceInUseException alreadyExists) {
            // idempotent
        }
        waitUntil(
                "DynamoDB table '" + tableName + "' ACTIVE",
                () ->
                        client.describeTable(r -> r.tableName(tableName)).table().tableStatus()
                                == software.amazon.awssdk.services.dynamodb.model.TableStatus
                                        .ACTIVE);
    }

    public DynamoDbClient dynamoDb() {
        if (dynamoDb == null) {
            dynamoDb = AwsClients.build(DynamoDbClient.builder(), aws);
        }
        return dynamoDb;
    }

    public KinesisClient kinesis() {
        if (kinesis == null) {
            kinesis = AwsClients.build(KinesisClient.builder(), aws);
        }
        return kinesis;
    }

    @Override
    public void close() {
        if (kinesis != null) {
            kinesis.close();
        }
        if (dynamoDb != null) {
            dynamoDb.close();
        }
    }

    private static AttributeDefinition attribute(String name, ScalarAttributeType type) {
        return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private static GlobalSecondaryIndex index(String name, String partitionKey) {
        return GlobalSecondaryIndex.builder()
                .indexName(name)
                .keySchema(
                        key(partitionKey, KeyType.HASH),
                        key(TraceItems.START_EPOCH_MS, KeyType.RANGE))
                .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                .build();
    }

    private static void waitUntil(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + ACTIVE_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "Timed out after " + ACTIVE_TIMEOUT + " waiting for " + what);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted waiting for " + what, e);
            }
        }
    }
}
