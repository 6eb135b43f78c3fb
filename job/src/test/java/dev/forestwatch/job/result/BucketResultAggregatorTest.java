package dev.forestwatch.job.result;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forestwatch.job.bucket.BucketScorer;
import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.config.JobSpecLoader;
import dev.forestwatch.job.model.BucketResult;
import dev.forestwatch.job.model.InfluencerResult;
import dev.forestwatch.job.model.RecordResult;
import dev.forestwatch.job.model.ResultIds;
import dev.forestwatch.job.model.SeriesPoint;
import dev.forestwatch.job.output.ResultJson;
import dev.forestwatch.job.parse.Buckets;
import dev.forestwatch.job.score.ScoreModel;
import dev.forestwatch.job.score.ScoreModelSerializer;
import dev.forestwatch.job.score.Scores;
import dev.forestwatch.job.score.Severity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
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
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Harness tests of the per-job bucket and influencer results. */
class BucketResultAggregatorTest {
    static final String JOB = "agg";
    static final long MIN = 60_000L;
    static final long SPAN = 5 * MIN;
    static final long LATENESS = 30_000L;
    static final ObjectMapper JSON = new ObjectMapper();

    static JobSpec spec(String window, double minChange) {
        return JobSpecLoader.parse(
                """
                job_id: %s
                source:
                  type: datagen
                event:
                  allowed_lateness: 30s
                analysis:
                  bucket_span: 5m
                  interim_every: 1m
                  influencers: [host, region]
                  detectors:
                    - function: mean
                      field_name: latency
                      by_field_name: host
                      partition_field_name: region
                    - function: count
                      by_field_name: host
                      partition_field_name: region
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
                "aggregator-test",
                Path.of("."));
    }

    static JobSpec spec() {
        return spec("30d", 5);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, RecordResult, BucketResult> harness(
            JobSpec spec) throws Exception {
        var h = unopened(spec);
        h.open();
        return h;
    }

    static KeyedOneInputStreamOperatorTestHarness<String, RecordResult, BucketResult> unopened(
            JobSpec spec) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new BucketResultAggregator(spec, 0)),
                RecordResult::jobId,
                Types.STRING);
    }

    static long close(long bucket) {
        return Buckets.closeTime(bucket, SPAN, LATENESS);
    }

    /** A record as it leaves the normalizer: scored, with host and region as influencers. */
    static RecordResult scored(
            int detector,
            long bucket,
            String host,
            String region,
            double probability,
            double score,
            long events,
            boolean interim) {
        String series = "region=" + region + "\u001fhost=" + host;
        double grade = probability <= 1e-3 ? 0.8 : 0;
        RecordResult r =
                new RecordResult(
                        ResultIds.record(JOB, bucket, SPAN / 1000, detector, series, 0),
                        JOB,
                        bucket,
                        SPAN / 1000,
                        detector,
                        detector == 0 ? "mean" : "count",
                        detector == 0 ? new String[] {"latency"} : new String[0],
                        "host",
                        host,
                        "region",
                        region,
                        new double[] {events},
                        null,
                        null,
                        null,
                        null,
                        null,
                        0.0,
                        "test",
                        new String[] {"host", "region"},
                        new String[] {host, region},
                        grade > 0 ? 2.5 : 0.7,
                        grade,
                        1.0,
                        1.0,
                        events,
                        bucket,
                        true,
                        2_000_000,
                        interim,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN);
        return r.withScores(probability, score, score);
    }

    static void feedFinal(
            KeyedOneInputStreamOperatorTestHarness<String, RecordResult, BucketResult> h,
            RecordResult... records)
            throws Exception {
        for (RecordResult r : records) {
            h.processElement(r, close(r.timestamp()));
        }
    }

    static List<BucketResult> buckets(
            KeyedOneInputStreamOperatorTestHarness<String, RecordResult, BucketResult> h) {
        List<BucketResult> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add((BucketResult) r.getValue());
            }
        }
        return out;
    }

    static List<InfluencerResult> influencers(
            KeyedOneInputStreamOperatorTestHarness<String, RecordResult, BucketResult> h) {
        List<InfluencerResult> out = new ArrayList<>();
        Queue<StreamRecord<InfluencerResult>> side =
                h.getSideOutput(BucketResultAggregator.INFLUENCERS);
        if (side != null) {
            side.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    static List<JsonNode> renormalized(
            KeyedOneInputStreamOperatorTestHarness<String, RecordResult, BucketResult> h)
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

    static Map<String, Integer> fieldIndex(BucketResult b) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < b.bucketInfluencerFields().length; i++) {
            assertThat(index.put(b.bucketInfluencerFields()[i], i))
                    .as("bucket influencer %s appears once", b.bucketInfluencerFields()[i])
                    .isNull();
        }
        return index;
    }

    static InfluencerResult influencer(
            List<InfluencerResult> all, long bucket, String field, String value) {
        List<InfluencerResult> matching =
                all.stream()
                        .filter(
                                i ->
                                        i.timestamp() == bucket
                                                && i.influencerFieldName().equals(field)
                                                && i.influencerFieldValue().equals(value))
                        .toList();
        assertThat(matching).as("influencer %s=%s at %s", field, value, bucket).hasSize(1);
        return matching.get(0);
    }

    /** Keyed state of the job key, read directly from the operator's backend. */
    static <V> int mapSize(
            KeyedOneInputStreamOperatorTestHarness<String, RecordResult, BucketResult> h,
            MapStateDescriptor<?, V> descriptor)
            throws Exception {
        KeyedStateBackend<String> backend =
                ((AbstractStreamOperator<?>) h.getOperator()).getKeyedStateBackend();
        backend.setCurrentKey(JOB);
        MapState<?, V> state =
                backend.getPartitionedState(
                        VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, descriptor);
        int n = 0;
        for (Object ignored : state.keys()) {
            n++;
        }
        return n;
    }

    static int openSummaries(
            KeyedOneInputStreamOperatorTestHarness<String, RecordResult, BucketResult> h)
            throws Exception {
        TypeInformation<BucketSummary> summary = TypeInformation.of(BucketSummary.class);
        return mapSize(h, new MapStateDescriptor<>("bucket-summaries", Types.LONG, summary))
                + mapSize(h, new MapStateDescriptor<>("interim-summaries", Types.LONG, summary));
    }

    static int trackedBuckets(
            KeyedOneInputStreamOperatorTestHarness<String, RecordResult, BucketResult> h)
            throws Exception {
        return mapSize(
                h,
                new MapStateDescriptor<>(
                        "tracked-buckets", Types.STRING, TypeInformation.of(TrackedBucket.class)));
    }

    static int trackedInfluencers(
            KeyedOneInputStreamOperatorTestHarness<String, RecordResult, BucketResult> h)
            throws Exception {
        return mapSize(
                h,
                new MapStateDescriptor<>(
                        "tracked-influencers",
                        Types.STRING,
                        TypeInformation.of(TrackedInfluencer.class)));
    }

    static ScoreModel bucketModel(
            KeyedOneInputStreamOperatorTestHarness<String, RecordResult, BucketResult> h)
            throws Exception {
        KeyedStateBackend<String> backend =
                ((AbstractStreamOperator<?>) h.getOperator()).getKeyedStateBackend();
        backend.setCurrentKey(JOB);
        ValueState<ScoreModel> state =
                backend.getPartitionedState(
                        VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE,
                        new ValueStateDescriptor<>(
                                "bucket-score-model", new ScoreModelSerializer()));
        return state.value();
    }

    @Test
    void oneBucketResultPerBucketOnceItsCloseTimePasses() throws Exception {
        var h = harness(spec());
        long b0 = 0;
        long b1 = SPAN;
        feedFinal(
                h,
                scored(0, b0, "a", "eu", 0.5, 5, 10, false),
                scored(0, b0, "b", "eu", 0.001, 40, 20, false),
                scored(1, b0, "a", "eu", 0.2, 10, 10, false),
                scored(1, b0, "b", "us", 0.05, 20, 20, false));
        feedFinal(
                h,
                scored(0, b1, "a", "eu", 0.3, 3, 5, false),
                scored(0, b1, "c", "us", 0.01, 30, 7, false),
                scored(1, b1, "c", "us", 0.02, 25, 7, false));
        assertThat(h.numEventTimeTimers()).isEqualTo(2);

        h.processWatermark(new Watermark(close(b0) - 1));
        assertThat(buckets(h)).isEmpty();
        assertThat(influencers(h)).isEmpty();

        h.processWatermark(new Watermark(close(b0)));
        assertThat(buckets(h)).hasSize(1);
        BucketResult first = buckets(h).get(0);
        assertThat(first.timestamp()).isEqualTo(b0);
        assertThat(first.jobId()).isEqualTo(JOB);
        assertThat(first.resultId()).isEqualTo(ResultIds.bucket(JOB, b0, 300));
        assertThat(first.bucketSpanSeconds()).isEqualTo(300);
        assertThat(first.isInterim()).isFalse();
        assertThat(first.probability()).isEqualTo(0.001);
        // unusualness 3, below the floor 6: the absolute part u / FULL_SCALE binds
        assertThat(first.anomalyScore())
                .isCloseTo(100 * 3 / Scores.FULL_SCALE, within(1e-9))
                .isCloseTo(ExpectedScores.score(3, 3), within(1e-9));
        assertThat(first.initialAnomalyScore()).isEqualTo(first.anomalyScore());
        // only detector 0 counts events: every event reaches every detector
        assertThat(first.eventCount()).isEqualTo(30);
        assertThat(first.recordCount()).isEqualTo(4);
        assertThat(first.anomalousRecordCount()).isEqualTo(1);
        assertThat(first.maxRecordScore()).isEqualTo(40);
        assertThat(first.maxGrade()).isEqualTo(0.8);
        assertThat(first.maxRawScore()).isEqualTo(2.5);
        assertThat(first.topRecordSeries()).isEqualTo("mean(latency) host=b region=eu");
        assertThat(first.processingTimeMs()).isEqualTo(8);

        Map<String, Integer> fields = fieldIndex(first);
        assertThat(fields.keySet()).containsExactlyInAnyOrder("bucket_time", "host", "region");
        assertThat(first.bucketInfluencerFields()[0]).isEqualTo("bucket_time");
        assertThat(first.bucketInfluencerProbabilities()[fields.get("bucket_time")])
                .isEqualTo(0.001);
        assertThat(first.bucketInfluencerScores()[fields.get("bucket_time")])
                .isEqualTo(first.anomalyScore());
        assertThat(first.bucketInfluencerProbabilities()[fields.get("host")]).isEqualTo(0.001);
        // region=eu has the lowest probability among the eu records, us only 0.05
        assertThat(first.bucketInfluencerProbabilities()[fields.get("region")]).isEqualTo(0.001);
        for (int i = 0; i < first.bucketInfluencerFields().length; i++) {
            assertThat(first.bucketInfluencerScores()[i]).isBetween(0.0, 100.0);
            assertThat(first.bucketInfluencerInitialScores()[i])
                    .isEqualTo(first.bucketInfluencerScores()[i]);
        }

        List<InfluencerResult> inf = influencers(h);
        // host a, b; region eu, us
        assertThat(inf).hasSize(4);
        InfluencerResult hostA = influencer(inf, b0, "host", "a");
        assertThat(hostA.probability()).isEqualTo(0.2);
        assertThat(hostA.recordCount()).isEqualTo(2);
        InfluencerResult hostB = influencer(inf, b0, "host", "b");
        assertThat(hostB.probability()).isEqualTo(0.001);
        assertThat(hostB.recordCount()).isEqualTo(2);
        InfluencerResult eu = influencer(inf, b0, "region", "eu");
        assertThat(eu.probability()).isEqualTo(0.001);
        assertThat(eu.recordCount()).isEqualTo(3);
        InfluencerResult us = influencer(inf, b0, "region", "us");
        assertThat(us.probability()).isEqualTo(0.05);
        assertThat(us.recordCount()).isEqualTo(1);
        for (InfluencerResult i : inf) {
            assertThat(i.jobId()).isEqualTo(JOB);
            assertThat(i.bucketSpanSeconds()).isEqualTo(300);
            assertThat(i.isInterim()).isFalse();
            assertThat(i.resultId())
                    .isEqualTo(
                            ResultIds.influencer(
                                    JOB,
                                    b0,
                                    300,
                                    i.influencerFieldName(),
                                    i.influencerFieldValue()));
            // the most unusual influencer (u = 3) is below the floor: score u / FULL_SCALE
            assertThat(i.influencerScore())
                    .isCloseTo(
                            100 * Scores.unusualness(i.probability()) / Scores.FULL_SCALE,
                            within(1e-9))
                    .isCloseTo(
                            ExpectedScores.score(Scores.unusualness(i.probability()), 3),
                            within(1e-9));
            assertThat(i.initialInfluencerScore()).isEqualTo(i.influencerScore());
        }

        // bucket 1 closes later
        h.processWatermark(new Watermark(close(b1) - 1));
        assertThat(buckets(h)).hasSize(1);
        h.processWatermark(new Watermark(close(b1)));
        assertThat(buckets(h)).hasSize(2);
        BucketResult second = buckets(h).get(1);
        assertThat(second.timestamp()).isEqualTo(b1);
        assertThat(second.probability()).isEqualTo(0.01);
        assertThat(second.eventCount()).isEqualTo(12);
        assertThat(second.recordCount()).isEqualTo(3);
        assertThat(second.anomalousRecordCount()).isZero();
        assertThat(influencers(h)).hasSize(4 + 4); // host a, c; region eu, us
        assertThat(influencer(influencers(h), b1, "host", "c").recordCount()).isEqualTo(2);
        assertThat(influencer(influencers(h), b1, "host", "c").probability()).isEqualTo(0.01);
        // no maximum above the floor: nothing to renormalize
        assertThat(renormalized(h)).isEmpty();

        // nothing more, and nothing left behind
        h.processWatermark(new Watermark(Long.MAX_VALUE));
        assertThat(buckets(h)).hasSize(2);
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(openSummaries(h)).isZero();
        h.close();
    }

    @Test
    void bucketsClosedByOneWatermarkAreEmittedInTimeOrder() throws Exception {
        var h = harness(spec());
        for (int b = 0; b < 5; b++) {
            feedFinal(h, scored(0, b * SPAN, "a", "eu", 0.5, 5, 1 + b, false));
        }
        h.processWatermark(new Watermark(close(4 * SPAN)));
        assertThat(buckets(h))
                .extracting(BucketResult::timestamp)
                .containsExactly(0L, SPAN, 2 * SPAN, 3 * SPAN, 4 * SPAN);
        assertThat(buckets(h))
                .extracting(BucketResult::eventCount)
                .containsExactly(1L, 2L, 3L, 4L, 5L);
        h.close();
    }

    @Test
    void interimRecordsGiveAnInterimBucketResultThatTheFinalOneSupersedes() throws Exception {
        var h = harness(spec());
        long bucket = 3 * SPAN;
        long interimAt = bucket + MIN - 1; // the scorer's first interim timer
        for (RecordResult r :
                List.of(
                        scored(0, bucket, "a", "eu", 0.01, 33, 4, true),
                        scored(0, bucket, "b", "eu", 0.4, 7, 6, true),
                        scored(1, bucket, "a", "eu", 0.1, 17, 4, true))) {
            h.processElement(r, interimAt);
        }
        h.processWatermark(new Watermark(interimAt - 1));
        assertThat(buckets(h)).isEmpty();
        h.processWatermark(new Watermark(interimAt));
        assertThat(buckets(h)).hasSize(1);
        BucketResult interim = buckets(h).get(0);
        assertThat(interim.isInterim()).isTrue();
        assertThat(interim.timestamp()).isEqualTo(bucket);
        assertThat(interim.resultId()).isEqualTo(ResultIds.bucket(JOB, bucket, 300));
        assertThat(interim.probability()).isEqualTo(0.01);
        assertThat(interim.anomalyScore())
                .isCloseTo(100 * Scores.unusualness(0.01) / Scores.FULL_SCALE, within(1e-9));
        assertThat(interim.eventCount()).isEqualTo(10);
        assertThat(interim.recordCount()).isEqualTo(3);
        assertThat(interim.bucketInfluencerFields()).containsExactly("bucket_time");
        // interim buckets have no influencer results
        assertThat(influencers(h)).isEmpty();
        assertThat(renormalized(h)).isEmpty();

        // a second interim later in the bucket with more events
        long interimAt2 = bucket + 2 * MIN - 1;
        h.processElement(scored(0, bucket, "a", "eu", 0.02, 25, 9, true), interimAt2);
        h.processWatermark(new Watermark(interimAt2));
        assertThat(buckets(h)).hasSize(2);
        assertThat(buckets(h).get(1).isInterim()).isTrue();
        assertThat(buckets(h).get(1).eventCount()).isEqualTo(9);

        // the final records of the bucket
        feedFinal(
                h,
                scored(0, bucket, "a", "eu", 0.001, 50, 12, false),
                scored(0, bucket, "b", "eu", 0.4, 7, 8, false),
                scored(1, bucket, "a", "eu", 0.3, 7, 12, false));
        h.processWatermark(new Watermark(close(bucket) - 1));
        assertThat(buckets(h)).hasSize(2);
        h.processWatermark(new Watermark(close(bucket)));
        assertThat(buckets(h)).hasSize(3);
        BucketResult fin = buckets(h).get(2);
        assertThat(fin.isInterim()).isFalse();
        assertThat(fin.resultId()).isEqualTo(interim.resultId());
        assertThat(fin.timestamp()).isEqualTo(bucket);
        // the final result counts only the final records
        assertThat(fin.eventCount()).isEqualTo(20);
        assertThat(fin.recordCount()).isEqualTo(3);
        assertThat(fin.probability()).isEqualTo(0.001);
        assertThat(fieldIndex(fin).keySet())
                .containsExactlyInAnyOrder("bucket_time", "host", "region");
        assertThat(influencers(h)).hasSize(3);
        assertThat(influencers(h)).allSatisfy(i -> assertThat(i.isInterim()).isFalse());
        // interim results left no state behind; at most the prune timer of the tracked result and
        // the timer that forgets the reported bucket when the watermark moves on
        assertThat(h.numEventTimeTimers()).isLessThanOrEqualTo(2);
        assertThat(openSummaries(h)).isZero();

        // and JSON consumers see the same id with is_interim switching to false
        JsonNode interimJson = JSON.readTree(ResultJson.bucket(interim));
        JsonNode finalJson = JSON.readTree(ResultJson.bucket(fin));
        assertThat(finalJson.get("result_id")).isEqualTo(interimJson.get("result_id"));
        assertThat(interimJson.get("is_interim").asBoolean()).isTrue();
        assertThat(finalJson.get("is_interim").asBoolean()).isFalse();
        h.close();
    }

    @Test
    void interimRecordsDoNotEnterTheBucketScoreWindow() throws Exception {
        var h = harness(spec());
        // a very unusual interim, then an ordinary final
        h.processElement(scored(0, 0, "a", "eu", 1e-30, 100, 1, true), MIN - 1);
        h.processWatermark(new Watermark(MIN - 1));
        assertThat(buckets(h).get(0).anomalyScore()).isEqualTo(100.0);
        feedFinal(h, scored(0, 0, "a", "eu", 1e-9, 100, 1, false));
        h.processWatermark(new Watermark(close(0)));
        BucketResult fin = buckets(h).get(1);
        assertThat(fin.isInterim()).isFalse();
        // judged only against the final buckets: it is the maximum (against the interim's
        // unusualness of 30 the relative cap would have halved it)
        assertThat(fin.anomalyScore())
                .isCloseTo(ExpectedScores.score(9, 9), within(1e-9))
                .isGreaterThan(ExpectedScores.score(9, 30) + 10);
        h.close();
    }

    @Test
    void aMoreUnusualLaterBucketRenormalizesTheEarlierOne() throws Exception {
        var h = harness(spec());
        long b0 = 0;
        long b1 = SPAN;
        long b2 = 2 * SPAN;
        feedFinal(
                h,
                scored(0, b0, "a", "eu", 1e-12, 100, 5, false),
                scored(0, b0, "b", "us", 0.3, 5, 5, false));
        h.processWatermark(new Watermark(close(b0)));
        BucketResult first = buckets(h).get(0);
        // one in 10^12, the maximum: a full score
        assertThat(first.anomalyScore()).isEqualTo(100.0);
        InfluencerResult hostA = influencer(influencers(h), b0, "host", "a");
        assertThat(hostA.influencerScore()).isEqualTo(100.0);

        // an ordinary bucket: no change of the maximum
        feedFinal(h, scored(0, b1, "a", "eu", 0.6, 5, 5, false));
        h.processWatermark(new Watermark(close(b1)));
        assertThat(renormalized(h)).isEmpty();

        // one in 10^30: the new maximum; the earlier bucket is capped relative to it
        double capped = ExpectedScores.score(12, 30);
        assertThat(capped).isLessThan(first.anomalyScore() - 5);
        feedFinal(
                h,
                scored(0, b2, "a", "eu", 1e-30, 100, 5, false),
                scored(0, b2, "c", "us", 0.5, 0, 5, false));
        h.processWatermark(new Watermark(close(b2)));
        BucketResult third = buckets(h).get(2);
        assertThat(third.anomalyScore()).isEqualTo(100.0);

        List<JsonNode> updates = renormalized(h);
        List<JsonNode> bucketUpdates =
                updates.stream()
                        .filter(u -> u.get("result_type").asText().equals("bucket"))
                        .toList();
        assertThat(bucketUpdates).hasSize(1);
        JsonNode b = bucketUpdates.get(0);
        assertThat(b.get("result_id").asText()).isEqualTo(first.resultId());
        assertThat(b.get("timestamp").asLong()).isEqualTo(b0);
        assertThat(b.get("is_interim").asBoolean()).isFalse();
        assertThat(b.get("anomaly_score").asDouble())
                .isLessThan(first.anomalyScore())
                .isCloseTo(capped, within(1e-5));
        assertThat(b.get("initial_anomaly_score").asDouble())
                .isCloseTo(first.anomalyScore(), within(1e-5));
        assertThat(b.get("severity").asText()).isEqualTo(Severity.of(capped).label());
        assertThat(b.get("severity").asText()).isNotEqualTo(Severity.of(100).label());
        assertThat(b.get("probability").asDouble()).isEqualTo(1e-12);
        // bucket_time's score follows the bucket's, its initial score does not move
        JsonNode bucketTime = null;
        for (JsonNode bi : b.get("bucket_influencers")) {
            if (bi.get("influencer_field_name").asText().equals("bucket_time")) {
                bucketTime = bi;
            }
        }
        assertThat(bucketTime).isNotNull();
        assertThat(bucketTime.get("anomaly_score").asDouble())
                .isEqualTo(b.get("anomaly_score").asDouble());
        assertThat(bucketTime.get("initial_anomaly_score").asDouble())
                .isCloseTo(first.anomalyScore(), within(1e-5));

        // influencers of bucket 0 that were tracked move down too, with their own ids
        List<JsonNode> influencerUpdates =
                updates.stream()
                        .filter(u -> u.get("result_type").asText().equals("influencer"))
                        .toList();
        assertThat(influencerUpdates)
                .extracting(u -> u.get("result_id").asText())
                .contains(hostA.resultId())
                .doesNotHaveDuplicates();
        for (JsonNode u : influencerUpdates) {
            assertThat(u.get("timestamp").asLong()).isLessThan(b2);
            assertThat(u.get("influencer_score").asDouble())
                    .isLessThan(u.get("initial_influencer_score").asDouble());
        }
        JsonNode a =
                influencerUpdates.stream()
                        .filter(u -> u.get("result_id").asText().equals(hostA.resultId()))
                        .findFirst()
                        .orElseThrow();
        assertThat(a.get("influencer_score").asDouble()).isCloseTo(capped, within(1e-5));
        assertThat(a.get("initial_influencer_score").asDouble())
                .isCloseTo(hostA.influencerScore(), within(1e-5));
        h.close();
    }

    @Test
    void bucketsOutsideTheRenormalizationWindowAreNotReEmitted() throws Exception {
        var h = harness(spec("1h", 5));
        feedFinal(h, scored(0, 0, "a", "eu", 1e-12, 100, 5, false));
        h.processWatermark(new Watermark(close(0)));
        assertThat(buckets(h).get(0).anomalyScore()).isEqualTo(100.0);
        // inside the window the new maximum would move it by far more than min_change
        assertThat(ExpectedScores.score(12, 30)).isLessThan(100.0 - 5);
        long later = 13 * SPAN; // 65 minutes later
        feedFinal(h, scored(0, later, "a", "eu", 1e-30, 100, 5, false));
        h.processWatermark(new Watermark(close(later)));
        assertThat(buckets(h)).hasSize(2);
        assertThat(renormalized(h)).isEmpty();
        h.close();
    }

    @Test
    void renormalizationSurvivesSnapshotAndRestore() throws Exception {
        var original = harness(spec());
        feedFinal(original, scored(0, 0, "a", "eu", 1e-12, 100, 5, false));
        original.processWatermark(new Watermark(close(0)));
        // a bucket still open at the snapshot
        feedFinal(original, scored(0, SPAN, "a", "eu", 1e-30, 100, 5, false));
        OperatorSubtaskState snapshot = original.snapshot(1L, 1L);
        original.processWatermark(new Watermark(close(SPAN)));
        BucketResult expected = buckets(original).get(1);
        List<JsonNode> expectedUpdates = renormalized(original);
        original.close();

        var restored = unopened(spec());
        restored.setup();
        restored.initializeState(snapshot);
        restored.open();
        restored.processWatermark(new Watermark(close(SPAN)));
        assertThat(buckets(restored)).hasSize(1);
        BucketResult actual = buckets(restored).get(0);
        assertThat(actual.resultId()).isEqualTo(expected.resultId());
        assertThat(actual.anomalyScore()).isEqualTo(expected.anomalyScore());
        assertThat(actual.eventCount()).isEqualTo(expected.eventCount());
        assertThat(Arrays.asList(actual.bucketInfluencerFields()))
                .containsExactlyElementsOf(Arrays.asList(expected.bucketInfluencerFields()));
        assertThat(renormalized(restored))
                .isNotEmpty()
                .containsExactlyInAnyOrderElementsOf(expectedUpdates);
        assertThat(
                        renormalized(restored).stream()
                                .filter(u -> u.get("result_type").asText().equals("bucket"))
                                .toList())
                .singleElement()
                .satisfies(
                        u ->
                                assertThat(u.get("anomaly_score").asDouble())
                                        .isCloseTo(ExpectedScores.score(12, 30), within(1e-5)));
        restored.close();
    }

    @Test
    void probabilitiesOfEmittedResultsStayInRange() throws Exception {
        var h = harness(spec());
        feedFinal(
                h,
                scored(0, 0, "a", "eu", Double.MIN_NORMAL, 100, 1, false),
                scored(0, 0, "b", "eu", 1.0, 0, 1, false));
        h.processWatermark(new Watermark(close(0)));
        BucketResult b = buckets(h).get(0);
        assertThat(b.probability()).isGreaterThan(0).isLessThanOrEqualTo(1);
        assertThat(b.anomalyScore()).isEqualTo(100.0);
        for (double p : b.bucketInfluencerProbabilities()) {
            assertThat(p).isGreaterThan(0).isLessThanOrEqualTo(1);
        }
        for (InfluencerResult i : influencers(h)) {
            assertThat(i.probability()).isGreaterThan(0).isLessThanOrEqualTo(1);
            assertThat(i.influencerScore()).isBetween(0.0, 100.0);
        }
        // p = 1 is not unusual at all
        assertThat(influencer(influencers(h), 0, "host", "b").influencerScore()).isZero();
        h.close();
    }

    @Test
    void stateIsCleanedAfterEmissionWhenNothingIsTracked() throws Exception {
        // renormalization_min_change 0 turns tracking off
        var h = harness(spec("2h", 0));
        int entriesAfterFirst = -1;
        for (int b = 0; b < 600; b++) {
            long bucket = b * SPAN;
            double p = b % 50 == 0 ? 1e-9 : 0.01 + (b % 7) / 10.0;
            h.processElement(scored(0, bucket, "a", "eu", p, 50, 3, true), bucket + MIN - 1);
            h.processElement(scored(0, bucket, "a", "eu", p, 50, 5, true), bucket + 2 * MIN - 1);
            feedFinal(
                    h,
                    scored(0, bucket, "a", "eu", p, 50, 5, false),
                    scored(0, bucket, "h" + (b % 13), "r" + (b % 3), 0.5, 1, 5, false),
                    scored(1, bucket, "a", "eu", 0.3, 1, 5, false));
            h.processWatermark(new Watermark(close(bucket)));
            if (b == 0) {
                entriesAfterFirst = h.numKeyedStateEntries();
            }
            assertThat(h.numKeyedStateEntries()).isLessThanOrEqualTo(entriesAfterFirst);
            // the reported bucket is kept until the watermark moves on (late records of idle
            // upstream subtasks), with the one timer that forgets it
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            assertThat(openSummaries(h)).isZero();
        }
        // the two score models and their last window maxima, and the last reported bucket
        assertThat(entriesAfterFirst).isEqualTo(6);
        h.processWatermark(new Watermark(close(600 * SPAN)));
        assertThat(h.numKeyedStateEntries()).isEqualTo(4);
        assertThat(h.numEventTimeTimers()).isZero();
        assertThat(trackedBuckets(h)).isZero();
        assertThat(trackedInfluencers(h)).isZero();
        assertThat(buckets(h)).hasSize(600 * 3);
        assertThat(buckets(h).stream().filter(r -> !r.isInterim()).count()).isEqualTo(600);
        assertThat(renormalized(h)).isEmpty();
        // the window of unusualness values covers 2 hours, 24 buckets, at most
        assertThat(bucketModel(h).windowSize()).isLessThanOrEqualTo(25);
        h.close();
    }

    @Test
    void trackedResultsOutsideTheWindowAreDroppedOnTheNextRenormalization() throws Exception {
        var h = harness(spec("1h", 5));
        feedFinal(h, scored(0, 0, "a", "eu", 1e-4, 60, 5, false));
        h.processWatermark(new Watermark(close(0)));
        assertThat(trackedBuckets(h)).isEqualTo(1);
        assertThat(trackedInfluencers(h)).isEqualTo(2);
        long later = 13 * SPAN;
        feedFinal(h, scored(0, later, "b", "us", 1e-12, 100, 5, false));
        h.processWatermark(new Watermark(close(later)));
        // only the new bucket and its influencers remain
        assertThat(trackedBuckets(h)).isEqualTo(1);
        assertThat(trackedInfluencers(h)).isEqualTo(2);
        h.close();
    }

    /**
     * Tracked buckets and influencers older than the renormalization window are only dropped inside
     * the renormalization passes, which run only when {@code max(windowMax, floor)} changes. A job
     * whose buckets stay below {@code normalization_floor} (one in a million by default) never
     * renormalizes, so every bucket and influencer scoring at least {@code
     * renormalization_min_change} stays in state for good.
     */
    @Test
    void trackedResultsAreBoundedByTheWindowWhenTheMaximumStaysBelowTheFloor() throws Exception {
        var h = harness(spec("2h", 5)); // 24 buckets
        for (int b = 0; b < 500; b++) {
            long bucket = b * SPAN;
            // one in a hundred: score 33, tracked; never above the floor
            feedFinal(h, scored(0, bucket, "a", "eu", 0.01, 33, 5, false));
            h.processWatermark(new Watermark(close(bucket)));
        }
        assertThat(buckets(h)).allSatisfy(r -> assertThat(r.anomalyScore()).isLessThan(34));
        assertThat(trackedBuckets(h)).isLessThanOrEqualTo(25);
        assertThat(trackedInfluencers(h)).isLessThanOrEqualTo(2 * 25);
        h.close();
    }

    /**
     * The bucket model's window maximum falls when its most unusual bucket leaves the window, and
     * every later bucket still in the window then scores higher. The aggregator compares the
     * maximum after expiry with the maximum after the new bucket, so a fall by expiry never
     * triggers renormalization ({@link RecordNormalizer} keeps the last maximum in state and does).
     * Here bucket 1 (one in 10^12) was emitted capped at 0.5 + 0.5 r = 80 against bucket 0 (one in
     * 10^20); once bucket 0 is out of the 1h window bucket 1 is the maximum and scores 100, and
     * must be re-emitted. Influencers behave the same way.
     */
    @Test
    void aFallingMaximumRenormalizesTheRemainingBucketsUpwards() throws Exception {
        var h = harness(spec("1h", 5));
        feedFinal(h, scored(0, 0, "a", "eu", 1e-20, 100, 5, false));
        h.processWatermark(new Watermark(close(0)));
        feedFinal(h, scored(0, SPAN, "b", "eu", 1e-12, 90, 5, false));
        h.processWatermark(new Watermark(close(SPAN)));
        BucketResult second = buckets(h).get(1);
        assertThat(second.anomalyScore())
                .isCloseTo(ExpectedScores.score(12, 20), within(1e-9))
                .isCloseTo(100 * (0.5 + 0.5 * 12 / 20), within(1e-9));
        for (int b = 2; b <= 13; b++) { // bucket 13 starts 65 minutes after bucket 0
            feedFinal(h, scored(0, b * SPAN, "c", "eu", 0.6, 1, 5, false));
            h.processWatermark(new Watermark(close(b * SPAN)));
        }
        List<JsonNode> ofSecond =
                renormalized(h).stream()
                        .filter(u -> u.get("result_id").asText().equals(second.resultId()))
                        .toList();
        assertThat(ofSecond).hasSize(1);
        assertThat(ofSecond.get(0).get("anomaly_score").asDouble())
                .isCloseTo(ExpectedScores.score(12, 12), within(1e-9))
                .isEqualTo(100.0);
        assertThat(ofSecond.get(0).get("initial_anomaly_score").asDouble())
                .isCloseTo(second.anomalyScore(), within(1e-6));
        h.close();
    }

    // --- scorer, normalizer and aggregator chained: interim results at every interim time ---

    static JobSpec pipelineSpec(String lateness) {
        return JobSpecLoader.parse(
                """
                job_id: %s
                source:
                  type: datagen
                event:
                  allowed_lateness: %s
                analysis:
                  bucket_span: 5m
                  interim_every: 1m
                  detectors:
                    - function: mean
                      field_name: latency
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
                        .formatted(JOB, lateness),
                "aggregator-pipeline-test",
                Path.of("."));
    }

