package dev.forestwatch.job.parse;

/** Event-time bucket arithmetic shared by every operator, so all agree on boundaries. */
public final class Buckets {
    private Buckets() {}

    /** Start of the bucket containing {@code timestamp} (buckets are aligned to the epoch). */
    public static long start(long timestamp, long spanMillis) {
        return Math.floorDiv(timestamp, spanMillis) * spanMillis;
    }

    /**
     * The watermark at which a bucket is final: its last millisecond plus the allowed lateness. An
     * event-time timer at this time fires once no event of the bucket can still arrive on time.
     */
    public static long closeTime(long timestamp, long spanMillis, long allowedLatenessMillis) {
        return start(timestamp, spanMillis) + spanMillis - 1 + allowedLatenessMillis;
    }

    /** The bucket start whose close time is {@code closeTime}. */
    public static long startOfClose(long closeTime, long spanMillis, long allowedLatenessMillis) {
        return closeTime + 1 - allowedLatenessMillis - spanMillis;
    }
}
