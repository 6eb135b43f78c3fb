package dev.forestwatch.nab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forestwatch.nab.NabScorer.Breakdown;
import dev.forestwatch.nab.NabScorer.ProfileResult;
import dev.forestwatch.nab.NabScorer.Result;
import dev.forestwatch.nab.NabScorer.ScoredRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Summaries of a NAB run: the per-category table printed on the console, the detections of one file
 * against its windows, and {@code final_results.json}.
 */
public final class NabReport {

    /** The file whose detections are reported window by window. */
    public static final String NYC_TAXI = "realKnownCause/nyc_taxi.csv";

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private NabReport() {}

    /** One labelled window and the detections in it at a threshold. */
    public record WindowHit(
            String start, String end, int detectedRows, String firstDetection, double score) {}

    /** A file's detections at a threshold: per window, and the false-positive rows. */
    public record Detections(
            String fileKey,
            double threshold,
            List<WindowHit> windows,
            int windowsHit,
            List<String> falsePositives) {

        /** {@code "3/5 windows, 2 FP rows"}. */
        public String summary() {
            return windowsHit
                    + "/"
                    + windows.size()
                    + " windows, "
                    + falsePositives.size()
                    + " FP rows";
        }
    }

    /** Detections of {@code fileKey} (scored rows, in data order) at {@code threshold}. */
    public static Detections detections(
            NabScorer scorer,
            String fileKey,
            List<ScoredRow> rows,
            double threshold,
            NabScorer.Profile profile) {
        int[] tags = scorer.rowTags(fileKey, rows);
        double[] s = scorer.rowScores(fileKey, rows, profile);
        List<NabLabels.Window> windows = scorer.labels().windowsOf(fileKey);
        int[] count = new int[windows.size()];
        String[] first = new String[windows.size()];
        double[] firstScore = new double[windows.size()];
        List<String> fps = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (tags[i] == NabScorer.TAG_PROBATIONARY || rows.get(i).anomalyScore() < threshold) {
                continue;
            }
            String ts = NabLabels.DATA_TIMESTAMP.format(rows.get(i).timestamp());
            if (tags[i] >= 0) {
                if (count[tags[i]]++ == 0) {
                    first[tags[i]] = ts;
                    firstScore[tags[i]] = s[i];
                }
            } else {
                fps.add(ts);
            }
        }
        List<WindowHit> hits = new ArrayList<>();
        int hit = 0;
        for (int w = 0; w < windows.size(); w++) {
            hits.add(
                    new WindowHit(
                            NabLabels.DATA_TIMESTAMP.format(windows.get(w).start()),
                            NabLabels.DATA_TIMESTAMP.format(windows.get(w).end()),
                            count[w],
                            first[w],
                            count[w] > 0 ? firstScore[w] : -profile.fnWeight()));
            if (count[w] > 0) {
                hit++;
            }
        }
        return new Detections(fileKey, threshold, hits, hit, fps);
    }

    /** Normalised score of one category at the corpus threshold; NaN without windows. */
    public static double categoryScore(Breakdown b, NabScorer.Profile p) {
        double nullScore = -p.fnWeight() * b.windows();
        double perfect = p.tpWeight() * b.windows();
        return b.windows() == 0
                ? Double.NaN
                : NabScorer.normalize(b.rawScore(), nullScore, perfect);
    }

    /** The console table: one line per category and profile scores, then the totals. */
    public static String table(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(
                String.format(
                        Locale.ROOT,
                        "%-22s %5s %7s %9s %9s %9s %6s%n",
                        "category",
                        "files",
                        "windows",
                        "standard",
                        "low_FP",
                        "low_FN",
                        "FP*"));
        ProfileResult std = r.get(NabScorer.Profile.STANDARD.name());
        for (String cat : std.categories().keySet()) {
            Breakdown b = std.categories().get(cat);
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "%-22s %5d %3d/%-3d",
                            cat,
                            b.files(),
                            b.detectedWindows(),
                            b.windows()));
            for (ProfileResult p : r.profiles().values()) {
                Breakdown c = p.categories().get(cat);
                sb.append(cellFor(c, p.profile()));
            }
            sb.append(String.format(Locale.ROOT, " %6d%n", b.fp()));
        }
        Breakdown t = std.totals();
        sb.append(
                String.format(
                        Locale.ROOT,
                        "%-22s %5d %3d/%-3d",
                        "all",
                        t.files(),
                        t.detectedWindows(),
                        t.windows()));
        for (ProfileResult p : r.profiles().values()) {
            sb.append(String.format(Locale.ROOT, " %9.3f", p.normalizedScore()));
        }
        sb.append(String.format(Locale.ROOT, " %6d%n", t.fp()));
        sb.append(
                "(category scores at the corpus threshold, normalised per category; a category"
                        + " without windows shows its raw score, i.e. its FP penalties;"
                        + " windows = hit/total and FP* = false-positive rows, standard profile)\n");
        return sb.toString();
    }

    private static String cellFor(Breakdown c, NabScorer.Profile p) {
        double s = categoryScore(c, p);
        return Double.isNaN(s)
                ? String.format(Locale.ROOT, " %8.3fr", c.rawScore())
                : String.format(Locale.ROOT, " %9.3f", s);
    }

    /** Writes {@code final_results.json}; returns its path. */
    public static Path writeFinalResults(
            Path file,
            Result r,
            String spec,
            NabAnomalyScore mapping,
            double runSeconds,
            Detections nycTaxi,
            Map<String, Result> alternatives,
            Map<String, Detections> alternativeNyc) {
        ObjectNode root = JSON.createObjectNode();
        root.put("detector", r.detector());
        root.put("spec", spec);
        root.put("anomaly_score", mapping.label());
        root.put("run_seconds", runSeconds);
        ObjectNode scores = root.putObject("scores");
        ObjectNode thresholds = root.putObject("thresholds");
        ObjectNode profiles = root.putObject("profiles");
        for (ProfileResult p : r.profiles().values()) {
            String name = p.profile().name();
            scores.put(name, p.normalizedScore());
            thresholds.put(name, p.threshold());
            ObjectNode pn = profiles.putObject(name);
            pn.put("score", p.normalizedScore());
            pn.put("threshold", p.threshold());
            pn.put("raw_score", p.rawScore());
            pn.put("null_score", p.nullScore());
            pn.put("perfect_score", p.perfectScore());
            breakdown(pn.putObject("totals"), p.totals(), p.profile());
            ObjectNode cats = pn.putObject("categories");
            for (Breakdown b : p.categories().values()) {
                breakdown(cats.putObject(b.name()), b, p.profile());
            }
            ObjectNode files = pn.putObject("files");
            for (Breakdown b : p.files().values()) {
                breakdown(files.putObject(b.name()), b, p.profile());
            }
        }
        root.set("nyc_taxi", detectionsJson(nycTaxi));
        ObjectNode alt = root.putObject("alternative_anomaly_scores");
        for (Map.Entry<String, Result> e : alternatives.entrySet()) {
            ObjectNode a = alt.putObject(e.getKey());
            for (ProfileResult p : e.getValue().profiles().values()) {
                a.put(p.profile().name(), p.normalizedScore());
            }
            Detections d = alternativeNyc.get(e.getKey());
            a.put("nyc_taxi", d.summary());
        }
        try {
            Files.createDirectories(file.getParent());
            JSON.writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    /** JSON of a file's detections. */
    public static ObjectNode detectionsJson(Detections d) {
        ObjectNode n = JSON.createObjectNode();
        n.put("file", d.fileKey());
        n.put("threshold", d.threshold());
        n.put("windows_hit", d.windowsHit());
        n.put("false_positive_rows", d.falsePositives().size());
        ArrayNode ws = n.putArray("windows");
        for (WindowHit w : d.windows()) {
            ObjectNode wn = ws.addObject();
            wn.put("start", w.start());
            wn.put("end", w.end());
            wn.put("detected_rows", w.detectedRows());
            if (w.firstDetection() == null) {
                wn.putNull("first_detection");
            } else {
                wn.put("first_detection", w.firstDetection());
            }
            wn.put("window_score", w.score());
        }
        ArrayNode fps = n.putArray("false_positives");
        d.falsePositives().forEach(fps::add);
        return n;
    }

    private static void breakdown(ObjectNode n, Breakdown b, NabScorer.Profile p) {
        double s = categoryScore(b, p);
        if (Double.isNaN(s)) {
            n.putNull("score");
        } else {
            n.put("score", s);
        }
        n.put("raw_score", b.rawScore());
        n.put("files", b.files());
        n.put("windows", b.windows());
        n.put("detected_windows", b.detectedWindows());
        n.put("tp", b.tp());
        n.put("fp", b.fp());
        n.put("fn", b.fn());
        n.put("tn", b.tn());
    }
}
