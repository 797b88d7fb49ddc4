package io.traceassembler.sink;

import io.traceassembler.config.PropertyGroups;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.local.AwsAdmin;
import io.traceassembler.model.TraceSummary;
import io.traceassembler.testing.LocalEmulators;
import io.traceassembler.testing.MetricProbe;
import io.traceassembler.testing.MiniClusters;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TraceStoreSinkITCase {
    @RegisterExtension
    @Order(1)
    static final LocalEmulators EMULATORS = LocalEmulators.dynamoDbOnly();

    @RegisterExtension
    @Order(2)
    static final MiniClusterExtension MINI_CLUSTER =
            MiniClusters.twoSlots(MetricProbe.configuration());

    private TraceAssemblerConfig.TraceStore traceStore(String table) {
        return TraceAssemblerConfig.from(
                        PropertyGroups.empty()
                                .set("TraceStore", "table.name", table)
                                .set("TraceStore", "aws.region", "us-east-1")
                                .set("TraceStore", "aws.endpoint", EMULATORS.dynamoDbEndpoint())
                                .set("TraceStore", "retention.days", "7"))
                .traceStore;
    }

    @Test
    void writesOneItemPerTraceAndTheLastRevisionWins() throws Exception {
        TraceAssemblerConfig.TraceStore config = traceStore("traces-it");
        try (AwsAdmin admin = new AwsAdmin(config.aws.region, config.aws.endpoint)) {
            admin.createTraceTable(config.tableName);
            admin.createTraceTable(config.tableName); // idempotent
            TableDescription table =
                    admin.dynamoDb().describeTable(r -> r.tableName(config.tableName)).table();
            assertThat(table.globalSecondaryIndexes())
                    .extracting(GlobalSecondaryIndexDescription::indexName)
                    .containsExactlyInAnyOrder(
                            AwsAdmin.INDEX_BY_ROOT_SERVICE,
                            AwsAdmin.INDEX_BY_INSIGHT,
                            AwsAdmin.INDEX_BY_ROOT_CAUSE);

            TraceStoreSink.verifyTableExists(config);

            TraceSummary full = TraceItemsTest.fullSummary();
            TraceSummary minimal = TraceItemsTest.minimalSummary();
            TraceSummary firstRevision = TraceItemsTest.fullSummary();
            firstRevision.revision = 1;
            firstRevision.spanCount = 3;

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            // No disableGenericTypes(): TraceSummary's List fields are generic (Kryo) types in
            // Flink 1.20.
            env.fromData(TraceSummary.class, firstRevision, minimal, full)
                    .sinkTo(TraceStoreSink.create(config));
            env.execute("trace-store-sink-it");

            List<Map<String, AttributeValue>> items =
                    admin.dynamoDb().scan(r -> r.tableName(config.tableName)).items();
            Map<String, Map<String, AttributeValue>> byId =
                    items.stream()
                            .collect(
                                    Collectors.toMap(
                                            i -> i.get("trace_id").s(), Function.identity()));
            assertThat(byId).containsOnlyKeys("trace-1", "trace-2");
            assertThat(byId.get("trace-1")).isEqualTo(TraceItems.toItem(full, 7));
            assertThat(byId.get("trace-1").get("revision").n()).isEqualTo("3");
            assertThat(byId.get("trace-1").get("span_count").n()).isEqualTo("7");
            assertThat(byId.get("trace-2")).isEqualTo(TraceItems.toItem(minimal, 7));
            assertThat(byId.get("trace-2"))
                    .doesNotContainKeys("services", "insights", "primary_insight");

            // The sparse GSI holds only traces with an insight.
            List<Map<String, AttributeValue>> errors =
                    admin.dynamoDb()
                            .query(
                                    r ->
                                            r.tableName(config.tableName)
                                                    .indexName(AwsAdmin.INDEX_BY_INSIGHT)
                                                    .keyConditionExpression("primary_insight = :i")
                                                    .expressionAttributeValues(
                                                            Map.of(
                                                                    ":i",
                                                                    AttributeValue.builder()
                                                                            .s("trace_errors")
                                                                            .build())))
                            .items();
            assertThat(errors).extracting(i -> i.get("trace_id").s()).containsExactly("trace-1");
        }
    }

    @Test
    void aRevisionDelayedBehindALaterOneNeverWinsAndAnEqualOneOverwrites() throws Exception {
        TraceAssemblerConfig.TraceStore config = traceStore("traces-revisions");
        try (AwsAdmin admin = new AwsAdmin(config.aws.region, config.aws.endpoint)) {
            admin.createTraceTable(config.tableName);
            TraceSummary later = TraceItemsTest.fullSummary();
            later.revision = 3;
            later.spanCount = 7;
            write(config, later);

            // Revision 2 arrives after 3 (it sat in a slower in-flight batch): skipped.
            TraceSummary delayed = TraceItemsTest.fullSummary();
            delayed.revision = 2;
            delayed.spanCount = 5;
            long staleBefore = MetricProbe.counterIncludingEnded("traceStoreStaleRevisionsSkipped");
            write(config, delayed);
            assertThat(
                            MetricProbe.counterIncludingEnded("traceStoreStaleRevisionsSkipped")
                                    - staleBefore)
                    .isEqualTo(1);
            assertThat(item(admin, config, later.traceId).get("span_count").n()).isEqualTo("7");

            // Revision 3 again (a restore re-emits what the checkpoint had not acknowledged):
            // it overwrites.
            TraceSummary reEmitted = TraceItemsTest.fullSummary();
            reEmitted.revision = 3;
            reEmitted.spanCount = 8;
            write(config, reEmitted);
            assertThat(item(admin, config, later.traceId).get("span_count").n()).isEqualTo("8");
        }
    }

    private static void write(TraceAssemblerConfig.TraceStore config, TraceSummary... summaries)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(TraceSummary.class, summaries).sinkTo(TraceStoreSink.create(config));
        env.execute("trace-store-sink-revisions");
    }

    private static Map<String, AttributeValue> item(
            AwsAdmin admin, TraceAssemblerConfig.TraceStore config, String traceId) {
        return admin.dynamoDb()
                .getItem(
                        r ->
                                r.tableName(config.tableName)
                                        .key(
                                                Map.of(
                                                        "trace_id",
                                                        AttributeValue.builder()
                                                                .s(traceId)
                                                                .build()))
                                        .consistentRead(true))
                .item();
    }

    @Test
    void verifyTableExistsFailsClearlyOnAMissingTable() {
        TraceAssemblerConfig.TraceStore config = traceStore("no-such-table");
        assertThatThrownBy(() -> TraceStoreSink.verifyTableExists(config))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(
                        "DynamoDB table 'no-such-table' not found in region us-east-1 at endpoint "
                                + EMULATORS.dynamoDbEndpoint())
                .hasMessageContaining("create it (terraform/ does) or set TraceStore.table.name");
    }
}
