package dev.forestwatch.job.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * After a local bounded run: did most of the input end as dead letters? A run whose events were all
 * rejected (a wrong timestamp format, a missing header) otherwise ends like a successful one. Reads
 * the run's {@code dead-letters.jsonl} and {@code buckets.jsonl} (events that reached a bucket)
 * and, when the dead letters' share of all events reaches the threshold, gives a message naming the
 * top reason with one example.
 */
public final class DeadLetterCheck {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What the run's files say. */
    public record Outcome(
            long events, long deadLetters, String topReason, long topCount, String example) {
        /** Dead letters as a share of all events (0 with no events at all). */
        public double share() {
            long all = events + deadLetters;
            return all == 0 ? 0 : (double) deadLetters / all;
        }
    }

    private DeadLetterCheck() {}

    /** Counts the events and dead letters of the run in {@code dir}. */
    public static Outcome read(Path dir) throws IOException {
        Map<String, Long> reasons = new LinkedHashMap<>();
        Map<String, String> examples = new LinkedHashMap<>();
        long dead = 0;
        Path letters = dir.resolve("dead-letters.jsonl");
        if (Files.exists(letters)) {
            try (BufferedReader in = Files.newBufferedReader(letters, StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    dead++;
                    JsonNode n = MAPPER.readTree(line);
                    String reason = n.path("reason").asText("unknown");
                    reasons.merge(reason, 1L, Long::sum);
                    examples.putIfAbsent(reason, example(n));
                }
            }
        }
        long events = 0;
        Path buckets = dir.resolve("buckets.jsonl");
        if (Files.exists(buckets)) {
            try (BufferedReader in = Files.newBufferedReader(buckets, StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (!line.isBlank()) {
                        events += MAPPER.readTree(line).path("event_count").asLong();
                    }
                }
            }
        }
        String top = null;
        long topCount = 0;
        for (Map.Entry<String, Long> e : reasons.entrySet()) {
            if (e.getValue() > topCount) {
                top = e.getKey();
                topCount = e.getValue();
            }
        }
        return new Outcome(events, dead, top, topCount, top == null ? null : examples.get(top));
    }

    private static String example(JsonNode letter) {
        String payload =
                letter.has("payload")
                        ? letter.path("payload").asText()
                        : "(binary, base64) " + letter.path("payload_base64").asText();
        if (payload.length() > 200) {
            payload = payload.substring(0, 200) + "...";
        }
        return letter.path("detail").asText() + "; input: " + payload.strip();
    }

    /**
     * The failure message when the dead letters' share reaches {@code maxShare}, else null.
     *
     * @param maxShare in (0, 1]; 1 fails only when every event was a dead letter
     */
    public static String failure(Outcome o, double maxShare) {
        if (o.deadLetters() == 0 || o.share() < maxShare) {
            return null;
        }
        return String.format(
                Locale.ROOT,
                "forestwatch: %d of %d events (%.0f%%) were dead letters, at or above"
                        + " --max-dead-letter-share %.2f; top reason: %s (%d), e.g. %s",
                o.deadLetters(),
                o.events() + o.deadLetters(),
                100 * o.share(),
                maxShare,
                o.topReason(),
                o.topCount(),
                o.example());
    }
}
