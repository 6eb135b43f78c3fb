package dev.forestwatch.connectors.ddbstreams;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forestwatch.connectors.raw.RawEvent;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Turns one DynamoDB Streams record into the {@link RawEvent} the job parses, the way the replaced
 * Lambda did: only INSERT and MODIFY count, and their {@code NewImage} is the event.
 *
 * <p>The input is the record as JSON in the shape of the AWS SDK v1 {@code Record} (what the legacy
 * {@code FlinkDynamoDBStreamsConsumer} hands over): {@code eventID}, {@code eventName} and {@code
 * dynamodb.{Keys, NewImage, OldImage, SequenceNumber, ApproximateCreationDateTime}}, attribute
 * values as {@code {"S": "..."}}, {@code {"N": "..."}} and so on, binaries in base64.
 *
 * <ul>
 *   <li>INSERT, MODIFY: a JSON object with one field per {@code NewImage} attribute, each DynamoDB
 *       type decoded to its natural JSON form (S string, N number with its exact decimal text,
 *       BOOL, NULL, M object, L array, SS/NS/BS arrays, B and BS as base64 strings). A number
 *       stored as a string (the seed's {@code ridecount}) stays a string; the job's parser accepts
 *       numeric strings. Three metadata fields are added: {@value #EVENT_NAME_FIELD}, {@value
 *       #SEQUENCE_NUMBER_FIELD} and, when the record has it, {@value #CREATION_TIME_FIELD} (epoch
 *       millis). These names are reserved: an item attribute with the same name is overwritten (or
 *       removed when the record lacks the value), so a spec can always trust them.
 *   <li>REMOVE: {@link Optional#empty()}; the caller counts these.
 *   <li>Anything else (not JSON, unknown event name, no {@code NewImage}, unknown attribute type, a
 *       number that is not a number): a {@code RawEvent} carrying the original record bytes, so the
 *       job's parser rejects it into the dead-letter output where a person can see it. This class
 *       never throws on bad input and never drops a record silently.
 * </ul>
 *
 * <p>The origin is {@code dynamodb:<label>:<shardId>@<sequenceNumber>}, leaving out the parts that
 * are unknown. Instances are immutable and thread-safe.
 */
public final class StreamRecordDecoder implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Metadata field holding {@code INSERT} or {@code MODIFY}. */
    public static final String EVENT_NAME_FIELD = "_event_name";

    /** Metadata field holding the record's sequence number (a decimal string). */
    public static final String SEQUENCE_NUMBER_FIELD = "_sequence_number";

    /** Metadata field holding the approximate creation time in epoch milliseconds. */
    public static final String CREATION_TIME_FIELD = "_approximate_creation_time";

    /** Prefix of every origin string. */
    public static final String ORIGIN_PREFIX = "dynamodb:";

    // ObjectMapper is thread-safe once configured; static so the decoder stays cheaply
    // serializable inside Flink functions.
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    // Epoch seconds stay below this for the next thousands of years, epoch millis have been above
    // it since 1973: lets us accept both the SDK's millis and Lambda-style seconds.
    private static final double SECONDS_MILLIS_BOUNDARY = 100_000_000_000d;

    private final String label;

    /**
     * A decoder for one stream.
     *
     * @param label names the stream in origins, usually the table name; {@code null} leaves it out
     */
    public StreamRecordDecoder(String label) {
        this.label = label == null || label.isBlank() ? null : label;
    }

    /** The stream label used in origins, or {@code null}. */
    public String label() {
        return label;
    }

    /**
     * Decodes one record.
     *
     * @param record the record as SDK v1 JSON bytes
     * @param shardId the shard it was read from, or {@code null}
     * @param sequenceNumber the sequence number reported by the consumer, or {@code null}; the
     *     record's own {@code dynamodb.SequenceNumber} wins when present
     * @return the event, or empty for a REMOVE
     */
    public Optional<RawEvent> decode(byte[] record, String shardId, String sequenceNumber) {
        byte[] bytes = record == null ? new byte[0] : record;
        try {
            return decodeRecord(bytes, shardId, sequenceNumber);
        } catch (RuntimeException e) {
            // Belt and braces: a bug or an unforeseen input must yield a dead letter, not a
            // failing source that replays the same record after every restart.
            return Optional.of(undecodable(bytes, shardId, sequenceNumber));
        }
    }

    private Optional<RawEvent> decodeRecord(byte[] bytes, String shardId, String sequenceNumber) {
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (IOException e) {
            return Optional.of(undecodable(bytes, shardId, sequenceNumber));
        }
        if (root == null || !root.isObject()) {
            return Optional.of(undecodable(bytes, shardId, sequenceNumber));
        }
        JsonNode dynamodb = root.path("dynamodb");
        String seq = textOrNull(dynamodb.get("SequenceNumber"));
        if (seq == null) {
            seq = sequenceNumber;
        }
        String eventName = textOrNull(root.get("eventName"));
        if ("REMOVE".equals(eventName)) {
            return Optional.empty();
        }
        if (!"INSERT".equals(eventName) && !"MODIFY".equals(eventName)) {
            return Optional.of(undecodable(bytes, shardId, seq));
        }
        JsonNode newImage = dynamodb.get("NewImage");
        // An item always has its key attributes, so an empty image means the stream does not
        // carry new images (KEYS_ONLY or OLD_IMAGE view): worth a dead letter, not a blank event.
        if (newImage == null || !newImage.isObject() || newImage.isEmpty()) {
            return Optional.of(undecodable(bytes, shardId, seq));
        }
        ObjectNode event;
        try {
            event = decodeMap(newImage);
        } catch (BadAttributeException e) {
            return Optional.of(undecodable(bytes, shardId, seq));
        }
        event.put(EVENT_NAME_FIELD, eventName);
        if (seq != null) {
            event.put(SEQUENCE_NUMBER_FIELD, seq);
        } else {
            event.remove(SEQUENCE_NUMBER_FIELD);
        }
        Long created = epochMillis(dynamodb.get("ApproximateCreationDateTime"));
        if (created != null) {
            event.put(CREATION_TIME_FIELD, created);
        } else {
            event.remove(CREATION_TIME_FIELD);
        }
        String json;
        try {
            json = MAPPER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            // Cannot happen for a tree of plain nodes; still keep the promise of never throwing.
            return Optional.of(undecodable(bytes, shardId, seq));
        }
        return Optional.of(RawEvent.json(json, origin(shardId, seq)));
    }

    /** Like {@link #decode(byte[], String, String)} for a record given as text. */
    public Optional<RawEvent> decode(String record, String shardId, String sequenceNumber) {
        return decode(
                record == null ? null : record.getBytes(StandardCharsets.UTF_8),
                shardId,
                sequenceNumber);
    }

    /** The origin string for a record of this stream. */
    public String origin(String shardId, String sequenceNumber) {
        StringBuilder origin = new StringBuilder(ORIGIN_PREFIX);
        if (label != null) {
            origin.append(label);
        }
        if (shardId != null) {
            origin.append(':').append(shardId);
        }
        if (sequenceNumber != null) {
            origin.append('@').append(sequenceNumber);
        }
        return origin.toString();
    }

    private RawEvent undecodable(byte[] original, String shardId, String seq) {
        return new RawEvent(original, null, origin(shardId, seq));
    }

    private static ObjectNode decodeMap(JsonNode attributes) throws BadAttributeException {
        ObjectNode out = NODES.objectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = attributes.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            out.set(field.getKey(), decodeValue(field.getValue()));
        }
        return out;
    }

    /** One attribute value: an object with exactly one non-null type key. */
    private static JsonNode decodeValue(JsonNode value) throws BadAttributeException {
        if (value == null || !value.isObject()) {
            throw new BadAttributeException();
        }
        String type = null;
        JsonNode content = null;
        Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getValue().isNull()) {
                // Serializers that do not skip nulls write the unused type slots as null.
                continue;
            }
            if (type != null) {
                throw new BadAttributeException();
            }
            type = field.getKey();
            content = field.getValue();
        }
        if (type == null) {
            throw new BadAttributeException();
        }
        switch (type) {
            case "S":
                return NODES.textNode(requireText(content));
            case "N":
                return number(requireText(content));
            case "B":
                return NODES.textNode(base64(content));
            case "BOOL":
                if (!content.isBoolean()) {
                    throw new BadAttributeException();
                }
                return NODES.booleanNode(content.booleanValue());
            case "NULL":
                return NODES.nullNode();
            case "M":
                if (!content.isObject()) {
                    throw new BadAttributeException();
                }
                return decodeMap(content);
            case "L":
                {
                    ArrayNode list = NODES.arrayNode();
                    for (JsonNode element : requireArray(content)) {
                        list.add(decodeValue(element));
                    }
                    return list;
                }
            case "SS":
                {
                    ArrayNode set = NODES.arrayNode();
                    for (JsonNode element : requireArray(content)) {
                        set.add(requireText(element));
                    }
                    return set;
                }
            case "NS":
                {
                    ArrayNode set = NODES.arrayNode();
                    for (JsonNode element : requireArray(content)) {
                        set.add(number(requireText(element)));
                    }
                    return set;
                }
            case "BS":
                {
                    ArrayNode set = NODES.arrayNode();
                    for (JsonNode element : requireArray(content)) {
                        set.add(base64(element));
                    }
                    return set;
                }
            default:
                throw new BadAttributeException();
        }
    }

    private static JsonNode number(String text) throws BadAttributeException {
        try {
            // DecimalNode keeps scale and digits as DynamoDB sent them (no trailing-zero
            // stripping, no double rounding), so "0.10" and 38-digit values survive unchanged.
            return DecimalNode.valueOf(new BigDecimal(text.trim()));
        } catch (NumberFormatException e) {
            throw new BadAttributeException();
        }
    }

    private static String base64(JsonNode node) throws BadAttributeException {
        String text = requireText(node);
        try {
            Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new BadAttributeException();
        }
        return text;
    }

    private static String requireText(JsonNode node) throws BadAttributeException {
        if (node == null || !node.isTextual()) {
            throw new BadAttributeException();
        }
        return node.textValue();
    }

    private static JsonNode requireArray(JsonNode node) throws BadAttributeException {
        if (node == null || !node.isArray()) {
            throw new BadAttributeException();
        }
        return node;
    }

    private static String textOrNull(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        return node.isValueNode() ? node.asText() : null;
    }

    /**
     * The creation time in epoch millis, or {@code null} if absent or unreadable.
     *
     * <p>The SDK v1 serializer writes millis; Lambda-style JSON writes (fractional) seconds, and
     * some tools write ISO-8601 text. All three are accepted because the field is only metadata: an
     * unreadable value must not turn a good item into a dead letter.
     */
    private static Long epochMillis(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            return fromNumber(node.decimalValue());
        }
        if (node.isTextual()) {
            String text = node.textValue().trim();
            try {
                return fromNumber(new BigDecimal(text));
            } catch (NumberFormatException notNumeric) {
                try {
                    return Instant.parse(text).toEpochMilli();
                } catch (DateTimeParseException notIso) {
                    return null;
                }
            }
        }
        return null;
    }

    private static Long fromNumber(BigDecimal value) {
        BigDecimal millis =
                Math.abs(value.doubleValue()) < SECONDS_MILLIS_BOUNDARY
                        ? value.movePointRight(3)
                        : value;
        try {
            return millis.setScale(0, RoundingMode.FLOOR).longValueExact();
        } catch (ArithmeticException e) {
            return null;
        }
    }

    /** Control flow for "this record is not a well-formed stream record"; never escapes. */
    private static final class BadAttributeException extends Exception {
        private static final long serialVersionUID = 1L;

        BadAttributeException() {
            super(null, null, false, false);
        }
    }
}
