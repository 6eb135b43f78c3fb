package dev.forestwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchDataTest {
    @TempDir Path tmp;

    @Test
    void meansAreThoseOfTheWrittenEventsAndTimesAreOrdered() throws Exception {
        long span = 60_000;
        BenchData.Written w = BenchData.write(tmp.resolve("in.csv"), 3, 4, 5, span, 7, true);
        List<String> lines = Files.readAllLines(w.file());
        assertThat(lines.get(0)).isEqualTo("timestamp,series,value");
        assertThat(lines).hasSize(1 + 3 * 4 * 5 + 1);
        assertThat(w.events()).isEqualTo(60);
        assertThat(w.points()).isEqualTo(12);

        Map<String, double[]> sums = new HashMap<>();
        long previous = Long.MIN_VALUE;
        for (String line : lines.subList(1, lines.size() - 1)) {
            String[] f = line.split(",");
            long t = Long.parseLong(f[0]);
            assertThat(t).isGreaterThanOrEqualTo(previous);
            previous = t;
            int bucket = (int) ((t - BenchData.START) / span);
            sums.computeIfAbsent(f[1], k -> new double[4])[bucket] += Double.parseDouble(f[2]);
        }
        assertThat(sums).hasSize(3);
        for (int s = 0; s < 3; s++) {
            for (int b = 0; b < 4; b++) {
                assertThat(w.means()[b][s])
                        .isCloseTo(sums.get(BenchData.seriesName(s))[b] / 5, within(1e-9));
            }
        }
        String last = lines.get(lines.size() - 1);
        assertThat(last).isEqualTo((BenchData.START + 6 * span) + "," + BenchData.SENTINEL + ",0");
    }
}
