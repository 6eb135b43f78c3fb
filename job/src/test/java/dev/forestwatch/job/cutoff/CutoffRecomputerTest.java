package dev.forestwatch.job.cutoff;

import static dev.forestwatch.job.cutoff.CutoffTestData.HOUR;
import static dev.forestwatch.job.cutoff.CutoffTestData.MIN;
import static dev.forestwatch.job.cutoff.CutoffTestData.rankError;
import static dev.forestwatch.job.cutoff.CutoffTestData.sampleStddev;
import static dev.forestwatch.job.cutoff.CutoffTestData.scores;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.forestwatch.connectors.dynamodb.CutoffItem;
import dev.forestwatch.job.config.CutoffSpec;
import dev.forestwatch.job.config.CutoffSpec.Method;
import dev.forestwatch.job.cutoff.CutoffTestData.Timed;
import dev.forestwatch.job.model.ScoreSample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockInputSplitProvider;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Harness tests of the event-time cutoff recomputation. */
class CutoffRecomputerTest {

    /** 2024-01-01T00:00:00Z, an hour boundary. */
    static final long T0 = 1_704_067_200_000L;

    static final String TAXI = "taxi_ridership";
    static final String LATENCY = "web_latency";

    static CutoffSpec spec(Method method, long historyHours, long minSamples) {
        return new CutoffSpec(
                method,
                3.0,
                0.99,
                Duration.ofHours(historyHours),
                Duration.ofHours(1),
                CutoffSpec.Per.JOB,
                "unused",
                minSamples);
    }

