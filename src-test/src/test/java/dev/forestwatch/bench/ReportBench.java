package dev.forestwatch.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forestwatch.it.support.HeadlessChromium;
import dev.forestwatch.job.model.InfluencerResult;
import dev.forestwatch.job.model.RecordResult;
import dev.forestwatch.job.model.ResultIds;
import dev.forestwatch.job.output.ResultJson;
import dev.forestwatch.job.report.ReportBuilder;
import dev.forestwatch.job.report.ReportCommand;
import java.io.BufferedWriter;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebDriver;

/**
 * The report at the size issue 13 names: a day of 1,000 series in one-minute buckets (1.44 million
 * records, as many influencer results, written with the job's own {@link ResultJson}). Prints the
 * time to build the report (median, min, max of {@code bench.repetitions}, default 3), its size,
 * and the time Chromium takes to open it until the page is drawn.
 */
class ReportBench {
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    private static final long SPAN = 60_000;
    private static final int SERIES = Integer.getInteger("bench.report.series", 1000);
    private static final int BUCKETS = Integer.getInteger("bench.report.buckets", 1440);

    @Test
    void run() throws Exception {
        Path out = Path.of(System.getProperty("bench.out", "target/bench"));
        Path dir = out.resolve("report-input");
        Files.createDirectories(dir);
        long wrote = System.nanoTime();
        long bytes = writeResults(dir);
        System.out.printf(
                Locale.ROOT,
                "[bench] wrote %d series x %d buckets of results (%.0f MB) in %.1f s%n",
                SERIES,
                BUCKETS,
                bytes / 1e6,
                (System.nanoTime() - wrote) / 1e9);
        int reps = Integer.getInteger("bench.repetitions", 3);
        List<Double> seconds = new ArrayList<>();
        Path html = out.resolve("report-1000-series.html");
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        for (int i = 0; i <= reps; i++) {
            long started = System.nanoTime();
            ReportCommand.fromFiles(dir, null, ReportBuilder.Options.defaults(), html, quiet);
            double s = (System.nanoTime() - started) / 1e9;
            if (i > 0) { // the first run warms the JVM
                seconds.add(s);
            }
        }
        Collections.sort(seconds);
        BenchReport report = BenchReport.forThisJvm();
        report.add(
                "report.build_s",
                seconds.get(seconds.size() / 2),
                "s",
                String.format(
                        Locale.ROOT,
                        "forestwatch report over %d series x %d one-minute buckets (%.0f MB of"
                                + " results); median of %d (min %.2f, max %.2f)",
                        SERIES,
                        BUCKETS,
                        bytes / 1e6,
                        reps,
                        seconds.get(0),
                        seconds.get(seconds.size() - 1)));
        report.add("report.size_mb", Files.size(html) / 1e6, "MB", "the HTML file");
        Double open = openInChromium(html);
        if (open != null) {
            report.add(
                    "report.chromium_open_s",
                    open,
                    "s",
                    "headless Chromium: navigation start to the page drawn (data-ready)");
        }
        report.write(out.resolve("report-results.json"));
        System.out.println(report.table());
    }

    private static Double openInChromium(Path html) throws Exception {
        if (!HeadlessChromium.installed()) {
            System.out.println("[bench] no Chromium: open time not measured");
            return null;
        }
        WebDriver browser = HeadlessChromium.start();
        try {
            return HeadlessChromium.openReport(browser, html, Duration.ofSeconds(120)) / 1e3;
        } finally {
            browser.quit();
        }
    }

    /** Records, buckets and influencers of a day of SERIES hosts in 10 regions; returns bytes. */
    private static long writeResults(Path dir) throws Exception {
        Random random = new Random(13);
        // a few strong anomalies among the ordinary noise of scores
        boolean[][] spike = new boolean[SERIES][];
        for (int s = 0; s < SERIES; s++) {
            spike[s] = new boolean[BUCKETS];
        }
        for (int i = 0; i < 40; i++) {
            spike[random.nextInt(SERIES)][random.nextInt(BUCKETS)] = true;
        }
        try (BufferedWriter records = writer(dir.resolve("records.jsonl"));
                BufferedWriter influencers = writer(dir.resolve("influencers.jsonl"));
                BufferedWriter buckets = writer(dir.resolve("buckets.jsonl"))) {
            for (int b = 0; b < BUCKETS; b++) {
                long t = T0 + b * SPAN;
                double bucketMax = 0;
                for (int s = 0; s < SERIES; s++) {
                    String host = String.format(Locale.ROOT, "host-%04d", s);
                    String region = "region-" + (s % 10);
                    double typical = 100 + 30 * Math.sin(2 * Math.PI * b / BUCKETS + s);
                    double actual = typical + 5 * random.nextGaussian();
                    double score = Math.max(0, 8 * random.nextGaussian());
                    if (spike[s][b]) {
                        actual = typical * 3;
                        score = 80 + 20 * random.nextDouble();
                    }
                    bucketMax = Math.max(bucketMax, score);
                    records.write(
                            ResultJson.record(record(t, host, region, actual, typical, score)));
                    records.newLine();
                    influencers.write(ResultJson.influencer(influencer(t, "host", host, score)));
                    influencers.newLine();
                }
                for (int r = 0; r < 10; r++) {
                    influencers.write(
                            ResultJson.influencer(
                                    influencer(t, "region", "region-" + r, bucketMax / 2)));
                    influencers.newLine();
                }
                buckets.write(bucketLine(t, bucketMax));
                buckets.newLine();
            }
        }
        long bytes = 0;
        for (String f : List.of("records.jsonl", "influencers.jsonl", "buckets.jsonl")) {
            bytes += Files.size(dir.resolve(f));
        }
        return bytes;
    }

    private static BufferedWriter writer(Path p) throws Exception {
        return Files.newBufferedWriter(p, StandardCharsets.UTF_8);
    }

    private static String bucketLine(long t, double score) {
        ObjectNode n = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        n.put("job_id", "bench");
        n.put("result_type", "bucket");
        n.put("result_id", "bench_bucket_" + t);
        n.put("timestamp", t);
        n.put("bucket_span", 60);
        n.put("anomaly_score", score);
        n.put("initial_anomaly_score", score);
        n.put("event_count", SERIES * 4L);
        n.put("is_interim", false);
        return n.toString();
    }

    private static RecordResult record(
            long t, String host, String region, double actual, double typical, double score) {
        double half = 1.96 * 6.3;
        return new RecordResult(
                ResultIds.record("bench", t, 60, 0, host, 0),
                "bench",
                t,
                60,
                0,
                "mean",
                new String[] {"latency_ms"},
                "host",
                host,
                null,
                null,
                new double[] {actual},
                new double[] {typical},
                new double[] {typical - half},
                new double[] {typical + half},
                null,
                null,
                0,
                "mean latency_ms " + actual + " vs typical " + typical + " for host " + host,
                new String[] {"host", "region"},
                new String[] {host, region},
                score / 40,
                score > 50 ? 1 : 0,
                1.1,
                0.99,
                4,
                t,
                true,
                20_000,
                false,
                Math.exp(-score / 5),
                score,
                score);
    }

    private static InfluencerResult influencer(long t, String field, String value, double score) {
        return new InfluencerResult(
                ResultIds.influencer("bench", t, 60, field, value),
                "bench",
                t,
                60,
                field,
                value,
                score,
                score,
                Math.exp(-score / 5),
                1,
                false);
    }
}
