package dev.forestwatch.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Random;

/**
 * Benchmark input: a CSV file ({@code timestamp,series,value}, epoch milliseconds) with many
 * series, each with a daily-shaped noisy value, several events per series and bucket, in time
 * order. It also returns each series' bucket means computed from the very strings written, so a
 * bare forest loop can be fed exactly the points the job's buckets produce.
 */
public final class BenchData {
    public static final long START = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();
    public static final String SENTINEL = "zz-sentinel";

    /**
     * What was written.
     *
     * @param events data lines written (without the sentinel)
     * @param means bucket means, {@code means[bucket][series]}
     */
    public record Written(
            Path file,
            int series,
            int buckets,
            int eventsPerBucket,
            long spanMillis,
            long events,
            double[][] means) {
        /** Buckets in total, one forest point each. */
        public long points() {
            return (long) series * buckets;
        }
    }

    private BenchData() {}

    /** The name of series {@code s}, as written in the {@code series} column. */
    public static String seriesName(int s) {
        return String.format(Locale.ROOT, "s%06d", s);
    }

    /**
     * Writes the file.
     *
     * @param sentinel whether to add one last event of a separate series two buckets after the
     *     data, so that an unbounded run's watermark passes every data bucket
     */
    public static Written write(
            Path file,
            int series,
            int buckets,
            int eventsPerBucket,
            long spanMillis,
            long seed,
            boolean sentinel)
            throws IOException {
        Random random = new Random(seed);
        double[][] sums = new double[buckets][series];
        long events = 0;
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("timestamp,series,value\n");
            long step = spanMillis / eventsPerBucket;
            for (int b = 0; b < buckets; b++) {
                for (int e = 0; e < eventsPerBucket; e++) {
                    long t = START + b * spanMillis + e * step;
                    for (int s = 0; s < series; s++) {
                        double level = 100 + 10 * (s % 7);
                        double shape = 20 * Math.sin(2 * Math.PI * b / 48.0 + s);
                        String v =
                                String.format(
                                        Locale.ROOT,
                                        "%.3f",
                                        level + shape + 5 * random.nextGaussian());
                        sums[b][s] += Double.parseDouble(v);
                        w.write(Long.toString(t));
                        w.write(',');
                        w.write(seriesName(s));
                        w.write(',');
                        w.write(v);
                        w.write('\n');
                        events++;
                    }
                }
            }
            if (sentinel) {
                w.write((START + (buckets + 2L) * spanMillis) + "," + SENTINEL + ",0\n");
            }
        }
        for (double[] row : sums) {
            for (int s = 0; s < row.length; s++) {
                row[s] /= eventsPerBucket;
            }
        }
        return new Written(file, series, buckets, eventsPerBucket, spanMillis, events, sums);
    }
}
