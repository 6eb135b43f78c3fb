package dev.forestwatch.connectors.ddbstreams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forestwatch.connectors.raw.RawEvent;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.kinesis.shaded.com.amazonaws.services.dynamodbv2.model.AttributeValue;
import org.apache.flink.kinesis.shaded.com.amazonaws.services.dynamodbv2.model.StreamRecord;
import org.apache.flink.kinesis.shaded.com.amazonaws.services.dynamodbv2.streamsadapter.model.RecordObjectMapper;
import org.junit.jupiter.api.Test;

class StreamRecordDecoderTest {

    // Big decimals so numbers compare without double rounding; the reader still drops trailing
    // zeros, so exact decimal text is checked on the payload text.
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private static final String SHARD = "shardId-00000001795394033602-54e1d5a2";

    private final StreamRecordDecoder decoder = new StreamRecordDecoder("taxi_ridership");

    /** A record in the SDK v1 JSON shape the legacy consumer produces. */
    private static String record(String eventName, String newImage, String seq) {
        return "{\"eventID\":\"e-"
                + seq
                + "\",\"eventName\":\""
                + eventName
                + "\",\"eventVersion\":\"1.1\",\"eventSource\":\"aws:dynamodb\","
                + "\"awsRegion\":\"ddblocal\",\"dynamodb\":{"
                + "\"ApproximateCreationDateTime\":1795394100000,"
                + "\"Keys\":{\"transaction_id\":{\"S\":\"t1\"}},"
                + (newImage == null ? "" : "\"NewImage\":" + newImage + ",")
                + "\"OldImage\":{\"transaction_id\":{\"S\":\"t1\"},\"ridecount\":{\"S\":\"1\"}},"
                + "\"SequenceNumber\":\""
                + seq
                + "\",\"SizeBytes\":42,\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"}}";
    }

    private RawEvent decodeOne(String record) {
        Optional<RawEvent> event = decoder.decode(record, SHARD, "fallback-seq");
        assertThat(event).isPresent();
        return event.get();
    }

    private static JsonNode tree(RawEvent event) throws Exception {
        return JSON.readTree(event.payload());
    }

    @Test
    void insertKeepsNumbersStoredAsStringsAsStrings() throws Exception {
        String image =
                "{\"transaction_id\":{\"S\":\"t1\"},\"ridecount\":{\"S\":\"10844\"},"
                        + "\"timestamp\":{\"S\":\"2014-07-01 00:00:00\"}}";

        RawEvent event = decodeOne(record("INSERT", image, "000000000000000000001"));

        JsonNode json = tree(event);
        assertThat(json.get("ridecount").isTextual()).isTrue();
        assertThat(json.get("ridecount").textValue()).isEqualTo("10844");
        assertThat(json.get("transaction_id").textValue()).isEqualTo("t1");
        assertThat(json.get("timestamp").textValue()).isEqualTo("2014-07-01 00:00:00");
        assertThat(json.get(StreamRecordDecoder.EVENT_NAME_FIELD).textValue()).isEqualTo("INSERT");
        assertThat(json.get(StreamRecordDecoder.SEQUENCE_NUMBER_FIELD).textValue())
                .isEqualTo("000000000000000000001");
        assertThat(json.get(StreamRecordDecoder.CREATION_TIME_FIELD).longValue())
                .isEqualTo(1795394100000L);
        assertThat(event.isCsv()).isFalse();
        assertThat(event.origin())
                .isEqualTo("dynamodb:taxi_ridership:" + SHARD + "@000000000000000000001");
    }

    @Test
    void decodesEveryAttributeType() throws Exception {
        String image =
                "{\"s\":{\"S\":\"text\"},"
                        + "\"n\":{\"N\":\"1.50\"},"
                        + "\"big\":{\"N\":\"12345678901234567890123456789012345678\"},"
                        + "\"tiny\":{\"N\":\"-0.000000000000000000000000000000000001\"},"
                        + "\"bool\":{\"BOOL\":false},"
                        + "\"nul\":{\"NULL\":true},"
                        + "\"m\":{\"M\":{\"inner\":{\"N\":\"7\"},\"deep\":{\"M\":{\"x\":{\"S\":\"y\"}}}}},"
                        + "\"l\":{\"L\":[{\"S\":\"a\"},{\"N\":\"2\"},{\"BOOL\":true},{\"NULL\":true},"
                        + "{\"L\":[]},{\"M\":{}}]},"
                        + "\"ss\":{\"SS\":[\"x\",\"y\"]},"
                        + "\"ns\":{\"NS\":[\"1\",\"2.25\"]},"
                        + "\"bs\":{\"BS\":[\"AQID\",\"BA==\"]},"
                        + "\"b\":{\"B\":\"AQID\"}}";

        RawEvent event = decodeOne(record("INSERT", image, "7"));

        JsonNode json = tree(event);
        assertThat(json.get("s").textValue()).isEqualTo("text");
        assertThat(json.get("n").isNumber()).isTrue();
        assertThat(json.get("n").decimalValue()).isEqualByComparingTo(new BigDecimal("1.50"));
        assertThat(json.get("big").decimalValue())
                .isEqualTo(new BigDecimal("12345678901234567890123456789012345678"));
        assertThat(json.get("tiny").decimalValue()).isEqualByComparingTo(new BigDecimal("-1E-36"));
        // Exact decimal text, not a double rendering.
        assertThat(event.text())
                .contains("\"n\":1.50")
                .contains("\"big\":12345678901234567890123456789012345678");
        assertThat(json.get("bool").isBoolean()).isTrue();
        assertThat(json.get("bool").booleanValue()).isFalse();
        assertThat(json.get("nul").isNull()).isTrue();
        assertThat(json.get("m").get("inner").decimalValue()).isEqualTo(new BigDecimal("7"));
        assertThat(json.get("m").get("deep").get("x").textValue()).isEqualTo("y");
        JsonNode list = json.get("l");
        assertThat(list.isArray()).isTrue();
        assertThat(list.size()).isEqualTo(6);
        assertThat(list.get(0).textValue()).isEqualTo("a");
        assertThat(list.get(1).intValue()).isEqualTo(2);
        assertThat(list.get(2).booleanValue()).isTrue();
        assertThat(list.get(3).isNull()).isTrue();
        assertThat(list.get(4).isArray()).isTrue();
        assertThat(list.get(5).isObject()).isTrue();
        assertThat(json.get("ss").toString()).isEqualTo("[\"x\",\"y\"]");
        assertThat(json.get("ns").get(0).isNumber()).isTrue();
        assertThat(json.get("ns").get(1).decimalValue()).isEqualTo(new BigDecimal("2.25"));
        assertThat(json.get("bs").toString()).isEqualTo("[\"AQID\",\"BA==\"]");
        assertThat(json.get("b").textValue()).isEqualTo("AQID");
    }

    @Test
    void modifyUsesTheNewImage() throws Exception {
        String image = "{\"transaction_id\":{\"S\":\"t1\"},\"ridecount\":{\"S\":\"10900\"}}";

        JsonNode json = tree(decodeOne(record("MODIFY", image, "4")));

        assertThat(json.get("ridecount").textValue()).isEqualTo("10900");
        assertThat(json.get(StreamRecordDecoder.EVENT_NAME_FIELD).textValue()).isEqualTo("MODIFY");
    }

    @Test
    void removeIsEmpty() {
        // DynamoDB sends REMOVE with an empty new image (DynamoDB Local) or none at all (AWS).
        assertThat(decoder.decode(record("REMOVE", "{}", "6"), SHARD, "6")).isEmpty();
        assertThat(decoder.decode(record("REMOVE", null, "6"), SHARD, "6")).isEmpty();
    }

    @Test
    void unknownEventNameKeepsTheOriginalBytes() {
        String original = record("TRUNCATE", "{\"a\":{\"S\":\"b\"}}", "9");

        RawEvent event = decodeOne(original);

        assertThat(event.payload()).isEqualTo(original.getBytes(StandardCharsets.UTF_8));
        assertThat(event.origin()).isEqualTo("dynamodb:taxi_ridership:" + SHARD + "@9");
    }

    @Test
    void malformedJsonKeepsTheOriginalBytesAndTheConsumersSequenceNumber() {
        byte[] garbage = "{\"eventName\":\"INSERT\", oops".getBytes(StandardCharsets.UTF_8);

        Optional<RawEvent> event = decoder.decode(garbage, SHARD, "123");

        assertThat(event).isPresent();
        assertThat(event.get().payload()).isEqualTo(garbage);
        assertThat(event.get().origin()).isEqualTo("dynamodb:taxi_ridership:" + SHARD + "@123");
    }

    @Test
    void nonObjectAndEmptyInputKeepTheOriginalBytes() {
        for (String text : List.of("[]", "null", "42", "\"INSERT\"", "")) {
            Optional<RawEvent> event = decoder.decode(text, SHARD, "1");
            assertThat(event).as(text).isPresent();
            assertThat(event.get().text()).as(text).isEqualTo(text);
        }
        Optional<RawEvent> nothing = decoder.decode((byte[]) null, null, null);
        assertThat(nothing).isPresent();
        assertThat(nothing.get().payload()).isEmpty();
        assertThat(nothing.get().origin()).isEqualTo("dynamodb:taxi_ridership");
    }

    @Test
    void insertWithoutNewImageIsUndecodable() {
        // KEYS_ONLY or OLD_IMAGE streams: nothing to turn into an event.
        for (String image : new String[] {null, "{}", "[]", "\"x\""}) {
            String original = record("INSERT", image, "3");
            RawEvent event = decodeOne(original);
            assertThat(event.text()).as(String.valueOf(image)).isEqualTo(original);
        }
    }

    @Test
    void badAttributeValuesMakeTheWholeRecordUndecodable() {
        String[] badImages = {
            "{\"a\":{\"X\":\"unknown type\"}}",
            "{\"a\":{\"N\":\"twelve\"}}",
            "{\"a\":{\"N\":12}}",
            "{\"a\":{\"S\":\"x\",\"N\":\"1\"}}",
            "{\"a\":{}}",
            "{\"a\":\"plain\"}",
            "{\"a\":{\"B\":\"not base64!\"}}",
            "{\"a\":{\"BOOL\":\"true\"}}",
            "{\"a\":{\"L\":{\"S\":\"x\"}}}",
            "{\"a\":{\"M\":[]}}",
            "{\"a\":{\"NS\":[\"1\",\"x\"]}}",
            "{\"a\":{\"SS\":[1]}}",
            "{\"a\":{\"BS\":[\"%%\"]}}",
            "{\"a\":{\"M\":{\"b\":{\"L\":[{\"Q\":1}]}}}}"
        };
        for (String image : badImages) {
            String original = record("INSERT", image, "5");
            RawEvent event = decodeOne(original);
            assertThat(event.text()).as(image).isEqualTo(original);
            assertThat(event.origin()).as(image).endsWith("@5");
        }
    }

    @Test
    void nullTypeSlotsAreIgnored() throws Exception {
        // A serializer that writes unused type slots as null still yields one value per attribute.
        String image = "{\"a\":{\"S\":null,\"N\":\"3\",\"BOOL\":null}}";

        assertThat(tree(decodeOne(record("INSERT", image, "1"))).get("a").intValue()).isEqualTo(3);
    }

    @Test
    void metadataNamesAreReserved() throws Exception {
        String image =
                "{\"_event_name\":{\"S\":\"spoofed\"},\"_sequence_number\":{\"S\":\"0\"},"
                        + "\"k\":{\"S\":\"v\"}}";

        JsonNode json = tree(decodeOne(record("INSERT", image, "77")));

        assertThat(json.get(StreamRecordDecoder.EVENT_NAME_FIELD).textValue()).isEqualTo("INSERT");
        assertThat(json.get(StreamRecordDecoder.SEQUENCE_NUMBER_FIELD).textValue()).isEqualTo("77");
    }

    @Test
    void creationTimeAcceptsMillisSecondsAndIsoText() throws Exception {
        assertThat(creationTime("1795394100000")).isEqualTo(1795394100000L);
        // Lambda-style fractional epoch seconds.
        assertThat(creationTime("1.7953941005E9")).isEqualTo(1795394100500L);
        assertThat(creationTime("\"2026-11-23T00:35:00Z\"")).isEqualTo(1795394100000L);
        assertThat(creationTime("\"yesterday\"")).isNull();
        assertThat(creationTime("null")).isNull();
    }

    private Long creationTime(String value) throws Exception {
        String text =
                "{\"eventName\":\"INSERT\",\"dynamodb\":{\"ApproximateCreationDateTime\":"
                        + value
                        + ",\"NewImage\":{\"k\":{\"S\":\"v\"}},\"SequenceNumber\":\"1\"}}";
        JsonNode field = tree(decodeOne(text)).get(StreamRecordDecoder.CREATION_TIME_FIELD);
        return field == null ? null : field.longValue();
    }

    @Test
    void originLeavesOutUnknownParts() {
        assertThat(new StreamRecordDecoder(null).origin(null, null)).isEqualTo("dynamodb:");
        assertThat(new StreamRecordDecoder(" ").origin("s", null)).isEqualTo("dynamodb::s");
        assertThat(new StreamRecordDecoder("t").origin(null, "9")).isEqualTo("dynamodb:t@9");
        // Without a sequence number in the record the consumer's one is used.
        String noSeq =
                "{\"eventName\":\"INSERT\",\"dynamodb\":{\"NewImage\":{\"k\":{\"S\":\"v\"}}}}";
        assertThat(decoder.decode(noSeq, SHARD, "55").orElseThrow().origin())
                .isEqualTo("dynamodb:taxi_ridership:" + SHARD + "@55");
    }

    /**
     * Pins the wire format: records serialized by the very mapper the legacy consumer uses
     * (DynamoDB Streams Kinesis adapter, shaded into flink-connector-kinesis) decode as expected.
     */
    @Test
    void decodesWhatTheLegacyConsumersMapperWrites() throws Exception {
        Map<String, AttributeValue> image = new LinkedHashMap<>();
        image.put("transaction_id", new AttributeValue().withS("t9"));
        image.put("ridecount", new AttributeValue().withS("10844"));
        image.put("fare", new AttributeValue().withN("12.30"));
        image.put("paid", new AttributeValue().withBOOL(true));
        image.put("note", new AttributeValue().withNULL(true));
        image.put("raw", new AttributeValue().withB(ByteBuffer.wrap(new byte[] {1, 2, 3})));
        image.put(
                "blobs",
                new AttributeValue()
                        .withBS(ByteBuffer.wrap(new byte[] {4}), ByteBuffer.wrap(new byte[] {5})));
        image.put("tags", new AttributeValue().withSS("a", "b"));
        image.put("counts", new AttributeValue().withNS("1", "2"));
        image.put(
                "where",
                new AttributeValue().withM(Map.of("zone", new AttributeValue().withN("132"))));
        image.put(
                "stops",
                new AttributeValue()
                        .withL(new AttributeValue().withS("x"), new AttributeValue().withN("3")));
        image.put("empty", new AttributeValue().withL(new ArrayList<AttributeValue>()));
        var v1Record =
                new org.apache.flink.kinesis.shaded.com.amazonaws.services.dynamodbv2.model.Record()
                        .withEventID("id-1")
                        .withEventName("MODIFY")
                        .withEventSource("aws:dynamodb")
                        .withDynamodb(
                                new StreamRecord()
                                        .withApproximateCreationDateTime(new Date(1795394100000L))
                                        .withKeys(
                                                Map.of(
                                                        "transaction_id",
                                                        new AttributeValue().withS("t9")))
                                        .withNewImage(image)
                                        .withOldImage(
                                                Map.of(
                                                        "ridecount",
                                                        new AttributeValue().withS("1")))
                                        .withSequenceNumber("000000000000000000042")
                                        .withSizeBytes(99L)
                                        .withStreamViewType("NEW_AND_OLD_IMAGES"));
        byte[] bytes = new RecordObjectMapper().writeValueAsBytes(v1Record);

        RawEvent event = decoder.decode(bytes, SHARD, "x").orElseThrow();
        JsonNode json = tree(event);

        // The exact decimal text survives (the test's reader would normalise 12.30 to 12.3).
        assertThat(event.text()).contains("\"fare\":12.30");

        assertThat(json.get("ridecount").textValue()).isEqualTo("10844");
        assertThat(json.get("fare").decimalValue()).isEqualByComparingTo(new BigDecimal("12.30"));
        assertThat(json.get("paid").booleanValue()).isTrue();
        assertThat(json.get("note").isNull()).isTrue();
        assertThat(json.get("raw").textValue()).isEqualTo("AQID");
        assertThat(json.get("blobs").toString()).isEqualTo("[\"BA==\",\"BQ==\"]");
        assertThat(json.get("tags").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(json.get("counts").toString()).isEqualTo("[1,2]");
        assertThat(json.get("where").get("zone").intValue()).isEqualTo(132);
        assertThat(json.get("stops").toString()).isEqualTo("[\"x\",3]");
        assertThat(json.get("empty").toString()).isEqualTo("[]");
        assertThat(json.get(StreamRecordDecoder.EVENT_NAME_FIELD).textValue()).isEqualTo("MODIFY");
        assertThat(json.get(StreamRecordDecoder.SEQUENCE_NUMBER_FIELD).textValue())
                .isEqualTo("000000000000000000042");
        assertThat(json.get(StreamRecordDecoder.CREATION_TIME_FIELD).longValue())
                .isEqualTo(1795394100000L);
    }
}