    /**
     * Forwards what {@code from} emitted since {@code done} to {@code to}; returns the new mark.
     */
    static <T> int forward(
            AbstractStreamOperatorTestHarness<T> from,
            int done,
            KeyedOneInputStreamOperatorTestHarness<String, T, ?> to)
            throws Exception {
        List<Object> out = new ArrayList<>(from.getOutput());
        for (int i = done; i < out.size(); i++) {
            Object o = out.get(i);
            if (o instanceof StreamRecord<?> r) {
                @SuppressWarnings("unchecked")
                T value = (T) r.getValue();
                to.processElement(value, r.getTimestamp());
            } else if (o instanceof Watermark w) {
                to.processWatermark(w);
            }
        }
        return out.size();
    }

    /** Interim bucket results per bucket start for 20 buckets of one series. */
    static Map<Long, Integer> interimBucketResults(String lateness) throws Exception {
        JobSpec spec = pipelineSpec(lateness);
        var scorer =
                new KeyedOneInputStreamOperatorTestHarness<String, SeriesPoint, RecordResult>(
                        new KeyedProcessOperator<>(new BucketScorer(spec)),
                        SeriesPoint::seriesKey,
                        Types.STRING);
        var normalizer =
                new KeyedOneInputStreamOperatorTestHarness<String, RecordResult, RecordResult>(
                        new KeyedProcessOperator<>(new RecordNormalizer(spec)),
                        r -> r.jobId() + "#" + r.detectorIndex(),
                        Types.STRING);
        var aggregator = unopened(spec);
        scorer.open();
        normalizer.open();
        aggregator.open();
        int scored = 0;
        int normalized = 0;
        for (int b = 0; b < 20; b++) {
            long ts = b * SPAN + 1000;
            scorer.processElement(
                    new SeriesPoint(
                            SeriesPoint.keyOf(0, "", ""),
                            0,
                            "",
                            "",
                            ts,
                            new double[] {100 + b % 3},
                            null,
                            null),
                    ts);
            scorer.processWatermark(new Watermark(ts + 4 * MIN));
            scored = forward(scorer, scored, normalizer);
            normalized = forward(normalizer, normalized, aggregator);
        }
        scorer.processWatermark(new Watermark(Long.MAX_VALUE));
        forward(scorer, scored, normalizer);
        forward(normalizer, normalized, aggregator);
        Map<Long, Integer> interims = new HashMap<>();
        for (BucketResult r : buckets(aggregator)) {
            if (r.isInterim()) {
                interims.merge(r.timestamp(), 1, Integer::sum);
            }
        }
        assertThat(buckets(aggregator).stream().filter(r -> !r.isInterim()).count()).isEqualTo(20);
        scorer.close();
        normalizer.close();
        aggregator.close();
        return interims;
    }

