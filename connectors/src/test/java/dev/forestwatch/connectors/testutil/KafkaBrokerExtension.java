package dev.forestwatch.connectors.testutil;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts one {@link KafkaBroker} for all tests of a class and stops it afterwards.
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
 * ... KAFKA.broker().bootstrapServers() ...
 * }</pre>
 *
 * <p>Tests sharing the broker should use unique topic names (and group ids).
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {
    private KafkaBroker broker;

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = KafkaBroker.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    /** The running broker; only valid while the test class runs. */
    public KafkaBroker broker() {
        if (broker == null) {
            throw new IllegalStateException("The Kafka broker runs only while the test class runs");
        }
        return broker;
    }
}
