package dev.forestwatch.job.report;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Reads a JSON Lines result file in batches of lines parsed on a thread pool, handed on in file
 * order. One parser reads a whole batch (creating a parser per line costs more than the parse), and
 * a batch whose objects do not match its lines one to one is parsed again line by line, so a bad
 * line is counted as unreadable and never takes its neighbours with it.
 */
final class ResultFileReader {
    /** What the reader hands on, in file order. */
    interface Sink {
        void line(ResultLine line);

        void unreadable();
    }

    private static final int BATCH_BYTES = 1 << 20;

    private ResultFileReader() {}

    /** Reads {@code in} to its end; batches in flight are bounded by twice the pool's threads. */
    static void read(InputStream in, Sink sink, ExecutorService pool, int threads)
            throws IOException {
        ArrayDeque<Future<ResultLine[]>> inFlight = new ArrayDeque<>();
        int maxInFlight = Math.max(2, 2 * threads);
        byte[] buffer = new byte[BATCH_BYTES];
        int filled = 0;
        while (true) {
            int read = in.read(buffer, filled, buffer.length - filled);
            if (read < 0) {
                break;
            }
            filled += read;
            int lastNewline = lastIndexOf(buffer, filled, (byte) '\n');
            if (lastNewline < 0) {
                if (filled == buffer.length) {
                    buffer = Arrays.copyOf(buffer, buffer.length * 2); // a line over 1 MB
                }
                continue;
            }
            byte[] batch = Arrays.copyOf(buffer, lastNewline + 1);
            System.arraycopy(buffer, lastNewline + 1, buffer, 0, filled - lastNewline - 1);
            filled -= lastNewline + 1;
            inFlight.add(pool.submit(() -> parse(batch, batch.length)));
            while (inFlight.size() >= maxInFlight) {
                hand(inFlight.poll(), sink);
            }
        }
        if (filled > 0) {
            byte[] rest = Arrays.copyOf(buffer, filled);
            inFlight.add(pool.submit(() -> parse(rest, rest.length)));
        }
        while (!inFlight.isEmpty()) {
            hand(inFlight.poll(), sink);
        }
    }

    private static void hand(Future<ResultLine[]> batch, Sink sink) throws IOException {
        ResultLine[] lines;
        try {
            lines = batch.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading results", e);
        } catch (ExecutionException e) {
            throw new IOException("reading results failed", e.getCause());
        }
        for (ResultLine l : lines) {
            if (l == null) {
                sink.unreadable();
            } else {
                sink.line(l);
            }
        }
    }

    /** The lines of {@code bytes[0, length)}: a result each, or null where a line is unreadable. */
    static ResultLine[] parse(byte[] bytes, int length) {
        // Fast path: one parser over the whole batch. A broken line cannot pass unnoticed: a
        // truncated object followed by the next line's "{" is a syntax error, and so is a raw
        // newline inside a string; then the batch is split into lines and parsed line by line.
        java.util.ArrayList<ResultLine> out = new java.util.ArrayList<>(1024);
        try (JsonParser p = ResultLine.parser(bytes, 0, length)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t != JsonToken.START_OBJECT) {
                    throw new IOException("not an object");
                }
                out.add(new ResultLine().read(p));
            }
            return out.toArray(new ResultLine[0]);
        } catch (IOException | RuntimeException e) {
            return lineByLine(bytes, length);
        }
    }

    private static ResultLine[] lineByLine(byte[] bytes, int length) {
        int[] starts = new int[256];
        int[] ends = new int[256];
        int n = 0;
        int start = 0;
        for (int i = 0; i <= length; i++) {
            if (i == length || bytes[i] == '\n') {
                int end = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
                if (!blank(bytes, start, end)) {
                    if (n == starts.length) {
                        starts = Arrays.copyOf(starts, n * 2);
                        ends = Arrays.copyOf(ends, n * 2);
                    }
                    starts[n] = start;
                    ends[n] = end;
                    n++;
                }
                start = i + 1;
            }
        }
        return lineByLine(bytes, starts, ends, n);
    }

    private static ResultLine[] lineByLine(byte[] bytes, int[] starts, int[] ends, int n) {
        ResultLine[] out = new ResultLine[n];
        for (int k = 0; k < n; k++) {
            try (JsonParser p = ResultLine.parser(bytes, starts[k], ends[k] - starts[k])) {
                if (p.nextToken() == JsonToken.START_OBJECT) {
                    ResultLine line = new ResultLine().read(p);
                    if (p.nextToken() == null) {
                        out[k] = line;
                    }
                }
            } catch (IOException | RuntimeException e) {
                out[k] = null;
            }
        }
        return out;
    }

    private static boolean blank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    private static int lastIndexOf(byte[] b, int length, byte value) {
        for (int i = length - 1; i >= 0; i--) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
