package dev.forestwatch.connectors.raw;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/**
 * One input event exactly as it arrived, before any parsing.
 *
 * <p>The payload keeps the original bytes so that a rejected event reaches the dead-letter output
 * unchanged. {@code csvHeader} is set for lines of a delimited file (the column names of that file)
 * and is {@code null} for JSON payloads. {@code origin} says where the event came from (file and
 * line, topic-partition-offset, generator step) so a person can find it again.
 *
 * @param payload the original bytes
 * @param csvHeader column names of the CSV file the line came from, or {@code null} for JSON
 * @param origin human-readable location of the event in its source
 */
public record RawEvent(byte[] payload, String[] csvHeader, String origin) implements Serializable {

    /** A JSON event from a string. */
    public static RawEvent json(String text, String origin) {
        return new RawEvent(text.getBytes(StandardCharsets.UTF_8), null, origin);
    }

    /** A CSV data line together with its file's header. */
    public static RawEvent csv(String line, String[] header, String origin) {
        return new RawEvent(line.getBytes(StandardCharsets.UTF_8), header, origin);
    }

    /** Whether the payload is a delimited line rather than a JSON document. */
    public boolean isCsv() {
        return csvHeader != null;
    }

    /** The payload as UTF-8 text (malformed sequences replaced). */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }
}
