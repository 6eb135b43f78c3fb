package dev.forestwatch.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forestwatch.nab.NabResultFiles.DataRow;
import dev.forestwatch.nab.NabResultFiles.ResultRow;
import dev.forestwatch.nab.NabScorer.Profile;
import dev.forestwatch.nab.NabScorer.ProfileResult;
import dev.forestwatch.nab.NabScorer.Result;
import dev.forestwatch.nab.NabScorer.ScoredRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Round trips of NAB result files, and whole-corpus checks: null = 0, perfect = 100, scores
 * recomputed from written files are identical.
 */
class NabResultFilesTest {

    private static final String NYC = "realKnownCause/nyc_taxi.csv";

    private static Path nabDir;
    private static NabLabels labels;
    private static Map<String, List<DataRow>> corpus;

    @BeforeAll
    static void loadCorpus() {
        nabDir = NabLabels.defaultNabDir();
        labels = NabLabels.load(nabDir);
        corpus = NabResultFiles.readCorpus(nabDir);
    }

    @Test
    void corpusDataMatchesTheLabels() {
        assertThat(corpus.keySet()).containsExactlyElementsOf(labels.files());
        long rows = corpus.values().stream().mapToLong(List::size).sum();
        assertThat(rows).isEqualTo(365_558);
        long scored =
                corpus.values().stream()
                        .mapToLong(l -> l.size() - NabScorer.probationLength(l.size()))
                        .sum();
        assertThat(scored).isEqualTo(332_842);

        List<DataRow> nyc = corpus.get(NYC);
        assertThat(nyc).hasSize(10_320);
        assertThat(NabScorer.probationLength(nyc.size())).isEqualTo(750);
        int[] tags = new NabScorer(labels).rowTags(NYC, constant(nyc, 0.0));
        int[][] expected = {{5839, 6045}, {7080, 7286}, {8423, 8629}, {8731, 8937}, {9977, 10183}};
        for (int w = 0; w < expected.length; w++) {
            assertThat(tags[expected[w][0] - 1]).isEqualTo(NabScorer.TAG_NONE);
            assertThat(tags[expected[w][0]]).isEqualTo(w);
            assertThat(tags[expected[w][1]]).isEqualTo(w);
            assertThat(tags[expected[w][1] + 1]).isEqualTo(NabScorer.TAG_NONE);
        }
        int[] label = NabResultFiles.labelColumn(nyc, labels.windowsOf(NYC));
        assertThat(java.util.Arrays.stream(label).sum()).isEqualTo(5 * 207);
    }

    @Test
    void nullDetectorScoresZeroAndPerfectDetectorHundredOnTheCorpus() {
        NabScorer scorer = new NabScorer(labels);
        Map<String, List<ScoredRow>> nullDetector = new TreeMap<>();
        Map<String, List<ScoredRow>> perfect = new TreeMap<>();
        for (Map.Entry<String, List<DataRow>> e : corpus.entrySet()) {
            nullDetector.put(e.getKey(), constant(e.getValue(), 0.5));
            perfect.put(e.getKey(), perfect(e.getKey(), e.getValue()));
        }
        Result nul = scorer.score("null", nullDetector, Profile.defaults());
        Result per = scorer.score("perfect", perfect, Profile.defaults());
        for (Profile p : Profile.defaults()) {
            ProfileResult n = nul.get(p.name());
            assertThat(n.rawScore()).isEqualTo(-116 * p.fnWeight());
            assertThat(n.nullScore()).isEqualTo(-116 * p.fnWeight());
            assertThat(n.perfectScore()).isEqualTo(116.0);
            assertThat(n.normalizedScore()).isEqualTo(0.0);
            assertThat(n.threshold()).isEqualTo(NabScorer.NOTHING_DETECTED);
            ProfileResult q = per.get(p.name());
            assertThat(q.threshold()).isEqualTo(1.0);
            assertThat(q.normalizedScore()).isCloseTo(100.0, within(1e-9));
            assertThat(q.totals().detectedWindows()).isEqualTo(116);
            assertThat(q.totals().fp()).isZero();
            assertThat(q.categories()).hasSize(7);
            assertThat(q.files()).hasSize(58);
        }
        // At a fixed threshold of 0.5 the null detector fires on every scored row: below zero.
        ProfileResult fired = scorer.scoreAt(nullDetector, Profile.STANDARD, 0.5);
        assertThat(fired.totals().fp() + fired.totals().tp()).isEqualTo(332_842);
        assertThat(fired.normalizedScore()).isLessThan(0.0);
    }

