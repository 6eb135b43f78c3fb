package dev.forestwatch.job.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forestwatch.connectors.datagen.InjectedAnomaly;
import dev.forestwatch.connectors.datagen.SyntheticMetrics;
import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.config.SourceType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The console summary after a local run: what was processed, the top anomalies (one line per
 * distinct anomaly, highest grade first), dead letters by reason and, for the synthetic source,
 * which injected anomalies were found.
 */
public final class RunSummary {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final JobSpec spec;
    private final Path dir;
    private final long elapsedMillis;

    public RunSummary(JobSpec spec, Path dir, long elapsedMillis) {
        this.spec = spec;
        this.dir = dir;
        this.elapsedMillis = elapsedMillis;
    }

    /** One line of the top list. */
    public record TopRecord(
            String series,
            String byValue,
            long timestamp,
            double recordScore,
            String severity,
            double probability,
            double grade,
            double rawScore,
            String reason) {}

    /** Reads the records file and picks the top distinct anomalies. */
    public static List<TopRecord> topRecords(Path recordsFile, long spanMillis, int limit)
            throws IOException {
        List<TopRecord> all = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(recordsFile, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode n = MAPPER.readTree(line);
                if (n.path("is_interim").asBoolean()) {
                    continue;
                }
                all.add(
                        new TopRecord(
                                n.path("function_description").asText(),
                                n.path("by_field_value").asText(null),
                                n.path("anomaly_timestamp").asLong(n.path("timestamp").asLong()),
                                n.path("record_score").asDouble(),
                                n.path("severity").asText(),
                                n.path("probability").asDouble(),
                                n.path("grade").asDouble(),
                                n.path("raw_score").asDouble(),
                                n.path("reason").asText("")));
            }
        }
        all.sort(
                Comparator.comparingDouble(TopRecord::recordScore)
                        .thenComparingDouble(TopRecord::grade)
                        .thenComparingDouble(TopRecord::rawScore)
                        .reversed());
        // One line per anomaly: skip records of a series already listed within a few buckets.
        long window = 12 * spanMillis;
        List<TopRecord> top = new ArrayList<>();
        for (TopRecord r : all) {
            boolean duplicate =
                    top.stream()
                            .anyMatch(
                                    t ->
                                            t.series().equals(r.series())
                                                    && Math.abs(t.timestamp() - r.timestamp())
                                                            <= window);
            if (!duplicate) {
                top.add(r);
            }
            if (top.size() >= limit) {
                break;
            }
        }
        return top;
    }

    /** Prints the summary. */
    public void print(PrintStream out) throws IOException {
        long spanMillis = spec.analysis().bucketSpan().toMillis();
        Path records = dir.resolve("records.jsonl");
        Path buckets = dir.resolve("buckets.jsonl");
        Path deadLetters = dir.resolve("dead-letters.jsonl");
        long recordCount = lines(records);
        long bucketCount = lines(buckets);
        Map<String, Integer> reasons = new TreeMap<>();
        long deadCount = 0;
        if (Files.exists(deadLetters)) {
            try (BufferedReader in = Files.newBufferedReader(deadLetters, StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    deadCount++;
                    reasons.merge(MAPPER.readTree(line).path("reason").asText(), 1, Integer::sum);
                }
            }
        }
        long events = 0;
        if (Files.exists(buckets)) {
            try (BufferedReader in = Files.newBufferedReader(buckets, StandardCharsets.UTF_8)) {
                String line;
                while ((line = in.readLine()) != null) {
                    events += MAPPER.readTree(line).path("event_count").asLong();
                }
            }
        }
        out.println();
        out.println("=== forestwatch: job '" + spec.jobId() + "' finished ===");
        out.printf(
                "%d events scored in %d buckets, %d record results, %d dead letters, %.1f s%n",
                events, bucketCount, recordCount, deadCount, elapsedMillis / 1000.0);
        if (!reasons.isEmpty()) {
            out.println("dead letters by reason: " + reasons);
        }
        List<TopRecord> top =
                Files.exists(records)
                        ? topRecords(records, spanMillis, spec.sinks().consoleTop())
                        : List.of();
        List<InjectedAnomaly> injected =
                spec.source().type() == SourceType.DATAGEN
                        ? SyntheticMetrics.anomalies(spec.source().datagen())
                        : List.of();
        out.println();
        out.println("Top anomalies (highest record score first, one line per anomaly):");
        if (top.isEmpty() || top.get(0).recordScore() <= 0) {
            out.println("  none: no record scored above 0");
        }
        int rank = 1;
        for (TopRecord r : top) {
            if (r.recordScore() <= 0) {
                continue; // "none" was said above: a zero score is not an anomaly to list
            }
            String match = "";
            if (!injected.isEmpty()) {
                match =
                        injected.stream()
                                .filter(
                                        a ->
                                                a.entity().equals(r.byValue())
                                                        && a.kind().equals("silence")
                                                                == r.series().contains("count")
                                                        && a.overlaps(
                                                                r.timestamp() - spanMillis,
                                                                r.timestamp() + 2 * spanMillis))
                                .map(a -> "  <- injected " + a.kind())
                                .findFirst()
                                .orElse("");
            }
            out.printf(
                    "%3d. %s  %5.1f %-8s p=%.1e  %s%s%n",
                    rank++,
                    Instant.ofEpochMilli(r.timestamp()),
                    r.recordScore(),
                    r.severity(),
                    r.probability(),
                    r.reason(),
                    match);
        }
        if (!injected.isEmpty()) {
            out.println();
            out.println("Injected anomalies in the synthetic data:");
            for (InjectedAnomaly a : injected) {
                out.printf(
                        "  %-12s %-8s %s .. %s%n",
                        a.kind(),
                        a.entity(),
                        Instant.ofEpochMilli(a.startMillis()),
                        Instant.ofEpochMilli(a.endMillis()));
            }
        }
        out.println();
        out.println("Results: " + dir.toAbsolutePath());
    }

    private static long lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (var s = Files.lines(file, StandardCharsets.UTF_8)) {
            return s.count();
        }
    }
}
