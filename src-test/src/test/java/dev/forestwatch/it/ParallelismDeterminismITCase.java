package dev.forestwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forestwatch.job.AnomalyDetectionJob;
import dev.forestwatch.job.Output;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same input gives the same results at any parallelism: one CSV replayed through the command
 * line at {@code -p 1}, {@code 2} and {@code 4}, and every output (records, influencers, buckets,
 * renormalized results, alerts, cutoffs, dead letters) compared line for line, in any order. Only
 * {@code processing_time_ms}, a wall-clock measurement, is left out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParallelismDeterminismITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-05-04T00:00:00Z");
    private static final String[] HOSTS = {"a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4"};
    private static final Instant SPIKE = START.plusSeconds(3 * 86_400 + 10 * 3600);

    @TempDir static Path tmp;

    private final Map<Integer, Map<Output, List<String>>> runs = new HashMap<>();

    @BeforeAll
    void runAtParallelismOneTwoAndFour() throws Exception {
        StringBuilder csv = new StringBuilder("time,host,region,latency\n");
        Random random = new Random(21);
        for (int second = 0; second < 4 * 86_400; second += 150) {
            Instant t = START.plusSeconds(second);
            for (int h = 0; h < HOSTS.length; h++) {
                if (h == 5 && second > 2 * 86_400 + 3600 && second < 2 * 86_400 + 3 * 3600) {
                    continue; // b2 silent for two hours
                }
                double daily = 1 + 0.3 * Math.sin(2 * Math.PI * second / 86_400.0 + h);
                double latency = 40 * daily + 3 * random.nextGaussian();
                if (h == 2 && !t.isBefore(SPIKE) && t.isBefore(SPIKE.plusSeconds(1200))) {
                    latency *= 5;
                }
                csv.append(t)
                        .append(',')
                        .append(HOSTS[h])
                        .append(',')
                        .append(HOSTS[h].charAt(0) == 'a' ? "eu" : "us")
                        .append(',')
                        .append(String.format(Locale.ROOT, "%.3f", latency))
                        .append('\n');
            }
            if (second % 20_000 == 0) {
                csv.append(t).append(",a1,eu,slow\n"); // a dead letter now and then
            }
        }
        Files.writeString(tmp.resolve("latency.csv"), csv.toString());
        Files.writeString(
                tmp.resolve("latency.yaml"),
                """
                job_id: determinism
                source:
                  type: file
                  file:
                    path: latency.csv
                event:
                  timestamp_field: time
                  max_out_of_orderness: 1m
                analysis:
                  bucket_span: 5m
                  detectors:
                    - function: mean
                      field_name: latency
                      by_field_name: host
                      partition_field_name: region
                    - function: low_count
                      by_field_name: host
                  influencers: [host, region]
                model:
                  trees: 30
                  sample_size: 128
                scoring:
                  cutoff:
                    per: detector
                alerting:
                  policies:
                    - name: critical-buckets
                      mode: score
                      level: bucket
                      min_score: 75
                    - name: above-cutoff
                      mode: cutoff
                      level: record
                """);
        for (int p : new int[] {1, 2, 4}) {
            Path out = tmp.resolve("out-p" + p);
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            int code =
                    AnomalyDetectionJob.run(
                            new String[] {
                                "--spec",
                                tmp.resolve("latency.yaml").toString(),
                                "--output",
                                out.toString(),
                                "--parallelism",
                                String.valueOf(p),
                                "--no-summary",
                                "--progress",
                                "NEVER"
                            },
                            new PrintStream(console, true, StandardCharsets.UTF_8),
                            System.err);
            assertThat(code).as(console.toString(StandardCharsets.UTF_8)).isZero();
            Map<Output, List<String>> outputs = new HashMap<>();
            for (Output o : Output.values()) {
                outputs.put(o, canonicalLines(out.resolve(o.fileName())));
            }
            runs.put(p, outputs);
        }
    }

    /** The file's lines without wall-clock fields, sorted. */
    private static List<String> canonicalLines(Path file) throws Exception {
        List<String> lines = new ArrayList<>();
        if (!Files.exists(file)) {
            return lines;
        }
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            if (n instanceof ObjectNode o) {
                o.remove("processing_time_ms");
            }
            lines.add(n.toString());
        }
        Collections.sort(lines);
        return lines;
    }

    @Test
    void theRunsHaveSomethingToCompare() {
        Map<Output, List<String>> p1 = runs.get(1);
        // 8 hosts x 2 detectors x 1,152 buckets, less the silent host's missing means
        assertThat(p1.get(Output.RECORDS)).hasSizeGreaterThan(18_000);
        assertThat(p1.get(Output.BUCKETS)).hasSizeGreaterThan(1_100);
        assertThat(p1.get(Output.DEAD_LETTERS)).hasSizeGreaterThanOrEqualTo(5);
        assertThat(p1.get(Output.CUTOFFS)).isNotEmpty();
        assertThat(p1.get(Output.ALERTS)).isNotEmpty();
        assertThat(String.join("\n", p1.get(Output.ALERTS))).contains("host=a3");
    }

    @Test
    void everyOutputIsTheSameAtParallelismOneTwoAndFour() {
        for (Output o : Output.values()) {
            List<String> one = runs.get(1).get(o);
            for (int p : new int[] {2, 4}) {
                List<String> other = runs.get(p).get(o);
                List<String> onlyInOne = new ArrayList<>(one);
                onlyInOne.removeAll(other);
                List<String> onlyInOther = new ArrayList<>(other);
                onlyInOther.removeAll(one);
                assertThat(onlyInOther)
                        .as(
                                "%s at -p %d vs -p 1: %d lines only at -p 1, e.g. %s",
                                o.fileName(),
                                p,
                                onlyInOne.size(),
                                onlyInOne.stream().limit(2).toList())
                        .isEmpty();
                assertThat(other).as("%s at -p %d", o.fileName(), p).hasSameSizeAs(one);
            }
        }
    }
}