    /** A harness whose operator metrics can be read back through {@code metrics}. */
    static KeyedOneInputStreamOperatorTestHarness<String, ScoreSample, CutoffItem> harness(
            CutoffSpec spec, InterceptingOperatorMetricGroup metrics) throws Exception {
        MockEnvironment env =
                MockEnvironment.builder()
                        .setTaskName("cutoff")
                        .setManagedMemorySize(3 * 1024 * 1024)
                        .setInputSplitProvider(new MockInputSplitProvider())
                        .setBufferSize(1024)
                        .setMetricGroup(
                                new UnregisteredMetricGroups.UnregisteredTaskMetricGroup() {
                                    @Override
                                    public InternalOperatorMetricGroup getOrAddOperator(
                                            OperatorID id, String name) {
                                        return metrics;
                                    }
                                })
                        .build();
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new CutoffRecomputer(spec)),
                ScoreSample::dataKind,
                Types.STRING,
                env);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, ScoreSample, CutoffItem> open(
            CutoffSpec spec) throws Exception {
        var h = harness(spec, new InterceptingOperatorMetricGroup());
        h.open();
        return h;
    }

    static List<CutoffItem> items(
            KeyedOneInputStreamOperatorTestHarness<String, ScoreSample, CutoffItem> h) {
        List<CutoffItem> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add((CutoffItem) r.getValue());
            }
        }
        return out;
    }

    static void send(
            KeyedOneInputStreamOperatorTestHarness<String, ScoreSample, CutoffItem> h,
            String kind,
            long ts,
            double... values)
            throws Exception {
        for (double v : values) {
            h.processElement(new ScoreSample(kind, ts, v), ts);
        }
    }

    @Test
    void seedExampleGivesMeanPlusThreeSampleSigma() throws Exception {
        var h = open(spec(Method.MEAN_PLUS_K_SIGMA, 2, 2));
        send(h, TAXI, T0 + 10 * MIN, 2, 4, 4, 4);
        h.processWatermark(new Watermark(T0 + HOUR - 2));
        assertThat(items(h)).isEmpty();
        h.processWatermark(new Watermark(T0 + HOUR - 1));
        // 2, 4, 4, 4: mean 3.5, M2 3, sample σ exactly 1.
        assertThat(items(h))
                .containsExactly(
                        new CutoffItem(
                                TAXI,
                                "20240101010000",
                                6.5,
                                CutoffItem.METHOD_MEAN_PLUS_K_SIGMA,
                                3.0,
                                3.5,
                                1.0,
                                4,
                                T0 + HOUR));

        // In this order every intermediate Welford value is exact in binary, so the results
        // can be compared exactly; in ascending order M2 comes out one ulp below 11.
        send(h, TAXI, T0 + HOUR + 30 * MIN, 9, 5, 5, 7);
        h.processWatermark(new Watermark(T0 + 2 * HOUR - 1));
        // The classic 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population σ 2, sample σ sqrt(32 / 7).
        double sigma = Math.sqrt(32.0 / 7.0);
        assertThat(items(h).get(1))
                .isEqualTo(CutoffItem.meanPlusKSigma(TAXI, T0 + 2 * HOUR, 3.0, 5.0, sigma, 8));
        assertThat(items(h).get(1).scoreCutoff()).isEqualTo(5.0 + 3.0 * sigma);
        assertThat(items(h).get(1).updateTime()).isEqualTo("20240101020000");

        // Two hours of history: the first hour drops out at 03:00.
        h.processWatermark(new Watermark(T0 + 3 * HOUR - 1));
        assertThat(items(h).get(2))
                .isEqualTo(
                        CutoffItem.meanPlusKSigma(
                                TAXI, T0 + 3 * HOUR, 3.0, 6.5, Math.sqrt(11.0 / 3.0), 4));
        h.close();
    }

    @Test
    void everyBoundaryPublishesMeanPlusThreeSigmaOfTheWindowPerDataKind() throws Exception {
        long history = 3;
        long minSamples = 40;
        InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
        var h = harness(spec(Method.MEAN_PLUS_K_SIGMA, history, minSamples), metrics);
        h.open();
        Map<String, List<Timed>> sent = Map.of(TAXI, new ArrayList<>(), LATENCY, new ArrayList<>());
        for (int hour = 0; hour < 8; hour++) {
            long start = T0 + hour * HOUR;
            // Taxi grows from 25 scores an hour; latency skips hour 4 entirely.
            Timed[] taxi = scores(10 + hour, start, HOUR, 25 + 10 * hour);
            Timed[] latency = hour == 4 ? new Timed[0] : scores(50 + hour, start, HOUR, 60);
            for (int i = 0; i < Math.max(taxi.length, latency.length); i++) {
                if (i < taxi.length) {
                    send(h, TAXI, taxi[i].timestamp(), taxi[i].score());
                    sent.get(TAXI).add(taxi[i]);
                }
                if (i < latency.length) {
                    send(h, LATENCY, latency[i].timestamp(), latency[i].score());
                    sent.get(LATENCY).add(latency[i]);
                }
            }
            h.processWatermark(new Watermark(start + HOUR - 1));
            assertThat(h.numEventTimeTimers()).isEqualTo(2);
        }

        Map<String, List<CutoffItem>> byKind = byKind(items(h));
        for (String kind : List.of(TAXI, LATENCY)) {
            List<CutoffItem> expected = new ArrayList<>();
            for (int hour = 0; hour < 8; hour++) {
                long boundary = T0 + (hour + 1) * HOUR;
                double[] window =
                        sent.get(kind).stream()
                                .filter(t -> t.timestamp() >= boundary - history * HOUR)
                                .filter(t -> t.timestamp() < boundary)
                                .mapToDouble(Timed::score)
                                .toArray();
                if (window.length >= minSamples) {
                    double mean = CutoffTestData.mean(window);
                    double sd = sampleStddev(window);
                    expected.add(
                            CutoffItem.meanPlusKSigma(
                                    kind, boundary, 3.0, mean, sd, window.length));
                }
            }
            List<CutoffItem> actual = byKind.get(kind);
            // Taxi reaches 40 scores within its window only at the second boundary.
            assertThat(actual).hasSize(kind.equals(TAXI) ? 7 : 8);
            assertThat(actual).hasSameSizeAs(expected);
            for (int i = 0; i < expected.size(); i++) {
                assertSameCutoff(actual.get(i), expected.get(i), 1e-12);
            }
        }

        assertThat(((Counter) metrics.get("cutoffsPublished")).getCount()).isEqualTo(15);
        List<CutoffItem> all = items(h);
        @SuppressWarnings("unchecked")
        Gauge<Double> last = (Gauge<Double>) metrics.get("lastCutoff");
        assertThat(last.getValue()).isEqualTo(all.get(all.size() - 1).scoreCutoff());
        h.close();
    }

    @Test
    void quantileMethodMatchesTheExactQuantileWithinSketchError() throws Exception {
        var h = open(spec(Method.QUANTILE, 3, 100));
        List<Timed> sent = new ArrayList<>();
        for (int hour = 0; hour < 5; hour++) {
            // Thousands of scores an hour, so sketches and their merge compact.
            Timed[] part = scores(70 + hour, T0 + hour * HOUR, HOUR, 4_000);
            for (Timed t : part) {
                send(h, TAXI, t.timestamp(), t.score());
                sent.add(t);
            }
            h.processWatermark(new Watermark(T0 + (hour + 1) * HOUR - 1));
        }
        List<CutoffItem> out = items(h);
        assertThat(out).hasSize(5);
        for (int i = 0; i < out.size(); i++) {
            CutoffItem item = out.get(i);
            long boundary = T0 + (i + 1) * HOUR;
            double[] window =
                    sent.stream()
                            .filter(t -> t.timestamp() >= boundary - 3 * HOUR)
                            .filter(t -> t.timestamp() < boundary)
                            .mapToDouble(Timed::score)
                            .toArray();
            assertThat(item.method()).isEqualTo(CutoffItem.METHOD_QUANTILE);
            assertThat(item.k()).isEqualTo(0.99);
            assertThat(item.computedAtMillis()).isEqualTo(boundary);
            assertThat(item.sampleCount()).isEqualTo(window.length);
            assertThat(rankError(window, item.scoreCutoff(), 0.99)).isLessThan(0.02);
            assertThat(item.mean())
                    .isCloseTo(CutoffTestData.mean(window), within(1e-12 * item.mean()));
            assertThat(item.stddev())
                    .isCloseTo(sampleStddev(window), within(1e-12 * item.stddev()));
        }
        h.close();
    }

    @Test
    void nothingIsPublishedBeforeMinSamples() throws Exception {
        var h = open(spec(Method.MEAN_PLUS_K_SIGMA, 3, 10));
        send(h, TAXI, T0 + 1, 1, 2, 3, 4);
        h.processWatermark(new Watermark(T0 + HOUR - 1));
        send(h, TAXI, T0 + HOUR + 1, 1, 2, 3, 4);
        h.processWatermark(new Watermark(T0 + 2 * HOUR - 1));
        assertThat(items(h)).isEmpty();
        assertThat(h.numEventTimeTimers()).isOne(); // the chain keeps going while scores remain

        send(h, TAXI, T0 + 2 * HOUR + 1, 1, 2);
        h.processWatermark(new Watermark(T0 + 3 * HOUR - 1));
        assertThat(items(h))
                .singleElement()
                .satisfies(i -> assertThat(i.sampleCount()).isEqualTo(10));
        // Back below ten once the first hour leaves the window.
        h.processWatermark(new Watermark(T0 + 4 * HOUR - 1));
        assertThat(items(h)).hasSize(1);
        h.close();
    }

    @Test
    void timersStopOnceTheHistoryHoldsNoScores() throws Exception {
        var h = open(spec(Method.MEAN_PLUS_K_SIGMA, 3, 2));
        send(h, TAXI, T0 + 5 * MIN, 1, 2, 3);
        send(h, LATENCY, T0 + 6 * HOUR, 7, 8);
        h.processWatermark(new Watermark(T0 + 10 * HOUR));

        // Taxi: the same window at 01:00, 02:00 and 03:00, then empty and silent.
        assertThat(byKind(items(h)).get(TAXI))
                .extracting(CutoffItem::computedAtMillis)
                .containsExactly(T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR);
        assertThat(byKind(items(h)).get(LATENCY))
                .extracting(CutoffItem::computedAtMillis)
                .containsExactly(T0 + 7 * HOUR, T0 + 8 * HOUR, T0 + 9 * HOUR);
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(h.numKeyedStateEntries()).isZero();

        h.processWatermark(new Watermark(T0 + 100 * HOUR));
        assertThat(items(h)).hasSize(6);

        // A new score starts a new chain.
        send(h, TAXI, T0 + 100 * HOUR + 10, 4, 6);
        h.processWatermark(new Watermark(T0 + 101 * HOUR));
        assertThat(items(h).get(6))
                .isEqualTo(
                        CutoffItem.meanPlusKSigma(
                                TAXI, T0 + 101 * HOUR, 3.0, 5.0, Math.sqrt(2.0), 2));
        h.close();
    }

    @Test
    void endOfInputPublishesEveryIntervalWithScoresAndStops() throws Exception {
        var h = open(spec(Method.MEAN_PLUS_K_SIGMA, 24, 2));
        // The watermark never advanced before the end (a fast bounded replay).
        send(h, TAXI, T0 + 5 * MIN, 1, 2, 3);
        send(h, TAXI, T0 + 2 * HOUR + 5 * MIN, 5, 6);
        send(h, LATENCY, T0 + HOUR, 1, 3);
        assertThat(h.numEventTimeTimers()).isEqualTo(2);
        h.processWatermark(new Watermark(Long.MAX_VALUE));

        // Up to the last interval with scores, not for another 24 hours.
        assertThat(byKind(items(h)).get(TAXI))
                .extracting(CutoffItem::computedAtMillis)
                .containsExactly(T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR);
        assertThat(byKind(items(h)).get(LATENCY))
                .extracting(CutoffItem::computedAtMillis)
                .containsExactly(T0 + 2 * HOUR);
        assertThat(h.numEventTimeTimers()).isZero();

        // Scores after the end register nothing.
        send(h, TAXI, T0 + 4 * HOUR, 1, 2);
        assertThat(h.numEventTimeTimers()).isZero();
        h.close();
    }

    @Test
    void endOfInputStopsAnIdleChain() throws Exception {
        var h = open(spec(Method.MEAN_PLUS_K_SIGMA, 24, 2));
        send(h, TAXI, T0 + 5 * MIN, 1, 3);
        h.processWatermark(new Watermark(T0 + HOUR - 1));
        assertThat(items(h)).hasSize(1);
        assertThat(h.numEventTimeTimers()).isOne();
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        // The pending boundary fires with the watermark, and the chain ends there.
        assertThat(items(h))
                .extracting(CutoffItem::computedAtMillis)
                .containsExactly(T0 + HOUR, T0 + 2 * HOUR);
        assertThat(h.numEventTimeTimers()).isZero();
        h.close();
    }

    @Test
    void earlyScoresWaitForTheirIntervalAndLateOnesCountFromTheNextBoundary() throws Exception {
        var h = open(spec(Method.MEAN_PLUS_K_SIGMA, 3, 2));
        send(h, TAXI, T0 + 10, 1, 3);
        send(h, TAXI, T0 + HOUR + 10, 100); // ahead of the watermark
        h.processWatermark(new Watermark(T0 + HOUR - 1));
        assertThat(items(h))
                .containsExactly(
                        CutoffItem.meanPlusKSigma(TAXI, T0 + HOUR, 3.0, 2.0, Math.sqrt(2.0), 2));

        // Behind the watermark: no item for an already published interval.
        h.processWatermark(new Watermark(T0 + HOUR + 30 * MIN));
        send(h, TAXI, T0 + 20, 2);
        assertThat(h.numEventTimeTimers()).isOne();
        h.processWatermark(new Watermark(T0 + 2 * HOUR - 1));
        List<CutoffItem> out = items(h);
        assertThat(out).hasSize(2);
        assertThat(out.get(1).computedAtMillis()).isEqualTo(T0 + 2 * HOUR);
        assertThat(out.get(1).sampleCount()).isEqualTo(4);
        assertThat(out.get(1).mean()).isEqualTo(106.0 / 4);

        // Non-finite scores are ignored.
        send(h, TAXI, T0 + 2 * HOUR + 1, Double.NaN, Double.POSITIVE_INFINITY);
        h.processWatermark(new Watermark(T0 + 3 * HOUR - 1));
        assertThat(items(h).get(2).sampleCount()).isEqualTo(4);
        h.close();
    }

    @Test
    void earlierScoreMovesThePendingTimerForward() throws Exception {
        var h = open(spec(Method.MEAN_PLUS_K_SIGMA, 3, 1));
        send(h, TAXI, T0 + 5 * HOUR, 1, 2);
        send(h, TAXI, T0 + 2 * HOUR, 3, 4);
        assertThat(h.numEventTimeTimers()).isOne();
        h.processWatermark(new Watermark(T0 + 6 * HOUR - 1));
        assertThat(items(h))
                .extracting(CutoffItem::computedAtMillis)
                .containsExactly(T0 + 3 * HOUR, T0 + 4 * HOUR, T0 + 5 * HOUR, T0 + 6 * HOUR);
        // Three hours of history: the 02:00 scores have left the window by 06:00.
        assertThat(items(h)).extracting(CutoffItem::sampleCount).containsExactly(2L, 2L, 2L, 2L);
        assertThat(items(h)).extracting(CutoffItem::mean).containsExactly(3.5, 3.5, 3.5, 1.5);
        h.close();
    }

    @Test
    void snapshotAndRestoreGiveTheSameCutoffsForBothMethods() throws Exception {
        for (Method method : Method.values()) {
            snapshotAndRestoreGiveTheSameCutoffs(method);
        }
    }

    private void snapshotAndRestoreGiveTheSameCutoffs(Method method) throws Exception {
        // 30 scores an hour and 3 hours of history: windows stay below the sketch's k, so even
        // quantiles are exact and must match bit for bit.
        CutoffSpec spec = spec(method, 3, 20);
        List<ScoreSample> all = new ArrayList<>();
        for (int hour = 0; hour < 10; hour++) {
            for (Timed t : scores(hour, T0 + hour * HOUR, HOUR, 30)) {
                all.add(new ScoreSample(TAXI, t.timestamp(), t.score()));
            }
            for (Timed t : scores(100 + hour, T0 + hour * HOUR, HOUR, hour == 6 ? 0 : 30)) {
                all.add(new ScoreSample(LATENCY, t.timestamp(), t.score() * 2));
            }
        }
        all.sort(Comparator.comparingLong(ScoreSample::timestamp));
        // Cut in the middle of hour 5: its scores so far are in state, its timer is pending.
        int cut = 0;
        while (all.get(cut).timestamp() < T0 + 5 * HOUR + 20 * MIN) {
            cut++;
        }
        List<ScoreSample> first = all.subList(0, cut);
        List<ScoreSample> rest = all.subList(cut, all.size());

        var original = open(spec);
        feed(original, first);
        OperatorSubtaskState snapshot = original.snapshot(1L, 1L);
        int before = items(original).size();
        feed(original, rest);
        original.processWatermark(new Watermark(Long.MAX_VALUE));
        List<CutoffItem> expected = sorted(items(original).subList(before, items(original).size()));
        original.close();

        var restored = harness(spec, new InterceptingOperatorMetricGroup());
        restored.setup();
        restored.initializeState(snapshot);
        restored.open();
        assertThat(restored.numEventTimeTimers()).isEqualTo(2);
        feed(restored, rest);
        restored.processWatermark(new Watermark(Long.MAX_VALUE));
        List<CutoffItem> actual = sorted(items(restored));
        restored.close();

        assertThat(expected).as(method.specName()).hasSizeGreaterThan(8);
        assertThat(actual).as(method.specName()).containsExactlyElementsOf(expected);
    }

    /** Sends samples in order, advancing the watermark to each sample's time minus a minute. */
    private static void feed(
            KeyedOneInputStreamOperatorTestHarness<String, ScoreSample, CutoffItem> h,
            List<ScoreSample> samples)
            throws Exception {
        for (ScoreSample s : samples) {
            h.processElement(s, s.timestamp());
            h.processWatermark(new Watermark(s.timestamp() - MIN));
        }
    }

    private static List<CutoffItem> sorted(List<CutoffItem> items) {
        // Timers of different keys at the same time may fire in any order.
        List<CutoffItem> copy = new ArrayList<>(items);
        copy.sort(
                Comparator.comparingLong(CutoffItem::computedAtMillis)
                        .thenComparing(CutoffItem::dataKind));
        return copy;
    }

    private static Map<String, List<CutoffItem>> byKind(List<CutoffItem> items) {
        return items.stream()
                .collect(
                        Collectors.groupingBy(
                                CutoffItem::dataKind, TreeMap::new, Collectors.toList()));
    }

    private static void assertSameCutoff(CutoffItem actual, CutoffItem expected, double relative) {
        assertThat(actual.dataKind()).isEqualTo(expected.dataKind());
        assertThat(actual.updateTime()).isEqualTo(expected.updateTime());
        assertThat(actual.computedAtMillis()).isEqualTo(expected.computedAtMillis());
        assertThat(actual.method()).isEqualTo(expected.method());
        assertThat(actual.k()).isEqualTo(expected.k());
        assertThat(actual.sampleCount()).isEqualTo(expected.sampleCount());
        assertThat(actual.mean())
                .isCloseTo(expected.mean(), within(relative * Math.abs(expected.mean())));
        assertThat(actual.stddev())
                .isCloseTo(expected.stddev(), within(relative * expected.stddev()));
        assertThat(actual.scoreCutoff())
                .isCloseTo(expected.scoreCutoff(), within(relative * expected.scoreCutoff()));
    }
}