    @Test
    void everyInterimTimeOfABucketYieldsAnInterimBucketResult() throws Exception {
        Map<Long, Integer> interims = interimBucketResults("30s");
        // bucket 0 has no forest to score a partial bucket with yet
        assertThat(interims).doesNotContainKey(0L);
        for (int b = 1; b < 20; b++) {
            assertThat(interims.get(b * SPAN)).as("interims of bucket %s", b).isEqualTo(4);
        }
    }

    /**
     * The scorer's first interim timer of a bucket, {@code start + interim_every - 1}, is the
     * previous bucket's close time whenever {@code allowed_lateness} is a multiple of {@code
     * interim_every} (modulo the span), e.g. 1m and 1m. Timers are deduplicated per key and time,
     * and {@code BucketScorer.onTimer} treats that time as the close of the previous bucket only
     * (the aggregator likewise discards interim records at a close time), so that interim result is
     * never produced: 3 interim results per 5m bucket instead of 4.
     */
    @Test
    void everyInterimTimeYieldsAnInterimBucketResultWhenLatenessIsAMultipleOfTheInterval()
            throws Exception {
        Map<Long, Integer> interims = interimBucketResults("1m");
        for (int b = 1; b < 20; b++) {
            assertThat(interims.get(b * SPAN)).as("interims of bucket %s", b).isEqualTo(4);
        }
    }

