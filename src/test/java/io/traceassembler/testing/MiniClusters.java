package io.traceassembler.testing;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * The MiniCluster the tests run their jobs on, as Flink's own {@link MiniClusterExtension}: one
 * task manager with two slots (the tests' jobs run with parallelism 1 or 2). Use as
 * {@code @RegisterExtension static final MiniClusterExtension MINI_CLUSTER =
 * MiniClusters.twoSlots();}; a test that needs a cluster configuration (a metric reporter, a
 * restart strategy) passes it, one that needs another shape starts from {@link #configuration()}.
 */
public final class MiniClusters {
    private MiniClusters() {}

    /** The shared configuration builder: one task manager, two slots. */
    public static MiniClusterResourceConfiguration.Builder configuration() {
        return new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2);
    }

    public static MiniClusterExtension twoSlots() {
        return new MiniClusterExtension(configuration().build());
    }

    /** With {@code flinkConfiguration} as the cluster's configuration. */
    public static MiniClusterExtension twoSlots(Configuration flinkConfiguration) {
        return new MiniClusterExtension(
                configuration().setConfiguration(flinkConfiguration).build());
    }
}
