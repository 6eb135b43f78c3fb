package dev.forestwatch.connectors.deadletter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Renders a {@link DeadLetter} as one JSON object.
 *
 * <p>The original payload is written as text when it is valid UTF-8 ({@code payload}) and as base64
 * otherwise ({@code payload_base64}), so the exact bytes can always be recovered.
 */
public final class DeadLetterJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DeadLetterJson() {}

    /** The dead letter as a single-line JSON string. */
    public static String toJson(DeadLetter letter) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("result_type", "dead_letter");
        node.put("reason", letter.reason());
        node.put("detail", letter.detail());
        node.put("origin", letter.origin());
        if (letter.eventTimestamp() != Long.MIN_VALUE) {
            node.put("timestamp", letter.eventTimestamp());
        }
        byte[] payload = letter.payload() == null ? new byte[0] : letter.payload();
        node.put("payload_bytes", payload.length);
        String text = strictUtf8(payload);
        if (text != null) {
            node.put("payload", text);
        } else {
            node.put("payload_base64", Base64.getEncoder().encodeToString(payload));
        }
        return node.toString();
    }

    private static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
