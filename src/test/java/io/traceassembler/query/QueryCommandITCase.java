package io.traceassembler.query;

import io.traceassembler.local.AwsAdmin;
import io.traceassembler.local.Emulators;
import io.traceassembler.model.TraceSummary;
import io.traceassembler.sink.TraceItems;
import io.traceassembler.testing.LocalEmulators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code query} against dynalite, on a table made by {@link AwsAdmin} and filled with the items
 * {@link TraceItems#toItem} makes of hand-built summaries. "Now" is fixed at 12:00.
 */
class QueryCommandITCase {
    @RegisterExtension static final LocalEmulators EMULATORS = LocalEmulators.dynamoDbOnly();

    private static final String TABLE = "traces-query-it";
    private static final Instant NOW = Instant.parse("2026-01-05T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** checkout-00 (11:00) .. checkout-11 (11:11), one a minute, no insight. */
    private static final int CHECKOUT_TRACES = 12;

    private static final List<TraceSummary> INSIGHT_TRACES = new ArrayList<>();

    /** Every request the command's client sent, by SDK request class name. */
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void fillTheTable() {
        AwsAdmin admin = EMULATORS.dynamoDbAdmin();
        admin.createTraceTable(TABLE);
        for (int i = 0; i < CHECKOUT_TRACES; i++) {
            put(
                    QueryFixtures.trace(
                            String.format("checkout-%02d", i),
                            at("11:00").plus(Duration.ofMinutes(i)),
                            100 + i,
                            "checkout",
                            List.of("cart", "checkout"),
                            0,
                            null));
        }
        // Primary insight (the most severe) in brackets.
        INSIGHT_TRACES.add(insightTrace("slow", "11:30", 6000, 0, 3, "slow_trace")); // [slow_trace]
        INSIGHT_TRACES.add(
                insightTrace(
                        "slow-errors",
                        "11:40",
                        7000,
                        2,
                        3,
                        "slow_trace",
                        "trace_errors")); // [trace_errors]
        INSIGHT_TRACES.add(insightTrace("errors", "11:35", 50, 1, 3, "trace_errors"));
        INSIGHT_TRACES.add(insightTrace("fanout", "11:20", 50, 0, 7, "high_service_count"));
        INSIGHT_TRACES.add(
                insightTrace(
                        "slow-fanout",
                        "11:25",
                        8000,
                        0,
                        7,
                        "high_service_count",
                        "slow_trace")); // [slow_trace]
        INSIGHT_TRACES.add(
                insightTrace(
                        "errors-fanout",
                        "11:45",
                        60,
                        4,
                        8,
                        "high_service_count",
                        "trace_errors")); // [trace_errors]
        INSIGHT_TRACES.forEach(QueryCommandITCase::put);
        // Two days old: outside --since 1h, inside "any time".
        put(
                QueryFixtures.trace(
                        "checkout-old",
                        NOW.minus(Duration.ofDays(2)),
                        100,
                        "checkout",
                        List.of("checkout"),
                        0,
                        null));
    }

    /** Rooted in "frontend"; errors' root cause in "payments" (a big one) or "inventory". */
    private static TraceSummary insightTrace(
            String id, String start, double ms, int errors, int services, String... insights) {
        List<String> names = new ArrayList<>();
        names.add("frontend");
        for (int i = 1; i < services; i++) {
            names.add("svc-" + i);
        }
        return QueryFixtures.trace(
                id,
                at(start),
                ms,
                "frontend",
                names,
                errors,
                errors > 1 ? "payments" : "inventory",
                insights);
    }

    private static void put(TraceSummary trace) {
        EMULATORS
                .dynamoDbAdmin()
                .dynamoDb()
                .putItem(r -> r.tableName(TABLE).item(TraceItems.toItem(trace, 30)));
    }

    private static Instant at(String hhmm) {
        return Instant.parse("2026-01-05T" + hhmm + ":00Z");
    }

    // --- filters, order, pagination

    @Test
    void serviceListsItsTracesNewestFirstThroughTheIndexPagingPastOnePage() throws Exception {
        Result result = query(tuning(5), "traces", "--service", "checkout", "--json");

        assertThat(result.exit).as(result.err).isZero();
        assertThat(result.traceIds())
                .containsExactly(
                        "checkout-11",
                        "checkout-10",
                        "checkout-09",
                        "checkout-08",
                        "checkout-07",
                        "checkout-06",
                        "checkout-05",
                        "checkout-04",
                        "checkout-03",
                        "checkout-02",
                        "checkout-01",
                        "checkout-00",
                        "checkout-old");
        // 13 items in pages of 5: three Query pages (the third one short), never a Scan.
        assertThat(requests).containsExactly("QueryRequest", "QueryRequest", "QueryRequest");
    }

    @Test
    void limitStopsReadingOnceEnoughTracesAreThere() throws Exception {
        Result result =
                query(tuning(2), "traces", "--service", "checkout", "--limit", "3", "--json");

        assertThat(result.traceIds()).containsExactly("checkout-11", "checkout-10", "checkout-09");
        assertThat(requests).containsExactly("QueryRequest", "QueryRequest");
    }

    @Test
    void theDefaultLimitIsTwenty() throws Exception {
        for (int i = 0; i < 10; i++) {
            put(
                    QueryFixtures.trace(
                            "search-" + i,
                            at("10:00").plus(Duration.ofSeconds(i)),
                            10,
                            "search",
                            List.of("search"),
                            0,
                            null));
            put(
                    QueryFixtures.trace(
                            "search-b" + i,
                            at("10:30").plus(Duration.ofSeconds(i)),
                            10,
                            "search",
                            List.of("search"),
                            0,
                            null));
            put(
                    QueryFixtures.trace(
                            "search-c" + i,
                            at("09:00").plus(Duration.ofSeconds(i)),
                            10,
                            "search",
                            List.of("search"),
                            0,
                            null));
        }
        Result result = query(tuning(7), "traces", "--service", "search", "--json");

        assertThat(result.traceIds()).hasSize(20).startsWith("search-b9").endsWith("search-0");
    }

    @Test
    void anInsightListsEveryTraceThatHasItWhateverItsPrimaryInsight() throws Exception {
        // slow_trace is primary for "slow" and "slow-fanout", but "slow-errors" sits under
        // trace_errors.
        assertThat(query(tuning(1), "traces", "--insight", "slow_trace", "--json").traceIds())
                .containsExactly("slow-errors", "slow", "slow-fanout");
        assertThat(requests).doesNotContain("ScanRequest");
        assertThat(
                        query(tuning(2), "traces", "--insight", "high_service_count", "--json")
                                .traceIds())
                .containsExactly("errors-fanout", "slow-fanout", "fanout");
        assertThat(query(tuning(null), "traces", "--insight", "trace_errors", "--json").traceIds())
                .containsExactly("errors-fanout", "slow-errors", "errors");
    }

    @Test
    void aRootCauseListsTheTracesWhoseErrorsStartThere() throws Exception {
        assertThat(query(tuning(null), "traces", "--root-cause", "payments", "--json").traceIds())
                .containsExactly("errors-fanout", "slow-errors");
        assertThat(query(tuning(null), "traces", "--root-cause", "inventory", "--json").traceIds())
                .containsExactly("errors");
        Result none = query(tuning(null), "traces", "--root-cause", "nowhere");
        assertThat(none.exit).isZero();
        assertThat(none.out).isEmpty();
        assertThat(none.err)
                .isEqualTo(
                        "query: no traces with root-cause service 'nowhere', started any time, in table '"
                                + TABLE
                                + "'\n");
    }

    // --- time ranges

    @Test
    void sinceCountsBackFromNow() throws Exception {
        assertThat(
                        query(
                                        tuning(null),
                                        "traces",
                                        "--service",
                                        "checkout",
                                        "--since",
                                        "1h",
                                        "--json")
                                .traceIds())
                .hasSize(CHECKOUT_TRACES)
                .doesNotContain("checkout-old");
        assertThat(
                        query(
                                        tuning(null),
                                        "traces",
                                        "--insight",
                                        "slow_trace",
                                        "--since",
                                        "30m",
                                        "--json")
                                .traceIds())
                .containsExactly("slow-errors", "slow");
    }

    @Test
    void fromAndToBoundTheStartTimeBothEndsIncluded() throws Exception {
        assertThat(
                        query(
                                        tuning(2),
                                        "traces",
                                        "--service",
                                        "checkout",
                                        "--from",
                                        "2026-01-05T11:03:00Z",
                                        "--to",
                                        "2026-01-05T13:05:00+02:00",
                                        "--json")
                                .traceIds())
                .containsExactly("checkout-05", "checkout-04", "checkout-03");
        assertThat(
                        query(
                                        tuning(null),
                                        "traces",
                                        "--insight",
                                        "high_service_count",
                                        "--to",
                                        "2026-01-05T11:24:59.999Z",
                                        "--json")
                                .traceIds())
                .containsExactly("fanout"); // slow-fanout starts at 11:25:00.000
    }

    // --- output

    @Test
    void jsonLinesAreTheReplayLinesOfTheStoredTraces() throws Exception {
        Result result = query(tuning(null), "traces", "--insight", "trace_errors", "--json");

        List<String> lines = result.out.lines().collect(Collectors.toList());
        assertThat(lines).hasSize(3);
        for (String line : lines) {
            JsonNode json = JSON.readTree(line);
            TraceSummary stored =
                    INSIGHT_TRACES.stream()
                            .filter(t -> t.traceId.equals(json.get("trace_id").asText()))
                            .findFirst()
                            .orElseThrow();
            assertThat(line).isEqualTo(TraceItems.toJsonLine(stored, 30));
            assertThat(json.get("insights").isArray()).isTrue();
            assertThat(json.get("duration_ms").isNumber()).isTrue();
        }
    }

    @Test
    void theDefaultOutputIsATableWithAHeaderAndOneRowPerTrace() throws Exception {
        Result result = query(tuning(null), "traces", "--root-cause", "payments");

        List<String> lines = result.out.lines().collect(Collectors.toList());
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0))
                .startsWith("START (UTC)               TRACE ID       DURATION MS  SPANS");
        assertThat(lines.get(1))
                .startsWith(
                        "2026-01-05T11:45:00.000Z  errors-fanout         60.0     16         8       4  frontend")
                .contains("payments (POST /payments)", "high_service_count,trace_errors");
        assertThat(lines.get(2)).startsWith("2026-01-05T11:40:00.000Z  slow-errors ");
    }

    @Test
    void oneTraceByIdAsFieldsOrAsItsJsonLine() throws Exception {
        Result fields = query(tuning(null), "trace", "slow-errors");
        assertThat(fields.exit).isZero();
        assertThat(fields.out)
                .contains("trace_id              slow-errors\n")
                .contains("insights              slow_trace, trace_errors\n")
                .contains("root_cause_service    payments\n");
        assertThat(requests).containsExactly("GetItemRequest");

        Result json = query(tuning(null), "trace", "slow-errors", "--json");
        assertThat(json.out).isEqualTo(TraceItems.toJsonLine(INSIGHT_TRACES.get(1), 30) + "\n");

        Result missing = query(tuning(null), "trace", "no-such-trace");
        assertThat(missing.exit).isEqualTo(1);
        assertThat(missing.err)
                .isEqualTo("query: no trace 'no-such-trace' in table '" + TABLE + "'\n");
    }

    @Test
    void scanReadsTheWholeTableOnlyWhenAskedAndSaysSo() throws Exception {
        Result result = query(tuning(4), "traces", "--scan", "--limit", "3", "--json");

        assertThat(result.exit).isZero();
        assertThat(result.traceIds()).containsExactly("errors-fanout", "slow-errors", "errors");
        assertThat(result.err).startsWith("query: --scan: reading the whole table '" + TABLE + "'");
        assertThat(requests).isNotEmpty().allMatch("ScanRequest"::equals);

        requests.clear();
        assertThat(
                        query(tuning(4), "traces", "--scan", "--insight", "slow_trace", "--json")
                                .traceIds())
                .containsExactly("slow-errors", "slow", "slow-fanout");
    }

    // --- errors: one line on stderr, exit 2

    @Test
    void noFilterSaysWhichFlagsExist() throws Exception {
        Result result = query(tuning(null), "traces", "--since", "1h");

        assertOneLineError(
                result,
                "query: give a filter: --service S, --insight TYPE or --root-cause S (or --scan to read the whole table)");
        assertThat(requests).isEmpty();
    }

    @Test
    void twoFiltersAreRejected() throws Exception {
        Result result = query(tuning(null), "traces", "--service", "a", "--insight", "slow_trace");

        assertThat(result.exit).isEqualTo(2);
        assertThat(result.err)
                .contains("mutually exclusive")
                .contains("(see: query traces --help)");
        assertThat(result.err.lines()).hasSize(1);
    }

    @Test
    void badTimeRangesAreNamed() throws Exception {
        assertOneLineError(
                query(tuning(null), "traces", "--service", "checkout", "--since", "5x"),
                "query: --since '5x' is not a duration: use e.g. 30m, 1h, 2d, 1h30m (units ms, s, m, h, d) or ISO-8601 PT1H");
        assertOneLineError(
                query(tuning(null), "traces", "--service", "checkout", "--from", "yesterday"),
                "query: --from 'yesterday' is not an ISO-8601 time: use e.g. 2026-01-05T10:00:00Z, 2026-01-05T12:00:00+02:00 or 2026-01-05 (UTC)");
        assertOneLineError(
                query(
                        tuning(null),
                        "traces",
                        "--service",
                        "checkout",
                        "--from",
                        "2026-01-05T11:00:00Z",
                        "--to",
                        "2026-01-05T10:00:00Z"),
                "query: --from 2026-01-05T11:00:00Z is after --to 2026-01-05T10:00:00Z");
        assertThat(requests).isEmpty();
    }

    @Test
    void aMissingTableIsNamedWithTheEndpoint() throws Exception {
        Result result =
                query(
                        tuning(null),
                        "traces",
                        "--service",
                        "checkout",
                        "--set",
                        "TraceStore.table.name=no-such-table");

        assertOneLineError(
                result,
                "query: DynamoDB table 'no-such-table' not found in region us-east-1 at endpoint "
                        + EMULATORS.dynamoDbEndpoint()
                        + ": create it (the terraform module in terraform/ does, scripts/run-local.sh for the local stack) or set TraceStore.table.name");
    }

    @Test
    void aMissingIndexIsNamedWithWhatCreatesIt() throws Exception {
        String table = "traces-without-indexes";
        DynamoDbClient dynamoDb = EMULATORS.dynamoDbAdmin().dynamoDb();
        dynamoDb.createTable(
                r ->
                        r.tableName(table)
                                .billingMode(BillingMode.PAY_PER_REQUEST)
                                .attributeDefinitions(
                                        AttributeDefinition.builder()
                                                .attributeName(TraceItems.TRACE_ID)
                                                .attributeType(ScalarAttributeType.S)
                                                .build())
                                .keySchema(
                                        KeySchemaElement.builder()
                                                .attributeName(TraceItems.TRACE_ID)
                                                .keyType(KeyType.HASH)
                                                .build()));

        Result result =
                query(
                        tuning(null),
                        "traces",
                        "--insight",
                        "slow_trace",
                        "--set",
                        "TraceStore.table.name=" + table);

        assertOneLineError(
                result,
                "query: DynamoDB table '"
                        + table
                        + "' in region us-east-1 at endpoint "
                        + EMULATORS.dynamoDbEndpoint()
                        + " has no index 'by-insight': the terraform module (terraform/dynamodb.tf) and the local stack (scripts/run-local.sh) create it; apply the current terraform/, or use --scan to read the whole table");
    }

    @Test
    void noCredentialsSaysWhereTheyComeFrom() throws Exception {
        // The SDK's own providers, finding nothing: an empty profile file, as on a machine without
        // an AWS setup.
        ProfileFile empty =
                ProfileFile.builder()
                        .content(new ByteArrayInputStream(new byte[0]))
                        .type(ProfileFile.Type.CREDENTIALS)
                        .build();
        QueryTuning noCredentials =
                new QueryTuning(
                        null,
                        builder ->
                                builder.credentialsProvider(
                                        AwsCredentialsProviderChain.of(
                                                ProfileCredentialsProvider.builder()
                                                        .profileFile(empty)
                                                        .profileName("default")
                                                        .build())),
                        null);

        Result result = query(noCredentials, "traces", "--service", "checkout");

        assertOneLineError(
                result,
                "query: no AWS credentials found for DynamoDB in region us-east-1 at endpoint "
                        + EMULATORS.dynamoDbEndpoint()
                        + ": configure them as for the AWS CLI (AWS_PROFILE, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, aws sso login), or for an emulator set TraceStore.aws.endpoint, or use --local for the local stack");
    }

    @Test
    void aBadConfigurationKeyIsOneLine() throws Exception {
        Result result =
                query(
                        tuning(null),
                        "traces",
                        "--service",
                        "checkout",
                        "--set",
                        "TraceStore.nope=1");

        assertThat(result.exit).isEqualTo(2);
        assertThat(result.err).startsWith("query: ").contains("nope");
        assertThat(result.err.lines()).hasSize(1);
    }

    // --- --local: dynalite on a data folder that outlives it

    @Test
    void localWithoutDataSaysToRunTheLocalStackFirst(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("dynamodb");
        Result result =
                run(
                        new QueryTuning(null, UnaryOperator.identity(), data),
                        "traces",
                        "--local",
                        "--insight",
                        "slow_trace");

        assertOneLineError(
                result,
                "query: no local trace table yet ("
                        + data
                        + " holds no dynalite data): run scripts/run-local.sh first");
    }

    @Test
    void localStartsDynaliteOnTheKeptDataAnswersAndStopsIt(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("dynamodb");
        // What a local run leaves behind: the table in dynalite's folder, dynalite gone.
        TraceSummary slow = INSIGHT_TRACES.get(0);
        try (Emulators previousRun =
                        new Emulators(Emulators.projectDirectory(), false, true)
                                .dynamoDbDataDirectory(data)
                                .start();
                AwsAdmin admin = new AwsAdmin("us-east-1", previousRun.dynamoDbEndpoint())) {
            admin.createTraceTable("distributed-traces"); // the local configuration's table
            admin.dynamoDb()
                    .putItem(
                            r ->
                                    r.tableName("distributed-traces")
                                            .item(TraceItems.toItem(slow, 30)));

            // While it runs, the folder is locked: a query says so instead of hanging.
            assertOneLineError(
                    run(
                            new QueryTuning(null, UnaryOperator.identity(), data),
                            "traces",
                            "--local",
                            "--insight",
                            "slow_trace"),
                    "query: "
                            + data
                            + " is in use by another dynalite (is scripts/run-local.sh still running?): query it when the run has finished");
        }
        List<ProcessHandle> before =
                ProcessHandle.current().children().collect(Collectors.toList());

        Result result =
                run(
                        new QueryTuning(null, UnaryOperator.identity(), data),
                        "traces",
                        "--local",
                        "--insight",
                        "slow_trace",
                        "--json");

        assertThat(result.exit).as(result.err).isZero();
        assertThat(result.out).isEqualTo(TraceItems.toJsonLine(slow, 30) + "\n");
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive))
                .as("the query's dynalite is stopped")
                .hasSameSizeAs(before.stream().filter(ProcessHandle::isAlive).toArray());
    }

    // --- helpers

    private static void assertOneLineError(Result result, String line) {
        assertThat(result.exit).as(result.err).isEqualTo(2);
        assertThat(result.err).isEqualTo(line + "\n");
        assertThat(result.out).isEmpty();
    }

    /** Pages of {@code pageSize} items (null: the command's own), requests recorded. */
    private QueryTuning tuning(Integer pageSize) {
        requests.clear();
        ExecutionInterceptor recorder =
                new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(
                            Context.BeforeExecution context, ExecutionAttributes attributes) {
                        requests.add(context.request().getClass().getSimpleName());
                    }
                };
        return new QueryTuning(
                pageSize,
                builder -> builder.overrideConfiguration(c -> c.addExecutionInterceptor(recorder)),
                null);
    }

    /**
     * {@code query SUBCOMMAND ...} on the test table of dynalite; a test's own {@code --set} comes
     * later and wins.
     */
    private static Result query(QueryTuning tuning, String subcommand, String... args) {
        List<String> all = new ArrayList<>();
        all.add(subcommand);
        all.addAll(
                List.of(
                        "--set",
                        "TraceStore.table.name=" + TABLE,
                        "--set",
                        "TraceStore.aws.region=us-east-1",
                        "--set",
                        "TraceStore.aws.endpoint=" + EMULATORS.dynamoDbEndpoint()));
        all.addAll(List.of(args));
        return run(tuning, all.toArray(new String[0]));
    }

    private static Result run(QueryTuning tuning, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit =
                QueryCommand.run(
                        args,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        tuning,
                        CLOCK);
        return new Result(
                exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static final class Result {
        final int exit;
        final String out;
        final String err;

        Result(int exit, String out, String err) {
            this.exit = exit;
            this.out = out;
            this.err = err;
        }

        /** The trace ids of --json output, in order. */
        List<String> traceIds() throws Exception {
            assertThat(exit).as(err).isZero();
            List<String> ids = new ArrayList<>();
            for (String line : out.lines().collect(Collectors.toList())) {
                Map<?, ?> json = JSON.readValue(line, Map.class);
                ids.add((String) json.get("trace_id"));
            }
            return ids;
        }
    }
}
