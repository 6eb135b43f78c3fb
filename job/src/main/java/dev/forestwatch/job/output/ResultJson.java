package dev.forestwatch.job.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forestwatch.job.model.BucketResult;
import dev.forestwatch.job.model.InfluencerResult;
import dev.forestwatch.job.model.RecordResult;
import dev.forestwatch.job.result.RecordDescriptions;
import dev.forestwatch.job.score.Severity;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes results as single-line JSON objects with Elastic ML's field names ({@code job_id}, {@code
 * result_type}, {@code timestamp}, {@code bucket_span}, {@code probability}, {@code record_score},
 * {@code influencer_score}, {@code anomaly_score}, {@code actual}, {@code typical}, ...) plus ours
 * ({@code result_id}, {@code severity}, {@code raw_score}, {@code grade}, {@code reason}, ...).
 * Optional fields that do not apply are left out rather than written as null.
 */
public final class ResultJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ResultJson() {}

    /** A record result. */
    public static String record(RecordResult r) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("job_id", r.jobId());
        n.put("result_type", "record");
        n.put("result_id", r.resultId());
        n.put("timestamp", r.timestamp());
        n.put("timestamp_string", Instant.ofEpochMilli(r.timestamp()).toString());
        n.put("bucket_span", r.bucketSpanSeconds());
        n.put("detector_index", r.detectorIndex());
        n.put("function", r.function());
        n.put("function_description", RecordDescriptions.series(r));
        putIfNotNull(n, "field_name", r.fieldName());
        if (r.fieldNames() != null && r.fieldNames().length > 1) {
            ArrayNode names = n.putArray("field_names");
            for (String f : r.fieldNames()) {
                names.add(f);
            }
        }
        putIfNotNull(n, "by_field_name", r.byFieldName());
        putIfNotNull(n, "by_field_value", r.byFieldValue());
        putIfNotNull(n, "partition_field_name", r.partitionFieldName());
        putIfNotNull(n, "partition_field_value", r.partitionFieldValue());
        n.put("probability", probability(r.probability()));
        n.put("record_score", round(r.recordScore()));
        n.put("initial_record_score", round(r.initialRecordScore()));
        n.put("severity", Severity.of(round(r.recordScore())).label());
        n.set("actual", array(r.actual()));
        if (r.typical() != null) {
            n.set("typical", array(r.typical()));
        }
        if (r.modelLower() != null && r.modelUpper() != null) {
            n.set("model_lower", array(r.modelLower()));
            n.set("model_upper", array(r.modelUpper()));
        }
        if (r.rangeExcess() > 0) {
            n.put("range_excess", round(r.rangeExcess()));
        }
        if (r.seasonality() != null && r.seasonality().length > 0) {
            var periods = n.putArray("seasonality");
            for (String p : r.seasonality()) {
                periods.add(p);
            }
        }
        if (r.attribution() != null && r.fieldNames() != null) {
            ObjectNode a = n.putObject("attribution");
            for (int i = 0; i < r.attribution().length && i < r.fieldNames().length; i++) {
                a.put(r.fieldNames()[i], round(r.attribution()[i]));
            }
        }
        putIfNotNull(n, "reason", r.reason());
        if (r.influencerFields() != null && r.influencerFields().length > 0) {
            Map<String, List<String>> grouped = new LinkedHashMap<>();
            for (int i = 0; i < r.influencerFields().length; i++) {
                grouped.computeIfAbsent(r.influencerFields()[i], k -> new java.util.ArrayList<>())
                        .add(r.influencerValues()[i]);
            }
            ArrayNode infs = n.putArray("influencers");
            for (Map.Entry<String, List<String>> e : grouped.entrySet()) {
                ObjectNode inf = infs.addObject();
                inf.put("influencer_field_name", e.getKey());
                ArrayNode values = inf.putArray("influencer_field_values");
                e.getValue().forEach(values::add);
            }
        }
        n.put("raw_score", round(r.rawScore()));
        n.put("grade", round(r.grade()));
        n.put("threshold", round(r.threshold()));
        n.put("confidence", round(r.confidence()));
        n.put("event_count", r.eventCount());
        if (r.anomalyTimestamp() != r.timestamp()) {
            n.put("anomaly_timestamp", r.anomalyTimestamp());
        }
        n.put("model_ready", r.modelReady());
        n.put("is_interim", r.isInterim());
        return n.toString();
    }

    /** An influencer result. */
    public static String influencer(InfluencerResult i) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("job_id", i.jobId());
        n.put("result_type", "influencer");
        n.put("result_id", i.resultId());
        n.put("timestamp", i.timestamp());
        n.put("timestamp_string", Instant.ofEpochMilli(i.timestamp()).toString());
        n.put("bucket_span", i.bucketSpanSeconds());
        n.put("influencer_field_name", i.influencerFieldName());
        n.put("influencer_field_value", i.influencerFieldValue());
        // Elastic also writes the value under the field's own name
        if (!n.has(i.influencerFieldName())) {
            n.put(i.influencerFieldName(), i.influencerFieldValue());
        }
        n.put("influencer_score", round(i.influencerScore()));
        n.put("initial_influencer_score", round(i.initialInfluencerScore()));
        n.put("severity", Severity.of(round(i.influencerScore())).label());
        n.put("probability", probability(i.probability()));
        n.put("record_count", i.recordCount());
        n.put("is_interim", i.isInterim());
        return n.toString();
    }

    /** A bucket result. */
    public static String bucket(BucketResult b) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("job_id", b.jobId());
        n.put("result_type", "bucket");
        n.put("result_id", b.resultId());
        n.put("timestamp", b.timestamp());
        n.put("timestamp_string", Instant.ofEpochMilli(b.timestamp()).toString());
        n.put("bucket_span", b.bucketSpanSeconds());
        n.put("anomaly_score", round(b.anomalyScore()));
        n.put("initial_anomaly_score", round(b.initialAnomalyScore()));
        n.put("severity", Severity.of(round(b.anomalyScore())).label());
        n.put("probability", probability(b.probability()));
        n.put("event_count", b.eventCount());
        n.put("record_count", b.recordCount());
        n.put("anomalous_record_count", b.anomalousRecordCount());
        n.put("max_record_score", round(b.maxRecordScore()));
        n.put("max_grade", round(b.maxGrade()));
        n.put("max_raw_score", round(b.maxRawScore()));
        putIfNotNull(n, "top_record", b.topRecordSeries());
        ArrayNode infs = n.putArray("bucket_influencers");
        for (int i = 0; i < b.bucketInfluencerFields().length; i++) {
            ObjectNode inf = infs.addObject();
            inf.put("influencer_field_name", b.bucketInfluencerFields()[i]);
            inf.put("probability", probability(b.bucketInfluencerProbabilities()[i]));
            inf.put("anomaly_score", round(b.bucketInfluencerScores()[i]));
            inf.put("initial_anomaly_score", round(b.bucketInfluencerInitialScores()[i]));
        }
        n.put("processing_time_ms", b.processingTimeMs());
        n.put("is_interim", b.isInterim());
        return n.toString();
    }

    private static ArrayNode array(double[] values) {
        ArrayNode a = MAPPER.createArrayNode();
        if (values != null) {
            for (double v : values) {
                a.add(round(v));
            }
        }
        return a;
    }

    private static void putIfNotNull(ObjectNode n, String field, String value) {
        if (value != null) {
            n.put(field, value);
        }
    }

    /** Probabilities keep their full precision (they can be 1e-40); never 0, never above 1. */
    static double probability(double p) {
        if (!(p > 0)) {
            return Double.MIN_NORMAL;
        }
        return Math.min(1.0, p);
    }

    /** Six decimals are plenty for scores and values and keep the lines short. */
    static double round(double v) {
        if (!Double.isFinite(v)) {
            return 0.0;
        }
        if (Math.abs(v) >= 1e9) {
            return v; // rounding would overflow; such magnitudes need no trimming
        }
        return Math.round(v * 1e6) / 1e6;
    }
}
