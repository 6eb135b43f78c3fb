package dev.forestwatch.connectors.kafka;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Validation helpers shared by the Kafka spec records; messages name the offending setting. */
final class SpecChecks {
    private SpecChecks() {}

    static String requireNonBlank(String value, String setting) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(setting + " is required but was not set");
        }
        return value;
    }

    /**
     * An unmodifiable, serializable, order-preserving copy; {@code null} becomes empty.
     *
     * <p>Null keys or values are rejected here rather than later inside the Kafka client, where the
     * error would not say which spec they came from.
     */
    static Map<String, String> copyProperties(Map<String, String> properties, String setting) {
        if (properties == null) {
            return Collections.emptyMap();
        }
        Map<String, String> copy = new LinkedHashMap<>();
        properties.forEach(
                (key, value) -> {
                    if (key == null || value == null) {
                        throw new IllegalArgumentException(
                                setting
                                        + " must not contain null keys or values (key "
                                        + key
                                        + ")");
                    }
                    copy.put(key, value);
                });
        return Collections.unmodifiableMap(copy);
    }

    /**
     * Rejects a pass-through property that contradicts a typed setting of the spec.
     *
     * <p>The same value is tolerated, because config files often repeat the bootstrap servers in
     * the client properties; a different value would otherwise be silently overridden.
     */
    static void rejectConflict(
            Map<String, String> properties, String key, Object typedValue, String typedSetting) {
        String passThrough = properties.get(key);
        if (passThrough != null && !Objects.equals(passThrough, String.valueOf(typedValue))) {
            throw new IllegalArgumentException(
                    "properties."
                            + key
                            + " ("
                            + passThrough
                            + ") contradicts "
                            + typedSetting
                            + " ("
                            + typedValue
                            + "); set it only via "
                            + typedSetting);
        }
    }
}
