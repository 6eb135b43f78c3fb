package dev.forestwatch.job.model;

import java.nio.charset.StandardCharsets;

/**
 * Deterministic result ids in the spirit of Elastic's document ids: job, result type, time, bucket
 * span and what the result is about. A replay produces the same ids, so a consumer that keeps the
 * latest result per id (a compacted topic, an index) always holds current scores.
 */
public final class ResultIds {
    private ResultIds() {}

    /** Id of a record: detector and series (hashed, values may be long or contain anything). */
    public static String record(
            String jobId,
            long timestamp,
            long spanSeconds,
            int detector,
            String seriesKey,
            int seq) {
        return jobId
                + "_record_"
                + timestamp
                + "_"
                + spanSeconds
                + "_"
                + detector
                + "_"
                + hash(seriesKey)
                + (seq == 0 ? "" : "_" + seq);
    }

    /** Id of an influencer result. */
    public static String influencer(
            String jobId, long timestamp, long spanSeconds, String field, String value) {
        return jobId
                + "_influencer_"
                + timestamp
                + "_"
                + spanSeconds
                + "_"
                + hash(field + '\u001f' + value);
    }

    /** Id of a bucket result. */
    public static String bucket(String jobId, long timestamp, long spanSeconds) {
        return jobId + "_bucket_" + timestamp + "_" + spanSeconds;
    }

    /** FNV-1a 64 of the UTF-8 bytes, as 16 hex digits: stable across JVMs and versions. */
    static String hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        return String.format("%016x", h);
    }
}
