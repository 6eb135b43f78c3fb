package dev.forestwatch.job.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forestwatch.job.Output;
import dev.forestwatch.job.config.CutoffSpec;
import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.cutoff.ScoreSampleRouter;
import dev.forestwatch.job.score.Severity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a run's results into the data of the HTML report: the summary, the anomaly timeline
 * (overall bucket scores and one lane per influencer value), the top series with their actual and
 * typical values and model bounds (downsampled with min and max per point of the chart), their
 * cutoffs and alerts, and the table of top anomalies. Renormalized scores replace the first ones.
 *
 * <p>Feed it the outputs in {@link #ORDER}: renormalized scores and the small outputs first, so
 * that records find their current score and alerts their series as they stream by.
 */
public final class ReportBuilder {
    /** The order in which {@link #accept} wants the outputs. */
    public static final List<Output> ORDER =
            List.of(
                    Output.RENORMALIZED,
                    Output.ALERTS,
                    Output.CUTOFFS,
                    Output.DEAD_LETTERS,
                    Output.RECORDS,
                    Output.BUCKETS,
                    Output.INFLUENCERS);

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final char SEP = '\u001f';
    private static final int DEAD_LETTER_EXAMPLES = 3;

    /** How much the report holds; the defaults keep a day of a thousand series to a few MB. */
    public record Options(
            int topSeries,
            int maxPoints,
            int swimlaneColumns,
            int swimlaneLanes,
            int tableRows,
            double markScore) {
        /** Top 50 series, 1,000 points each, 200 timeline columns, 20 lanes, 500 table rows. */
        public static Options defaults() {
            return new Options(50, 1000, 200, 20, 500, 25);
        }
    }

    private final Options options;
    private final JobSpec spec;

    private final Map<String, Double> renormalized = new HashMap<>();
    private final Map<String, SeriesTrack> series = new LinkedHashMap<>();
    private final List<SeriesTrack> seriesByIndex = new ArrayList<>();
    private final PriorityQueue<ObjectNode> topRecords =
            new PriorityQueue<>(Comparator.comparingDouble(n -> n.get("score").asDouble()));
    private final List<ObjectNode> alerts = new ArrayList<>();
    private final Map<String, List<ObjectNode>> alertsByResult = new HashMap<>();
    private final Map<String, TreeMap<Long, Double>> cutoffs = new TreeMap<>();
    private final Map<String, long[]> deadLetterCounts = new TreeMap<>();
    private final Map<String, ArrayNode> deadLetterExamples = new HashMap<>();
    private final TreeMap<Long, double[]> buckets = new TreeMap<>();

    /** Influencer field, then value, to its scores over time (appended, binned at the end). */
    private final Map<String, Map<String, Lane>> influencerScores = new HashMap<>();

    /** One influencer value's scores in arrival order. */
    private static final class Lane {
        final String field;
        final String value;
        long[] time = new long[64];
        float[] score = new float[64];
        int size;
        double max;

        Lane(String field, String value) {
            this.field = field;
            this.value = value;
        }

        void add(long t, double s) {
            if (size == time.length) {
                time = java.util.Arrays.copyOf(time, size * 2);
                score = java.util.Arrays.copyOf(score, size * 2);
            }
            time[size] = t;
            score[size] = (float) s;
            size++;
            max = Math.max(max, s);
        }
    }

    private final Map<Output, Long> lineCounts = new LinkedHashMap<>();
    private final Map<Output, Long> unreadable = new LinkedHashMap<>();

    private String jobId;
    private long bucketSpanMillis;
    private long minTime = Long.MAX_VALUE;
    private long maxTime = Long.MIN_VALUE;
    private long events;
    private long interimSkipped;

    /**
     * @param options what to keep
     * @param spec the run's spec, for the job's cutoff keys and the summary; may be null
     */
    public ReportBuilder(Options options, JobSpec spec) {
        this.options = options;
        this.spec = spec;
    }

    /** Reads one line of an output; a line that is not a result is counted and skipped. */
    public void accept(Output output, String text) {
        if (text.isBlank()) {
            return;
        }
        if (parsed(output)) {
            ResultLine r;
            try {
                r = new ResultLine().parse(text);
            } catch (IOException | RuntimeException e) {
                unreadable(output);
                return;
            }
            accept(output, r);
            return;
        }
        lineCounts.merge(output, 1L, Long::sum);
        try {
            switch (output) {
                case ALERTS -> alert(text);
                case CUTOFFS -> cutoff(text);
                case DEAD_LETTERS -> deadLetter(text);
                default -> throw new IllegalArgumentException(output.id());
            }
        } catch (IOException | RuntimeException e) {
            unreadable.merge(output, 1L, Long::sum);
        }
    }

    /** Whether an output's lines are results read with {@link ResultLine} (the large ones). */
    static boolean parsed(Output output) {
        return output == Output.RECORDS
                || output == Output.INFLUENCERS
                || output == Output.BUCKETS
                || output == Output.RENORMALIZED;
    }

    /** Takes one parsed line of a {@link #parsed} output. */
    void accept(Output output, ResultLine r) {
        lineCounts.merge(output, 1L, Long::sum);
        try {
            switch (output) {
                case RENORMALIZED -> renormalized(r);
                case RECORDS -> record(r);
                case BUCKETS -> bucket(r);
                case INFLUENCERS -> influencer(r);
                default -> throw new IllegalArgumentException(output.id());
            }
        } catch (IOException | RuntimeException e) {
            unreadable.merge(output, 1L, Long::sum);
        }
    }

    /** Counts a line of {@code output} that is not a result. */
    void unreadable(Output output) {
        lineCounts.merge(output, 1L, Long::sum);
        unreadable.merge(output, 1L, Long::sum);
    }

    private void renormalized(ResultLine r) {
        if (r.resultId != null && !Double.isNaN(r.score)) {
            // the newest line of a result wins: the file is in emission order
            renormalized.put(r.resultId, r.score);
        }
    }

    private double current(ResultLine r) {
        Double updated = renormalized.get(r.resultId);
        return updated != null ? updated : (Double.isNaN(r.score) ? 0 : r.score);
    }

    private void alert(String text) throws IOException {
        ObjectNode a = (ObjectNode) MAPPER.readTree(text);
        ObjectNode kept = MAPPER.createObjectNode();
        for (String f :
                List.of(
                        "alert_id",
                        "policy",
                        "mode",
                        "level",
                        "entity",
                        "result_id",
                        "timestamp",
                        "severity",
                        "score",
                        "raw_score",
                        "cutoff",
                        "message")) {
            if (a.has(f)) {
                kept.set(f, a.get(f));
            }
        }
        alerts.add(kept);
        if (a.hasNonNull("result_id")) {
            alertsByResult
                    .computeIfAbsent(a.get("result_id").asText(), k -> new ArrayList<>())
                    .add(kept);
        }
    }

    private void cutoff(String text) throws IOException {
        JsonNode c = MAPPER.readTree(text);
        if (!c.hasNonNull("data_kind") || !c.hasNonNull("score_cutoff")) {
            throw new IOException("not a cutoff");
        }
        cutoffs.computeIfAbsent(c.get("data_kind").asText(), k -> new TreeMap<>())
                .put(c.path("computed_at").asLong(), c.get("score_cutoff").asDouble());
    }

    private void deadLetter(String text) throws IOException {
        JsonNode d = MAPPER.readTree(text);
        String reason = d.path("reason").asText("unknown");
        deadLetterCounts.computeIfAbsent(reason, k -> new long[1])[0]++;
        ArrayNode examples =
                deadLetterExamples.computeIfAbsent(reason, k -> MAPPER.createArrayNode());
        if (examples.size() < DEAD_LETTER_EXAMPLES) {
            ObjectNode e = examples.addObject();
            e.put("detail", d.path("detail").asText(""));
            e.put("origin", d.path("origin").asText(""));
            String payload = d.path("payload").asText(d.path("payload_base64").asText(""));
            e.put("payload", payload.length() > 300 ? payload.substring(0, 300) + "…" : payload);
        }
    }

    private void record(ResultLine r) throws IOException {
        if (r.interim) {
            interimSkipped++;
            return;
        }
        if (r.resultId == null) {
            throw new IOException("record without result_id");
        }
        String id = seriesId(r);
        SeriesTrack s = series.get(id);
        if (s == null) {
            s = new SeriesTrack(seriesByIndex.size(), id, r);
            series.put(id, s);
            seriesByIndex.add(s);
        }
        double score = current(r);
        s.add(r.timestamp, r, score);
        if (!s.sameInfluencersAsLast(r.influencers)) {
            for (String[] inf : r.influencers) {
                s.influencers.add(inf[0] + SEP + inf[1]);
            }
        }
        minTime = Math.min(minTime, r.timestamp);
        maxTime = Math.max(maxTime, r.timestamp);
        if (jobId == null) {
            jobId = r.jobId;
        }
        if (bucketSpanMillis == 0) {
            bucketSpanMillis = r.bucketSpanSeconds * 1000;
        }
        List<ObjectNode> alerted = alertsByResult.get(r.resultId);
        if (alerted != null) {
            for (ObjectNode a : alerted) {
                a.put("series", s.index);
            }
        }
        if (score > 0) {
            offerTop(r, s, score);
        }
    }

    private void offerTop(ResultLine r, SeriesTrack s, double score) {
        if (topRecords.size() >= options.tableRows() * 4
                && topRecords.peek().get("score").asDouble() >= score) {
            return;
        }
        ObjectNode n = MAPPER.createObjectNode();
        n.put("t", r.timestamp);
        n.put("series", s.index);
        n.put("score", round(score));
        n.put("initial", round(Double.isNaN(r.initialScore) ? score : r.initialScore));
        n.put("severity", Severity.of(score).label());
        n.set("actual", numbers(r.actual));
        n.set("typical", numbers(r.typical));
        n.put("reason", r.reason == null ? "" : r.reason);
        ArrayNode infs = n.putArray("influencers");
        for (String[] inf : r.influencers) {
            infs.add(inf[0] + "=" + inf[1]);
        }
        topRecords.add(n);
        // keep more than the table's rows: the table only lists rows of series the report keeps
        if (topRecords.size() > options.tableRows() * 4) {
            topRecords.poll();
        }
    }

    private void bucket(ResultLine r) {
        if (r.interim) {
            return;
        }
        double score = current(r);
        buckets.put(r.timestamp, new double[] {score, r.rawScore});
        events += r.eventCount;
        if (jobId == null) {
            jobId = r.jobId;
        }
        if (bucketSpanMillis == 0) {
            bucketSpanMillis = r.bucketSpanSeconds * 1000;
        }
    }

    private void influencer(ResultLine r) {
        if (r.interim || r.influencerFieldName == null) {
            return;
        }
        String field = r.influencerFieldName;
        String value = r.influencerFieldValue;
        influencerScores
                .computeIfAbsent(field, k -> new HashMap<>())
                .computeIfAbsent(value, v -> new Lane(field, value))
                .add(r.timestamp, current(r));
    }

    private static String seriesId(ResultLine r) {
        return r.detectorIndex
                + "/"
                + (r.description != null
                        ? r.description
                        : (r.partitionValue == null ? "" : r.partitionValue)
                                + "/"
                                + (r.byValue == null ? "" : r.byValue));
    }

    /** The report's data as a JSON object. */
    public ObjectNode build() {
        ObjectNode data = MAPPER.createObjectNode();
        for (SeriesTrack s : seriesByIndex) {
            s.sortByTime();
        }
        boolean empty = seriesByIndex.isEmpty();
        long start = empty ? 0 : minTime;
        long end = empty ? 0 : maxTime + bucketSpanMillis;
        List<SeriesTrack> kept = keptSeries();
        Map<Integer, Integer> position = new HashMap<>();
        for (int i = 0; i < kept.size(); i++) {
            position.put(kept.get(i).index, i);
        }

        ObjectNode summary = data.putObject("summary");
        summary.put("job_id", jobId == null ? (spec == null ? "" : spec.jobId()) : jobId);
        if (spec != null) {
            summary.put("spec", spec.toString());
        }
        summary.put("start", start);
        summary.put("end", end);
        summary.put("bucket_span_ms", bucketSpanMillis);
        summary.put("series", seriesByIndex.size());
        summary.put("series_shown", kept.size());
        summary.put("records", lineCounts.getOrDefault(Output.RECORDS, 0L) - interimSkipped);
        summary.put("buckets", buckets.size());
        summary.put("events", events);
        summary.put("alerts", alerts.size());
        summary.put("renormalized", renormalized.size());
        ObjectNode lines = summary.putObject("lines");
        lineCounts.forEach((o, n) -> lines.put(o.id(), n));
        ObjectNode skipped = summary.putObject("unreadable_lines");
        unreadable.forEach((o, n) -> skipped.put(o.id(), n));
        ArrayNode dead = summary.putArray("dead_letters");
        deadLetterCounts.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]))
                .forEach(
                        e -> {
                            ObjectNode d = dead.addObject();
                            d.put("reason", e.getKey());
                            d.put("count", e.getValue()[0]);
                            d.set("examples", deadLetterExamples.get(e.getKey()));
                        });

        int columns = swimlane(data, kept, position, start, end);
        ArrayNode out = data.putArray("series");
        for (SeriesTrack s : kept) {
            out.add(seriesData(s));
        }
        ArrayNode alertOut = data.putArray("alerts");
        for (ObjectNode a : alerts) {
            ObjectNode copy = a.deepCopy();
            if (copy.has("series")) {
                Integer p = position.get(copy.get("series").asInt());
                if (p == null) {
                    copy.remove("series");
                } else {
                    copy.put("series", p);
                }
            }
            alertOut.add(copy);
        }
        ArrayNode table = data.putArray("top");
        List<ObjectNode> rows = new ArrayList<>(topRecords);
        rows.sort(
                Comparator.comparingDouble((ObjectNode n) -> -n.get("score").asDouble())
                        .thenComparingLong(n -> n.get("t").asLong()));
        for (ObjectNode r : rows) {
            Integer p = position.get(r.get("series").asInt());
            if (p == null) {
                continue;
            }
            ObjectNode copy = r.deepCopy();
            copy.put("series", p);
            table.add(copy);
            if (table.size() >= options.tableRows()) {
                break;
            }
        }
        summary.put("timeline_columns", columns);
        return data;
    }

    /**
     * The series the report draws: the top series by their highest current score, plus series with
     * record alerts while there is room for half as many again.
     */
    private List<SeriesTrack> keptSeries() {
        List<SeriesTrack> byScore = new ArrayList<>(seriesByIndex);
        byScore.sort(
                Comparator.comparingDouble((SeriesTrack s) -> -s.maxScore)
                        .thenComparingInt(s -> s.index));
        Set<SeriesTrack> kept = new java.util.LinkedHashSet<>();
        for (SeriesTrack s : byScore) {
            if (kept.size() >= options.topSeries()) {
                break;
            }
            kept.add(s);
        }
        int room = options.topSeries() + options.topSeries() / 2;
        for (ObjectNode a : alerts) {
            if (kept.size() >= room) {
                break;
            }
            if (a.has("series")) {
                kept.add(seriesByIndex.get(a.get("series").asInt()));
            }
        }
        return new ArrayList<>(kept);
    }

    private ObjectNode seriesData(SeriesTrack s) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("label", s.label);
        n.put("detector", s.detectorIndex);
        n.put("max_score", round(s.maxScore));
        n.put("records", s.size);
        int m = Math.min(s.size, Math.max(1, options.maxPoints()));
        ArrayNode t = n.putArray("t");
        ArrayNode lo = n.putArray("actual_min");
        ArrayNode hi = n.putArray("actual_max");
        ArrayNode typ = n.putArray("typical");
        ArrayNode lower = n.putArray("lower");
        ArrayNode upper = n.putArray("upper");
        ArrayNode score = n.putArray("score");
        ArrayNode raw = n.putArray("raw");
        for (int b = 0; b < m; b++) {
            int from = (int) ((long) b * s.size / m);
            int to = (int) ((long) (b + 1) * s.size / m);
            float min = Float.NaN;
            float max = Float.NaN;
            double typSum = 0;
            int typN = 0;
            float low = Float.NaN;
            float up = Float.NaN;
            float sc = 0;
            float rw = Float.NaN;
            for (int i = from; i < to; i++) {
                min = nanMin(min, s.actual[i]);
                max = nanMax(max, s.actual[i]);
                if (!Float.isNaN(s.typical[i])) {
                    typSum += s.typical[i];
                    typN++;
                }
                low = nanMin(low, s.lower[i]);
                up = nanMax(up, s.upper[i]);
                sc = Math.max(sc, s.score[i]);
                rw = nanMax(rw, s.raw[i]);
            }
            t.add(s.time[from]);
            addNumber(lo, min);
            addNumber(hi, max);
            addNumber(typ, typN == 0 ? Float.NaN : (float) (typSum / typN));
            addNumber(lower, low);
            addNumber(upper, up);
            addNumber(score, sc);
            addNumber(raw, rw);
        }
        n.put("downsampled", m < s.size);
        // anomalies at full resolution, strongest first when there are many
        List<Integer> marks = new ArrayList<>();
        for (int i = 0; i < s.size; i++) {
            if (s.score[i] >= options.markScore()) {
                marks.add(i);
            }
        }
        int maxMarks = 2000;
        if (marks.size() > maxMarks) {
            marks.sort((a, b) -> Float.compare(s.score[b], s.score[a]));
            marks = new ArrayList<>(marks.subList(0, maxMarks));
            marks.sort(Integer::compare);
        }
        ArrayNode anomalies = n.putArray("anomalies");
        for (int i : marks) {
            ArrayNode a = anomalies.addArray();
            a.add(s.time[i]);
            addNumber(a, s.actual[i]);
            a.add(round(s.score[i]));
        }
        String kind = cutoffKind(s);
        if (kind != null) {
            n.put("cutoff_kind", kind);
            ArrayNode c = n.putArray("cutoff");
            for (Map.Entry<Long, Double> e : cutoffs.get(kind).entrySet()) {
                c.addArray().add(e.getKey()).add(round(e.getValue()));
            }
        }
        ArrayNode infs = n.putArray("influencers");
        for (String inf : s.influencers) {
            infs.add(inf.replace(SEP, '='));
        }
        return n;
    }

    /** The cutoff series that applies to {@code s}: from the spec when known, else by its name. */
    private String cutoffKind(SeriesTrack s) {
        if (cutoffs.isEmpty()) {
            return null;
        }
        CutoffSpec cutoff = spec == null ? null : spec.scoring().cutoff();
        if (cutoff != null) {
            String kind =
                    ScoreSampleRouter.dataKindOf(
                            cutoff, s.detectorIndex, s.partitionValue, s.byValue);
            return cutoffs.containsKey(kind) ? kind : null;
        }
        String sep = ScoreSampleRouter.SEPARATOR;
        String seriesSuffix =
                sep
                        + s.detectorIndex
                        + sep
                        + (s.partitionValue == null ? "" : s.partitionValue)
                        + sep
                        + (s.byValue == null ? "" : s.byValue);
        String detectorSuffix = sep + s.detectorIndex;
        String byDetector = null;
        for (String kind : cutoffs.keySet()) {
            if (kind.endsWith(seriesSuffix)) {
                return kind;
            }
            if (kind.endsWith(detectorSuffix)) {
                byDetector = kind;
            }
        }
        if (byDetector != null) {
            return byDetector;
        }
        return cutoffs.size() == 1 ? cutoffs.keySet().iterator().next() : null;
    }

    /** The timeline: columns of whole buckets, lanes by highest score; returns the columns. */
    private int swimlane(
            ObjectNode data,
            List<SeriesTrack> kept,
            Map<Integer, Integer> position,
            long start,
            long end) {
        ObjectNode lane = data.putObject("timeline");
        long span = Math.max(1, bucketSpanMillis);
        long bucketCount = Math.max(1, (end - start + span - 1) / span);
        int columns = (int) Math.min(options.swimlaneColumns(), bucketCount);
        long bucketsPerColumn = (bucketCount + columns - 1) / columns;
        long width = bucketsPerColumn * span;
        columns = (int) Math.max(1, (bucketCount + bucketsPerColumn - 1) / bucketsPerColumn);
        lane.put("start", start);
        lane.put("column_ms", width);
        lane.put("columns", columns);

        // the overall lane from bucket results (or, without them, the records' maxima)
        double[] overall = new double[columns];
        for (Map.Entry<Long, double[]> e : buckets.entrySet()) {
            int c = column(e.getKey(), start, width, columns);
            if (c >= 0) {
                overall[c] = Math.max(overall[c], e.getValue()[0]);
            }
        }
        // each kept series' maximum per column, to pick a cell's top series
        float[][] seriesMax = new float[kept.size()][columns];
        for (int k = 0; k < kept.size(); k++) {
            SeriesTrack s = kept.get(k);
            for (int i = 0; i < s.size; i++) {
                int c = column(s.time[i], start, width, columns);
                if (c >= 0) {
                    seriesMax[k][c] = Math.max(seriesMax[k][c], s.score[i]);
                    if (buckets.isEmpty()) {
                        overall[c] = Math.max(overall[c], s.score[i]);
                    }
                }
            }
        }
        ObjectNode overallLane = lane.putObject("overall");
        overallLane.set("scores", roundedArray(overall));
        overallLane.set("top_series", topSeriesPerColumn(seriesMax, null, kept, columns));

        List<Lane> lanes = new ArrayList<>();
        influencerScores.values().forEach(byValue -> lanes.addAll(byValue.values()));
        lanes.sort(
                Comparator.comparingDouble((Lane l) -> -l.max)
                        .thenComparing(l -> l.field)
                        .thenComparing(l -> l.value));
        ArrayNode laneOut = lane.putArray("influencers");
        for (Lane e : lanes.subList(0, Math.min(options.swimlaneLanes(), lanes.size()))) {
            double[] cells = new double[columns];
            for (int i = 0; i < e.size; i++) {
                int c = column(e.time[i], start, width, columns);
                if (c >= 0) {
                    cells[c] = Math.max(cells[c], e.score[i]);
                }
            }
            String key = e.field + SEP + e.value;
            ObjectNode l = laneOut.addObject();
            l.put("field", e.field);
            l.put("value", e.value);
            l.set("scores", roundedArray(cells));
            Set<Integer> members = new HashSet<>();
            for (int k = 0; k < kept.size(); k++) {
                if (kept.get(k).influencers.contains(key)) {
                    members.add(k);
                }
            }
            l.set("top_series", topSeriesPerColumn(seriesMax, members, kept, columns));
        }
        lane.put("lanes_total", lanes.size());
        return columns;
    }

    private static ArrayNode topSeriesPerColumn(
            float[][] seriesMax, Set<Integer> members, List<SeriesTrack> kept, int columns) {
        ArrayNode out = MAPPER.createArrayNode();
        for (int c = 0; c < columns; c++) {
            int best = -1;
            float bestScore = 0;
            for (int k = 0; k < kept.size(); k++) {
                if ((members == null || members.contains(k)) && seriesMax[k][c] > bestScore) {
                    best = k;
                    bestScore = seriesMax[k][c];
                }
            }
            out.add(best);
        }
        return out;
    }

    private static int column(long t, long start, long width, int columns) {
        if (t < start) {
            return -1;
        }
        long c = (t - start) / width;
        return c >= columns ? -1 : (int) c;
    }

    private static ArrayNode roundedArray(double[] values) {
        ArrayNode a = MAPPER.createArrayNode();
        for (double v : values) {
            a.add(round(v));
        }
        return a;
    }

    private static ArrayNode numbers(double[] values) {
        ArrayNode a = MAPPER.createArrayNode();
        if (values != null) {
            for (double v : values) {
                addNumber(a, (float) v);
            }
        }
        return a;
    }

    private static void addNumber(ArrayNode a, float v) {
        if (Float.isNaN(v) || Float.isInfinite(v)) {
            a.addNull();
        } else {
            // as a float, so it prints in its shortest form, without a double's noise digits
            a.add(v);
        }
    }

    private static float nanMin(float a, float b) {
        return Float.isNaN(a) ? b : (Float.isNaN(b) ? a : Math.min(a, b));
    }

    private static float nanMax(float a, float b) {
        return Float.isNaN(a) ? b : (Float.isNaN(b) ? a : Math.max(a, b));
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
