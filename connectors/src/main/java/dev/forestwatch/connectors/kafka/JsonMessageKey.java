package dev.forestwatch.connectors.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Uses one top-level field of a JSON object value (for example {@code alert_id} or {@code
 * result_id}) as the message key.
 *
 * <p>Strings are used as they are, numbers and booleans as their JSON text, and nested objects or
 * arrays as their compact JSON. A missing or {@code null} field, a value that is not a JSON object,
 * or invalid JSON gives a {@code null} key rather than an exception: a key is a partitioning hint,
 * not worth failing an exactly-once job over.
 */
public final class JsonMessageKey implements MessageKeyFunction {
    private static final long serialVersionUID = 1L;

    private final String field;

    // Created lazily on the task manager; the mapper is thread-safe once configured.
    private transient ObjectMapper mapper;

    private JsonMessageKey(String field) {
        this.field = SpecChecks.requireNonBlank(field, "key field");
    }

    /** Keys messages by the top-level field {@code field}. */
    public static JsonMessageKey field(String field) {
        return new JsonMessageKey(field);
    }

    /** The name of the field the key is read from. */
    public String fieldName() {
        return field;
    }

    @Override
    public String keyOf(String value) {
        if (value == null) {
            return null;
        }
        if (mapper == null) {
            mapper = new ObjectMapper();
        }
        JsonNode root;
        try {
            root = mapper.readTree(value);
        } catch (JsonProcessingException e) {
            return null;
        }
        if (root == null || !root.isObject()) {
            return null;
        }
        JsonNode node = root.get(field);
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }

    @Override
    public String toString() {
        return "JsonMessageKey(" + field + ")";
    }
}