    @Test
    void scoresRecomputedFromWrittenFilesAreIdentical(@TempDir Path root) throws Exception {
        // A seeded random detector over the whole corpus: write, read back, rescore.
        Random random = new Random(42);
        NabScorer scorer = new NabScorer(labels);
        Map<String, List<ScoredRow>> direct = new LinkedHashMap<>();
        for (Map.Entry<String, List<DataRow>> e : corpus.entrySet()) {
            List<DataRow> data = e.getValue();
            double[] scores = new double[data.size()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = random.nextDouble() < 0.002 ? random.nextDouble() : 0.0;
            }
            Path written = NabResultFiles.write(root, "rand", e.getKey(), data, scores, labels);
            assertThat(written)
                    .isEqualTo(
                            root.resolve("rand")
                                    .resolve(NabLabels.category(e.getKey()))
                                    .resolve("rand_" + NabLabels.fileName(e.getKey())));
            List<ScoredRow> rows = new ArrayList<>();
            for (int i = 0; i < scores.length; i++) {
                rows.add(new ScoredRow(data.get(i).timestamp(), scores[i]));
            }
            direct.put(e.getKey(), rows);
        }
        assertThat(Files.readAllLines(NabResultFiles.resultPath(root, "rand", NYC)).get(0))
                .isEqualTo(NabResultFiles.HEADER);

        Map<String, List<ScoredRow>> reread = NabResultFiles.readScores(root, "rand");
        assertThat(reread.keySet()).containsExactlyElementsOf(labels.files());
        Result a = scorer.score("rand", direct, Profile.defaults());
        Result b = scorer.score("rand", reread, Profile.defaults());
        for (Profile p : Profile.defaults()) {
            assertThat(b.score(p.name())).isEqualTo(a.score(p.name()));
            assertThat(b.threshold(p.name())).isEqualTo(a.threshold(p.name()));
            assertThat(a.score(p.name())).isBetween(0.0, 100.0);
        }

        // Result rows align with the data and carry the harness label column.
        List<ResultRow> nyc = NabResultFiles.read(root, "rand").get(NYC);
        List<ScoredRow> aligned = NabResultFiles.alignToData(NYC, corpus.get(NYC), nyc);
        assertThat(aligned).isEqualTo(reread.get(NYC));
        assertThat(nyc.get(5839).label()).isEqualTo(1);
        assertThat(nyc.get(5838).label()).isEqualTo(0);
        assertThat(nyc.get(0).value()).isEqualTo(10844.0);

        // Summary files.
        ProfileResult std = a.get("standard");
        Path csv = NabResultFiles.writeScoresCsv(root, "rand", std);
        List<String> lines = Files.readAllLines(csv);
        assertThat(csv.getFileName().toString()).isEqualTo("rand_standard_scores.csv");
        assertThat(lines.get(0)).isEqualTo(NabResultFiles.SCORES_HEADER);
        assertThat(lines).hasSize(1 + 58 + 1);
        String[] totals = lines.get(59).split(",", -1);
        assertThat(totals[0]).isEqualTo("Totals");
        assertThat(Double.parseDouble(totals[4])).isEqualTo(std.rawScore());
        assertThat(Long.parseLong(totals[9])).isEqualTo(332_842);
        Path json = NabResultFiles.writeFinalResults(root, List.of(a));
        JsonNode node = new ObjectMapper().readTree(json.toFile());
        assertThat(node.path("rand").path("standard").asDouble()).isEqualTo(a.score("standard"));
    }

    @Test
    void resultFileRoundTripKeepsExactDoubles(@TempDir Path root) {
        LocalDateTime t0 = LocalDateTime.of(2015, 1, 1, 0, 0);
        List<ResultRow> rows =
                List.of(
                        new ResultRow(t0, 1.5, 0.1 + 0.2, 0),
                        new ResultRow(t0.plusMinutes(5), -3.0, 1e-7, 1),
                        new ResultRow(t0.plusMinutes(10), 12345.678, 1.0, 1),
                        new ResultRow(t0.plusMinutes(15), 0.0, 0.0, 0));
        Path p = NabResultFiles.write(root, "det", "cat/my_file.csv", rows);
        assertThat(NabResultFiles.readFile(p)).isEqualTo(rows);
        assertThat(NabResultFiles.read(root, "det").keySet()).containsExactly("cat/my_file.csv");
        assertThat(NabResultFiles.number(1e-7)).isEqualTo("0.0000001");
        assertThat(NabResultFiles.number(10844.0)).isEqualTo("10844");
    }

    private static List<ScoredRow> constant(List<DataRow> data, double score) {
        List<ScoredRow> out = new ArrayList<>(data.size());
        for (DataRow d : data) {
            out.add(new ScoredRow(d.timestamp(), score));
        }
        return out;
    }

    /** Score 1 on the first row of every window, 0 elsewhere. */
    private static List<ScoredRow> perfect(String key, List<DataRow> data) {
        List<LocalDateTime> starts =
                labels.windowsOf(key).stream().map(NabLabels.Window::start).toList();
        List<ScoredRow> out = new ArrayList<>(data.size());
        for (DataRow d : data) {
            out.add(new ScoredRow(d.timestamp(), starts.contains(d.timestamp()) ? 1.0 : 0.0));
        }
        return out;
    }
}
