package dev.forestwatch.job.progress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.connectors.raw.RawEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalProgressTest {
    @TempDir Path tmp;

    @Test
    void aLineSaysEventsShareRateAndTimeLeft() {
        // a quarter of 4 MB in 10 s: 30 s left at that pace
        assertThat(LocalProgress.line(250_000, 1_000_000, 4_000_000, 10_000, false))
                .isEqualTo(
                        "progress: 250,000 events, 25% of input, 25,000 events/s, about 30 s left");
        assertThat(LocalProgress.line(10, 1_000, 1_000_000, 1_000, false))
                .endsWith("about 16 min 39 s left");
        assertThat(LocalProgress.line(2_000_000, 4_000_000, 4_000_000, 80_000, true))
                .isEqualTo(
                        "progress: 2,000,000 events, 100% of input, 25,000 events/s, input read"
                                + " in 1 min 20 s");
        // an unknown size gives counts and rate only
        assertThat(LocalProgress.line(5, 50, 0, 1_000, false))
                .isEqualTo("progress: 5 events, 5 events/s");
        assertThat(LocalProgress.duration(7_300)).isEqualTo("2 h 1 min");
    }

    @Test
    void theTapCountsEventsAndTheirBytesAndTheLastLineIsPrintedOnClose() throws Exception {
        Files.writeString(tmp.resolve("a.csv"), "x".repeat(90));
        Files.writeString(tmp.resolve("b.csv"), "x".repeat(10));
        assertThat(LocalProgress.sizeOf(tmp)).isEqualTo(100);
        assertThat(LocalProgress.sizeOf(tmp.resolve("a.csv"))).isEqualTo(90);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (LocalProgress p =
                new LocalProgress(
                        100, new PrintStream(out, true, StandardCharsets.UTF_8), 60_000)) {
            LocalProgress.Tap tap = new LocalProgress.Tap();
            for (int i = 0; i < 5; i++) {
                tap.map(new RawEvent("123456789".getBytes(StandardCharsets.UTF_8), null, "o"));
            }
        }
        assertThat(out.toString(StandardCharsets.UTF_8))
                .startsWith("progress: 5 events, 50% of input")
                .contains("input read in");
    }
}
