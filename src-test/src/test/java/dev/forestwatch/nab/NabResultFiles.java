package dev.forestwatch.nab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * NAB corpus data files ({@code data/<category>/<file>.csv}: {@code timestamp,value}) and NAB
 * result files ({@code <root>/<detector>/<category>/<detector>_<file>.csv} with header {@code
 * timestamp,value,anomaly_score,label}), plus NAB's per-profile {@code
 * <detector>_<profile>_scores.csv} summaries and {@code final_results.json}, so that printed scores
 * can be recomputed from the written files.
 */
public final class NabResultFiles {

    /** Header of the result files this class writes. */
    public static final String HEADER = "timestamp,value,anomaly_score,label";

    /** Header of NAB's per-profile scores CSV. */
    public static final String SCORES_HEADER =
            "Detector,Profile,File,Threshold,Score,TP,TN,FP,FN,Total_Count";

    /** Accepts {@code yyyy-MM-dd HH:mm:ss} with an optional fraction of a second. */
    private static final DateTimeFormatter LENIENT_TIMESTAMP =
            new DateTimeFormatterBuilder()
                    .appendPattern("yyyy-MM-dd HH:mm:ss")
                    .optionalStart()
                    .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
                    .optionalEnd()
                    .toFormatter();

    private NabResultFiles() {}

    /** One row of a corpus data file. */
    public record DataRow(LocalDateTime timestamp, double value) {}

    /** One row of a result file; {@code label} is 1 inside a window, else 0. */
    public record ResultRow(
            LocalDateTime timestamp, double value, double anomalyScore, int label) {}

    // ---------------------------------------------------------------- corpus data

