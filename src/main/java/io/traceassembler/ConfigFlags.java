package io.traceassembler;

import io.traceassembler.config.PropertyGroups;
import io.traceassembler.config.TraceAssemblerConfig;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The configuration flags every command shares: a runtime-properties JSON file and single-key
 * overrides. Public for the tools' commands (query) that read the same configuration as {@code
 * run}.
 */
public final class ConfigFlags {
    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "Runtime properties JSON ([{\"PropertyGroupId\": ..., \"PropertyMap\": {...}}]), "
                            + "as on Managed Flink. Default: built-in defaults.")
    Path configFile;

    @Option(
            names = "--set",
            paramLabel = "Group.key=value",
            description =
                    "Overrides one configuration key, e.g. --set TraceAssembly.session.gap='10 s'. Repeatable.")
    List<String> overrides = new ArrayList<>();

    /**
     * The file's groups (or none), then command-specific settings, then --set overrides, validated.
     */
    public TraceAssemblerConfig resolve(
            java.util.function.Consumer<PropertyGroups> commandSettings) {
        PropertyGroups groups =
                configFile == null
                        ? PropertyGroups.empty()
                        : PropertyGroups.fromJsonFile(configFile);
        commandSettings.accept(groups);
        overrides.forEach(groups::set);
        return TraceAssemblerConfig.from(groups);
    }
}
