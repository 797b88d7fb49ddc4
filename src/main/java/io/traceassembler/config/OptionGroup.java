package io.traceassembler.config;

import org.apache.flink.configuration.ConfigOption;

import java.util.List;

/**
 * One runtime property group: its id and the options it declares, in the order the docs list them.
 */
public final class OptionGroup {
    public final String id;
    public final List<ConfigOption<?>> options;

    public OptionGroup(String id, ConfigOption<?>... options) {
        this.id = id;
        this.options = List.of(options);
    }
}
