package io.traceassembler.config;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PropertyGroupsTest {

    @TempDir Path tmp;

    private Path json(String text) throws Exception {
        Path file = tmp.resolve("props.json");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void setSplitsAtTheFirstDotAndTheFirstEquals() {
        PropertyGroups g =
                PropertyGroups.empty()
                        .set("SpanSource.stream.name=spans")
                        .set("TraceAssembly.session.gap=1.5 s")
                        .set("SpanSource.aws.endpoint=http://localhost:4567/?a=b");

        assertThat(g.group("SpanSource").getProperty("stream.name")).isEqualTo("spans");
        assertThat(g.group("TraceAssembly").getProperty("session.gap")).isEqualTo("1.5 s");
        assertThat(g.group("SpanSource").getProperty("aws.endpoint"))
                .isEqualTo("http://localhost:4567/?a=b");
    }

    @Test
    void laterSetReplacesEarlierValue() {
        PropertyGroups g =
                PropertyGroups.empty()
                        .set("Insights.slow.trace.threshold.ms=1")
                        .set("Insights", "slow.trace.threshold.ms", "2");
        assertThat(g.group("Insights").getProperty("slow.trace.threshold.ms")).isEqualTo("2");
    }

    @Test
    void malformedSetIsRejectedShowingTheArgument() {
        for (String bad :
                new String[] {"noequals", "nodot=x", ".key=v", "Group.=v", "=v", "Group=a.b"}) {
            assertThatThrownBy(() -> PropertyGroups.empty().set(bad))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("Group.key=value")
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void ofCopiesTheGivenMap() {
        Properties p = new Properties();
        p.setProperty("table.name", "t1");
        Map<String, Properties> source = new LinkedHashMap<>();
        source.put("TraceStore", p);

        PropertyGroups g = PropertyGroups.of(source);
        p.setProperty("table.name", "changed");

        assertThat(g.group("TraceStore").getProperty("table.name")).isEqualTo("t1");
        assertThat(TraceAssemblerConfig.from(g).traceStore.tableName).isEqualTo("t1");
    }

    @Test
    void jsonFileValuesOfAnyScalarTypeBecomeStrings() throws Exception {
        Path file =
                json(
                        "[{\"PropertyGroupId\": \"TraceAssembly\", \"PropertyMap\": {\"max.spans.per.trace\": 500, \"session.gap\": \"10 s\"}},"
                                + " {\"PropertyGroupId\": \"InsightMetrics\", \"PropertyMap\": {\"enabled\": false}}]");

        PropertyGroups g = PropertyGroups.fromJsonFile(file);

        assertThat(g.group("TraceAssembly").getProperty("max.spans.per.trace")).isEqualTo("500");
        assertThat(g.group("InsightMetrics").getProperty("enabled")).isEqualTo("false");
        TraceAssemblerConfig c = TraceAssemblerConfig.from(g);
        assertThat(c.traceAssembly.maxSpansPerTrace).isEqualTo(500);
        assertThat(c.insightMetrics.enabled).isFalse();
        // The Managed Flink runtime library reads the same file to the same groups.
        assertThat(KinesisAnalyticsRuntime.getApplicationProperties(file.toString()))
                .isEqualTo(g.asMap());
    }

    @Test
    void emptyArrayIsAllDefaults() throws Exception {
        PropertyGroups g = PropertyGroups.fromJsonFile(json("[]"));
        assertThat(g.asMap()).isEmpty();
        assertThat(TraceAssemblerConfig.from(g).traceStore.tableName)
                .isEqualTo("distributed-traces");
    }

    @Test
    void fileThatIsNotAnArrayIsRejectedNamingTheFile() throws Exception {
        Path file = json("{\"SpanSource\": {\"stream.name\": \"x\"}}");
        assertThatThrownBy(() -> PropertyGroups.fromJsonFile(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContainingAll(file.toString(), "JSON array", "PropertyGroupId");
    }

    @Test
    void entryWithoutGroupIdOrMapIsRejectedShowingTheEntry() throws Exception {
        Path file =
                json(
                        "[{\"PropertyGroupId\": \"SpanSource\", \"PropertyMap\": {}}, {\"PropertyMap\": {\"a\": \"b\"}}]");
        assertThatThrownBy(() -> PropertyGroups.fromJsonFile(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContainingAll(file.toString(), "PropertyGroupId", "\"a\"");

        Path noMap = json("[{\"PropertyGroupId\": \"SpanSource\", \"PropertyMap\": [1, 2]}]");
        assertThatThrownBy(() -> PropertyGroups.fromJsonFile(noMap))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("object PropertyMap");
    }

    @Test
    void missingOrMalformedFileIsRejectedNamingTheFile() throws Exception {
        Path missing = tmp.resolve("nope.json");
        assertThatThrownBy(() -> PropertyGroups.fromJsonFile(missing))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(missing.toString());

        Path broken = json("[{\"PropertyGroupId\": ");
        assertThatThrownBy(() -> PropertyGroups.fromJsonFile(broken))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(broken.toString());
    }
}
