package dev.forestwatch.job.progress;

import dev.forestwatch.connectors.raw.RawEvent;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * A progress line for long local replays: events read, share of the input, rate and time left, for
 * example {@code progress: 1,204,311 events, 42% of input, 61,020 events/s, about 31 s left}. Local
 * runs only: the tap counts in static fields, which works because a local MiniCluster runs in the
 * command's own JVM.
 */
public final class LocalProgress implements AutoCloseable {
    static final AtomicLong EVENTS = new AtomicLong();
    static final AtomicLong BYTES = new AtomicLong();

    private final long totalBytes;
    private final PrintStream out;
    private final long intervalMillis;
    private final long startedNanos = System.nanoTime();
    private final Thread thread;

    /** Counts each raw event and its bytes (a line and its end) as it leaves the source. */
    public static final class Tap implements MapFunction<RawEvent, RawEvent> {
        @Override
        public RawEvent map(RawEvent e) {
            EVENTS.incrementAndGet();
            BYTES.addAndGet((e.payload() == null ? 0 : e.payload().length) + 1L);
            return e;
        }
    }

    /** Starts printing a line to {@code out} every {@code intervalMillis}. */
    public LocalProgress(long totalBytes, PrintStream out, long intervalMillis) {
        EVENTS.set(0);
        BYTES.set(0);
        this.totalBytes = totalBytes;
        this.out = out;
        this.intervalMillis = intervalMillis;
        this.thread = new Thread(this::loop, "forestwatch-progress");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        try {
            while (true) {
                Thread.sleep(intervalMillis);
                out.println(line(false));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The current line; {@code done} for the last one. */
    String line(boolean done) {
        return line(
                EVENTS.get(),
                BYTES.get(),
                totalBytes,
                (System.nanoTime() - startedNanos) / 1_000_000,
                done);
    }

    /**
     * A progress line from counts: the share of the input from bytes read (capped at 100%), the
     * rate from events over the elapsed time, and the time left from the bytes still to read at the
     * rate bytes were read so far.
     */
    static String line(long events, long bytes, long totalBytes, long elapsedMillis, boolean done) {
        double seconds = Math.max(elapsedMillis, 1) / 1000.0;
        double rate = events / seconds;
        StringBuilder b = new StringBuilder("progress: ");
        b.append(String.format(Locale.ROOT, "%,d events", events));
        if (totalBytes > 0) {
            double share = Math.min(1.0, (double) bytes / totalBytes);
            b.append(String.format(Locale.ROOT, ", %.0f%% of input", 100 * share));
            if (!done && bytes > 0 && share < 1.0) {
                double left = (totalBytes - bytes) / (bytes / seconds);
                b.append(String.format(Locale.ROOT, ", %,.0f events/s", rate))
                        .append(", about ")
                        .append(duration(left))
                        .append(" left");
                return b.toString();
            }
        }
        b.append(String.format(Locale.ROOT, ", %,.0f events/s", rate));
        if (done) {
            b.append(", input read in ").append(duration(seconds));
        }
        return b.toString();
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return (s / 60) + " min " + (s % 60) + " s";
        }
        return (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }

    /** Total bytes of a file, or of the files in a directory. */
    public static long sizeOf(Path path) {
        try {
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.list(path)) {
                    return files.filter(Files::isRegularFile)
                            .mapToLong(
                                    p -> {
                                        try {
                                            return Files.size(p);
                                        } catch (IOException e) {
                                            return 0;
                                        }
                                    })
                            .sum();
                }
            }
            return Files.size(path);
        } catch (IOException e) {
            return 0;
        }
    }

    /** Stops the line and prints the last one. */
    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.println(line(true));
    }
}
