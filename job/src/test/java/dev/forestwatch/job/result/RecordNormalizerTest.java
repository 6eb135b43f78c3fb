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
                """
                        .formatted(JOB, window, minChange),
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
            // nothing routine comes near the floor (6): every score is u / floor
            assertThat(r.recordScore())
                    .as("score of %s", r.resultId())
                    .isCloseTo(100 * Scores.unusualness(r.probability()) / 6, within(1e-9))
                    .isLessThan(50.0);
        }
        // too little history at first: nothing is rare
        assertThat(routine.subList(0, ScoreModel.MIN_HISTORY))
                .allSatisfy(r -> assertThat(r.probability()).isOne());
        // Routine scores are uniformly distributed in rank, so a few in a hundred are "1 in 30"
        // (score 25 with the floor at 6); the bulk is far below.
        assertThat(routine.stream().filter(r -> r.recordScore() < 25).count())
                .isGreaterThanOrEqualTo(HISTORY * 95 / 100);
        assertThat(routine.stream().filter(r -> r.recordScore() < 10).count())
                .isGreaterThan(HISTORY * 65 / 100);
        assertThat(routine.stream().filter(r -> r.probability() > 0.2).count())
                .isGreaterThan(HISTORY / 2);

        RecordResult a = feedOne(h, anomaly(HISTORY, 3.0));
        assertThat(a.probability()).isGreaterThan(0.0).isLessThan(1e-4);
        assertThat(a.recordScore()).isEqualTo(100.0);
        assertThat(a.initialRecordScore()).isEqualTo(100.0);
        assertThat(Severity.of(a.recordScore()).label()).isEqualTo("critical");
        assertThat(a.resultId()).isEqualTo(anomaly(HISTORY, 3.0).resultId());

        // routine records after it are judged against the anomaly: all low now
        Random random = new Random(11);
        for (int b = 1; b <= 50; b++) {
            RecordResult r = feedOne(h, routine(HISTORY + b, 0.7 + 0.05 * random.nextGaussian()));
            assertProbability(r);
            assertThat(r.recordScore()).isLessThan(25.0);
            assertThat(Severity.of(r.recordScore())).isEqualTo(Severity.WARNING);
        }
        h.close();
    }

    @Test
    void theFirstAnomalyRenormalizesEarlierTrackedRecordsDownwards() throws Exception {
        var h = harness(spec());
        feed(h, history(12));
        Map<String, RecordResult> emitted = new HashMap<>();
        output(h).forEach(r -> emitted.put(r.resultId(), r));
        assertThat(renormalized(h)).isEmpty();

        RecordResult a = feedOne(h, anomaly(HISTORY, 3.0));
        List<JsonNode> updates = renormalized(h);
        // every earlier record that scored at least min_change (5) moved by more than that
        long expected =
                emitted.values().stream()
                        .filter(
                                r ->
                                        r.recordScore() >= 5
                                                && r.recordScore()
                                                                - 100
                                                                        * Scores.unusualness(
                                                                                r.probability())
                                                                        / Scores.unusualness(
                                                                                a.probability())
                                                        >= 5)
                        .count();
        assertThat(expected).isPositive();
        assertThat(updates).hasSize((int) expected);
        for (JsonNode u : updates) {
            RecordResult original = emitted.get(u.get("result_id").asText());
            assertThat(original).as("re-emitted %s", u).isNotNull();
            assertThat(u.get("record_score").asDouble())
                    .isLessThan(original.recordScore() - 5)
                    .isCloseTo(
                            100
                                    * Scores.unusualness(original.probability())
                                    / Scores.unusualness(a.probability()),
                            within(1e-5));
            assertThat(u.get("initial_record_score").asDouble())
                    .isCloseTo(original.recordScore(), within(1e-6));
            assertThat(u.get("probability").asDouble()).isEqualTo(original.probability());
            assertThat(u.get("is_interim").asBoolean()).isFalse();
        }
        h.close();
    }

    @Test
    void aLargerAnomalyRenormalizesTheEarlierOneWithTheSameId() throws Exception {
        var h = harness(spec());
        feed(h, history(2));
        RecordResult first = feedOne(h, anomaly(HISTORY, 3.0));
        assertThat(first.recordScore()).isEqualTo(100.0);
        feed(h, List.of(routine(HISTORY + 1, 0.7), routine(HISTORY + 2, 0.68)));
        int before = renormalized(h).size();

        RecordResult second = feedOne(h, anomaly(HISTORY + 3, 5.0));
        assertThat(second.probability()).isLessThan(first.probability());
        assertThat(second.recordScore()).isEqualTo(100.0);

        List<JsonNode> updates = renormalized(h).subList(before, renormalized(h).size());
        List<JsonNode> ofFirst =
                updates.stream()
                        .filter(u -> u.get("result_id").asText().equals(first.resultId()))
                        .toList();
        assertThat(ofFirst).hasSize(1);
        JsonNode update = ofFirst.get(0);
        assertThat(update.get("result_type").asText()).isEqualTo("record");
        assertThat(update.get("timestamp").asLong()).isEqualTo(first.timestamp());
        assertThat(update.get("raw_score").asDouble()).isEqualTo(3.0);
        double expected =
                100
                        * Scores.unusualness(first.probability())
                        / Scores.unusualness(second.probability());
        assertThat(expected).isLessThan(95);
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
        var h = harness(spec("2h", 5));
        feed(h, history(3));
        RecordResult first = feedOne(h, anomaly(HISTORY, 3.0));
        int before = renormalized(h).size();
        long later = HISTORY + 2 * 12 + 1; // more than 2 hours later
        RecordResult second = feedOne(h, anomaly(later, 5.0));
        assertThat(second.recordScore()).isEqualTo(100.0);
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
        var original = harness(spec());
        feed(original, history(4));
        RecordResult first = feedOne(original, anomaly(HISTORY, 3.0));
        OperatorSubtaskState snapshot = original.snapshot(1L, 1L);
        int before = renormalized(original).size();
        RecordResult expected = feedOne(original, anomaly(HISTORY + 1, 5.0));
        List<JsonNode> all = renormalized(original);
        List<JsonNode> expectedUpdates = all.subList(before, all.size());
        original.close();

        var restored = restore(spec(), snapshot);
        RecordResult actual = feedOne(restored, anomaly(HISTORY + 1, 5.0));
        assertThat(actual.probability()).isEqualTo(expected.probability());
        assertThat(actual.recordScore()).isEqualTo(expected.recordScore());
        List<JsonNode> updates = renormalized(restored);
        assertThat(updates).isNotEmpty().containsExactlyInAnyOrderElementsOf(expectedUpdates);
        assertThat(updates).anyMatch(u -> u.get("result_id").asText().equals(first.resultId()));
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
        RecordResult interim = feedOne(h, record(HISTORY * SPAN, 4.0, 1, 1, true, true));
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
        // the interim's larger unusualness did not enter the window: the final is the maximum
        assertThat(fin.recordScore()).isEqualTo(finWithout.recordScore()).isEqualTo(100.0);
        assertThat(renormalized(h)).containsExactlyInAnyOrderElementsOf(renormalized(reference));
        h.close();
        reference.close();
    }

    @Test
    void anInterimRecordIsScoredAgainstTheWindowWithoutEnteringIt() throws Exception {
        var h = harness(spec());
        feed(h, history(13));
        RecordResult a = feedOne(h, anomaly(HISTORY, 3.0));
        double windowMax = Scores.unusualness(a.probability());
        // a milder interim: its score is relative to the anomaly in the window
        RecordResult interim = feedOne(h, record((HISTORY + 1) * SPAN, 0.95, 1, 1, true, true));
        double u = Scores.unusualness(interim.probability());
        assertThat(u).isPositive().isLessThan(windowMax);
        assertThat(interim.recordScore()).isCloseTo(100 * u / windowMax, within(1e-9));
        assertThat(interim.initialRecordScore()).isEqualTo(interim.recordScore());
        h.close();
    }

    @Test
    void halfConfidenceHalvesTheUnusualness() throws Exception {
        OperatorSubtaskState snapshot = afterHistory(7);
        for (double raw : new double[] {3.0, 0.78, 0.72}) {
            var full = restore(spec(), snapshot);
            var half = restore(spec(), snapshot);
            double grade = raw > 1 ? 1 : 0;
            RecordResult sure = feedOne(full, record(HISTORY * SPAN, raw, grade, 1.0, true, false));
            RecordResult unsure =
                    feedOne(half, record(HISTORY * SPAN, raw, grade, 0.5, true, false));
            double uSure = Scores.unusualness(sure.probability());
            double uUnsure = Scores.unusualness(unsure.probability());
            assertThat(uSure).as("raw %s", raw).isPositive();
            assertThat(uUnsure).as("raw %s", raw).isCloseTo(uSure / 2, within(1e-9 * uSure));
            assertThat(unsure.probability()).isGreaterThan(sure.probability());
            full.close();
            half.close();
        }

        // confidence 0 means no evidence at all
        var none = restore(spec(), snapshot);
        RecordResult r = feedOne(none, record(HISTORY * SPAN, 3.0, 1, 0.0, true, false));
        assertThat(r.probability()).isEqualTo(1.0);
        assertThat(r.recordScore()).isZero();
        none.close();
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
        var h = harness(spec());
        feed(h, history(9));
        RecordResult a = feedOne(h, anomaly(HISTORY, 3.0));
        int before = renormalized(h).size();
        // detector 1 has no history: its first records cannot be rare
        RecordResult d1 = record(1, HISTORY * SPAN, 50.0, 1, 1, 1, true, false);
        RecordResult scored = feedOne(h, d1);
        assertThat(scored.detectorIndex()).isEqualTo(1);
        assertThat(scored.probability()).isEqualTo(1.0);
        assertThat(scored.recordScore()).isZero();
        assertThat(renormalized(h)).hasSize(before);
        // and detector 0 still has its own maximum
        RecordResult b = feedOne(h, anomaly(HISTORY + 1, 3.0));
        assertThat(b.recordScore()).isLessThanOrEqualTo(100.0).isGreaterThan(50.0);
        assertThat(a.recordScore()).isEqualTo(100.0);
        h.close();
    }

    @Test
    void probabilitiesAreNeverZeroEvenForAbsurdScores() throws Exception {
        var h = harness(spec());
        feed(h, history(8));
        RecordResult absurd = feedOne(h, anomaly(HISTORY, 1e6));
        assertThat(absurd.probability()).isGreaterThan(0.0).isLessThan(1e-300);
        assertThat(absurd.recordScore()).isEqualTo(100.0);
        RecordResult nan = feedOne(h, anomaly(HISTORY + 1, Double.NaN));
        assertProbability(nan);
        RecordResult infinite = feedOne(h, anomaly(HISTORY + 2, Double.POSITIVE_INFINITY));
        assertProbability(infinite);
        feedOne(h, anomaly(HISTORY + 3, 1e9));
        feedOne(h, record((HISTORY + 4) * SPAN, 1e12, 1, 0.999, true, true));
        for (RecordResult r : output(h)) {
            assertProbability(r);
            assertThat(r.recordScore()).isBetween(0.0, 100.0);
            assertThat(r.initialRecordScore()).isBetween(0.0, 100.0);
        }
        for (JsonNode u : renormalized(h)) {
            assertThat(u.get("probability").asDouble()).isGreaterThan(0.0).isLessThanOrEqualTo(1);
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
        var h = harness(spec("1h", 5)); // 12 buckets
        feed(h, history(16));
        RecordResult big = feedOne(h, anomaly(HISTORY, 5.0));
        RecordResult smaller = feedOne(h, anomaly(HISTORY + 1, 3.0));
        assertThat(big.recordScore()).isEqualTo(100.0);
        assertThat(smaller.recordScore()).isLessThan(95.0);
        int before = renormalized(h).size();
        // 13 buckets after the big one it is out of the window; the smaller one is the maximum
        for (int b = 2; b <= 13; b++) {
            feedOne(h, routine(HISTORY + b, 0.7));
        }
        List<JsonNode> all = renormalized(h);
        List<JsonNode> ofSmaller =
                all.subList(before, all.size()).stream()
                        .filter(u -> u.get("result_id").asText().equals(smaller.resultId()))
                        .toList();
        assertThat(ofSmaller).hasSize(1);
        assertThat(ofSmaller.get(0).get("record_score").asDouble()).isEqualTo(100.0);
        assertThat(ofSmaller.get(0).get("initial_record_score").asDouble())
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
