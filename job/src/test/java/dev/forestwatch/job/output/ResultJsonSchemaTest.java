package dev.forestwatch.job.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forestwatch.job.model.BucketResult;
import dev.forestwatch.job.model.InfluencerResult;
import dev.forestwatch.job.model.RecordResult;
import dev.forestwatch.job.model.ResultIds;
import dev.forestwatch.job.score.Scores;
import dev.forestwatch.job.score.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JSON lines of record, influencer and bucket results: Elastic ML names and types. */
class ResultJsonSchemaTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String JOB = "schema";
    static final long TS = 1_700_000_100_000L; // 2023-11-14T22:15:00Z, a bucket start
    static final long SPAN_S = 300;

    static JsonNode parse(String line) throws Exception {
        assertThat(line).doesNotContain("\n");
        return JSON.readTree(line);
    }

    static RecordResult record(
            String[] fieldNames,
            double[] actual,
            double[] typical,
            double[] attribution,
            String byName,
            String byValue,
            String partitionName,
            String partitionValue,
            String[] influencerFields,
            String[] influencerValues,
            double probability,
            double score,
            double initialScore,
            boolean interim) {
        return new RecordResult(
                ResultIds.record(JOB, TS, SPAN_S, 1, "series", 0),
                JOB,
                TS,
                SPAN_S,
                1,
                "high_mean",
                fieldNames,
                byName,
                byValue,
                partitionName,
                partitionValue,
                actual,
                typical,
                typical == null ? null : new double[] {typical[0] - 10},
                typical == null ? null : new double[] {typical[0] + 10},
                attribution,
                null,
                0.0,
                "latency 412 ms, typical 120 ms",
                influencerFields,
                influencerValues,
                2.345678912,
                0.8,
                1.25,
                0.95,
                17,
                TS,
                true,
                123_456,
                interim,
                probability,
                score,
                initialScore);
    }

    static RecordResult univariate(double probability, double score) {
        return record(
                new String[] {"latency_ms"},
                new double[] {412.25},
                new double[] {120.5},
                null,
                "host",
                "web-02",
                "region",
                "eu",
                new String[] {"host", "region", "host"},
                new String[] {"web-02", "eu", "web-03"},
                probability,
                score,
                score,
                false);
    }

    static RecordResult multivariate() {
        return record(
                new String[] {"cpu", "mem"},
                new double[] {0.97, 0.4},
                null,
                new double[] {0.7, 0.3},
                "host",
                "db-1",
                "region",
                "us",
                new String[] {"host", "region"},
                new String[] {"db-1", "us"},
                3.2e-12,
                88.5,
                96.25,
                false);
    }

    static InfluencerResult influencer(double probability, double score) {
        return new InfluencerResult(
                ResultIds.influencer(JOB, TS, SPAN_S, "host", "web-02"),
                JOB,
                TS,
                SPAN_S,
                "host",
                "web-02",
                score,
                score + 10,
                probability,
                4,
                false);
    }

    static BucketResult bucket(double probability, double score, boolean interim) {
        String[] fields =
                interim ? new String[] {"bucket_time"} : new String[] {"bucket_time", "host"};
        double[] probabilities =
                interim ? new double[] {probability} : new double[] {probability, 0.02};
        double[] scores = interim ? new double[] {score} : new double[] {score, 28.5};
        return new BucketResult(
                ResultIds.bucket(JOB, TS, SPAN_S),
                JOB,
                TS,
                SPAN_S,
                score,
                interim ? score : 91.0,
                probability,
                1234,
                42,
                3,
                0.9,
                3.7,
                97.5,
                "high_mean(latency_ms) host=web-02 region=eu",
                12,
                interim,
                fields,
                probabilities,
                scores,
                scores.clone());
    }

    // --- type helpers ---

    static void assertText(JsonNode n, String field) {
        assertThat(n.has(field)).as("%s present in %s", field, n).isTrue();
        assertThat(n.get(field).isTextual()).as("%s is a string", field).isTrue();
    }

    static void assertText(JsonNode n, String field, String value) {
        assertText(n, field);
        assertThat(n.get(field).asText()).as(field).isEqualTo(value);
    }

    static void assertNumber(JsonNode n, String field) {
        assertThat(n.has(field)).as("%s present in %s", field, n).isTrue();
        assertThat(n.get(field).isNumber()).as("%s is a number: %s", field, n.get(field)).isTrue();
        assertThat(Double.isFinite(n.get(field).asDouble())).as("%s finite", field).isTrue();
    }

    static void assertIntegral(JsonNode n, String field) {
        assertNumber(n, field);
        assertThat(n.get(field).isIntegralNumber()).as("%s is integral", field).isTrue();
    }

    static void assertBoolean(JsonNode n, String field, boolean value) {
        assertThat(n.has(field)).as("%s present in %s", field, n).isTrue();
        assertThat(n.get(field).isBoolean()).as("%s is a boolean", field).isTrue();
        assertThat(n.get(field).asBoolean()).as(field).isEqualTo(value);
    }

    static void assertProbability(JsonNode n, String field) {
        assertNumber(n, field);
        assertThat(n.get(field).asDouble()).as(field).isGreaterThan(0.0).isLessThanOrEqualTo(1.0);
    }

    static void assertScore(JsonNode n, String field) {
        assertNumber(n, field);
        assertThat(n.get(field).asDouble()).as(field).isBetween(0.0, 100.0);
    }

    static void assertNumberArray(JsonNode n, String field, int size) {
        assertThat(n.has(field)).as("%s present in %s", field, n).isTrue();
        JsonNode a = n.get(field);
        assertThat(a.isArray()).as("%s is an array", field).isTrue();
        assertThat(a.size()).as("%s size", field).isEqualTo(size);
        a.forEach(v -> assertThat(v.isNumber()).as("%s element %s", field, v).isTrue());
    }

    /** Common head of every result line. */
    static void assertHead(JsonNode n, String resultType, String resultId) {
        assertText(n, "job_id", JOB);
        assertText(n, "result_type", resultType);
        assertText(n, "result_id", resultId);
        assertIntegral(n, "timestamp");
        assertThat(n.get("timestamp").asLong()).isEqualTo(TS);
        assertText(n, "timestamp_string");
        assertThat(Instant.parse(n.get("timestamp_string").asText()).toEpochMilli()).isEqualTo(TS);
        assertIntegral(n, "bucket_span");
        assertThat(n.get("bucket_span").asLong()).isEqualTo(SPAN_S);
    }

    /** Optional fields are left out, never written as null, at any depth. */
    static void assertNoNulls(JsonNode n, String path) {
        assertThat(n.isNull()).as("%s is null", path).isFalse();
        if (n.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                assertNoNulls(e.getValue(), path + "." + e.getKey());
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                assertNoNulls(n.get(i), path + "[" + i + "]");
            }
        }
    }

    static String band(double score) {
        if (score >= 75) {
            return "critical";
        }
        if (score >= 50) {
            return "major";
        }
        if (score >= 25) {
            return "minor";
        }
        return "warning";
    }

    // --- records ---

    @Test
    void univariateRecordHasEveryDocumentedField() throws Exception {
        RecordResult r = univariate(0.0123, 80.5);
        JsonNode n = parse(ResultJson.record(r));
        assertHead(n, "record", r.resultId());
        assertIntegral(n, "detector_index");
        assertThat(n.get("detector_index").asInt()).isEqualTo(1);
        assertText(n, "function", "high_mean");
        assertText(n, "function_description", "high_mean(latency_ms) host=web-02 region=eu");
        assertText(n, "field_name", "latency_ms");
        assertThat(n.has("field_names")).isFalse();
        assertText(n, "by_field_name", "host");
        assertText(n, "by_field_value", "web-02");
        assertText(n, "partition_field_name", "region");
        assertText(n, "partition_field_value", "eu");
        assertProbability(n, "probability");
        assertThat(n.get("probability").asDouble()).isEqualTo(0.0123);
        assertScore(n, "record_score");
        assertThat(n.get("record_score").asDouble()).isEqualTo(80.5);
        assertScore(n, "initial_record_score");
        assertText(n, "severity", "critical");
        assertNumberArray(n, "actual", 1);
        assertThat(n.get("actual").get(0).asDouble()).isEqualTo(412.25);
        assertNumberArray(n, "typical", 1);
        assertThat(n.get("typical").get(0).asDouble()).isEqualTo(120.5);
        assertNumberArray(n, "model_lower", 1);
        assertThat(n.get("model_lower").get(0).asDouble()).isEqualTo(110.5);
        assertThat(n.get("model_upper").get(0).asDouble()).isEqualTo(130.5);
        assertThat(n.has("attribution")).isFalse();
        assertText(n, "reason", "latency 412 ms, typical 120 ms");

        // influencers grouped per field, values in order of appearance
        JsonNode infs = n.get("influencers");
        assertThat(infs.isArray()).isTrue();
        assertThat(infs.size()).isEqualTo(2);
        for (JsonNode inf : infs) {
            assertText(inf, "influencer_field_name");
            assertThat(inf.get("influencer_field_values").isArray()).isTrue();
            inf.get("influencer_field_values")
                    .forEach(v -> assertThat(v.isTextual()).as("value %s", v).isTrue());
            assertThat(inf.size()).isEqualTo(2);
        }
        assertThat(infs.get(0).get("influencer_field_name").asText()).isEqualTo("host");
        assertThat(infs.get(0).get("influencer_field_values"))
                .extracting(JsonNode::asText)
                .containsExactly("web-02", "web-03");
        assertThat(infs.get(1).get("influencer_field_name").asText()).isEqualTo("region");
        assertThat(infs.get(1).get("influencer_field_values"))
                .extracting(JsonNode::asText)
                .containsExactly("eu");

        assertNumber(n, "raw_score");
        assertThat(n.get("raw_score").asDouble()).isEqualTo(2.345679); // six decimals
        assertNumber(n, "grade");
        assertThat(n.get("grade").asDouble()).isBetween(0.0, 1.0);
        assertNumber(n, "threshold");
        assertNumber(n, "confidence");
        assertThat(n.get("confidence").asDouble()).isBetween(0.0, 1.0);
        assertIntegral(n, "event_count");
        assertThat(n.get("event_count").asLong()).isEqualTo(17);
        assertBoolean(n, "model_ready", true);
        assertBoolean(n, "is_interim", false);
        // anomaly_timestamp only when the forest points at another bucket
        assertThat(n.has("anomaly_timestamp")).isFalse();
        assertNoNulls(n, "$");
    }

    @Test
    void multivariateRecordHasFieldNamesAndAttribution() throws Exception {
        RecordResult r = multivariate();
        JsonNode n = parse(ResultJson.record(r));
        assertHead(n, "record", r.resultId());
        assertText(n, "field_name", "cpu,mem");
        assertThat(n.get("field_names").isArray()).isTrue();
        assertThat(n.get("field_names")).extracting(JsonNode::asText).containsExactly("cpu", "mem");
        assertNumberArray(n, "actual", 2);
        assertThat(n.has("typical")).as("typical null is left out").isFalse();
        assertThat(n.has("model_lower")).as("no bounds without typical").isFalse();
        JsonNode attribution = n.get("attribution");
        assertThat(attribution.isObject()).isTrue();
        assertThat(attribution.size()).isEqualTo(2);
        assertThat(attribution.get("cpu").isNumber()).isTrue();
        assertThat(attribution.get("mem").isNumber()).isTrue();
        assertThat(attribution.get("cpu").asDouble() + attribution.get("mem").asDouble())
                .isCloseTo(1.0, within(1e-6));
        assertThat(n.get("probability").asDouble()).isEqualTo(3.2e-12);
        assertThat(n.get("record_score").asDouble()).isEqualTo(88.5);
        assertThat(n.get("initial_record_score").asDouble()).isEqualTo(96.25);
        // severity follows the current score
        assertText(n, "severity", "critical");
        JsonNode infs = n.get("influencers");
        assertThat(infs.size()).isEqualTo(2);
        assertNoNulls(n, "$");
    }

    @Test
    void optionalRecordFieldsAreLeftOut() throws Exception {
        RecordResult bare =
                new RecordResult(
                        ResultIds.record(JOB, TS, SPAN_S, 0, "", 0),
                        JOB,
                        TS,
                        SPAN_S,
                        0,
                        "count",
                        new String[0],
                        null,
                        null,
                        null,
                        null,
                        new double[] {7},
                        null,
                        null,
                        null,
                        null,
                        null,
                        0.0,
                        null,
                        new String[0],
                        new String[0],
                        0,
                        0,
                        0,
                        0,
                        7,
                        TS - SPAN_S * 1000,
                        false,
                        0,
                        true,
                        1.0,
                        0,
                        0);
        JsonNode n = parse(ResultJson.record(bare));
        assertHead(n, "record", bare.resultId());
        for (String absent :
                List.of(
                        "field_name",
                        "field_names",
                        "by_field_name",
                        "by_field_value",
                        "partition_field_name",
                        "partition_field_value",
                        "typical",
                        "attribution",
                        "reason",
                        "influencers")) {
            assertThat(n.has(absent)).as("%s left out", absent).isFalse();
        }
        assertText(n, "function_description", "count");
        assertNumberArray(n, "actual", 1);
        assertThat(n.get("probability").asDouble()).isEqualTo(1.0);
        assertText(n, "severity", "warning");
        assertBoolean(n, "model_ready", false);
        assertBoolean(n, "is_interim", true);
        // the forest attributed the anomaly to the previous bucket
        assertIntegral(n, "anomaly_timestamp");
        assertThat(n.get("anomaly_timestamp").asLong()).isEqualTo(TS - SPAN_S * 1000);
        assertNoNulls(n, "$");

        // influencers given as null arrays are left out too
        RecordResult nullInfluencers =
                record(
                        new String[] {"x"},
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        0.5,
                        10,
                        10,
                        false);
        JsonNode m = parse(ResultJson.record(nullInfluencers));
        assertThat(m.has("influencers")).isFalse();
        assertNumberArray(m, "actual", 0);
        assertNoNulls(m, "$");
    }

    @Test
    void unscoredValuesNeverLeakAsNaNOrOutOfRange() throws Exception {
        // NaN scores (before normalization) and bad probabilities
        for (double p : new double[] {0.0, -1.0, Double.NaN, 1.5, Double.POSITIVE_INFINITY}) {
            JsonNode n = parse(ResultJson.record(univariate(p, Double.NaN)));
            assertProbability(n, "probability");
            assertScore(n, "record_score");
            assertScore(n, "initial_record_score");
            assertThat(n.get("severity").asText()).isEqualTo("warning");
            JsonNode i = parse(ResultJson.influencer(influencer(p, 10)));
            assertProbability(i, "probability");
            JsonNode b = parse(ResultJson.bucket(bucket(p, 10, false)));
            assertProbability(b, "probability");
            b.get("bucket_influencers").forEach(bi -> assertProbability(bi, "probability"));
        }
        // a probability of 0 becomes the smallest positive normal double, > 1 becomes 1
        assertThat(parse(ResultJson.record(univariate(0.0, 50))).get("probability").asDouble())
                .isEqualTo(Double.MIN_NORMAL);
        assertThat(
                        parse(ResultJson.record(univariate(Double.NaN, 50)))
                                .get("probability")
                                .asDouble())
                .isEqualTo(Double.MIN_NORMAL);
        assertThat(parse(ResultJson.record(univariate(1.5, 50))).get("probability").asDouble())
                .isEqualTo(1.0);
        // tiny probabilities keep their precision
        assertThat(parse(ResultJson.record(univariate(1e-40, 50))).get("probability").asDouble())
                .isEqualTo(1e-40);
    }

    // --- influencers ---

    @Test
    void influencerHasEveryDocumentedField() throws Exception {
        InfluencerResult i = influencer(0.004, 61.25);
        JsonNode n = parse(ResultJson.influencer(i));
        assertHead(n, "influencer", i.resultId());
        assertText(n, "influencer_field_name", "host");
        assertText(n, "influencer_field_value", "web-02");
        // Elastic also writes the value under the field's own name
        assertText(n, "host", "web-02");
        assertScore(n, "influencer_score");
        assertThat(n.get("influencer_score").asDouble()).isEqualTo(61.25);
        assertScore(n, "initial_influencer_score");
        assertThat(n.get("initial_influencer_score").asDouble()).isEqualTo(71.25);
        assertText(n, "severity", "major");
        assertProbability(n, "probability");
        assertThat(n.get("probability").asDouble()).isEqualTo(0.004);
        assertIntegral(n, "record_count");
        assertThat(n.get("record_count").asLong()).isEqualTo(4);
        assertBoolean(n, "is_interim", false);
        assertNoNulls(n, "$");
    }

    @Test
    void anInfluencerFieldNamedLikeAResultFieldDoesNotBreakTheSchema() throws Exception {
        for (String field : List.of("job_id", "timestamp", "probability", "severity")) {
            InfluencerResult i =
                    new InfluencerResult(
                            ResultIds.influencer(JOB, TS, SPAN_S, field, "x"),
                            JOB,
                            TS,
                            SPAN_S,
                            field,
                            "x",
                            30,
                            30,
                            0.01,
                            1,
                            false);
            JsonNode n = parse(ResultJson.influencer(i));
            assertHead(n, "influencer", i.resultId());
            assertText(n, "influencer_field_name", field);
            assertText(n, "influencer_field_value", "x");
            assertProbability(n, "probability");
            assertText(n, "severity", "minor");
        }
    }

    // --- buckets ---

    @Test
    void bucketHasEveryDocumentedField() throws Exception {
        BucketResult b = bucket(2.5e-7, 81.0, false);
        JsonNode n = parse(ResultJson.bucket(b));
        assertHead(n, "bucket", b.resultId());
        assertScore(n, "anomaly_score");
        assertThat(n.get("anomaly_score").asDouble()).isEqualTo(81.0);
        assertScore(n, "initial_anomaly_score");
        assertThat(n.get("initial_anomaly_score").asDouble()).isEqualTo(91.0);
        assertText(n, "severity", "critical");
        assertProbability(n, "probability");
        assertThat(n.get("probability").asDouble()).isEqualTo(2.5e-7);
        assertIntegral(n, "event_count");
        assertThat(n.get("event_count").asLong()).isEqualTo(1234);
        assertIntegral(n, "record_count");
        assertThat(n.get("record_count").asLong()).isEqualTo(42);
        assertIntegral(n, "anomalous_record_count");
        assertScore(n, "max_record_score");
        assertNumber(n, "max_grade");
        assertNumber(n, "max_raw_score");
        assertText(n, "top_record", "high_mean(latency_ms) host=web-02 region=eu");
        assertIntegral(n, "processing_time_ms");
        assertThat(n.get("processing_time_ms").asLong()).isEqualTo(12);
        assertBoolean(n, "is_interim", false);

        JsonNode infs = n.get("bucket_influencers");
        assertThat(infs.isArray()).isTrue();
        assertThat(infs.size()).isEqualTo(2);
        List<String> names = new ArrayList<>();
        for (JsonNode bi : infs) {
            assertText(bi, "influencer_field_name");
            names.add(bi.get("influencer_field_name").asText());
            assertProbability(bi, "probability");
            assertScore(bi, "anomaly_score");
            assertScore(bi, "initial_anomaly_score");
        }
        assertThat(names).containsExactly("bucket_time", "host");
        assertThat(infs.get(0).get("anomaly_score").asDouble()).isEqualTo(81.0);
        assertThat(infs.get(0).get("probability").asDouble()).isEqualTo(2.5e-7);
        assertThat(infs.get(1).get("anomaly_score").asDouble()).isEqualTo(28.5);
        assertThat(infs.get(1).get("probability").asDouble()).isEqualTo(0.02);
        assertNoNulls(n, "$");
    }

    @Test
    void interimBucketHasTheSameIdAndOnlyBucketTime() throws Exception {
        BucketResult interim = bucket(0.03, 25.0, true);
        BucketResult fin = bucket(0.001, 50.0, false);
        JsonNode i = parse(ResultJson.bucket(interim));
        JsonNode f = parse(ResultJson.bucket(fin));
        assertHead(i, "bucket", fin.resultId());
        assertBoolean(i, "is_interim", true);
        assertBoolean(f, "is_interim", false);
        assertThat(i.get("result_id")).isEqualTo(f.get("result_id"));
        assertThat(i.get("bucket_influencers").size()).isEqualTo(1);
        assertText(i.get("bucket_influencers").get(0), "influencer_field_name", "bucket_time");
        assertText(i, "severity", "minor");
        assertText(f, "severity", "major");
        assertNoNulls(i, "$");

        // without a top record the field is left out
        BucketResult empty =
                new BucketResult(
                        ResultIds.bucket(JOB, TS, SPAN_S),
                        JOB,
                        TS,
                        SPAN_S,
                        0,
                        0,
                        1,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        null,
                        0,
                        false,
                        new String[] {"bucket_time"},
                        new double[] {1},
                        new double[] {0},
                        new double[] {0});
        JsonNode e = parse(ResultJson.bucket(empty));
        assertThat(e.has("top_record")).isFalse();
        assertText(e, "severity", "warning");
        assertNoNulls(e, "$");
    }

    @Test
    void aRenormalizedBucketKeepsItsInitialScores() throws Exception {
        BucketResult b = bucket(1e-5, 90.0, false).withScore(40.0);
        JsonNode n = parse(ResultJson.bucket(b));
        assertThat(n.get("anomaly_score").asDouble()).isEqualTo(40.0);
        assertThat(n.get("initial_anomaly_score").asDouble()).isEqualTo(91.0);
        assertText(n, "severity", "minor");
        JsonNode bucketTime = n.get("bucket_influencers").get(0);
        assertThat(bucketTime.get("anomaly_score").asDouble()).isEqualTo(40.0);
        assertThat(bucketTime.get("initial_anomaly_score").asDouble()).isEqualTo(90.0);
        JsonNode host = n.get("bucket_influencers").get(1);
        assertThat(host.get("anomaly_score").asDouble()).isEqualTo(28.5);
    }

    // --- severity bands ---

    @ParameterizedTest
    @ValueSource(
            doubles = {0, 0.000001, 12.5, 24.9999, 25, 37, 49.9999, 50, 60, 74.9999, 75, 99.5, 100})
    void severityFollowsTheScoreBands(double score) throws Exception {
        String expected = band(score);
        JsonNode r = parse(ResultJson.record(univariate(0.01, score)));
        assertThat(r.get("severity").asText()).as("record %s", score).isEqualTo(expected);
        assertThat(r.get("severity").asText()).isEqualTo(band(r.get("record_score").asDouble()));
        JsonNode i = parse(ResultJson.influencer(influencer(0.01, score)));
        assertThat(i.get("severity").asText()).as("influencer %s", score).isEqualTo(expected);
        JsonNode b = parse(ResultJson.bucket(bucket(0.01, score, false)));
        assertThat(b.get("severity").asText()).as("bucket %s", score).isEqualTo(expected);
        assertThat(Severity.of(score).label()).isEqualTo(expected);
    }

    /**
     * Scores are written rounded to six decimals but the severity is taken from the unrounded
     * score. {@code Scores.normalizedScore(8.2, 24.6, 6)} (one in 10^8.2 against a window maximum
     * of one in 10^24.6: r is exactly a third, so the relative cap {@code 1.5 r} gives a half) is
     * 49.999999999999986 in floating point: the line would say {@code "record_score":50.0} with
     * {@code "severity":"minor"}, which a consumer banding the written score reads as major. The
     * same holds for influencers and buckets.
     */
    @Test
    void severityAgreesWithTheWrittenScore() throws Exception {
        double score = Scores.normalizedScore(8.2, 24.6, 6.0);
        assertThat(score).isLessThan(50.0).isCloseTo(50.0, within(1e-9));
        // unrounded, the score is in the band below the one its written value is in
        assertThat(band(score)).isEqualTo("minor");
        JsonNode r = parse(ResultJson.record(univariate(Math.pow(10, -8.2), score)));
        assertThat(r.get("record_score").asDouble()).isEqualTo(50.0);
        assertThat(r.get("severity").asText()).isEqualTo(band(r.get("record_score").asDouble()));
        JsonNode i = parse(ResultJson.influencer(influencer(0.01, score)));
        assertThat(i.get("influencer_score").asDouble()).isEqualTo(50.0);
        assertThat(i.get("severity").asText())
                .isEqualTo(band(i.get("influencer_score").asDouble()));
        JsonNode b = parse(ResultJson.bucket(bucket(0.01, score, false)));
        assertThat(b.get("anomaly_score").asDouble()).isEqualTo(50.0);
        assertThat(b.get("severity").asText()).isEqualTo(band(b.get("anomaly_score").asDouble()));
    }

    // --- map steps ---

    @Test
    void mapStepsWriteTheSameLines() throws Exception {
        RecordResult r = multivariate();
        InfluencerResult i = influencer(0.2, 5);
        BucketResult b = bucket(0.2, 5, false);
        assertThat(new RecordToJson().map(r)).isEqualTo(ResultJson.record(r));
        assertThat(new InfluencerToJson().map(i)).isEqualTo(ResultJson.influencer(i));
        assertThat(new BucketToJson().map(b)).isEqualTo(ResultJson.bucket(b));
    }
}
