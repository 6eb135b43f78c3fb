package dev.forestwatch.nab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The NAB scoring windows ({@code labels/combined_windows.json}): for every corpus file, keyed
 * {@code "<category>/<file>.csv"}, its anomaly windows in file order, both ends inclusive.
 */
public final class NabLabels {

    /** Timestamp format of the window limits in {@code combined_windows.json}. */
    public static final DateTimeFormatter WINDOW_TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    /** Timestamp format of the data and result CSV files. */
    public static final DateTimeFormatter DATA_TIMESTAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** Relative path of the windows file inside the NAB directory. */
    public static final String WINDOWS_FILE = "labels/combined_windows.json";

    /** One scoring window; both limits are timestamps of rows of the data file (inclusive). */
    public record Window(LocalDateTime start, LocalDateTime end) {
        /** Validates that the window does not end before it starts. */
        public Window {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end");
            if (end.isBefore(start)) {
                throw new IllegalArgumentException("window ends before it starts: " + start);
            }
        }

        /** Parses two NAB window timestamps ({@code yyyy-MM-dd HH:mm:ss.SSSSSS}). */
        public static Window parse(String start, String end) {
            return new Window(
                    LocalDateTime.parse(start, WINDOW_TIMESTAMP),
                    LocalDateTime.parse(end, WINDOW_TIMESTAMP));
        }
    }

    private final Map<String, List<Window>> windows;

    private NabLabels(Map<String, List<Window>> windows) {
        this.windows = windows;
    }

    /**
     * Creates labels from a map of file key to windows. Windows are sorted by start; overlapping
     * windows are rejected (NAB never produces them).
     */
    public static NabLabels of(Map<String, List<Window>> windowsByFile) {
        Map<String, List<Window>> copy = new TreeMap<>();
        for (Map.Entry<String, List<Window>> e : windowsByFile.entrySet()) {
            String key = e.getKey();
            if (key.indexOf('/') <= 0) {
                throw new IllegalArgumentException(
                        "file key must be <category>/<file>.csv: " + key);
            }
            List<Window> sorted = new ArrayList<>(e.getValue());
            sorted.sort((a, b) -> a.start().compareTo(b.start()));
            for (int i = 1; i < sorted.size(); i++) {
                if (!sorted.get(i).start().isAfter(sorted.get(i - 1).end())) {
                    throw new IllegalArgumentException("overlapping windows in " + key);
                }
            }
            copy.put(key, List.copyOf(sorted));
        }
        return new NabLabels(Collections.unmodifiableMap(copy));
    }

    /** Reads {@code labels/combined_windows.json} below a NAB directory. */
    public static NabLabels load(Path nabDir) {
        return read(nabDir.resolve(WINDOWS_FILE));
    }

    /** Reads a windows JSON file: {@code {"cat/file.csv": [["start","end"], ...], ...}}. */
    public static NabLabels read(Path windowsJson) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(windowsJson.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + windowsJson, e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(windowsJson + " is not a JSON object");
        }
        Map<String, List<Window>> parsed = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            List<Window> list = new ArrayList<>();
            for (JsonNode pair : field.getValue()) {
                if (!pair.isArray() || pair.size() != 2) {
                    throw new IllegalArgumentException(
                            "bad window in " + field.getKey() + ": " + pair);
                }
                list.add(Window.parse(pair.get(0).asText(), pair.get(1).asText()));
            }
            parsed.put(field.getKey(), list);
        }
        return of(parsed);
    }

    /**
     * The NAB corpus directory: system property {@code nab.dir} (set by the Maven build) if given,
     * else {@code ../../shared/nab} relative to the working directory (the module directory).
     */
    public static Path defaultNabDir() {
        String prop = System.getProperty("nab.dir");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        return Path.of("..", "..", "shared", "nab").toAbsolutePath().normalize();
    }

    /** All windows, keyed by {@code "<category>/<file>.csv"} in sorted key order. */
    public Map<String, List<Window>> windows() {
        return windows;
    }

    /** Windows of one file, in file order; throws if the file is not labelled. */
    public List<Window> windowsOf(String fileKey) {
        List<Window> list = windows.get(fileKey);
        if (list == null) {
            throw new IllegalArgumentException("file not in labels: " + fileKey);
        }
        return list;
    }

    /** Whether the file is part of the labelled corpus. */
    public boolean contains(String fileKey) {
        return windows.containsKey(fileKey);
    }

    /** Labelled file keys, sorted. */
    public Set<String> files() {
        return windows.keySet();
    }

    /** Category names (first path element of the file keys), sorted. */
    public Set<String> categories() {
        Set<String> cats = new TreeSet<>();
        for (String key : windows.keySet()) {
            cats.add(category(key));
        }
        return Collections.unmodifiableSet(cats);
    }

    /** Total number of windows over all files. */
    public int windowCount() {
        int n = 0;
        for (List<Window> list : windows.values()) {
            n += list.size();
        }
        return n;
    }

    /**
     * Category of a file key: {@code "realKnownCause/nyc_taxi.csv"} gives {@code realKnownCause}.
     */
    public static String category(String fileKey) {
        int slash = fileKey.indexOf('/');
        return slash < 0 ? "" : fileKey.substring(0, slash);
    }

    /**
     * File name of a file key: {@code "realKnownCause/nyc_taxi.csv"} gives {@code nyc_taxi.csv}.
     */
    public static String fileName(String fileKey) {
        return fileKey.substring(fileKey.indexOf('/') + 1);
    }
}
