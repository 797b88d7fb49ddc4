package io.traceassembler.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The README's configuration table is the one generated from the declarations, and declarations are
 * all read.
 */
class ConfigDocsTest {
    private static final Path README = Path.of("README.md");
    private static final String BEGIN =
            "<!-- configuration table: generated from the *Options classes by ConfigDocs -->\n";
    private static final String END = "<!-- end of configuration table -->";

    @Test
    void readmeTableIsGeneratedFromTheDeclarations() throws Exception {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        assertThat(begin).as("README.md has the marker line %s", BEGIN.trim()).isNotNegative();
        assertThat(end).as("README.md has the marker line %s", END).isGreaterThan(begin);
        String expected = ConfigDocs.markdownTable();
        if (Boolean.getBoolean("config-docs.update")) {
            Files.writeString(
                    README,
                    readme.substring(0, begin + BEGIN.length()) + expected + readme.substring(end),
                    StandardCharsets.UTF_8);
            return;
        }
        assertThat(readme.substring(begin + BEGIN.length(), end))
                .as(
                        "README.md's configuration table; regenerate it with: "
                                + "mvn test -Dtest=ConfigDocsTest -Dconfig-docs.update=true")
                .isEqualTo(expected);
    }

    @Test
    void everyDeclaredKeyIsInTheTableWithItsDefault() {
        String table = ConfigDocs.markdownTable();
        assertThat(table)
                .contains(
                        "| `SpanSource` | `stream.name` | `trace-spans` | Kinesis stream of spans |");
        assertThat(table).contains("| `TraceAssembly` | `session.gap` | `30 s` |");
        assertThat(table).contains("| `Insights` | `slow.trace.threshold.ms` | `5000` |");
        assertThat(table).contains("| | `cache.max.traces` | `65536` |");
        assertThat(table).contains("| | `initial.timestamp` | (none) |");
        // The region/endpoint pair is declared once and listed in each of the four groups with AWS
        // clients.
        assertThat(table.split("`aws.region`", -1)).hasSize(5);
        assertThat(table.split("`aws.endpoint`", -1)).hasSize(5);
    }

    @Test
    void aDeclaredKeyThatIsNeverReadFailsAtStart() {
        ConfigOption<String> forgotten =
                ConfigOptions.key("forgotten")
                        .stringType()
                        .defaultValue("x")
                        .withDescription("declared, documented, never read");
        ConfigOption<String> used =
                ConfigOptions.key("used").stringType().defaultValue("y").withDescription("read");
        ConfigReader reader = new ConfigReader(Map.of());
        ConfigReader.Group group = reader.group(new OptionGroup("Probe", used, forgotten));
        group.get(used);

        assertThatThrownBy(reader::finish)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Probe")
                .hasMessageContaining("forgotten");
    }

    @Test
    void aKeyThatIsReadButNotDeclaredFailsAtStart() {
        ConfigOption<String> declared =
                ConfigOptions.key("declared").stringType().defaultValue("x").withDescription("");
        ConfigOption<String> undeclared =
                ConfigOptions.key("undeclared").stringType().defaultValue("y").withDescription("");
        Properties given = new Properties();
        given.setProperty("undeclared", "z");
        ConfigReader.Group group =
                new ConfigReader(Map.of("Probe", given)).group(new OptionGroup("Probe", declared));

        assertThatThrownBy(() -> group.get(undeclared))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Probe.undeclared is read but not declared");
    }
}
