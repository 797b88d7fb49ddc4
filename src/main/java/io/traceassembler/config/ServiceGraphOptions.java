package io.traceassembler.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Keys of the {@code ServiceGraph} group: the edges between services of assembled traces
 * (docs/contracts.md, section 3a).
 */
public final class ServiceGraphOptions {
    public static final ConfigOption<Boolean> ENABLED =
            ConfigOptions.key("enabled")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "compute the service graph (ServiceGraphRequests, ServiceGraphRequestsFailed, "
                                    + "ServiceGraphLatency; DIR/service-graph/ in replay)");

    public static final ConfigOption<Integer> MAX_EDGES =
            ConfigOptions.key("max.edges")
                    .intType()
                    .defaultValue(1000)
                    .withDescription(
                            "distinct edges each subtask reports in the job's lifetime; further edges report "
                                    + "as Server=_other (bounds the number of CloudWatch series)");

    public static final OptionGroup GROUP = new OptionGroup("ServiceGraph", ENABLED, MAX_EDGES);

    private ServiceGraphOptions() {}
}
