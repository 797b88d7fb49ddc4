package io.traceassembler.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.Description;
import org.apache.flink.configuration.description.Formatter;
import org.apache.flink.configuration.description.TextElement;

import java.util.EnumSet;

/**
 * The configuration reference, generated from the declarations: the README's table is this output
 * (ConfigDocsTest fails when they differ), and the command-line help of flags that stand for a key
 * uses {@link #describe}.
 */
public final class ConfigDocs {
    private ConfigDocs() {}

    /** The Markdown table of every group and key: group, key, default, meaning. */
    public static String markdownTable() {
        StringBuilder out =
                new StringBuilder("| group | key | default | meaning |\n|---|---|---|---|\n");
        for (OptionGroup group : TraceAssemblerConfig.GROUPS) {
            boolean first = true;
            for (ConfigOption<?> option : group.options) {
                out.append(first ? "| `" + group.id + "` | `" : "| | `")
                        .append(option.key())
                        .append("` | ")
                        .append(
                                option.hasDefaultValue()
                                        ? "`" + ConfigReader.display(option.defaultValue()) + "`"
                                        : "(none)")
                        .append(" | ")
                        .append(text(option.description()).replace("|", "\\|"))
                        .append(" |\n");
                first = false;
            }
        }
        return out.toString();
    }

    /** One key's description and default, for a command-line flag that sets it. */
    public static String describe(OptionGroup group, ConfigOption<?> option) {
        String byDefault =
                option.hasDefaultValue()
                        ? " (default " + ConfigReader.display(option.defaultValue()) + ")"
                        : "";
        return text(option.description())
                + byDefault
                + ". Sets "
                + group.id
                + "."
                + option.key()
                + ".";
    }

    private static String text(Description description) {
        return new PlainText().format(description);
    }

    /** Flink's description elements as plain text (Flink ships an HTML formatter only). */
    private static final class PlainText extends Formatter {
        @Override
        protected void formatLink(StringBuilder state, String link, String description) {
            state.append(description).append(" (").append(link).append(')');
        }

        @Override
        protected void formatLineBreak(StringBuilder state) {
            state.append(' ');
        }

        @Override
        protected void formatText(
                StringBuilder state,
                String format,
                String[] elements,
                EnumSet<TextElement.TextStyle> styles) {
            state.append(String.format(format, (Object[]) elements));
        }

        @Override
        protected void formatList(StringBuilder state, String[] entries) {
            state.append(String.join("; ", entries));
        }

        @Override
        protected Formatter newInstance() {
            return new PlainText();
        }
    }
}