    @Test
    void recordsBehindTheWatermarkAreReportedWithoutAnotherWatermark() throws Exception {
        // The watermark got here through another upstream subtask (after all sources were idle)
        // and may never move again: the bucket is reported on a processing-time timer.
        var h = harness(spec());
        long b0 = 0;
        h.processWatermark(new Watermark(close(b0) + 10 * SPAN));
        feedFinal(h, scored(0, b0, "a", "eu", 0.5, 5, 10, false));
        assertThat(buckets(h)).isEmpty();
        h.setProcessingTime(h.getProcessingTime() + 1);
        assertThat(buckets(h))
                .singleElement()
                .satisfies(b -> assertThat(b.eventCount()).isEqualTo(10));
        assertThat(openSummaries(h)).isZero();
    }

    @Test
    void aBucketReportedBeforeItsLateRecordsIsReportedAgainCompleteUnderTheSameId()
            throws Exception {
        var h = harness(spec());
        long b0 = 0;
        feedFinal(h, scored(0, b0, "a", "eu", 0.5, 5, 10, false));
        // another upstream subtask moved the watermark on while this one was idle
        h.processWatermark(new Watermark(close(b0) + 3 * SPAN));
        assertThat(buckets(h)).hasSize(1);
        // the idle subtask's records of the same bucket arrive before its own watermark
        feedFinal(h, scored(0, b0, "b", "eu", 0.001, 40, 20, false));
        h.setProcessingTime(h.getProcessingTime() + 1);
        List<BucketResult> out = buckets(h);
        assertThat(out).hasSize(2);
        assertThat(out.get(1).resultId()).isEqualTo(out.get(0).resultId());
        assertThat(out.get(1).eventCount()).isEqualTo(30);
        assertThat(out.get(1).recordCount()).isEqualTo(2);
        // once the watermark moves on, the reported bucket is forgotten
        h.processWatermark(new Watermark(close(b0) + 4 * SPAN));
        assertThat(
                        mapSize(
                                h,
                                new MapStateDescriptor<>(
                                        "closed-bucket-summaries",
                                        Types.LONG,
                                        TypeInformation.of(BucketSummary.class))))
                .isZero();
    }
}