    /**
     * Keys ({@code "<category>/<file>.csv"}) of all CSV files under {@code <nabDir>/data}, sorted.
     */
    public static List<String> dataFiles(Path nabDir) {
        Path data = nabDir.resolve("data");
        List<String> keys = new ArrayList<>();
        try (Stream<Path> s = Files.walk(data, 2)) {
            s.filter(p -> p.getFileName().toString().endsWith(".csv"))
                    .filter(p -> data.relativize(p).getNameCount() == 2)
                    .forEach(p -> keys.add(data.relativize(p).toString().replace('\\', '/')));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + data, e);
        }
        Collections.sort(keys);
        return keys;
    }

    /** Reads one corpus file {@code <nabDir>/data/<fileKey>}. */
    public static List<DataRow> readData(Path nabDir, String fileKey) {
        Path csv = nabDir.resolve("data").resolve(fileKey);
        List<DataRow> rows = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            int[] cols = columns(r.readLine(), csv, "timestamp", "value");
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",", -1);
                rows.add(
                        new DataRow(
                                parseTimestamp(f[cols[0]].trim()),
                                Double.parseDouble(f[cols[1]].trim())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + csv, e);
        }
        return rows;
    }

    /** Reads every corpus file, keyed and sorted by file key. */
    public static Map<String, List<DataRow>> readCorpus(Path nabDir) {
        Map<String, List<DataRow>> out = new TreeMap<>();
        for (String key : dataFiles(nabDir)) {
            out.put(key, readData(nabDir, key));
        }
        return out;
    }

    /**
     * The label column NAB's harness writes: 1 for rows from a window's start timestamp to its end
     * timestamp (inclusive), else 0.
     */
    public static int[] labelColumn(List<DataRow> data, List<NabLabels.Window> windows) {
        int[] labels = new int[data.size()];
        int w = 0;
        boolean inside = false;
        for (int i = 0; i < data.size(); i++) {
            LocalDateTime t = data.get(i).timestamp();
            if (!inside && w < windows.size() && t.equals(windows.get(w).start())) {
                inside = true;
            }
            labels[i] = inside ? 1 : 0;
            if (inside && t.equals(windows.get(w).end())) {
                inside = false;
                w++;
            }
        }
        return labels;
    }

    // ---------------------------------------------------------------- result files

    /** {@code <root>/<detector>/<category>/<detector>_<file>.csv}. */
    public static Path resultPath(Path resultsRoot, String detector, String fileKey) {
        return resultsRoot
                .resolve(detector)
                .resolve(NabLabels.category(fileKey))
                .resolve(detector + "_" + NabLabels.fileName(fileKey));
    }

    /** Writes one result file; returns its path. */
    public static Path write(
            Path resultsRoot, String detector, String fileKey, List<ResultRow> rows) {
        Path out = resultPath(resultsRoot, detector, fileKey);
        try {
            Files.createDirectories(out.getParent());
            try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                w.write(HEADER);
                w.write('\n');
                for (ResultRow r : rows) {
                    w.write(NabLabels.DATA_TIMESTAMP.format(r.timestamp()));
                    w.write(',');
                    w.write(number(r.value()));
                    w.write(',');
                    w.write(number(r.anomalyScore()));
                    w.write(',');
                    w.write(Integer.toString(r.label()));
                    w.write('\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out, e);
        }
        return out;
    }

    /**
     * Writes one result file from the data rows and one anomaly score per row, computing the label
     * column from the windows; returns its path.
     */
    public static Path write(
            Path resultsRoot,
            String detector,
            String fileKey,
            List<DataRow> data,
            double[] anomalyScores,
            NabLabels labels) {
        if (anomalyScores.length != data.size()) {
            throw new IllegalArgumentException(
                    fileKey + ": " + anomalyScores.length + " scores for " + data.size() + " rows");
        }
        int[] label = labelColumn(data, labels.windowsOf(fileKey));
        List<ResultRow> rows = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            DataRow d = data.get(i);
            rows.add(new ResultRow(d.timestamp(), d.value(), anomalyScores[i], label[i]));
        }
        return write(resultsRoot, detector, fileKey, rows);
    }

    /**
     * Reads one result file. Only {@code timestamp} and {@code anomaly_score} are required (as in
     * NAB); a missing {@code value} or {@code label} reads as NaN / 0; extra columns are ignored.
     */
    public static List<ResultRow> readFile(Path csv) {
        List<ResultRow> rows = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            int[] cols = columns(header, csv, "timestamp", "anomaly_score");
            List<String> names = Arrays.asList(header.trim().split(",", -1));
            int valueCol = names.indexOf("value");
            int labelCol = names.indexOf("label");
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",", -1);
                rows.add(
                        new ResultRow(
                                parseTimestamp(f[cols[0]].trim()),
                                valueCol < 0 ? Double.NaN : Double.parseDouble(f[valueCol].trim()),
                                Double.parseDouble(f[cols[1]].trim()),
                                labelCol < 0 ? 0 : (int) Double.parseDouble(f[labelCol].trim())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + csv, e);
        }
        return rows;
    }

    /**
     * Reads all result files of a detector: {@code <root>/<detector>/<category>/<detector>_*.csv},
     * keyed by data file key (the first {@code <detector>_} is removed from the name, as NAB does).
     */
    public static Map<String, List<ResultRow>> read(Path resultsRoot, String detector) {
        Path dir = resultsRoot.resolve(detector);
        String prefix = detector + "_";
        Map<String, List<ResultRow>> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir, 2)) {
            List<Path> files =
                    s.filter(p -> dir.relativize(p).getNameCount() == 2)
                            .filter(p -> p.getFileName().toString().endsWith(".csv"))
                            .filter(p -> p.getFileName().toString().contains(prefix))
                            .sorted()
                            .toList();
            for (Path p : files) {
                String name = p.getFileName().toString();
                int at = name.indexOf(prefix);
                String dataName = name.substring(0, at) + name.substring(at + prefix.length());
                String key = dir.relativize(p).getName(0) + "/" + dataName;
                out.put(key, readFile(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return out;
    }

    /** Reads a detector's result files as scorer input. */
    public static Map<String, List<NabScorer.ScoredRow>> readScores(
            Path resultsRoot, String detector) {
        Map<String, List<NabScorer.ScoredRow>> out = new TreeMap<>();
        for (Map.Entry<String, List<ResultRow>> e : read(resultsRoot, detector).entrySet()) {
            out.put(e.getKey(), toScored(e.getValue()));
        }
        return out;
    }

    /** Drops the value and label columns. */
    public static List<NabScorer.ScoredRow> toScored(List<ResultRow> rows) {
        List<NabScorer.ScoredRow> out = new ArrayList<>(rows.size());
        for (ResultRow r : rows) {
            out.add(new NabScorer.ScoredRow(r.timestamp(), r.anomalyScore()));
        }
        return out;
    }

    /**
     * Checks that a result file matches its data file row by row (NAB aligns them by position) and
     * returns the scorer input built from the data timestamps and the result scores.
     */
    public static List<NabScorer.ScoredRow> alignToData(
            String fileKey, List<DataRow> data, List<ResultRow> results) {
        if (data.size() != results.size()) {
            throw new IllegalArgumentException(
                    fileKey + ": " + results.size() + " result rows for " + data.size() + " rows");
        }
        List<NabScorer.ScoredRow> out = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            out.add(
                    new NabScorer.ScoredRow(
                            data.get(i).timestamp(), results.get(i).anomalyScore()));
        }
        return out;
    }

    // ---------------------------------------------------------------- summaries

    /**
     * Writes NAB's {@code <root>/<detector>/<detector>_<profile>_scores.csv}: one row per file and
     * a final {@code Totals} row; counts are non-probationary rows. Returns its path.
     */
    public static Path writeScoresCsv(
            Path resultsRoot, String detector, NabScorer.ProfileResult result) {
        String profile = result.profile().name();
        Path out = resultsRoot.resolve(detector).resolve(detector + "_" + profile + "_scores.csv");
        try {
            Files.createDirectories(out.getParent());
            try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                w.write(SCORES_HEADER);
                w.write('\n');
                for (NabScorer.Breakdown b : result.files().values()) {
                    w.write(
                            String.join(
                                    ",",
                                    detector,
                                    profile,
                                    b.name(),
                                    number(result.threshold()),
                                    counts(b)));
                    w.write('\n');
                }
                w.write(String.join(",", "Totals", "", "", "", counts(result.totals())));
                w.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out, e);
        }
        return out;
    }

    /** Writes {@code <root>/final_results.json}: {@code {detector: {profile: normalizedScore}}}. */
    public static Path writeFinalResults(Path resultsRoot, List<NabScorer.Result> results) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        for (NabScorer.Result r : results) {
            ObjectNode det = root.putObject(r.detector());
            for (NabScorer.ProfileResult p : r.profiles().values()) {
                det.put(p.profile().name(), p.normalizedScore());
            }
        }
        Path out = resultsRoot.resolve("final_results.json");
        try {
            Files.createDirectories(resultsRoot);
            mapper.writeValue(out.toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out, e);
        }
        return out;
    }

    // ---------------------------------------------------------------- helpers

    private static String counts(NabScorer.Breakdown b) {
        return String.join(
                ",",
                number(b.rawScore()),
                Long.toString(b.tp()),
                Long.toString(b.tn()),
                Long.toString(b.fp()),
                Long.toString(b.fn()),
                Long.toString(b.scoredRows()));
    }

    /** Shortest text that parses back to the same double, never in exponent notation. */
    static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return Double.toString(d);
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    private static LocalDateTime parseTimestamp(String s) {
        // Fast path for the plain NAB format yyyy-MM-dd HH:mm:ss (hundreds of thousands of rows).
        if (s.length() == 19
                && s.charAt(4) == '-'
                && s.charAt(7) == '-'
                && s.charAt(10) == ' '
                && s.charAt(13) == ':'
                && s.charAt(16) == ':') {
            try {
                return LocalDateTime.of(
                        Integer.parseInt(s, 0, 4, 10),
                        Integer.parseInt(s, 5, 7, 10),
                        Integer.parseInt(s, 8, 10, 10),
                        Integer.parseInt(s, 11, 13, 10),
                        Integer.parseInt(s, 14, 16, 10),
                        Integer.parseInt(s, 17, 19, 10));
            } catch (NumberFormatException | java.time.DateTimeException e) {
                // fall through to the strict parser for its error message
            }
        }
        return LocalDateTime.parse(s, LENIENT_TIMESTAMP);
    }

    private static int[] columns(String header, Path file, String... names) {
        if (header == null) {
            throw new IllegalArgumentException(file + " is empty");
        }
        List<String> cols = Arrays.asList(header.trim().split(",", -1));
        int[] idx = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            idx[i] = cols.indexOf(names[i]);
            if (idx[i] < 0) {
                throw new IllegalArgumentException(file + ": no column " + names[i]);
            }
        }
        return idx;
    }
}
