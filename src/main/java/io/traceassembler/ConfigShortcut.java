package io.traceassembler;

import io.traceassembler.config.ConfigDocs;
import io.traceassembler.config.OptionGroup;
import io.traceassembler.config.PropertyGroups;

import org.apache.flink.configuration.ConfigOption;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.List;

/**
 * A command-line flag that stands for one configuration key: {@code --session-gap 10s} is {@code
 * --set TraceAssembly.session.gap=10s}. Its help text is the key's declared description and
 * default.
 */
final class ConfigShortcut {
    final String flag;
    final String paramLabel;
    final OptionGroup group;
    final ConfigOption<?> option;

    ConfigShortcut(String flag, String paramLabel, OptionGroup group, ConfigOption<?> option) {
        this.flag = flag;
        this.paramLabel = paramLabel;
        this.group = group;
        this.option = option;
    }

    /** Adds the flags to a command, in the order given. */
    static void addAll(CommandSpec command, List<ConfigShortcut> shortcuts) {
        for (ConfigShortcut s : shortcuts) {
            command.addOption(
                    OptionSpec.builder(s.flag)
                            .paramLabel(s.paramLabel)
                            .type(String.class)
                            .description(ConfigDocs.describe(s.group, s.option))
                            .build());
        }
    }

    /** Sets the key of every shortcut given on the command line. */
    static void applyAll(
            CommandSpec command, List<ConfigShortcut> shortcuts, PropertyGroups groups) {
        for (ConfigShortcut s : shortcuts) {
            String value = command.findOption(s.flag).getValue();
            if (value != null) {
                groups.set(s.group.id, s.option.key(), value);
            }
        }
    }
}
