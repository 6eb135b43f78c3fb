package dev.forestwatch.job.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.config.JobSpecLoader;
import dev.forestwatch.job.model.RecordResult;
import dev.forestwatch.job.model.ResultIds;
import dev.forestwatch.job.score.ScoreModel;
import dev.forestwatch.job.score.ScoreModelSerializer;
import dev.forestwatch.job.score.Scores;
import dev.forestwatch.job.score.Severity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Harness tests of the per-detector probability and record score normalizer. */
class RecordNormalizerTest {
    static final String JOB = "norm";
    static final long SPAN = 5 * 60_000L;
    static final int HISTORY = 300;
    static final ObjectMapper JSON = new ObjectMapper();

    static JobSpec spec(String window, double minChange) {
        return spec(window, minChange, "");
    }

    static JobSpec spec(String window, double minChange, String extraScoring) {
        return JobSpecLoader.parse(
                """
                job_id: %s
                source:
                  type: datagen
                analysis:
                  bucket_span: 5m
                  detectors:
                    - function: high_mean
                      field_name: latency
                      by_field_name: host
                model:
                  trees: 30
                  sample_size: 64
                  shingle_size: 2
                  seed: 7
                limits:
                  state_ttl: 1d
                scoring:
                  typical: anomalies
                  renormalization_window: %s
                  renormalization_min_change: %s
                  normalization_floor: 6
                %s
                """
                        .formatted(JOB, window, minChange, extraScoring),
                "normalizer-test",
                Path.of("."));
    }

