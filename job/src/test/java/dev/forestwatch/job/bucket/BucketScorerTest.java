package dev.forestwatch.job.bucket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.forestwatch.connectors.deadletter.DeadLetter;
import dev.forestwatch.job.HarnessOutputs;
import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.config.JobSpecLoader;
import dev.forestwatch.job.config.ScoringSpec;
import dev.forestwatch.job.detect.MovingLevel;
import dev.forestwatch.job.model.RecordResult;
import dev.forestwatch.job.model.SeriesPoint;
import dev.forestwatch.job.parse.EventParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Harness tests of the per-series bucketing and forest operator. */
class BucketScorerTest {
    static final long MIN = 60_000L;
    static final long SPAN = 5 * MIN;

    static JobSpec spec(String function, String field) {
        return JobSpecLoader.parse(
                """
                job_id: harness
                source:
                  type: datagen
                analysis:
                  bucket_span: 5m
                  detectors:
                    - function: %s
                      %s
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
                """
                        .formatted(function, field == null ? "" : "field_name: " + field),
                "harness",
                Path.of("."));
    }

    static KeyedOneInputStreamOperatorTestHarness<String, SeriesPoint, RecordResult> harness(
            JobSpec spec) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, SeriesPoint, RecordResult> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new BucketScorer(spec)),
                        SeriesPoint::seriesKey,
                        Types.STRING);
        h.open();
        return h;
    }

    static SeriesPoint point(String host, long ts, double value) {
        return new SeriesPoint(
                SeriesPoint.keyOf(0, "", host), 0, "", host, ts, new double[] {value}, null, null);
    }

    static List<RecordResult> records(
            KeyedOneInputStreamOperatorTestHarness<String, SeriesPoint, RecordResult> h) {
        List<RecordResult> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add((RecordResult) r.getValue());
            }
        }
        return out;
    }

    @Test
    void bucketClosesWhenWatermarkPassesItsEndAndStateIsCleaned() throws Exception {
        var h = harness(spec("mean", "latency"));
        h.processElement(point("a", 10_000, 10), 10_000);
        h.processElement(point("a", 200_000, 20), 200_000);
        h.processElement(point("a", SPAN + 1, 99), SPAN + 1); // next bucket
        assertThat(records(h)).isEmpty();
        // the two buckets' close times and the series' expiry (state_ttl after its last close)
        assertThat(h.numEventTimeTimers()).isEqualTo(3);

        h.processWatermark(new Watermark(SPAN - 2));
        assertThat(records(h)).isEmpty();
        h.processWatermark(new Watermark(SPAN - 1));
        List<RecordResult> out = records(h);
        assertThat(out).hasSize(1);
        RecordResult r = out.get(0);
        assertThat(r.timestamp()).isZero();
        assertThat(r.actual()).containsExactly(15.0);
        assertThat(r.eventCount()).isEqualTo(2);
        assertThat(r.function()).isEqualTo("mean");
        assertThat(r.byFieldName()).isEqualTo("host");
        assertThat(r.byFieldValue()).isEqualTo("a");
        assertThat(r.bucketSpanSeconds()).isEqualTo(300);
        assertThat(h.numEventTimeTimers()).isEqualTo(2);

        h.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(records(h)).hasSize(2);
        assertThat(h.numEventTimeTimers()).isZero();
        h.close();
    }

    @Test
    void aValueBeyondTheSeenRangeCarriesItsExcessAndSaysSo() throws Exception {
        var both = harness(spec("mean", "latency"));
        var high = harness(spec("high_mean", "latency"));
        for (var h : List.of(both, high)) {
            for (int b = 0; b < 120; b++) {
                h.processElement(point("a", b * SPAN + 1, 10 + (b % 11)), b * SPAN + 1);
                h.processWatermark(new Watermark((b + 1) * SPAN - 1));
            }
        }
        List<RecordResult> routine = records(both);
        // (values at the old edges lie a hair outside: the range relaxes by 1e-5 per point)
        assertThat(routine)
                .hasSize(120)
                .allSatisfy(r -> assertThat(r.rangeExcess()).isLessThan(1e-3));
        assertThat(routine.get(119).modelReady()).isTrue();
        // the range is [10, 20]: 40 lies two ranges above it, 0 one range below
        long t = 120 * SPAN;
        for (var h : List.of(both, high)) {
            h.processElement(point("a", t + 1, 40), t + 1);
            h.processWatermark(new Watermark(t + SPAN - 1));
            h.processElement(point("a", t + SPAN + 1, 0), t + SPAN + 1);
            h.processWatermark(new Watermark(t + 2 * SPAN - 1));
        }
        List<RecordResult> out = records(both);
        RecordResult spike = out.get(120);
        assertThat(spike.rangeExcess()).isCloseTo(2.0, within(1e-3));
        assertThat(spike.reason()).endsWith("(200% of the range beyond the range seen so far)");
        // the spike widened the range to [10, 40]: 0 lies a third of it below
        assertThat(out.get(121).rangeExcess()).isCloseTo(1.0 / 3, within(1e-3));
        // a high-side detector ignores the drop
        List<RecordResult> highOut = records(high);
        assertThat(highOut.get(120).rangeExcess()).isCloseTo(2.0, within(1e-3));
        assertThat(highOut.get(121).rangeExcess()).isZero();
        assertThat(highOut.get(121).reason()).doesNotContain("beyond the range");
        both.close();
        high.close();
    }

    @Test
    void baselineTypicalIsTheMovingLevelBeforeTheBucketWithoutAForecast() throws Exception {
        JobSpec spec =
                JobSpecLoader.parse(
                        """
                        job_id: harness
                        source:
                          type: datagen
                        analysis:
                          bucket_span: 5m
                          detectors:
                            - function: mean
                              field_name: latency
                              by_field_name: host
                        model:
                          trees: 30
                          sample_size: 64
                          shingle_size: 2
                          seed: 7
                          seasonality: none
                        limits:
                          state_ttl: 1d
                        """,
                        "harness",
                        Path.of("."));
        assertThat(spec.scoring().typical()).isEqualTo(ScoringSpec.Typical.BASELINE);
        var h = harness(spec);
        double[] values = new double[200];
        for (int b = 0; b < values.length; b++) {
            values[b] = 50 + 10 * Math.sin(b / 7.0) + (b % 3);
            h.processElement(point("a", b * SPAN + 1, values[b]), b * SPAN + 1);
            h.processWatermark(new Watermark((b + 1) * SPAN - 1));
        }
        List<RecordResult> out = records(h);
        assertThat(out).hasSize(values.length);
        // the first record has nothing before it; every later one has a typical value, warming
        // up or not, and for the ungraded ones it is the level of the buckets before
        assertThat(out.get(0).typical()).isNull();
        double level = values[0];
        int checked = 0;
        for (int b = 1; b < values.length; b++) {
            RecordResult r = out.get(b);
            assertThat(r.typical()).as("bucket %d", b).isNotNull().hasSize(1);
            if (r.grade() == 0) {
                assertThat(r.typical()[0]).as("bucket %d", b).isCloseTo(level, within(1e-9));
                checked++;
            }
            level += MovingLevel.ALPHA * (values[b] - level);
        }
        assertThat(checked).isGreaterThan(150);
        // model bounds from the third bucket on, around typical, and most values inside them
        assertThat(out.get(1).modelLower()).isNull();
        int inside = 0;
        for (int b = 2; b < values.length; b++) {
            RecordResult r = out.get(b);
            assertThat(r.modelLower()).as("bucket %d", b).isNotNull().hasSize(1);
            assertThat(r.modelLower()[0]).isLessThanOrEqualTo(r.typical()[0]);
            assertThat(r.modelUpper()[0]).isGreaterThanOrEqualTo(r.typical()[0]);
            if (values[b] >= r.modelLower()[0] && values[b] <= r.modelUpper()[0]) {
                inside++;
            }
        }
        assertThat(inside).isGreaterThan(150);
        assertThat(out.get(5).modelReady()).isFalse();
        assertThat(out.get(5).reason()).contains("vs typical");
        h.close();
    }

    @Test
    void aDeadLetterPayloadIsValidJsonWhateverTheSeriesKeyHolds() throws Exception {
        String host = "we\\ird \"host\"\n\t";
        SeriesPoint p = point(host, 1234, 5.5);
        var json =
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(BucketScorer.describe(p));
        assertThat(json.get("series").asText())
                .isEqualTo(p.seriesKey().replace('\u001f', '/'))
                .endsWith(host);
        assertThat(json.get("timestamp").asLong()).isEqualTo(1234);
        assertThat(json.get("values").get(0).asDouble()).isEqualTo(5.5);
    }

    @Test
    void closingABucketRemovesItsAccumulator() throws Exception {
        var h = harness(spec("median", "latency"));
        h.processElement(point("a", 1000, 3), 1000);
        h.processElement(point("a", 2000, 1), 2000);
        h.processElement(point("a", 3000, 2), 3000);
        // series identity, last event bucket, expiry and one open bucket
        int whileOpen = h.numKeyedStateEntries();
        h.processWatermark(new Watermark(SPAN - 1));
        assertThat(records(h))
                .singleElement()
                .satisfies(r -> assertThat(r.actual()).containsExactly(2.0));
        // the open bucket is gone; the forest, the seasonal baseline (seasonality defaults to
        // auto), the seen range, the level and spread (kept for the model bounds whatever the
        // typical mode) and the last-scored bucket were added
        assertThat(h.numKeyedStateEntries()).isEqualTo(whileOpen - 1 + 5);
        // the series' expiry only
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
        h.close();
    }

    @Test
    void withoutSeasonalityNoSeasonalBaselineIsKept() throws Exception {
        JobSpec spec =
                JobSpecLoader.parse(
                        """
                        job_id: harness
                        source:
                          type: datagen
                        analysis:
                          bucket_span: 5m
                          detectors:
                            - function: median
                              field_name: latency
                              by_field_name: host
                        model:
                          trees: 30
                          sample_size: 64
                          shingle_size: 2
                          seed: 7
                          seasonality: none
                        limits:
                          state_ttl: 1d
                        """,
                        "harness",
                        Path.of("."));
        var h = harness(spec);
        var seasonal = harness(spec("median", "latency"));
        for (var x : List.of(h, seasonal)) {
            x.processElement(point("a", 1000, 3), 1000);
            x.processElement(point("a", 2000, 1), 2000);
        }
        int whileOpen = h.numKeyedStateEntries();
        assertThat(seasonal.numKeyedStateEntries()).isEqualTo(whileOpen);
        h.processWatermark(new Watermark(SPAN - 1));
        seasonal.processWatermark(new Watermark(SPAN - 1));
        assertThat(records(h)).singleElement();
        // the open bucket is gone; only the forest, the seen range, the level and spread and the
        // last-scored bucket were added
        assertThat(h.numKeyedStateEntries()).isEqualTo(whileOpen - 1 + 4);
        // the seasonal spec keeps the series' seasonal baseline as well
        assertThat(seasonal.numKeyedStateEntries()).isEqualTo(h.numKeyedStateEntries() + 1);
        h.close();
        seasonal.close();
    }

    @Test
    void idleSeriesExpireByStateTtl() throws Exception {
        var h = harness(spec("mean", "latency"));
        h.setStateTtlProcessingTime(0);
        feed(h, series("a", 200, 5));
        List<RecordResult> before = records(h);
        assertThat(before.get(before.size() - 1).modelReady()).isTrue();

        // more than state_ttl (1d) of processing time without writes: the series is gone, and
        // its next event starts a fresh forest that has to warm up again
        h.setStateTtlProcessingTime(25 * 60 * MIN);
        long next = 300 * SPAN;
        h.processElement(point("a", next + 1000, 100), next + 1000);
        h.processWatermark(new Watermark(next + SPAN));
        List<RecordResult> after = records(h);
        RecordResult fresh = after.get(after.size() - 1);
        assertThat(fresh.timestamp()).isEqualTo(next);
        assertThat(fresh.modelReady()).isFalse();
        assertThat(fresh.rawScore()).isZero();
        h.close();
    }

    @Test
    void countEmitsZeroForEmptyBucketsOfAKnownSeriesAndStopsAtEndOfInput() throws Exception {
        var h = harness(spec("low_count", null));
        h.processElement(point("a", 1000, 0), 1000);
        h.processElement(point("a", 2000, 0), 2000);
        h.processWatermark(new Watermark(4 * SPAN - 1)); // buckets 0..3 closed, 1..3 empty
        List<RecordResult> out = records(h);
        assertThat(out)
                .extracting(RecordResult::timestamp)
                .containsExactly(0L, SPAN, 2 * SPAN, 3 * SPAN);
        assertThat(out).extracting(r -> r.actual()[0]).containsExactly(2.0, 0.0, 0.0, 0.0);
        // still known: the next empty bucket is scheduled, and the series' expiry
        assertThat(h.numEventTimeTimers()).isEqualTo(2);

        h.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(records(h)).hasSize(5);
        assertThat(h.numEventTimeTimers()).isZero();
        h.close();
    }

    @Test
    void countStopsAfterTheStateTtlOfSilence() throws Exception {
        var h = harness(spec("count", null));
        h.processElement(point("a", 1000, 0), 1000);
        h.processWatermark(new Watermark(3 * 24 * 60 * MIN)); // three days later
        // one day of 5-minute buckets (state_ttl 1d) and no more
        assertThat(records(h)).hasSize(288);
        assertThat(h.numEventTimeTimers()).isZero();
        h.close();
    }

    @Test
    void eventsForAClosedBucketGoToDeadLetters() throws Exception {
        var h = harness(spec("mean", "latency"));
        h.processElement(point("a", 1000, 5), 1000);
        h.processWatermark(new Watermark(SPAN)); // bucket 0 closed
        h.processElement(point("a", 2000, 7), 2000);
        ConcurrentLinkedQueue<StreamRecord<DeadLetter>> late =
                h.getSideOutput(EventParser.DEAD_LETTERS);
        assertThat(late).hasSize(1);
        assertThat(late.peek().getValue().reason()).isEqualTo("late");
        assertThat(records(h)).hasSize(1);
        h.close();
    }

    private static List<SeriesPoint> series(String host, int buckets, long seed) {
        Random r = new Random(seed);
        List<SeriesPoint> points = new ArrayList<>();
        for (int b = 0; b < buckets; b++) {
            double v = 100 + 10 * Math.sin(2 * Math.PI * b / 24) + r.nextGaussian();
            points.add(point(host, b * SPAN + 1000, v));
        }
        return points;
    }

    private static void feed(
            KeyedOneInputStreamOperatorTestHarness<String, SeriesPoint, RecordResult> h,
            List<SeriesPoint> points)
            throws Exception {
        for (SeriesPoint p : points) {
            h.processElement(p, p.timestamp());
            h.processWatermark(new Watermark(p.timestamp()));
        }
    }

    @Test
    void snapshotAndRestoreGiveIdenticalNextScores() throws Exception {
        List<SeriesPoint> all = series("a", 400, 3);
        all.addAll(series("b", 400, 4));
        all.sort((x, y) -> Long.compare(x.timestamp(), y.timestamp()));
        List<SeriesPoint> first = all.subList(0, 500);
        List<SeriesPoint> rest = all.subList(500, all.size());

        var original = harness(spec("mean", "latency"));
        feed(original, first);
        OperatorSubtaskState snapshot = original.snapshot(1L, 1L);
        int before = records(original).size();
        feed(original, rest);
        List<RecordResult> expected = records(original).subList(before, records(original).size());
        original.close();

        var restored =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new BucketScorer(spec("mean", "latency"))),
                        SeriesPoint::seriesKey,
                        Types.STRING);
        restored.setup();
        restored.initializeState(snapshot);
        restored.open();
        feed(restored, rest);
        List<RecordResult> actual = records(restored);
        restored.close();

        assertThat(actual).hasSameSizeAs(expected).isNotEmpty();
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i).rawScore()).isEqualTo(expected.get(i).rawScore());
            assertThat(actual.get(i).grade()).isEqualTo(expected.get(i).grade());
            assertThat(actual.get(i).byFieldValue()).isEqualTo(expected.get(i).byFieldValue());
        }
        assertThat(expected).anyMatch(r -> r.rawScore() > 0);
    }

    @Test
    void replayGivesIdenticalScores() throws Exception {
        List<SeriesPoint> points = series("a", 300, 9);
        var one = harness(spec("mean", "latency"));
        var two = harness(spec("mean", "latency"));
        feed(one, points);
        feed(two, points);
        assertThat(records(one))
                .extracting(RecordResult::rawScore)
                .containsExactlyElementsOf(
                        records(two).stream().map(RecordResult::rawScore).toList());
        one.close();
        two.close();
    }

    private static RecordResult scoreOfShift(String function, double shiftedValue)
            throws Exception {
        List<SeriesPoint> points = series("a", 400, 11);
        points.add(point("a", 400 * SPAN + 1000, shiftedValue));
        var h = harness(spec(function, "latency"));
        feed(h, points);
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        List<RecordResult> out = records(h);
        h.close();
        return out.get(out.size() - 1);
    }

    @Test
    void aSpikeIsGradedAndOneSidedDetectorsIgnoreTheOtherDirection() throws Exception {
        RecordResult spike = scoreOfShift("mean", 200);
        assertThat(spike.grade()).isGreaterThan(0);
        assertThat(spike.typical()).isNotNull();
        assertThat(spike.typical()[0]).isBetween(80.0, 120.0);
        assertThat(scoreOfShift("high_mean", 200).grade()).isGreaterThan(0);
        assertThat(scoreOfShift("low_mean", 200).grade()).isZero();

        assertThat(scoreOfShift("mean", 10).grade()).isGreaterThan(0);
        assertThat(scoreOfShift("low_mean", 10).grade()).isGreaterThan(0);
        assertThat(scoreOfShift("high_mean", 10).grade()).isZero();
        // the raw score is reported either way
        assertThat(scoreOfShift("high_mean", 10).rawScore()).isGreaterThan(1.0);
    }

    static JobSpec specYaml(String detectorYaml, String extra) {
        return JobSpecLoader.parse(
                """
                job_id: harness
                source:
                  type: datagen
                analysis:
                  bucket_span: 5m
                  detectors:
                %s
                %s
                model:
                  trees: 30
                  sample_size: 64
                  shingle_size: 2
                  seed: 7
                limits:
                  state_ttl: 1d
                """
                        .formatted(detectorYaml, extra),
                "harness",
                Path.of("."));
    }

    static SeriesPoint vector(long ts, double... values) {
        return new SeriesPoint(SeriesPoint.keyOf(0, "", ""), 0, "", "", ts, values, null, null);
    }

    @Test
    void multivariateDetectorsAttributeTheAnomalyToItsField() throws Exception {
        JobSpec spec = specYaml("    - function: mean\n      fields: [cpu, memory]", "");
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new BucketScorer(spec)),
                        SeriesPoint::seriesKey,
                        Types.STRING);
        h.open();
        Random r = new Random(5);
        for (int b = 0; b < 400; b++) {
            long ts = b * SPAN + 1000;
            h.processElement(vector(ts, 50 + r.nextGaussian(), 70 + r.nextGaussian()), ts);
            h.processWatermark(new Watermark(ts));
        }
        long ts = 400 * SPAN + 1000;
        h.processElement(vector(ts, 50, 140), ts);
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        List<RecordResult> out = records(h);
        RecordResult last = out.get(out.size() - 1);
        assertThat(last.actual()).containsExactly(50.0, 140.0);
        assertThat(last.fieldNames()).containsExactly("cpu", "memory");
        assertThat(last.grade()).isGreaterThan(0);
        assertThat(last.typical()).hasSize(2);
        assertThat(last.typical()[1]).isBetween(60.0, 80.0);
        assertThat(last.attribution()).hasSize(2);
        assertThat(last.attribution()[1]).isGreaterThan(0.6);
        assertThat(last.attribution()[0] + last.attribution()[1]).isCloseTo(1.0, within(1e-9));
        assertThat(last.reason()).startsWith("mean memory 140 vs typical");
        assertThat(out.get(100).typical()).as("forecast typical for routine buckets").hasSize(2);
        h.close();
    }

    @Test
    void perEventDetectorsScoreEveryEventInEventTimeOrder() throws Exception {
        JobSpec spec = specYaml("    - function: value\n      field_name: ridecount", "");
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new BucketScorer(spec)),
                        SeriesPoint::seriesKey,
                        Types.STRING);
        h.open();
        h.processElement(vector(3000, 30), 3000);
        h.processElement(vector(1000, 10), 1000);
        h.processElement(vector(2000, 20), 2000);
        h.processElement(vector(2000, 21), 2000);
        h.processWatermark(new Watermark(SPAN - 1));
        List<RecordResult> out = records(h);
        assertThat(out)
                .extracting(RecordResult::timestamp)
                .containsExactly(1000L, 2000L, 2000L, 3000L);
        assertThat(out).extracting(x -> x.actual()[0]).containsExactly(10.0, 20.0, 21.0, 30.0);
        assertThat(out).allSatisfy(x -> assertThat(x.eventCount()).isEqualTo(1));
        assertThat(out).extracting(RecordResult::resultId).doesNotHaveDuplicates();
        assertThat(out).extracting(RecordResult::function).containsOnly("value");
        h.close();
    }

    @Test
    void interimResultsLeaveTheForestUntouched() throws Exception {
        List<SeriesPoint> points = series("a", 200, 21);
        JobSpec withInterim =
                specYaml(
                        "    - function: mean\n      field_name: latency\n      by_field_name: host",
                        "  interim_every: 1m");
        JobSpec without = spec("mean", "latency");
        var a =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new BucketScorer(withInterim)),
                        SeriesPoint::seriesKey,
                        Types.STRING);
        var b =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new BucketScorer(without)),
                        SeriesPoint::seriesKey,
                        Types.STRING);
        a.open();
        b.open();
        for (SeriesPoint p : points) {
            // one event at the start of each bucket, then watermarks through the bucket
            a.processElement(p, p.timestamp());
            b.processElement(p, p.timestamp());
            for (long w = p.timestamp() + MIN; w < p.timestamp() - 1000 + SPAN; w += MIN) {
                a.processWatermark(new Watermark(w));
                b.processWatermark(new Watermark(w));
            }
        }
        a.processWatermark(new Watermark(Long.MAX_VALUE));
        b.processWatermark(new Watermark(Long.MAX_VALUE));
        List<RecordResult> interimRun = records(a);
        List<RecordResult> finals = interimRun.stream().filter(r -> !r.isInterim()).toList();
        List<RecordResult> interims = interimRun.stream().filter(RecordResult::isInterim).toList();
        assertThat(interims).isNotEmpty();
        assertThat(interims).allSatisfy(r -> assertThat(r.timestamp() % SPAN).isZero());
        // interim and final results of a bucket share the result id: the final one supersedes
        assertThat(finals.get(150).resultId())
                .isIn(interims.stream().map(RecordResult::resultId).toList());
        assertThat(finals)
                .extracting(RecordResult::rawScore)
                .containsExactlyElementsOf(
                        records(b).stream().map(RecordResult::rawScore).toList());
        a.close();
        b.close();
    }

    static JobSpec cappedSpec(int maxSeries) {
        return JobSpecLoader.parse(
                """
                job_id: harness
                source:
                  type: datagen
                analysis:
                  bucket_span: 5m
                  detectors:
                    - function: mean
                      field_name: latency
                      by_field_name: host
                model:
                  trees: 30
                  sample_size: 64
                  shingle_size: 2
                  seed: 7
                limits:
                  state_ttl: 1h
                  max_series_per_subtask: %d
                """
                        .formatted(maxSeries),
                "harness",
                Path.of("."));
    }

    static List<DeadLetter> deadLetters(
            KeyedOneInputStreamOperatorTestHarness<String, SeriesPoint, RecordResult> h) {
        return HarnessOutputs.side(h, EventParser.DEAD_LETTERS);
    }

    @Test
    void seriesOverTheCapAreDeadLettersUntilAnIdleSeriesLeaves() throws Exception {
        var h = harness(cappedSpec(2));
        var scorer =
                (BucketScorer) ((KeyedProcessOperator<?, ?, ?>) h.getOperator()).getUserFunction();
        h.processElement(new StreamRecord<>(point("a", 0, 1), 0));
        h.processElement(new StreamRecord<>(point("b", 0, 1), 0));
        h.processElement(new StreamRecord<>(point("c", 0, 1), 0));
        assertThat(scorer.liveSeries()).isEqualTo(2);
        assertThat(deadLetters(h))
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.reason()).isEqualTo("series_limit");
                            assertThat(d.origin()).isEqualTo("series 0//c");
                            assertThat(d.detail()).contains("max_series_per_subtask");
                        });
        // a known series keeps being scored at the cap
        for (long t = SPAN; t < 30 * MIN; t += SPAN) {
            h.processElement(new StreamRecord<>(point("a", t, 1), t));
        }
        h.processWatermark(new Watermark(30 * MIN));
        assertThat(records(h)).extracting(RecordResult::byFieldValue).contains("a", "b");
        assertThat(deadLetters(h)).hasSize(1);
        // b's last bucket closed at 5 min; one hour later it is gone and c gets its place
        h.processWatermark(new Watermark(SPAN - 1 + 60 * MIN));
        assertThat(scorer.liveSeries()).isEqualTo(1);
        h.processElement(new StreamRecord<>(point("c", 70 * MIN, 1), 70 * MIN));
        assertThat(scorer.liveSeries()).isEqualTo(2);
        assertThat(deadLetters(h)).hasSize(1);
        // b comes back as a new series: over the cap again
        h.processElement(new StreamRecord<>(point("b", 70 * MIN, 1), 70 * MIN));
        assertThat(deadLetters(h)).hasSize(2);
        h.close();
    }

    @Test
    void theLiveSeriesCountSurvivesARestore() throws Exception {
        var h = harness(cappedSpec(2));
        h.processElement(new StreamRecord<>(point("a", 0, 1), 0));
        h.processElement(new StreamRecord<>(point("b", 0, 1), 0));
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();

        var restored =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new BucketScorer(cappedSpec(2))),
                        SeriesPoint::seriesKey,
                        Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        var scorer =
                (BucketScorer)
                        ((KeyedProcessOperator<?, ?, ?>) restored.getOperator()).getUserFunction();
        assertThat(scorer.liveSeries()).isEqualTo(2);
        restored.processElement(new StreamRecord<>(point("c", SPAN, 1), SPAN));
        restored.processElement(new StreamRecord<>(point("a", SPAN, 1), SPAN));
        assertThat(deadLetters(restored))
                .singleElement()
                .satisfies(d -> assertThat(d.reason()).isEqualTo("series_limit"));
        restored.close();
    }
}
