package dev.forestwatch.job.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class ResultFileReaderTest {

    private static List<String> read(String text, int threads) throws Exception {
        List<String> seen = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            ResultFileReader.read(
                    new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                    new ResultFileReader.Sink() {
                        @Override
                        public void line(ResultLine line) {
                            seen.add(line.resultId);
                        }

                        @Override
                        public void unreadable() {
                            seen.add("?");
                        }
                    },
                    pool,
                    threads);
        } finally {
            pool.shutdownNow();
        }
        return seen;
    }

    @Test
    void manyBatchesComeOutInFileOrder() throws Exception {
        StringBuilder b = new StringBuilder();
        List<String> expected = new ArrayList<>();
        // about 8 MB: several 1 MB batches parsed on two threads
        for (int i = 0; i < 60_000; i++) {
            b.append("{\"result_id\":\"r")
                    .append(i)
                    .append("\",\"reason\":\"")
                    .append("x".repeat(100))
                    .append("\",\"actual\":[1.5]}\n");
            expected.add("r" + i);
        }
        assertThat(read(b.toString(), 2)).isEqualTo(expected);
    }

    @Test
    void brokenLinesAreCountedAndTheirNeighboursKept() throws Exception {
        String text =
                "{\"result_id\":\"a\"}\n"
                        + "{\"result_id\":\"b\",\"actual\":[1,\n" // truncated
                        + "{\"result_id\":\"c\"}\r\n"
                        + "\n"
                        + "not json at all\n"
                        + "[1,2]\n"
                        + "{\"result_id\":\"d\",\"reason\":\"cut in a string\n"
                        + "{\"result_id\":\"e\"}{\"result_id\":\"f\"}\n"
                        + "{\"result_id\":\"g\"}"; // no final newline
        assertThat(read(text, 2)).containsExactly("a", "?", "c", "?", "?", "?", "?", "g");
    }
}
