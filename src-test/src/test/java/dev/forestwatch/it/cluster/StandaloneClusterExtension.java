package dev.forestwatch.it.cluster;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Starts a {@link StandaloneCluster} for a test class under {@code target/cluster/<class>} and
 * stops it afterwards; when a test fails, the ends of the processes' logs are printed.
 */
public final class StandaloneClusterExtension
        implements BeforeAllCallback, AfterAllCallback, TestWatcher {
    private final int taskManagers;
    private final int slots;
    private final Map<String, String> settings;
    private StandaloneCluster cluster;

    public StandaloneClusterExtension(int taskManagers, int slots, Map<String, String> settings) {
        this.taskManagers = taskManagers;
        this.slots = slots;
        this.settings = settings;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path dir = Path.of("target", "cluster", context.getRequiredTestClass().getSimpleName());
        cluster = StandaloneCluster.start(dir.toAbsolutePath(), taskManagers, slots, settings);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (cluster != null) {
            System.err.println(
                    "cluster logs after the failure of "
                            + context.getDisplayName()
                            + ":\n"
                            + cluster.logTails(150));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    /** The running cluster; only valid while the test class runs. */
    public StandaloneCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("the cluster runs only while the test class runs");
        }
        return cluster;
    }
}