    static JobSpec spec() {
        return spec("30d", 5);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, RecordResult, RecordResult> harness(
            JobSpec spec) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, RecordResult, RecordResult> h =
                unopened(spec);
        h.open();
        return h;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, RecordResult, RecordResult> unopened(
            JobSpec spec) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new RecordNormalizer(spec)),
                r -> r.jobId() + "#" + r.detectorIndex(),
                Types.STRING);
    }

    /** A record as the scorer emits it: no probability or scores yet. */
    static RecordResult record(
            long ts,
            double raw,
            double grade,
            double confidence,
            boolean modelReady,
            boolean interim) {
        return record(0, ts, raw, grade, 1.0, confidence, modelReady, interim);
    }

    static RecordResult record(
            int detector,
            long ts,
            double raw,
            double grade,
            double threshold,
            double confidence,
            boolean modelReady,
            boolean interim) {
        return record(detector, ts, raw, grade, threshold, confidence, modelReady, interim, 0.0);
    }

    static RecordResult record(
            int detector,
            long ts,
            double raw,
            double grade,
            double threshold,
            double confidence,
            boolean modelReady,
            boolean interim,
            double rangeExcess) {
        return new RecordResult(
                ResultIds.record(JOB, ts, SPAN / 1000, detector, "host=a", 0),
                JOB,
                ts,
                SPAN / 1000,
                detector,
                "high_mean",
                new String[] {"latency"},
                "host",
                "a",
                null,
                null,
                new double[] {100 * raw},
                null,
                null,
                null,
                null,
                null,
                rangeExcess,
                "test",
                new String[] {"host"},
                new String[] {"a"},
                raw,
                grade,
                threshold,
                confidence,
                3,
                ts,
                modelReady,
                1_000,
                interim,
                Double.NaN,
                Double.NaN,
                Double.NaN);
    }

    /** A routine record: model ready, full confidence, not graded anomalous. */
    static RecordResult routine(long bucket, double raw) {
        return record(bucket * SPAN, raw, 0, 1, true, false);
    }

    static RecordResult anomaly(long bucket, double raw) {
        return record(bucket * SPAN, raw, 1, 1, true, false);
    }

    /** Raw scores around 0.7 with a standard deviation of 0.05, deterministic. */
    static List<RecordResult> history(long seed) {
        Random random = new Random(seed);
        List<RecordResult> records = new ArrayList<>();
        for (int b = 0; b < HISTORY; b++) {
            records.add(routine(b, 0.7 + 0.05 * random.nextGaussian()));
        }
        return records;
    }

    static void feed(
            KeyedOneInputStreamOperatorTestHarness<String, RecordResult, RecordResult> h,
            List<RecordResult> records)
            throws Exception {
        for (RecordResult r : records) {
            h.processElement(r, r.timestamp() + SPAN - 1);
            // records are scored once the watermark passes their time
            h.processWatermark(new Watermark(r.timestamp() + SPAN - 1));
        }
    }

    static RecordResult feedOne(
            KeyedOneInputStreamOperatorTestHarness<String, RecordResult, RecordResult> h,
            RecordResult r)
            throws Exception {
        h.processElement(r, r.timestamp() + SPAN - 1);
        h.processWatermark(new Watermark(r.timestamp() + SPAN - 1));
        List<RecordResult> out = output(h);
        return out.get(out.size() - 1);
    }

    static List<RecordResult> output(
            KeyedOneInputStreamOperatorTestHarness<String, RecordResult, RecordResult> h) {
        List<RecordResult> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add((RecordResult) r.getValue());
            }
        }
        return out;
    }

    static List<JsonNode> renormalized(
            KeyedOneInputStreamOperatorTestHarness<String, RecordResult, RecordResult> h)
            throws Exception {
        List<JsonNode> out = new ArrayList<>();
        Queue<StreamRecord<String>> side = h.getSideOutput(RecordNormalizer.RENORMALIZED);
        if (side != null) {
            for (StreamRecord<String> r : side) {
                out.add(JSON.readTree(r.getValue()));
            }
        }
        return out;
    }

    static void assertProbability(RecordResult r) {
        assertThat(r.probability())
                .as("probability of %s", r.resultId())
                .isGreaterThan(0.0)
                .isLessThanOrEqualTo(1.0);
    }

    /**
     * The state after the routine history. The score model's KLL sketch compacts with an unseeded
     * random generator once it holds more than 200 raw scores, so two harnesses fed the same 300
     * scores hold slightly different sketches; comparisons fork one snapshot instead.
     */
    static OperatorSubtaskState afterHistory(long seed) throws Exception {
        var h = harness(spec());
        feed(h, history(seed));
        OperatorSubtaskState snapshot = h.snapshot(1L, 1L);
        h.close();
        return snapshot;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, RecordResult, RecordResult> restore(
            JobSpec spec, OperatorSubtaskState snapshot) throws Exception {
        var h = unopened(spec);
        h.setup();
        h.initializeState(snapshot);
        h.open();
        return h;
    }

    /** The records currently kept for renormalization under {@code key}. */
    static int trackedRecords(
            KeyedOneInputStreamOperatorTestHarness<String, RecordResult, RecordResult> h,
            String key)
            throws Exception {
        KeyedStateBackend<String> backend =
                ((AbstractStreamOperator<?>) h.getOperator()).getKeyedStateBackend();
        backend.setCurrentKey(key);
        MapState<String, TrackedRecord> tracked =
                backend.getPartitionedState(
                        VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE,
                        new MapStateDescriptor<>(
                                "tracked-records",
                                Types.STRING,
                                TypeInformation.of(TrackedRecord.class)));
        int n = 0;
        for (String ignored : tracked.keys()) {
            n++;
        }
        return n;
    }

    /** The detector's score model (raw-score history and unusualness window) under {@code key}. */
    static ScoreModel scoreModel(
            KeyedOneInputStreamOperatorTestHarness<String, RecordResult, RecordResult> h,
            String key)
            throws Exception {
        KeyedStateBackend<String> backend =
                ((AbstractStreamOperator<?>) h.getOperator()).getKeyedStateBackend();
        backend.setCurrentKey(key);
        ValueState<ScoreModel> state =
                backend.getPartitionedState(
                        VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE,
                        new ValueStateDescriptor<>("score-model", new ScoreModelSerializer()));
        return state.value();
    }

    /**
     * Tail unusualness of {@code raw} against the history of detector 0 in {@code h}, undiscounted.
     */
    static double tail(
            KeyedOneInputStreamOperatorTestHarness<String, RecordResult, RecordResult> h,
            double raw)
            throws Exception {
        return Scores.unusualness(scoreModel(h, JOB + "#0").probability(raw));
    }

    /** The record's unusualness, from its emitted probability. */
    static double u(RecordResult r) {
        return Scores.unusualness(r.probability());
    }

    /** A scored record's JSON update in {@code updates}, which must hold exactly one. */
    static JsonNode updateOf(List<JsonNode> updates, RecordResult r) {
        List<JsonNode> of =
                updates.stream()
                        .filter(x -> x.get("result_id").asText().equals(r.resultId()))
                        .toList();
        assertThat(of).as("updates of %s", r.resultId()).hasSize(1);
        return of.get(0);
    }

    @Test
    void routineRecordsScoreLowAndAnAnomalyScoresOneHundred() throws Exception {
        var h = harness(spec());
        feed(h, history(1));
        List<RecordResult> routine = output(h);
        assertThat(routine).hasSize(HISTORY);
        for (RecordResult r : routine) {
            assertProbability(r);
            assertThat(r.initialRecordScore()).isEqualTo(r.recordScore());
            assertThat(r.isInterim()).isFalse();
            // ungraded: unusualness at most 3, far below the floor (6), so the absolute part
            // u / FULL_SCALE binds and no routine record reaches the ungraded maximum's band
            assertThat(u(r)).isLessThanOrEqualTo(RecordNormalizer.UNGRADED_MAX_UNUSUALNESS);
            assertThat(r.recordScore())
                    .as("score of %s", r.resultId())
                    .isCloseTo(100 * u(r) / Scores.FULL_SCALE, within(1e-9))
                    .isCloseTo(ExpectedScores.score(u(r), 0), within(1e-9))
                    .isLessThanOrEqualTo(ExpectedScores.ungradedMaxScore())
                    .isLessThan(50.0);
        }
        // too little history at first: nothing is rare
        assertThat(routine.subList(0, ScoreModel.MIN_HISTORY))
                .allSatisfy(r -> assertThat(r.probability()).isOne());
        // Routine scores are uniformly distributed in rank, so a few in a hundred are "1 in 30"
        // (unusualness 1.5); the bulk is far below.
        assertThat(routine.stream().filter(r -> u(r) < 1.5).count())
                .isGreaterThanOrEqualTo(HISTORY * 95 / 100);
        assertThat(routine.stream().filter(r -> u(r) < 0.6).count())
                .isGreaterThan(HISTORY * 65 / 100);
        assertThat(routine.stream().filter(r -> r.probability() > 0.2).count())
                .isGreaterThan(HISTORY / 2);

        RecordResult a = feedOne(h, anomaly(HISTORY, 3.0));
        assertThat(a.probability()).isGreaterThan(0.0).isLessThan(1e-4);
        // graded, far beyond the history: above every ungraded record and a full score
        assertThat(u(a))
                .isGreaterThan(
                        RecordNormalizer.UNGRADED_MAX_UNUSUALNESS + RecordNormalizer.GRADE_SPAN)
                .isGreaterThanOrEqualTo(Scores.FULL_SCALE);
        assertThat(a.recordScore()).isEqualTo(100.0);
        assertThat(a.initialRecordScore()).isEqualTo(100.0);
        assertThat(Severity.of(a.recordScore()).label()).isEqualTo("critical");
        assertThat(a.resultId()).isEqualTo(anomaly(HISTORY, 3.0).resultId());

        // routine records after it are judged against the anomaly: all low, never major
        Random random = new Random(11);
        for (int b = 1; b <= 50; b++) {
            RecordResult r = feedOne(h, routine(HISTORY + b, 0.7 + 0.05 * random.nextGaussian()));
            assertProbability(r);
            assertThat(r.recordScore())
                    .isCloseTo(ExpectedScores.score(u(r), u(a)), within(1e-9))
                    .isLessThanOrEqualTo(ExpectedScores.ungradedMaxScore());
            assertThat(Severity.of(r.recordScore())).isIn(Severity.WARNING, Severity.MINOR);
        }
        h.close();
    }

    /**
     * Renormalization moves only the records whose score the new maximum caps: the first anomaly of
     * a routine history leaves the routine records alone (their absolute part binds), a much
     * stronger one later caps the first anomaly (0.5 + 0.5 r below 1), and every record that moved
     * by at least {@code renormalization_min_change} is re-emitted with the score the formula gives
     * against the new maximum.
     */
    @Test
    void theFirstAnomalyRenormalizesEarlierTrackedRecordsDownwards() throws Exception {
        var h = harness(spec("30d", 1));
        feed(h, history(12));
        Map<String, RecordResult> emitted = new HashMap<>();
        output(h).forEach(r -> emitted.put(r.resultId(), r));
        assertThat(renormalized(h)).isEmpty();
        // there is something that could be renormalized
        assertThat(trackedRecords(h, JOB + "#0")).isPositive();

        RecordResult a = feedOne(h, anomaly(HISTORY, 3.0));
        // the maximum moved above the floor: the renormalization pass ran
        assertThat(u(a)).isGreaterThan(ExpectedScores.FLOOR);
        assertThat(a.recordScore()).isEqualTo(100.0);
        assertUpdates(renormalized(h), emitted, u(a), 1);
        int afterFirst = renormalized(h).size();
        emitted.put(a.resultId(), a);
        for (JsonNode x : renormalized(h)) {
            RecordResult original = emitted.get(x.get("result_id").asText());
            emitted.put(
                    original.resultId(),
                    original.withScores(
                            original.probability(),
                            x.get("record_score").asDouble(),
                            original.initialRecordScore()));
        }

        RecordResult b = feedOne(h, anomaly(HISTORY + 1, 1e6));
        assertThat(u(b)).isGreaterThan(u(a));
        List<JsonNode> updates = renormalized(h).subList(afterFirst, renormalized(h).size());
        assertUpdates(updates, emitted, u(b), 1);
        // the first anomaly is the strong record the new maximum caps
        JsonNode ofA = updateOf(updates, a);
        assertThat(ofA.get("record_score").asDouble())
                .isCloseTo(100 * (0.5 + 0.5 * u(a) / u(b)), within(1e-5))
                .isLessThan(a.recordScore() - 1);
        assertThat(ofA.get("initial_record_score").asDouble()).isEqualTo(100.0);
        h.close();
    }

    /**
     * {@code updates} are exactly the records of {@code emitted} scoring at least {@code minChange}
     * whose score against {@code windowMax} differs from the last one by at least {@code
     * minChange}, each with that score.
     */
    static void assertUpdates(
            List<JsonNode> updates,
            Map<String, RecordResult> emitted,
            double windowMax,
            double minChange) {
        Map<String, Double> expected = new HashMap<>();
        for (RecordResult r : emitted.values()) {
            double score = ExpectedScores.score(u(r), windowMax);
            if (r.initialRecordScore() >= minChange
                    && Math.abs(score - r.recordScore()) >= minChange) {
                expected.put(r.resultId(), score);
            }
        }
        assertThat(updates.stream().map(x -> x.get("result_id").asText()).toList())
                .containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (JsonNode x : updates) {
            RecordResult original = emitted.get(x.get("result_id").asText());
            assertThat(x.get("record_score").asDouble())
                    .as("renormalized %s", x)
                    .isCloseTo(expected.get(original.resultId()), within(1e-5));
            assertThat(x.get("initial_record_score").asDouble())
                    .isCloseTo(original.initialRecordScore(), within(1e-6));
            assertThat(x.get("probability").asDouble()).isEqualTo(original.probability());
            assertThat(x.get("is_interim").asBoolean()).isFalse();
        }
    }

    @Test
    void aLargerAnomalyRenormalizesTheEarlierOneWithTheSameId() throws Exception {
        var h = harness(spec("30d", 2));
        feed(h, history(2));
        RecordResult first = feedOne(h, anomaly(HISTORY, 3.0));
        assertThat(first.recordScore()).isEqualTo(100.0);
        feed(h, List.of(routine(HISTORY + 1, 0.7), routine(HISTORY + 2, 0.68)));
        int before = renormalized(h).size();

        RecordResult second = feedOne(h, anomaly(HISTORY + 3, 1e6));
        assertThat(second.probability()).isLessThan(first.probability());
        assertThat(second.recordScore()).isEqualTo(100.0);

        List<JsonNode> updates = renormalized(h).subList(before, renormalized(h).size());
        JsonNode update = updateOf(updates, first);
        assertThat(update.get("result_type").asText()).isEqualTo("record");
        assertThat(update.get("timestamp").asLong()).isEqualTo(first.timestamp());
        assertThat(update.get("raw_score").asDouble()).isEqualTo(3.0);
        // the relative cap 0.5 + 0.5 r binds: r = u(first) / u(second)
        double expected = ExpectedScores.score(u(first), u(second));
        assertThat(expected)
                .isCloseTo(100 * (0.5 + 0.5 * u(first) / u(second)), within(1e-9))
                .isLessThan(first.recordScore() - 2);
        assertThat(update.get("record_score").asDouble())
                .isLessThan(first.recordScore())
                .isCloseTo(expected, within(1e-5));
        assertThat(update.get("initial_record_score").asDouble()).isEqualTo(100.0);
        assertThat(update.get("probability").asDouble()).isEqualTo(first.probability());
        assertThat(update.get("severity").asText())
                .isEqualTo(Severity.of(update.get("record_score").asDouble()).label());
        // the new anomaly itself is not re-emitted, nor anything twice
        assertThat(updates).noneMatch(u -> u.get("result_id").asText().equals(second.resultId()));
        assertThat(updates.stream().map(u -> u.get("result_id").asText()).distinct().count())
                .isEqualTo(updates.size());

        // the same maximum again changes nothing
        int total = renormalized(h).size();
        feedOne(h, routine(HISTORY + 4, 0.7));
        assertThat(renormalized(h)).hasSize(total);
        h.close();
    }

    @Test
    void trackedRecordsOutsideTheWindowAreNotRenormalized() throws Exception {
        // 300 buckets of 5 minutes are 25 hours; the first anomaly is older than the window
        var h = harness(spec("2h", 2));
        feed(h, history(3));
        RecordResult first = feedOne(h, anomaly(HISTORY, 3.0));
        int before = renormalized(h).size();
        long later = HISTORY + 2 * 12 + 1; // more than 2 hours later
        RecordResult second = feedOne(h, anomaly(later, 1e6));
        assertThat(second.recordScore()).isEqualTo(100.0);
        // inside the window the first would have moved by more than min_change
        assertThat(ExpectedScores.score(u(first), u(second))).isLessThan(first.recordScore() - 2);
        List<JsonNode> updates = renormalized(h).subList(before, renormalized(h).size());
        assertThat(updates).noneMatch(u -> u.get("result_id").asText().equals(first.resultId()));
        for (JsonNode u : updates) {
            assertThat(u.get("timestamp").asLong())
                    .isGreaterThanOrEqualTo(later * SPAN - 7_200_000);
        }
        h.close();
    }

    @Test
    void renormalizationSurvivesSnapshotAndRestore() throws Exception {
        var original = harness(spec("30d", 2));
        feed(original, history(4));
        RecordResult first = feedOne(original, anomaly(HISTORY, 3.0));
        OperatorSubtaskState snapshot = original.snapshot(1L, 1L);
        int before = renormalized(original).size();
        RecordResult expected = feedOne(original, anomaly(HISTORY + 1, 1e6));
        List<JsonNode> all = renormalized(original);
        List<JsonNode> expectedUpdates = all.subList(before, all.size());
        original.close();

        var restored = restore(spec("30d", 2), snapshot);
        RecordResult actual = feedOne(restored, anomaly(HISTORY + 1, 1e6));
        assertThat(actual.probability()).isEqualTo(expected.probability());
        assertThat(actual.recordScore()).isEqualTo(expected.recordScore());
        List<JsonNode> updates = renormalized(restored);
        assertThat(updates).isNotEmpty().containsExactlyInAnyOrderElementsOf(expectedUpdates);
        assertThat(updateOf(updates, first).get("record_score").asDouble())
                .isCloseTo(ExpectedScores.score(u(first), u(actual)), within(1e-5));
        restored.close();
    }

    @Test
    void recordsOfAnUnreadyModelGetProbabilityOneAndScoreZero() throws Exception {
        OperatorSubtaskState snapshot = afterHistory(5);
        var h = restore(spec(), snapshot);
        RecordResult warming = feedOne(h, record(HISTORY * SPAN, 3.0, 1, 1, false, false));
        assertThat(warming.probability()).isEqualTo(1.0);
        assertThat(warming.recordScore()).isZero();
        assertThat(warming.initialRecordScore()).isZero();
        assertThat(renormalized(h)).isEmpty();

        // and its raw score does not join the history
        RecordResult next = feedOne(h, anomaly(HISTORY + 1, 3.0));
        var reference = restore(spec(), snapshot);
        RecordResult without = feedOne(reference, anomaly(HISTORY + 1, 3.0));
        assertThat(next.probability()).isEqualTo(without.probability()).isLessThan(1e-4);
        assertThat(next.recordScore()).isEqualTo(without.recordScore());
        h.close();
        reference.close();

        // a detector that never got ready scores nothing at all
        var cold = harness(spec());
        for (int b = 0; b < 100; b++) {
            RecordResult r =
                    feedOne(cold, record(b * SPAN, b == 50 ? 9.0 : 0.0, 0, 0, false, false));
            assertThat(r.probability()).isEqualTo(1.0);
            assertThat(r.recordScore()).isZero();
        }
        cold.close();
    }

    @Test
    void interimRecordsAreScoredButDoNotChangeTheModel() throws Exception {
        OperatorSubtaskState snapshot = afterHistory(6);
        var h = restore(spec(), snapshot);
        // a huge interim score, then the bucket's final record
        RecordResult interim = feedOne(h, record(HISTORY * SPAN, 1e6, 1, 1, true, true));
        assertThat(interim.isInterim()).isTrue();
        assertProbability(interim);
        assertThat(interim.probability()).isLessThan(1e-4);
        assertThat(interim.recordScore()).isEqualTo(100.0);
        assertThat(interim.resultId()).isEqualTo(anomaly(HISTORY, 3.0).resultId());
        assertThat(renormalized(h)).isEmpty();

        RecordResult fin = feedOne(h, anomaly(HISTORY, 3.0));
        var reference = restore(spec(), snapshot);
        RecordResult finWithout = feedOne(reference, anomaly(HISTORY, 3.0));

        assertThat(fin.isInterim()).isFalse();
        assertThat(fin.probability()).isEqualTo(finWithout.probability());
        // the interim's larger unusualness did not enter the window: the final is the maximum,
        // where with the interim as the maximum the relative cap would have lowered it
        assertThat(u(interim)).isGreaterThan(u(fin));
        assertThat(ExpectedScores.score(u(fin), u(interim)))
                .isLessThan(ExpectedScores.score(u(fin), u(fin)) - 1);
        assertThat(fin.recordScore())
                .isEqualTo(finWithout.recordScore())
                .isCloseTo(ExpectedScores.score(u(fin), u(fin)), within(1e-9));
        assertThat(renormalized(h)).containsExactlyInAnyOrderElementsOf(renormalized(reference));
        h.close();
        reference.close();
    }

    @Test
    void anInterimRecordIsScoredAgainstTheWindowWithoutEnteringIt() throws Exception {
        var h = harness(spec());
        feed(h, history(13));
        RecordResult a = feedOne(h, anomaly(HISTORY, 1e6));
        double windowMax = u(a);
        // a milder graded interim: its score is capped relative to the anomaly in the window
        RecordResult interim = feedOne(h, record((HISTORY + 1) * SPAN, 3.0, 1, 1, true, true));
        double u = u(interim);
        assertThat(u).isPositive().isLessThan(windowMax);
        assertThat(interim.recordScore())
                .isCloseTo(ExpectedScores.score(u, windowMax), within(1e-9))
                .isCloseTo(100 * (0.5 + 0.5 * u / windowMax), within(1e-9))
                .isLessThan(100 * Math.min(1, u / Scores.FULL_SCALE) - 1);
        assertThat(interim.initialRecordScore()).isEqualTo(interim.recordScore());
        // and it did not enter the window: a final record like it scores the same
        RecordResult fin = feedOne(h, anomaly(HISTORY + 1, 3.0));
        assertThat(fin.probability()).isEqualTo(interim.probability());
        assertThat(fin.recordScore()).isCloseTo(interim.recordScore(), within(1e-9));
        h.close();
    }

    /**
     * Confidence discounts the tail unusualness ({@code p' = p^confidence}, as before) and, below
     * 0.5, damps the whole unusualness in proportion. An ungraded record at confidence 0.5 thus
     * still has exactly half the unusualness; a graded one does not (its grade part is undamped at
     * 0.5, only its tail part is discounted).
     */
    @Test
    void confidenceDiscountsTheTailAndDampsAYoungForest() throws Exception {
        OperatorSubtaskState snapshot = afterHistory(7);
        var probe = restore(spec(), snapshot);
        for (double raw : new double[] {0.78, 0.72}) {
            double tail = tail(probe, raw);
            assertThat(tail).as("raw %s", raw).isPositive().isLessThan(3.0);
            var full = restore(spec(), snapshot);
            var half = restore(spec(), snapshot);
            RecordResult sure = feedOne(full, record(HISTORY * SPAN, raw, 0, 1.0, true, false));
            RecordResult unsure = feedOne(half, record(HISTORY * SPAN, raw, 0, 0.5, true, false));
            assertThat(u(sure)).as("raw %s", raw).isCloseTo(tail, within(1e-9));
            assertThat(u(unsure)).as("raw %s", raw).isCloseTo(u(sure) / 2, within(1e-9));
            assertThat(unsure.probability()).isGreaterThan(sure.probability());
            full.close();
            half.close();
        }

        double raw = 3.0;
        double tail = tail(probe, raw);
        assertThat(tail * 0.5).isGreaterThan(3.0);
        var full = restore(spec(), snapshot);
        var half = restore(spec(), snapshot);
        RecordResult sure = feedOne(full, record(HISTORY * SPAN, raw, 1, 1.0, true, false));
        RecordResult unsure = feedOne(half, record(HISTORY * SPAN, raw, 1, 0.5, true, false));
        assertThat(u(sure)).isCloseTo(ExpectedScores.graded(tail, raw, 1, 1.0), within(1e-9));
        assertThat(u(unsure)).isCloseTo(ExpectedScores.graded(tail, raw, 1, 0.5), within(1e-9));
        // only the tail part shrinks: less unusual, but by far less than half
        assertThat(u(unsure)).isLessThan(u(sure)).isGreaterThan(u(sure) / 2);
        full.close();
        half.close();

        // confidence 0 means no evidence at all
        var none = restore(spec(), snapshot);
        RecordResult r = feedOne(none, record(HISTORY * SPAN, 3.0, 1, 0.0, true, false));
        assertThat(r.probability()).isEqualTo(1.0);
        assertThat(r.recordScore()).isZero();
        none.close();
        probe.close();
    }

    /**
     * A young forest (confidence below 0.5) scores erratically: a graded record's unusualness is
     * damped in proportion, so at confidence 0.25 it is exactly half of what the same record has at
     * any confidence of at least 0.5. (Exactly half when the confidence-discounted tail adds
     * nothing, i.e. is at most 3 at the higher confidence; further out the discount of the tail
     * also differs, which {@link #confidenceDiscountsTheTailAndDampsAYoungForest} covers.)
     */
    @Test
    void aYoungForestHasHalfTheUnusualnessOfAMatureOneWhenGraded() throws Exception {
        OperatorSubtaskState snapshot = afterHistory(17);
        var probe = restore(spec(), snapshot);
        for (double[] rg : new double[][] {{0.75, 1.0}, {0.8, 0.5}, {0.82, 0.3}}) {
            double raw = rg[0];
            double grade = rg[1];
            // within the ungraded range even at full confidence: the tail adds nothing
            assertThat(tail(probe, raw)).as("raw %s", raw).isLessThanOrEqualTo(3.0);
            Map<Double, Double> u = new HashMap<>();
            for (double confidence : new double[] {1.0, 0.75, 0.5, 0.25, 0.1}) {
                var h = restore(spec(), snapshot);
                RecordResult r =
                        feedOne(h, record(HISTORY * SPAN, raw, grade, confidence, true, false));
                assertProbability(r);
                u.put(confidence, u(r));
                h.close();
            }
            double mature =
                    RecordNormalizer.UNGRADED_MAX_UNUSUALNESS
                            + RecordNormalizer.GRADE_SPAN * grade
                            + RecordNormalizer.RAW_SCORE_TIE * raw / (1 + raw);
            assertThat(u.get(1.0)).as("raw %s", raw).isCloseTo(mature, within(1e-9));
            assertThat(u.get(0.75)).as("raw %s", raw).isCloseTo(mature, within(1e-9));
            assertThat(u.get(0.5)).as("raw %s", raw).isCloseTo(mature, within(1e-9));
            assertThat(u.get(0.25)).as("raw %s", raw).isCloseTo(mature / 2, within(1e-9));
            assertThat(u.get(0.1)).as("raw %s", raw).isCloseTo(mature / 5, within(1e-9));
        }
        probe.close();
    }

    @Test
    void anUngradedRecordNeverScoresAboveTheUngradedMaximum() throws Exception {
        OperatorSubtaskState snapshot = afterHistory(18);
        double cap = ExpectedScores.ungradedMaxScore();
        assertThat(cap).isLessThan(50.0);
        for (double raw : new double[] {0.9, 3.0, 50, 1e6, 1e12, Double.MAX_VALUE}) {
            var h = restore(spec(), snapshot);
            // threshold above the raw score: the raw score itself is judged
            RecordResult r =
                    feedOne(h, record(0, HISTORY * SPAN, raw, 0, Double.MAX_VALUE, 1, true, false));
            assertProbability(r);
            assertThat(u(r))
                    .as("raw %s", raw)
                    .isLessThanOrEqualTo(RecordNormalizer.UNGRADED_MAX_UNUSUALNESS + 1e-12);
            assertThat(r.recordScore()).as("raw %s", raw).isLessThanOrEqualTo(cap + 1e-9);
            assertThat(Severity.of(r.recordScore())).isIn(Severity.WARNING, Severity.MINOR);
            if (raw >= 3.0) {
                // far out in the tail: exactly at the cap
                assertThat(r.probability()).as("raw %s", raw).isCloseTo(1e-3, within(1e-15));
                assertThat(r.recordScore()).as("raw %s", raw).isCloseTo(cap, within(1e-9));
                // the same record graded by its forest is well above it
                var graded = restore(spec(), snapshot);
                RecordResult g = feedOne(graded, record(HISTORY * SPAN, raw, 1, 1, true, false));
                assertThat(g.recordScore()).as("raw %s", raw).isGreaterThan(cap + 10);
                graded.close();
            }
            h.close();
        }

        // and in sequence, after a strong anomaly raised the window maximum
        var h = restore(spec(), snapshot);
        feedOne(h, anomaly(HISTORY, 1e6));
        for (int b = 1; b <= 5; b++) {
            RecordResult r =
                    feedOne(h, record(0, (HISTORY + b) * SPAN, 1e9 * b, 0, 1e300, 1, true, false));
            assertThat(r.recordScore()).isLessThanOrEqualTo(cap + 1e-9);
        }
        h.close();
    }

    @Test
    void aValueBeyondItsSeriesRangeIsAnAnomalyWhateverItsGrade() throws Exception {
        OperatorSubtaskState snapshot = afterHistory(21);
        double margin = JobSpecLoader.DEFAULT_RANGE_MARGIN;
        double cap = ExpectedScores.ungradedMaxScore();
        long ts = HISTORY * SPAN;
        // inside the margin: an ungraded record stays at most minor
        var h = restore(spec(), snapshot);
        RecordResult inside = feedOne(h, record(0, ts, 0.7, 0, 1, 1, true, false, margin * 0.9));
        assertThat(inside.recordScore()).isLessThanOrEqualTo(cap + 1e-9);
        h.close();
        double previous = 0;
        for (double x : new double[] {margin * 1.01, 0.2, 0.5, 5, 1e6}) {
            h = restore(spec(), snapshot);
            RecordResult r = feedOne(h, record(0, ts, 0.7, 0, 1, 1, true, false, x));
            h.close();
            double expected =
                    RecordNormalizer.UNGRADED_MAX_UNUSUALNESS
                            + RecordNormalizer.GRADE_SPAN
                            + RecordNormalizer.RAW_SCORE_TIE
                            + RecordNormalizer.RANGE_WEIGHT * Math.log10(x / margin);
            assertThat(u(r)).as("excess %s", x).isCloseTo(expected, within(1e-9));
            if (previous < 100) {
                assertThat(r.recordScore()).as("excess %s", x).isGreaterThan(previous);
            } else {
                assertThat(r.recordScore()).isEqualTo(100.0);
            }
            previous = r.recordScore();
        }
        // just past the margin it ranks with a fully graded record (major), far past it critical
        h = restore(spec(), snapshot);
        RecordResult justOut = feedOne(h, record(0, ts, 0.7, 0, 1, 1, true, false, 0.06));
        h.close();
        assertThat(Severity.of(justOut.recordScore())).isEqualTo(Severity.MAJOR);
        h = restore(spec(), snapshot);
        RecordResult farOut = feedOne(h, record(0, ts, 0.7, 0, 1, 1, true, false, 1.0));
        h.close();
        assertThat(Severity.of(farOut.recordScore())).isEqualTo(Severity.CRITICAL);
        // a graded record that is also out of range keeps the larger of the two
        h = restore(spec(), snapshot);
        RecordResult both = feedOne(h, record(0, ts, 1e9, 1, 1, 1, true, false, 0.06));
        h.close();
        assertThat(u(both)).isGreaterThan(u(justOut));
        // a young forest is damped like any other record
        h = restore(spec(), snapshot);
        RecordResult young = feedOne(h, record(0, ts, 0.7, 0, 1, 0.25, true, false, 1.0));
        h.close();
        assertThat(u(young)).isCloseTo(u(farOut) * 0.5, within(1e-9));
    }

    @Test
    void theRangeRuleIsOffWithRangeMarginNone() throws Exception {
        JobSpec off = spec("30d", 5, "  range_margin: none");
        assertThat(off.scoring().rangeMargin()).isNaN();
        var h = harness(off);
        feed(h, history(22));
        RecordResult r = feedOne(h, record(0, HISTORY * SPAN, 0.7, 0, 1, 1, true, false, 100));
        h.close();
        assertThat(r.recordScore()).isLessThanOrEqualTo(ExpectedScores.ungradedMaxScore() + 1e-9);
    }

    @Test
    void amongGradeOneRecordsAHigherRawScoreScoresHigher() throws Exception {
        OperatorSubtaskState snapshot = afterHistory(19);
        double[] raws = {0.72, 0.8, 0.9, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 1e3, 1e6, 1e9};
        RecordResult previous = null;
        for (double raw : raws) {
            var h = restore(spec(), snapshot);
            RecordResult r = feedOne(h, anomaly(HISTORY, raw));
            h.close();
            assertProbability(r);
            assertThat(r.recordScore()).as("raw %s", raw).isBetween(0.0, 100.0);
            // an anomaly scores above every record its forest did not grade
            assertThat(u(r)).isGreaterThan(RecordNormalizer.UNGRADED_MAX_UNUSUALNESS);
            if (previous != null) {
                assertThat(r.probability())
                        .as("raw %s after %s", raw, previous.rawScore())
                        .isLessThan(previous.probability());
                if (previous.recordScore() < 100.0) {
                    assertThat(r.recordScore())
                            .as("raw %s after %s", raw, previous.rawScore())
                            .isGreaterThan(previous.recordScore());
                } else {
                    assertThat(r.recordScore()).isEqualTo(100.0);
                }
            }
            previous = r;
        }
        // the range is used: a mild anomaly is not critical, a far one is
        assertThat(previous.recordScore()).isEqualTo(100.0);
        var h = restore(spec(), snapshot);
        RecordResult mild = feedOne(h, anomaly(HISTORY, raws[0]));
        assertThat(mild.recordScore()).isLessThan(75.0);
        h.close();
    }

    @Test
    void belowTheThresholdTheRawScoreCountsOnlyUpToTheThreshold() throws Exception {
        OperatorSubtaskState snapshot = afterHistory(14);
        var graded = restore(spec(), snapshot);
        var ungraded = restore(spec(), snapshot);
        var atThreshold = restore(spec(), snapshot);
        RecordResult g = feedOne(graded, record(HISTORY * SPAN, 3.0, 1, 1, true, false));
        RecordResult u = feedOne(ungraded, record(HISTORY * SPAN, 3.0, 0, 1, true, false));
        RecordResult t = feedOne(atThreshold, record(HISTORY * SPAN, 1.0, 0, 1, true, false));
        // grade 0: judged as if it scored the threshold (1.0)
        assertThat(u.probability()).isEqualTo(t.probability()).isGreaterThan(g.probability());
        graded.close();
        ungraded.close();
        atThreshold.close();
    }

    @Test
    void detectorsAreNormalizedIndependently() throws Exception {
        var h = harness(spec("30d", 2));
        feed(h, history(9));
        RecordResult a = feedOne(h, anomaly(HISTORY, 3.0));
        int before = renormalized(h).size();
        // detector 1 has no history: its raw score is not rare in detector 0's history terms
        // (there it would be far out in the tail); only the grade counts
        RecordResult d1 = record(1, HISTORY * SPAN, 50.0, 1, 1, 1, true, false);
        RecordResult scored = feedOne(h, d1);
        assertThat(scored.detectorIndex()).isEqualTo(1);
        double gradeOnly =
                RecordNormalizer.UNGRADED_MAX_UNUSUALNESS
                        + RecordNormalizer.GRADE_SPAN
                        + RecordNormalizer.RAW_SCORE_TIE * 50.0 / 51.0;
        assertThat(u(scored)).isCloseTo(gradeOnly, within(1e-9));
        assertThat(u(scored)).isLessThan(u(a));
        // scored against its own window (itself), not against detector 0's maximum
        assertThat(scored.recordScore())
                .isCloseTo(ExpectedScores.score(u(scored), u(scored)), within(1e-9));
        // an ungraded record of detector 1 cannot be rare at all yet
        RecordResult ungraded =
                feedOne(h, record(1, (HISTORY + 1) * SPAN, 50.0, 0, 100, 1, true, false));
        assertThat(ungraded.probability()).isEqualTo(1.0);
        assertThat(ungraded.recordScore()).isZero();
        // a strong anomaly of detector 1 does not renormalize detector 0's records
        feed(h, history(19).stream().map(r -> withDetector(r, 1, HISTORY + 2)).toList());
        RecordResult big =
                feedOne(h, record(1, (2 * HISTORY + 2) * SPAN, 1e6, 1, 1, 1, true, false));
        assertThat(u(big)).isGreaterThan(u(a));
        assertThat(renormalized(h).subList(before, renormalized(h).size()))
                .noneMatch(x -> x.get("detector_index").asInt() == 0);
        // and detector 0 still has its own maximum
        RecordResult b = feedOne(h, anomaly(2 * HISTORY + 3, 3.0));
        assertThat(b.recordScore())
                .isCloseTo(ExpectedScores.score(u(b), Math.max(u(a), u(b))), within(1e-9))
                .isGreaterThan(ExpectedScores.score(u(b), u(big)));
        assertThat(a.recordScore()).isEqualTo(100.0);
        h.close();
    }

    /** {@code r} as a record of {@code detector}, {@code shift} buckets later. */
    static RecordResult withDetector(RecordResult r, int detector, long shift) {
        return record(
                detector,
                r.timestamp() + shift * SPAN,
                r.rawScore(),
                r.grade(),
                r.threshold(),
                r.confidence(),
                r.modelReady(),
                r.isInterim());
    }

    @Test
    void probabilitiesAreNeverZeroEvenForAbsurdScores() throws Exception {
        var h = harness(spec());
        feed(h, history(8));
        RecordResult absurd = feedOne(h, anomaly(HISTORY, 1e6));
        // the tail is compressed: even the most extreme score has a bounded unusualness
        double most =
                RecordNormalizer.UNGRADED_MAX_UNUSUALNESS
                        + RecordNormalizer.GRADE_SPAN
                        + RecordNormalizer.RAW_SCORE_TIE
                        + RecordNormalizer.TAIL_WEIGHT
                                * Math.log10(1 + (Scores.unusualness(0.0) - 3) / 3);
        assertThat(absurd.probability()).isGreaterThan(0.0).isLessThan(1e-6);
        assertThat(u(absurd)).isLessThanOrEqualTo(most + 1e-9);
        assertThat(absurd.recordScore()).isEqualTo(100.0);
        feedOne(h, anomaly(HISTORY + 3, 1e9));
        feedOne(h, record((HISTORY + 4) * SPAN, 1e12, 1, 0.999, true, true));
        feedOne(h, anomaly(HISTORY + 5, Double.MAX_VALUE));
        for (RecordResult r : output(h)) {
            assertProbability(r);
            assertThat(u(r)).isLessThanOrEqualTo(most + 1e-9);
            assertThat(r.recordScore()).isBetween(0.0, 100.0);
            assertThat(r.initialRecordScore()).isBetween(0.0, 100.0);
        }
        for (JsonNode u : renormalized(h)) {
            assertThat(u.get("probability").asDouble()).isGreaterThan(0.0).isLessThanOrEqualTo(1);
        }
        h.close();
    }

    /**
     * A ready record graded by its forest with a NaN or infinite raw score must still get a
     * probability in (0, 1]: a NaN raw score counts as 0 and an infinite one as the largest tie (a
     * first version of the new formula gave NaN here).
     */
    @Test
    void nanAndInfiniteRawScoresStillGetAProbability() throws Exception {
        var h = harness(spec());
        feed(h, history(8));
        RecordResult nan = feedOne(h, anomaly(HISTORY + 1, Double.NaN));
        assertProbability(nan);
        RecordResult infinite = feedOne(h, anomaly(HISTORY + 2, Double.POSITIVE_INFINITY));
        assertProbability(infinite);
        for (RecordResult r : output(h)) {
            assertProbability(r);
            assertThat(r.recordScore()).isBetween(0.0, 100.0);
        }
        h.close();
    }

    @Test
    void stateHoldsOneEntryPerStateKindAndKey() throws Exception {
        var h = harness(spec("2h", 5));
        feed(h, history(10));
        // score model, last window maximum and the tracked records of the one key
        assertThat(h.numKeyedStateEntries()).isEqualTo(3);
        // prune timers fall on sixteenths of the window: at most one per 7.5 minutes of records
        assertThat(h.numEventTimeTimers()).isLessThan(output(h).size());
        h.close();
    }

    /**
     * Tracked records older than the renormalization window are only dropped inside the
     * renormalization pass, which runs only when {@code max(windowMax, floor)} changes. For a
     * detector whose unusualness stays below {@code normalization_floor} (every quiet detector; the
     * default floor 6 is one in a million) that never happens, so every record scoring at least
     * {@code renormalization_min_change} (with the default 5: any record with p <= 0.5, about half
     * of them) stays in state forever.
     */
    @Test
    void trackedRecordsAreBoundedByTheWindowWhenTheMaximumStaysBelowTheFloor() throws Exception {
        var h = harness(spec("2h", 5)); // 2h = 24 buckets
        Random random = new Random(15);
        for (int b = 0; b < 2_000; b++) {
            // threshold 0.75 and grade 0: never more unusual than a score of 0.75, far below 6
            double raw = 0.7 + 0.05 * random.nextGaussian();
            RecordResult r = record(0, b * SPAN, raw, 0, 0.75, 1, true, false);
            h.processElement(r, r.timestamp() + SPAN - 1);
            h.processWatermark(new Watermark(r.timestamp() + SPAN - 1));
        }
        assertThat(output(h)).allSatisfy(r -> assertThat(r.recordScore()).isLessThan(100 / 6.0));
        assertThat(output(h).stream().filter(r -> r.recordScore() >= 5).count()).isGreaterThan(500);
        // at most the records of the last 2 hours may be kept
        assertThat(trackedRecords(h, JOB + "#0")).isLessThanOrEqualTo(25);
        h.close();
    }

    @Test
    void whenTheMaximumLeavesTheWindowTheRemainingRecordsMoveUp() throws Exception {
        var h = harness(spec("1h", 2)); // 12 buckets
        feed(h, history(16));
        RecordResult big = feedOne(h, anomaly(HISTORY, 1e6));
        RecordResult smaller = feedOne(h, anomaly(HISTORY + 1, 3.0));
        assertThat(big.recordScore()).isEqualTo(100.0);
        // capped relative to the big one
        assertThat(smaller.recordScore())
                .isCloseTo(ExpectedScores.score(u(smaller), u(big)), within(1e-9))
                .isLessThan(ExpectedScores.score(u(smaller), u(smaller)) - 2);
        int before = renormalized(h).size();
        // 13 buckets after the big one it is out of the window; the smaller one is the maximum
        for (int b = 2; b <= 13; b++) {
            feedOne(h, routine(HISTORY + b, 0.7));
        }
        List<JsonNode> all = renormalized(h);
        JsonNode ofSmaller = updateOf(all.subList(before, all.size()), smaller);
        assertThat(ofSmaller.get("record_score").asDouble())
                .isCloseTo(ExpectedScores.score(u(smaller), u(smaller)), within(1e-5))
                .isGreaterThan(smaller.recordScore());
        assertThat(ofSmaller.get("initial_record_score").asDouble())
                .isCloseTo(smaller.recordScore(), within(1e-6));
        h.close();
    }

    @Test
    void aRecordBehindTheWatermarkIsScoredAtOnceInsteadOfWaitingForTheNextWatermark()
            throws Exception {
        // After every source subtask went idle, another scorer subtask's watermark can reach the
        // normalizer before this scorer's records: the watermark may never move again.
        var h = harness(spec());
        feed(h, history(3).subList(0, 10));
        int before = output(h).size();
        RecordResult late = routine(10, 0.7);
        h.processWatermark(new Watermark(late.timestamp() + 100 * SPAN));
        h.processElement(late, late.timestamp() + SPAN - 1);
        List<RecordResult> out = output(h);
        assertThat(out).hasSize(before + 1);
        assertThat(out.get(before).resultId()).isEqualTo(late.resultId());
        assertThat(out.get(before).probability()).isBetween(0.0, 1.0);
    }
}
