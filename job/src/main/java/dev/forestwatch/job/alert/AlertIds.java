package dev.forestwatch.job.alert;

import java.nio.charset.StandardCharsets;

/**
 * Deterministic alert ids. The id covers job, level, entity and bucket time but deliberately not
 * the policy: two policies that match the same result must produce the same id, so even if both
 * fired (they do not, the first one wins) an idempotent sink would keep one alert.
 */
public final class AlertIds {
    private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private AlertIds() {}

    /** E.g. {@code demo_alert_5f0c0a5e3b2d9a11}: the job id, then 16 hex digits of FNV-1a-64. */
    public static String of(String jobId, String level, String entity, long timestamp) {
        String identity = jobId + "|" + level + "|" + entity + "|" + timestamp;
        return jobId + "_alert_" + String.format("%016x", fnv1a64(identity));
    }

    /** FNV-1a, 64 bit, over the UTF-8 bytes: stable across JVMs, unlike {@code hashCode()}. */
    static long fnv1a64(String text) {
        long hash = FNV_OFFSET_BASIS;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= (b & 0xff);
            hash *= FNV_PRIME;
        }
        return hash;
    }
}
