package dev.forestwatch.it.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Web request latencies for the Kafka tests: six services, one JSON event per service and minute
 * over four days, response times with a daily shape, one service spiking four-fold in one 15-minute
 * bucket, and a set of malformed messages, each with the dead-letter reason it must get.
 *
 * <p>Each service always goes to the same partition ({@code service index % 2}), so both partitions
 * are in event-time order. Malformed messages carry the current stream time (where they carry a
 * time at all), so they never move a partition's watermark ahead of the good events.
 */
public final class LatencyEvents {
    public static final Instant START = Instant.parse("2026-03-02T00:00:00Z");
    public static final int DAYS = 4;
    public static final String[] SERVICES = {
        "checkout", "search", "cart", "login", "payment", "catalog"
    };
    public static final int PARTITIONS = 2;
    public static final Duration BUCKET_SPAN = Duration.ofMinutes(15);

    /** The spiking service and the start of its spike bucket. */
    public static final String SPIKE_SERVICE = "payment";

    public static final Instant SPIKE = START.plus(Duration.ofDays(2)).plusSeconds(14 * 3600 + 900);

    /** Minutes (from {@link #START}) after which the malformed messages are written. */
    static final int[] MALFORMED_AT = {24 * 60 + 600, 2 * 24 * 60 + 120};

    /**
     * One input message.
     *
     * @param partition the input partition
     * @param value the value bytes ({@code null} for a tombstone)
     * @param expectedReason the dead-letter reason, or {@code null} for a good event
     */
    public record Message(int partition, byte[] value, String expectedReason) {
        public boolean malformed() {
            return expectedReason != null;
        }
    }

    private LatencyEvents() {}

    /** Number of good events. */
    public static int goodEvents() {
        return DAYS * 24 * 60 * SERVICES.length;
    }

    /** Number of 15-minute buckets covered. */
    public static int buckets() {
        return (int) (Duration.ofDays(DAYS).toMillis() / BUCKET_SPAN.toMillis());
    }

    /** All messages in production order: good events, with the malformed ones mixed in. */
    public static List<Message> messages() {
        Random random = new Random(20260302);
        List<Message> out = new ArrayList<>();
        int minutes = DAYS * 24 * 60;
        long spikeStart = SPIKE.toEpochMilli();
        long spikeEnd = spikeStart + BUCKET_SPAN.toMillis();
        for (int m = 0; m < minutes; m++) {
            Instant t = START.plusSeconds(60L * m);
            double hour = (m / 60.0) % 24;
            for (int s = 0; s < SERVICES.length; s++) {
                double base = 80 + 15 * s;
                double v = base * (1 + 0.3 * Math.sin(2 * Math.PI * (hour - 8) / 24));
                v *= 1 + 0.04 * random.nextGaussian();
                long ms = t.toEpochMilli();
                if (SERVICES[s].equals(SPIKE_SERVICE) && ms >= spikeStart && ms < spikeEnd) {
                    v *= 4;
                }
                String json =
                        String.format(
                                Locale.ROOT,
                                "{\"timestamp\":\"%s\",\"service\":\"%s\",\"responsetime\":%.3f}",
                                t,
                                SERVICES[s],
                                v);
                out.add(new Message(s % PARTITIONS, utf8(json), null));
            }
            for (int i = 0; i < MALFORMED_AT.length; i++) {
                if (m == MALFORMED_AT[i]) {
                    out.addAll(malformed(t, i));
                }
            }
        }
        return out;
    }

    /** About twenty bad messages at time {@code t}, spread over both partitions. */
    static List<Message> malformed(Instant t, int round) {
        List<Message> bad = new ArrayList<>();
        String ts = t.toString();
        // reason -> payload
        addText(bad, "unparsable", "{\"timestamp\":\"" + ts + "\",\"service\":\"search\",\"re");
        addText(bad, "unparsable", "not json at all " + round);
        addText(bad, "unparsable", "[1,2," + round + "]");
        addText(
                bad,
                "unparsable",
                "{\"timestamp\":\"" + ts + "\",\"service\":\"search\",\"responsetime\":12.5");
        byte[] prefix = utf8("{\"timestamp\":\"" + ts + "\",\"service\":\"se");
        byte[] suffix = utf8("arch\",\"responsetime\":12.5}");
        byte[] invalidUtf8 = new byte[prefix.length + 2 + suffix.length];
        System.arraycopy(prefix, 0, invalidUtf8, 0, prefix.length);
        invalidUtf8[prefix.length] = (byte) 0xff;
        invalidUtf8[prefix.length + 1] = (byte) 0xfe;
        System.arraycopy(suffix, 0, invalidUtf8, prefix.length + 2, suffix.length);
        bad.add(new Message(bad.size() % PARTITIONS, invalidUtf8, "unparsable"));
        bad.add(new Message(bad.size() % PARTITIONS, null, "unparsable")); // tombstone
        addText(bad, "not_finite", event(ts, "cart", "\"NaN\""));
        addText(bad, "not_finite", event(ts, "cart", "1e400"));
        addText(bad, "not_finite", event(ts, "cart", "\"-Infinity\""));
        addText(bad, "missing_timestamp", "{\"service\":\"cart\",\"responsetime\":90.1}");
        addText(
                bad,
                "missing_timestamp",
                "{\"timestamp\":\"\",\"service\":\"cart\",\"responsetime\":90.1}");
        addText(
                bad,
                "bad_timestamp",
                "{\"timestamp\":\"yesterday\",\"service\":\"login\",\"responsetime\":90.1}");
        addText(
                bad,
                "bad_timestamp",
                "{\"timestamp\":\"1969-07-20T20:17:00Z\",\"service\":\"login\","
                        + "\"responsetime\":90.1}");
        addText(bad, "missing_field", "{\"timestamp\":\"" + ts + "\",\"service\":\"login\"}");
        addText(bad, "missing_field", "{\"timestamp\":\"" + ts + "\",\"responsetime\":90.1}");
        addText(bad, "missing_field", event(ts, "login", "null"));
        addText(bad, "non_numeric", event(ts, "login", "\"fast\""));
        addText(bad, "non_numeric", event(ts, "login", "true"));
        addText(bad, "wrong_type", event(ts, "login", "{\"ms\":90}"));
        addText(
                bad,
                "wrong_type",
                "{\"timestamp\":\"" + ts + "\",\"service\":[\"a\",\"b\"],\"responsetime\":90}");
        addText(
                bad,
                "oversized",
                "{\"timestamp\":\""
                        + ts
                        + "\",\"service\":\"login\",\"responsetime\":90,\"pad\":\""
                        + "x".repeat(70_000)
                        + "\"}");
        return bad;
    }

    private static String event(String ts, String service, String responseTime) {
        return "{\"timestamp\":\""
                + ts
                + "\",\"service\":\""
                + service
                + "\",\"responsetime\":"
                + responseTime
                + "}";
    }

    private static void addText(List<Message> bad, String reason, String text) {
        bad.add(new Message(bad.size() % PARTITIONS, utf8(text), reason));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
