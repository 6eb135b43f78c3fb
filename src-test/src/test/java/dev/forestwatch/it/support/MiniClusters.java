package dev.forestwatch.it.support;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The MiniCluster the integration tests and benchmarks share: one TaskManager, two slots. */
public final class MiniClusters {
    private MiniClusters() {}

    /** A fresh extension for one test class: register it as a static field. */
    public static MiniClusterExtension twoSlots() {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(2)
                        .build());
    }
}
