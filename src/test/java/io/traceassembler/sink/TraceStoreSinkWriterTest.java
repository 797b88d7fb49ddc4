package io.traceassembler.sink;

import io.traceassembler.sink.TraceStoreSinkWriter.Outcome;

import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequest;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequestType;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class TraceStoreSinkWriterTest {

    private static DynamoDbWriteRequest put(String traceId, int revision, String marker) {
        return DynamoDbWriteRequest.builder()
                .setType(DynamoDbWriteRequestType.PUT)
                .setItem(
                        Map.of(
                                TraceItems.TRACE_ID,
                                AttributeValue.builder().s(traceId).build(),
                                TraceItems.REVISION,
                                AttributeValue.builder().n(Integer.toString(revision)).build(),
                                "marker",
                                AttributeValue.builder().s(marker).build()))
                .build();
    }

    private static List<String> markers(List<DynamoDbWriteRequest> entries) {
        return entries.stream()
                .map(e -> e.getItem().get("marker").s())
                .collect(Collectors.toList());
    }

    @Test
    void aBatchKeepsTheHighestRevisionOfEachTraceAndTheLastOfEqualOnes() {
        // a: revisions 1, 3, 2 -> 3 wins although 2 comes later; b: 1 then 1 again (a restore
        // re-emits) -> the later one; c alone.
        List<DynamoDbWriteRequest> batch =
                List.of(
                        put("a", 1, "a1"),
                        put("b", 1, "b1-first"),
                        put("a", 3, "a3"),
                        put("c", 1, "c1"),
                        put("a", 2, "a2"),
                        put("b", 1, "b1-again"));

        assertThat(markers(TraceStoreSinkWriter.latestRevisions(batch)))
                .containsExactly("a3", "b1-again", "c1");
    }

    @Test
    void conditionFailuresAreStaleThrottlingAndNetworkAreRetriedValidationIsRejected() {
        assertThat(TraceStoreSinkWriter.outcome(null)).isEqualTo(Outcome.WRITTEN);
        assertThat(
                        TraceStoreSinkWriter.outcome(
                                new CompletionException(
                                        ConditionalCheckFailedException.builder()
                                                .statusCode(400)
                                                .message("The conditional request failed")
                                                .build())))
                .isEqualTo(Outcome.STALE);
        assertThat(
                        TraceStoreSinkWriter.outcome(
                                ProvisionedThroughputExceededException.builder()
                                        .statusCode(400)
                                        .build()))
                .as("throttling (a 400 DynamoDB marks as throttling)")
                .isEqualTo(Outcome.RETRY);
        assertThat(
                        TraceStoreSinkWriter.outcome(
                                DynamoDbException.builder()
                                        .statusCode(400)
                                        .awsErrorDetails(
                                                AwsErrorDetails.builder()
                                                        .errorCode("ThrottlingException")
                                                        .build())
                                        .build()))
                .as("throttling by error code")
                .isEqualTo(Outcome.RETRY);
        assertThat(
                        TraceStoreSinkWriter.outcome(
                                DynamoDbException.builder().statusCode(500).build()))
                .isEqualTo(Outcome.RETRY);
        assertThat(
                        TraceStoreSinkWriter.outcome(
                                new CompletionException(
                                        SdkClientException.create("Connection refused"))))
                .isEqualTo(Outcome.RETRY);
        assertThat(
                        TraceStoreSinkWriter.outcome(
                                DynamoDbException.builder()
                                        .statusCode(400)
                                        .message("Item size has exceeded the maximum allowed size")
                                        .build()))
                .isEqualTo(Outcome.REJECTED);
    }

    @Test
    void thePutIsConditionalOnTheStoredRevision() {
        PutItemRequest request =
                TraceStoreSinkWriter.ConditionalPuts.request("traces", put("a", 4, "a4").getItem());

        assertThat(request.conditionExpression())
                .isEqualTo("attribute_not_exists(#id) OR #revision <= :revision");
        assertThat(request.expressionAttributeNames())
                .containsEntry("#id", "trace_id")
                .containsEntry("#revision", "revision");
        assertThat(request.expressionAttributeValues().get(":revision").n()).isEqualTo("4");
    }

    @Test
    void itemSizeCountsNamesAndValues() {
        Map<String, AttributeValue> item =
                Map.of(
                        "trace_id", AttributeValue.builder().s("abcd").build(),
                        "span_count", AttributeValue.builder().n("12").build(),
                        "services", AttributeValue.builder().ss("a", "bc").build());
        // 8+4 + 10+2 + 8+3
        assertThat(TraceItems.estimatedSizeInBytes(item)).isEqualTo(35);
    }
}
