package dev.forestwatch.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {
    @TempDir Path tmp;

    private static BenchReport sample() {
        BenchReport r =
                new BenchReport(Instant.parse("2026-11-23T10:00:00Z"), 2, 8L << 30, "17.0.15");
        r.add("job.events_per_s", 12345.678, "events/s", "full job");
        r.add("latency.p99_ms", 0.25, "ms", "alert latency");
        r.add("state.checkpoint_bytes", Double.NaN, "bytes", "not measured");
        r.method("job", "median of 3 runs");
        return r;
    }

    @Test
    void writesFiguresMachineAndMethodsAsJson() throws Exception {
        Path file = tmp.resolve("bench/results.json");
        sample().write(file);
        JsonNode root = new ObjectMapper().readTree(Files.readString(file));
        assertThat(root.get("date").asText()).isEqualTo("2026-11-23T10:00:00Z");
        assertThat(root.at("/machine/cores").asInt()).isEqualTo(2);
        assertThat(root.at("/machine/max_heap_bytes").asLong()).isEqualTo(8L << 30);
        assertThat(root.at("/machine/java_version").asText()).isEqualTo("17.0.15");
        assertThat(root.get("figures")).hasSize(3);
        assertThat(root.at("/figures/0/name").asText()).isEqualTo("job.events_per_s");
        assertThat(root.at("/figures/0/value").asDouble()).isEqualTo(12345.678);
        assertThat(root.at("/figures/0/unit").asText()).isEqualTo("events/s");
        assertThat(root.at("/figures/2/value").isNull()).isTrue();
        assertThat(root.at("/methods/job").asText()).isEqualTo("median of 3 runs");
    }

    @Test
    void tableListsEveryFigureWithItsUnit() {
        String table = sample().table();
        assertThat(table).contains("2 cores", "max heap 8192 MiB", "Java 17.0.15");
        assertThat(table).containsPattern("job\\.events_per_s\\s+12,346\\s+events/s");
        assertThat(table).containsPattern("latency\\.p99_ms\\s+0\\.250\\s+ms");
        assertThat(table).containsPattern("state\\.checkpoint_bytes\\s+n/a\\s+bytes");
    }

    @Test
    void formatsKeepThreeSignificantDigits() {
        assertThat(BenchReport.format(1234567)).isEqualTo("1,234,567");
        assertThat(BenchReport.format(3.14159)).isEqualTo("3.14");
        assertThat(BenchReport.format(0.012345)).isEqualTo("0.0123");
        assertThat(BenchReport.format(5)).isEqualTo("5");
    }

    @Test
    void rejectsDuplicateNames() {
        BenchReport r = sample();
        assertThatThrownBy(() -> r.add("latency.p99_ms", 1, "ms", "again"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
