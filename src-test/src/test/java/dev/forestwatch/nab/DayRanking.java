package dev.forestwatch.nab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ranks the days of a local run by their highest current record score: the records of {@code
 * records.jsonl} with every later version from {@code renormalized.jsonl} applied (same {@code
 * result_id}, the last one wins), as a consumer that keeps the latest result per id sees them. Days
 * are calendar days of the record timestamps in UTC (NAB's local wall times are read as UTC).
 */
public final class DayRanking {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One record's current state. */
    public record Scored(String resultId, LocalDateTime time, double score, double actual) {}

    /** One day: its best record. */
    public record Day(LocalDate date, Scored best) {}

    private final Map<String, Scored> current = new LinkedHashMap<>();

    private DayRanking() {}

    /** Reads a run's output directory. */
    public static DayRanking read(Path outputDir) throws IOException {
        DayRanking r = new DayRanking();
        r.load(outputDir.resolve("records.jsonl"), false);
        Path renormalized = outputDir.resolve("renormalized.jsonl");
        if (Files.exists(renormalized)) {
            r.load(renormalized, true);
        }
        return r;
    }

    private void load(Path file, boolean updates) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = JSON.readTree(line);
                if (!"record".equals(n.path("result_type").asText())
                        || n.path("is_interim").asBoolean(false)) {
                    continue;
                }
                String id = n.path("result_id").asText();
                if (updates && !current.containsKey(id)) {
                    continue; // an update of a record this run did not write
                }
                LocalDateTime t =
                        LocalDateTime.ofInstant(
                                Instant.ofEpochMilli(n.path("timestamp").asLong()), ZoneOffset.UTC);
                current.put(
                        id,
                        new Scored(
                                id,
                                t,
                                n.path("record_score").asDouble(),
                                n.path("actual").path(0).asDouble(Double.NaN)));
            }
        }
    }

    /** Number of records. */
    public int records() {
        return current.size();
    }

    /** All days, highest best score first (ties: earlier day first). */
    public List<Day> days() {
        Map<LocalDate, Scored> best = new HashMap<>();
        for (Scored s : current.values()) {
            best.merge(s.time().toLocalDate(), s, (a, b) -> b.score() > a.score() ? b : a);
        }
        List<Day> out = new ArrayList<>();
        best.forEach((d, s) -> out.add(new Day(d, s)));
        out.sort(Comparator.comparingDouble((Day d) -> -d.best().score()).thenComparing(Day::date));
        return out;
    }

    /** The best record of one day whose time is not in the given hour, or null. */
    public Scored bestOfDayOutsideHour(LocalDate day, int hour) {
        Scored best = null;
        for (Scored s : current.values()) {
            if (s.time().toLocalDate().equals(day)
                    && s.time().getHour() != hour
                    && (best == null || s.score() > best.score())) {
                best = s;
            }
        }
        return best;
    }

    /** 1-based rank of a day among {@link #days()}, or -1. */
    public int rankOf(List<Day> days, LocalDate day) {
        for (int i = 0; i < days.size(); i++) {
            if (days.get(i).date().equals(day)) {
                return i + 1;
            }
        }
        return -1;
    }
}
