package dev.forestwatch.nab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.config.JobSpecLoader;
import dev.forestwatch.job.model.RecordResult;
import dev.forestwatch.nab.NabScorer.Profile;
import dev.forestwatch.nab.NabScorer.ProfileResult;
import dev.forestwatch.nab.NabScorer.Result;
import dev.forestwatch.nab.NabScorer.ScoredRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The full Numenta Anomaly Benchmark run behind {@code mvn -Pnab verify} (run by failsafe only in
 * the {@code nab} profile; its name matches neither {@code *Test} nor {@code *ITCase}).
 *
 * <p>Runs the job with {@code config/jobs/nab.yaml} over every NAB data file (one job per file, the
 * same spec for all), writes NAB result files to {@code target/nab/results/forestwatch/}, scores
 * them with {@link NabScorer}, rescores the written files to check they give the printed scores,
 * writes {@code target/nab/final_results.json} and prints the scores and the per-category table.
 *
 * <p>System properties: {@code nab.dir} (corpus), {@code nab.spec} (default {@code
 * ../config/jobs/nab.yaml}), {@code nab.score} (the {@link NabAnomalyScore} written, default {@code
 * grade}), {@code nab.out} (default {@code target/nab}).
 */
class NabBenchmark {

    /** Detector name in result file names; occurs in no NAB data file name. */
    static final String DETECTOR = "forestwatch";

