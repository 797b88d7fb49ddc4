package io.traceassembler.config;

import io.traceassembler.config.TraceAssemblerConfig.InitialPosition;
import io.traceassembler.config.TraceAssemblerConfig.ReaderType;
import io.traceassembler.model.SpanFormat;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TraceAssemblerConfigTest {

    private static final Path LOCAL_PROPERTIES =
            Paths.get("flink-conf", "application-properties-local.json");

    private static String expectedDefaultRegion() {
        String env = System.getenv("AWS_REGION");
        return env == null || env.isBlank() ? AwsOptions.DEFAULT_REGION : env;
    }

    private static TraceAssemblerConfig with(String... assignments) {
        PropertyGroups groups = PropertyGroups.empty();
        for (String a : assignments) {
            groups.set(a);
        }
        return TraceAssemblerConfig.from(groups);
    }

    private static void assertRejected(String assignment, String... messageParts) {
        assertThatThrownBy(() -> with(assignment))
                .isInstanceOf(ConfigException.class)
                .hasMessageContainingAll(messageParts);
    }

    // ----------------------------------------------------------------------------------------------
    // Defaults
    // ----------------------------------------------------------------------------------------------

    @Test
    void settingsListEveryKeyWithTheValueInForce() {
        TraceAssemblerConfig config =
                TraceAssemblerConfig.from(
                        PropertyGroups.empty()
                                .set("TraceAssembly", "session.gap", "10 s")
                                .set("SpanSource", "reader", "efo"));

        assertThat(config.settings)
                .containsEntry("TraceAssembly.session.gap", "10 s")
                .containsEntry("TraceAssembly.allowed.lateness", "5 min")
                .containsEntry("SpanSource.reader", "efo")
                .containsEntry("SpanSource.format", "auto")
                .containsEntry("SpanSource.aws.endpoint", "(none)")
                .containsEntry("Insights.high.service.count.threshold", "5")
                .containsEntry("DeadLetters.include.record", "true");
        assertThat(config.settings.keySet()).first().isEqualTo("SpanSource.stream.name");
    }

    @Test
    void defaultsMatchTheContractsAndTheSeed() {
        TraceAssemblerConfig c = TraceAssemblerConfig.defaults();
        String region = expectedDefaultRegion();

        assertThat(c.spanSource.streamName).isEqualTo("trace-spans");
        assertThat(c.spanSource.aws.region).isEqualTo(region);
        assertThat(c.spanSource.aws.endpoint).isNull();
        assertThat(c.spanSource.initialPosition).isEqualTo(InitialPosition.LATEST);
        assertThat(c.spanSource.initialTimestamp).isNull();
        assertThat(c.spanSource.reader).isEqualTo(ReaderType.POLLING);
        assertThat(c.spanSource.efoConsumerName).isEqualTo("trace-assembler");
        assertThat(c.spanSource.format).isEqualTo(SpanFormat.AUTO);

        assertThat(c.traceAssembly.sessionGap).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.traceAssembly.maxOutOfOrderness).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.traceAssembly.idleness).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.traceAssembly.allowedLateness).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.traceAssembly.maxTraceDuration).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.traceAssembly.maxSpansPerTrace).isEqualTo(10_000);

        // The seed's thresholds: slow > 5000 ms, fan-out > 5 services.
        assertThat(c.insights.slowTraceThresholdMs).isEqualTo(5000.0);
        assertThat(c.insights.highServiceCountThreshold).isEqualTo(5);

        assertThat(c.traceStore.tableName).isEqualTo("distributed-traces");
        assertThat(c.traceStore.aws.region).isEqualTo(region);
        assertThat(c.traceStore.aws.endpoint).isNull();
        assertThat(c.traceStore.retentionDays).isEqualTo(30);

        assertThat(c.insightMetrics.namespace).isEqualTo("DistributedTracing/Insights");
        assertThat(c.insightMetrics.aws.region).isEqualTo(region);
        assertThat(c.insightMetrics.aws.endpoint).isNull();
        assertThat(c.insightMetrics.enabled).isTrue();

        assertThat(c.deadLetters.streamName).isNull();
        assertThat(c.deadLetters.aws.region).isEqualTo(region);
        assertThat(c.deadLetters.aws.endpoint).isNull();
        assertThat(c.deadLetters.includeRecord).isTrue();
    }

    @Test
    void deadLetterRecordsCanBeLeftOut() {
        assertThat(with("DeadLetters.include.record=false").deadLetters.includeRecord).isFalse();
        assertThat(with("DeadLetters.include.record=TRUE").deadLetters.includeRecord).isTrue();
        assertThat(with("DeadLetters.include.record= ").deadLetters.includeRecord).isTrue();
        assertRejected(
                "DeadLetters.include.record=no",
                "DeadLetters.include.record",
                "'no'",
                "true or false");
        // A typo in the key is reported with the known keys, this one among them.
        assertRejected(
                "DeadLetters.include.records=false",
                "Unknown key(s) [include.records]",
                "include.record");
    }

    @Test
    void serviceGraphAndSpanMetricsHaveTheContractsDefaultsAndCaps() {
        TraceAssemblerConfig c = TraceAssemblerConfig.defaults();
        assertThat(c.serviceGraph.enabled).isTrue();
        assertThat(c.serviceGraph.maxEdges).isEqualTo(1000);
        assertThat(c.spanMetrics.enabled).isTrue();
        assertThat(c.spanMetrics.operationDimension).isTrue();
        assertThat(c.spanMetrics.maxOperationsPerService).isEqualTo(50);

        TraceAssemblerConfig set =
                with(
                        "ServiceGraph.enabled=false",
                        "ServiceGraph.max.edges=20",
                        "SpanMetrics.operation.dimension=false",
                        "SpanMetrics.max.operations.per.service=3");
        assertThat(set.serviceGraph.enabled).isFalse();
        assertThat(set.serviceGraph.maxEdges).isEqualTo(20);
        assertThat(set.spanMetrics.operationDimension).isFalse();
        assertThat(set.spanMetrics.maxOperationsPerService).isEqualTo(3);
        assertRejected("ServiceGraph.max.edges=0", "ServiceGraph.max.edges", "'0'");
        assertRejected(
                "SpanMetrics.max.operations.per.service=-1",
                "SpanMetrics.max.operations.per.service",
                "'-1'");
        assertRejected("SpanMetrics.enabled=maybe", "SpanMetrics.enabled", "'maybe'");
    }

    @Test
    void blankValuesFallBackToDefaults() {
        TraceAssemblerConfig c =
                with(
                        "SpanSource.stream.name=  ",
                        "DeadLetters.stream.name=",
                        "TraceAssembly.session.gap= ");
        assertThat(c.spanSource.streamName).isEqualTo("trace-spans");
        assertThat(c.deadLetters.streamName).isNull();
        assertThat(c.traceAssembly.sessionGap).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void configIsSerializableForFlinkOperators() throws Exception {
        TraceAssemblerConfig c =
                with(
                        "SpanSource.initial.position=AT_TIMESTAMP",
                        "SpanSource.initial.timestamp=2026-01-31T12:00:00Z",
                        "TraceAssembly.session.gap=45 s");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(c);
        }
        TraceAssemblerConfig copy;
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (TraceAssemblerConfig) in.readObject();
        }
        assertThat(copy.spanSource.initialTimestamp)
                .isEqualTo(Instant.parse("2026-01-31T12:00:00Z"));
        assertThat(copy.traceAssembly.sessionGap).isEqualTo(Duration.ofSeconds(45));
    }

    // ----------------------------------------------------------------------------------------------
    // Sources of configuration: local JSON file, Managed Flink runtime, --set
    // ----------------------------------------------------------------------------------------------

    private static void assertLocalFileValues(TraceAssemblerConfig c) {
        // What the local file sets apart from the defaults: emulator endpoints, TRIM_HORIZON,
        // stream names.
        assertThat(c.spanSource.aws)
                .isEqualTo(new AwsEndpoint("us-east-1", "http://localhost:4567"));
        assertThat(c.spanSource.initialPosition).isEqualTo(InitialPosition.TRIM_HORIZON);
        assertThat(c.spanSource.efoConsumerName).isEqualTo("trace-assembler-local");
        assertThat(c.traceStore.aws)
                .isEqualTo(new AwsEndpoint("us-east-1", "http://localhost:4568"));
        assertThat(c.insightMetrics.aws)
                .isEqualTo(new AwsEndpoint("us-east-1", "http://localhost:4569"));
        assertThat(c.deadLetters.streamName).isEqualTo("trace-dead-letters");
        assertThat(c.deadLetters.aws)
                .isEqualTo(new AwsEndpoint("us-east-1", "http://localhost:4567"));
        // Every other key is at its default (the file spells several defaults out).
        Map<String, String> others = new TreeMap<>(c.settings);
        others.keySet()
                .removeIf(
                        key ->
                                key.endsWith(".aws.region")
                                        || key.endsWith(".aws.endpoint")
                                        || key.equals("SpanSource.initial.position")
                                        || key.equals("SpanSource.efo.consumer.name")
                                        || key.equals("DeadLetters.stream.name"));
        Map<String, String> defaults = new TreeMap<>(TraceAssemblerConfig.defaults().settings);
        defaults.keySet().retainAll(others.keySet());
        assertThat(others).isEqualTo(defaults);
    }

    @Test
    void localPropertiesFileParsesIntoEveryGroup() {
        PropertyGroups groups = PropertyGroups.fromJsonFile(LOCAL_PROPERTIES);

        assertThat(groups.asMap())
                .containsOnlyKeys(
                        "SpanSource",
                        "TraceAssembly",
                        "Insights",
                        "TraceStore",
                        "InsightMetrics",
                        "DeadLetters");
        assertLocalFileValues(TraceAssemblerConfig.from(groups));
    }

    @Test
    void managedFlinkRuntimeReadsTheSameFileToTheSameConfig() throws Exception {
        // The Managed Flink runtime library's own reader (the overload that takes a file name): the
        // local file must be in exactly the shape the service hands to the job.
        Map<String, Properties> msf =
                KinesisAnalyticsRuntime.getApplicationProperties(LOCAL_PROPERTIES.toString());

        assertThat(msf)
                .containsOnlyKeys(
                        "SpanSource",
                        "TraceAssembly",
                        "Insights",
                        "TraceStore",
                        "InsightMetrics",
                        "DeadLetters");
        assertThat(msf).isEqualTo(PropertyGroups.fromJsonFile(LOCAL_PROPERTIES).asMap());
        assertLocalFileValues(TraceAssemblerConfig.from(PropertyGroups.of(msf)));
    }

    @Test
    void setOverridesSingleKeysOfTheFile() {
        PropertyGroups groups =
                PropertyGroups.fromJsonFile(LOCAL_PROPERTIES)
                        .set("SpanSource.aws.endpoint=http://127.0.0.1:45000")
                        .set("SpanSource.reader=efo")
                        .set("TraceAssembly.session.gap=2 min")
                        .set("Insights.slow.trace.threshold.ms=1500.5")
                        .set("InsightMetrics.enabled=false")
                        .set("DeadLetters.stream.name=other-dlq");

        TraceAssemblerConfig c = TraceAssemblerConfig.from(groups);

        assertThat(c.spanSource.aws.endpoint).isEqualTo("http://127.0.0.1:45000");
        assertThat(c.spanSource.reader).isEqualTo(ReaderType.EFO);
        assertThat(c.traceAssembly.sessionGap).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.insights.slowTraceThresholdMs).isEqualTo(1500.5);
        assertThat(c.insightMetrics.enabled).isFalse();
        assertThat(c.deadLetters.streamName).isEqualTo("other-dlq");
        // Untouched keys keep the file's values.
        assertThat(c.traceStore.aws.endpoint).isEqualTo("http://localhost:4568");
        assertThat(c.traceAssembly.maxTraceDuration).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void acceptsTheDocumentedValueSpellings() {
        TraceAssemblerConfig c =
                with(
                        "SpanSource.initial.position=at_timestamp",
                        "SpanSource.initial.timestamp=1767225600000",
                        "SpanSource.format=zipkin-json",
                        "TraceAssembly.session.gap=500 ms",
                        "TraceAssembly.max.trace.duration=1 h",
                        "TraceAssembly.idleness=0 s",
                        "InsightMetrics.enabled=TRUE");

        assertThat(c.spanSource.initialPosition).isEqualTo(InitialPosition.AT_TIMESTAMP);
        assertThat(c.spanSource.initialTimestamp).isEqualTo(Instant.ofEpochMilli(1767225600000L));
        assertThat(c.spanSource.format).isEqualTo(SpanFormat.ZIPKIN_JSON);
        assertThat(c.traceAssembly.sessionGap).isEqualTo(Duration.ofMillis(500));
        assertThat(c.traceAssembly.maxTraceDuration).isEqualTo(Duration.ofHours(1));
        assertThat(c.traceAssembly.idleness).isZero();
        assertThat(c.insightMetrics.enabled).isTrue();
        assertThat(with("SpanSource.format=otlp_proto").spanSource.format)
                .isEqualTo(SpanFormat.OTLP_PROTO);
    }

    // ----------------------------------------------------------------------------------------------
    // Validation: every error names group, key and value
    // ----------------------------------------------------------------------------------------------

    @Test
    void badDurationIsRejected() {
        assertRejected(
                "TraceAssembly.session.gap=thirty seconds",
                "TraceAssembly.session.gap",
                "'thirty seconds'",
                "duration");
        assertRejected(
                "TraceAssembly.allowed.lateness=-5 s", "TraceAssembly.allowed.lateness", "'-5 s'");
        assertRejected(
                "TraceAssembly.idleness=5 fortnights", "TraceAssembly.idleness", "'5 fortnights'");
    }

    @Test
    void zeroSessionGapAndTooShortMaxTraceDurationAreRejected() {
        assertRejected(
                "TraceAssembly.session.gap=0 s", "TraceAssembly.session.gap", "greater than zero");
        assertThatThrownBy(
                        () ->
                                with(
                                        "TraceAssembly.session.gap=10 min",
                                        "TraceAssembly.max.trace.duration=5 min"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContainingAll(
                        "TraceAssembly.max.trace.duration", "longer than session.gap");
    }

    @Test
    void unknownKeyIsRejectedNamingGroupAndKey() {
        assertRejected("SpanSource.stream.nmae=x", "SpanSource", "stream.nmae", "known keys");
        assertRejected("TraceStore.endpoint=http://x", "TraceStore", "[endpoint]", "aws.endpoint");
    }

    @Test
    void unknownGroupIsRejectedNamingIt() {
        assertRejected("SpanSink.stream.name=x", "Unknown property group 'SpanSink'", "SpanSource");
        assertThatThrownBy(
                        () ->
                                TraceAssemblerConfig.from(
                                        PropertyGroups.empty()
                                                .set("FlinkApplicationProperties", "a", "b")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("FlinkApplicationProperties");
    }

    @Test
    void atTimestampWithoutTimestampIsRejected() {
        assertRejected(
                "SpanSource.initial.position=AT_TIMESTAMP",
                "SpanSource.initial.timestamp",
                "required",
                "AT_TIMESTAMP");
        assertThatThrownBy(
                        () ->
                                with(
                                        "SpanSource.initial.position=AT_TIMESTAMP",
                                        "SpanSource.initial.timestamp=yesterday"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContainingAll("SpanSource.initial.timestamp", "'yesterday'", "ISO-8601");
    }

    @Test
    void negativeAndZeroNumbersAreRejected() {
        assertRejected(
                "TraceAssembly.max.spans.per.trace=-1",
                "TraceAssembly.max.spans.per.trace",
                "'-1'",
                "greater than zero");
        assertRejected(
                "TraceAssembly.max.spans.per.trace=0", "TraceAssembly.max.spans.per.trace", "'0'");
        assertRejected(
                "Insights.slow.trace.threshold.ms=-5",
                "Insights.slow.trace.threshold.ms",
                "'-5'",
                ">= 0");
        assertRejected(
                "Insights.slow.trace.threshold.ms=NaN",
                "Insights.slow.trace.threshold.ms",
                "'NaN'");
        assertRejected(
                "Insights.high.service.count.threshold=-2",
                "Insights.high.service.count.threshold",
                "'-2'");
        assertRejected("TraceStore.retention.days=0", "TraceStore.retention.days", "'0'");
        assertRejected(
                "TraceStore.retention.days=ten",
                "TraceStore.retention.days",
                "'ten'",
                "whole number");
        assertRejected(
                "TraceAssembly.max.spans.per.trace=1.5",
                "TraceAssembly.max.spans.per.trace",
                "'1.5'");
    }

    @Test
    void badEnumAndBooleanValuesAreRejected() {
        assertRejected("SpanSource.reader=KAFKA", "SpanSource.reader", "'KAFKA'", "[POLLING, EFO]");
        assertRejected(
                "SpanSource.initial.position=EARLIEST",
                "SpanSource.initial.position",
                "'EARLIEST'",
                "LATEST",
                "TRIM_HORIZON",
                "AT_TIMESTAMP");
        assertRejected("SpanSource.format=xml", "SpanSource.format", "'xml'", "OTLP_PROTO");
        assertRejected(
                "InsightMetrics.enabled=yes", "InsightMetrics.enabled", "'yes'", "true or false");
    }
}