    /**
     * The record fields written as NAB's anomaly_score unless {@code nab.score} says otherwise: the
     * initial record score, the 0-100 score users read and alert on, as first written (NAB's rule:
     * a score known in real time); every other mapping's scores are printed for comparison.
     */
    static final NabAnomalyScore CHOSEN_SCORE = NabAnomalyScore.RECORD_SCORE;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @Test
    void scoresTheWholeCorpus() throws Exception {
        Path nabDir = NabLabels.defaultNabDir();
        Path specPath = Path.of(System.getProperty("nab.spec", "../config/jobs/nab.yaml"));
        String scoreProperty = System.getProperty("nab.score", "");
        NabAnomalyScore mapping =
                scoreProperty.isBlank() ? CHOSEN_SCORE : NabAnomalyScore.parse(scoreProperty);
        Path out = Path.of(System.getProperty("nab.out", "target/nab"));
        JobSpec spec = JobSpecLoader.load(specPath);
        List<String> keys = NabResultFiles.dataFiles(nabDir);
        assertThat(keys).as("NAB data files in " + nabDir).hasSize(58);
        // Only for quick experiments: a subset (prefixes of file keys) cannot be the NAB score.
        String subset = System.getProperty("nab.files", "");
        if (!subset.isBlank()) {
            List<String> prefixes = List.of(subset.split(","));
            keys = keys.stream().filter(k -> prefixes.stream().anyMatch(k::startsWith)).toList();
        }

        long started = System.nanoTime();
        Map<String, NabJobRunner.FileRun> runs = NabJobRunner.runAll(spec, nabDir, keys, 2);
        double runSeconds = (System.nanoTime() - started) / 1e9;
        long rows = runs.values().stream().mapToLong(r -> r.data().size()).sum();

        NabLabels labels = NabLabels.load(nabDir);
        NabScorer scorer = new NabScorer(labels);
        Path results = out.resolve("results");
        deleteRecursively(results.resolve(DETECTOR));
        for (NabJobRunner.FileRun run : runs.values()) {
            NabResultFiles.write(
                    results, DETECTOR, run.fileKey(), run.data(), scores(run, mapping), labels);
        }
        writeRecordDump(out.resolve("records"), runs);
        Result result = scorer.score(DETECTOR, scoredRows(runs, mapping), Profile.defaults());
        for (ProfileResult p : result.profiles().values()) {
            NabResultFiles.writeScoresCsv(results, DETECTOR, p);
        }

        // The printed figures must be what the written files give: rescore them from disk.
        Map<String, List<ScoredRow>> reread = new TreeMap<>();
        for (Map.Entry<String, List<NabResultFiles.ResultRow>> e :
                NabResultFiles.read(results, DETECTOR).entrySet()) {
            reread.put(
                    e.getKey(),
                    NabResultFiles.alignToData(
                            e.getKey(), runs.get(e.getKey()).data(), e.getValue()));
        }
        assertThat(reread).hasSize(keys.size());
        Result rescored = scorer.score(DETECTOR, reread, Profile.defaults());
        for (Profile p : Profile.defaults()) {
            assertThat(rescored.score(p.name())).as(p.name()).isEqualTo(result.score(p.name()));
            assertThat(rescored.threshold(p.name()))
                    .as(p.name())
                    .isEqualTo(result.threshold(p.name()));
        }

        // The other ways to read a record, for comparison (same run, same records).
        Map<String, Result> alternatives = new LinkedHashMap<>();
        Map<String, NabReport.Detections> alternativeNyc = new LinkedHashMap<>();
        for (NabAnomalyScore m : NabAnomalyScore.values()) {
            Map<String, List<ScoredRow>> in = scoredRows(runs, m);
            Result r = m == mapping ? result : scorer.score(DETECTOR, in, Profile.defaults());
            alternatives.put(m.label(), r);
            alternativeNyc.put(m.label(), nyc(scorer, in, r));
        }
        NabReport.Detections nyc = alternativeNyc.get(mapping.label());
        Path json =
                NabReport.writeFinalResults(
                        out.resolve("final_results.json"),
                        result,
                        specPath.toAbsolutePath().normalize().toString(),
                        mapping,
                        runSeconds,
                        nyc,
                        alternatives,
                        alternativeNyc);

        StringBuilder sb = new StringBuilder();
        sb.append(
                String.format(
                        Locale.ROOT,
                        "%n=== NAB: %d files, %d rows, job runs %.1f s, anomaly_score = %s ===%n",
                        runs.size(),
                        rows,
                        runSeconds,
                        mapping.label()));
        for (ProfileResult p : result.profiles().values()) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "  %-20s %7.3f  (threshold %.6f, raw %.4f)%n",
                            p.profile().name(),
                            p.normalizedScore(),
                            p.threshold(),
                            p.rawScore()));
        }
        sb.append("  (rescored from the written result files: identical)\n\n");
        sb.append(NabReport.table(result));
        sb.append("\nnyc_taxi at the standard threshold: ").append(nyc.summary()).append('\n');
        for (NabReport.WindowHit w : nyc.windows()) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "  window %s .. %s: %s%n",
                            w.start(),
                            w.end(),
                            w.firstDetection() == null
                                    ? "missed"
                                    : "first detection "
                                            + w.firstDetection()
                                            + String.format(
                                                    Locale.ROOT,
                                                    " (%d rows, %.3f)",
                                                    w.detectedRows(),
                                                    w.score())));
        }
        sb.append("  false positives: ").append(nyc.falsePositives()).append("\n\n");
        sb.append("Other record fields as anomaly_score (same run):\n");
        for (Map.Entry<String, Result> e : alternatives.entrySet()) {
            Result r = e.getValue();
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "  %-13s %7.3f %7.3f %7.3f   nyc_taxi %s%n",
                            e.getKey(),
                            r.score("standard"),
                            r.score("reward_low_FP_rate"),
                            r.score("reward_low_FN_rate"),
                            alternativeNyc.get(e.getKey()).summary()));
        }
        sb.append("Results: ").append(results.toAbsolutePath()).append('\n');
        sb.append("Summary: ").append(json.toAbsolutePath()).append('\n');
        System.out.println(sb);
    }

    private static NabReport.Detections nyc(
            NabScorer scorer, Map<String, List<ScoredRow>> in, Result r) {
        return NabReport.detections(
                scorer,
                NabReport.NYC_TAXI,
                in.get(NabReport.NYC_TAXI),
                r.threshold(Profile.STANDARD.name()),
                Profile.STANDARD);
    }

    static double[] scores(NabJobRunner.FileRun run, NabAnomalyScore mapping) {
        List<RecordResult> records = run.records();
        double[] out = new double[records.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = mapping.of(records.get(i));
        }
        return out;
    }

    static Map<String, List<ScoredRow>> scoredRows(
            Map<String, NabJobRunner.FileRun> runs, NabAnomalyScore mapping) {
        Map<String, List<ScoredRow>> out = new TreeMap<>();
        for (NabJobRunner.FileRun run : runs.values()) {
            double[] s = scores(run, mapping);
            List<ScoredRow> rows = new ArrayList<>(s.length);
            for (int i = 0; i < s.length; i++) {
                rows.add(new ScoredRow(run.data().get(i).timestamp(), s[i]));
            }
            out.put(run.fileKey(), rows);
        }
        return out;
    }

    /**
     * Writes every record's forest and score fields, one CSV per data file ({@code
     * records/<category>/<file>.csv}), so that other ways of reading a record can be studied
     * without running the job again.
     */
    static void writeRecordDump(Path dir, Map<String, NabJobRunner.FileRun> runs)
            throws IOException {
        for (NabJobRunner.FileRun run : runs.values()) {
            Path csv = dir.resolve(run.fileKey());
            Files.createDirectories(csv.getParent());
            try (var w = Files.newBufferedWriter(csv)) {
                w.write(
                        "timestamp,value,raw_score,grade,threshold,confidence,typical,"
                                + "anomaly_offset_ms,probability,record_score,model_ready,"
                                + "range_excess\n");
                for (RecordResult r : run.records()) {
                    w.write(
                            String.format(
                                    Locale.ROOT,
                                    "%d,%s,%s,%s,%s,%s,%s,%d,%s,%s,%d,%s%n",
                                    r.timestamp(),
                                    r.actual()[0],
                                    r.rawScore(),
                                    r.grade(),
                                    r.threshold(),
                                    r.confidence(),
                                    r.typical() == null ? "" : Double.toString(r.typical()[0]),
                                    r.timestamp() - r.anomalyTimestamp(),
                                    r.probability(),
                                    r.initialRecordScore(),
                                    r.modelReady() ? 1 : 0,
                                    r.rangeExcess()));
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
