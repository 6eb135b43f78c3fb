package dev.forestwatch.job.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forestwatch.job.model.BucketResult;
import dev.forestwatch.job.model.RecordResult;
import dev.forestwatch.job.result.RecordDescriptions;
import java.time.Instant;

/**
 * Writes results as single-line JSON objects with Elastic ML's field names ({@code job_id}, {@code
 * result_type}, {@code timestamp}, {@code bucket_span}, {@code actual}, {@code typical}, ...) plus
 * our forest fields ({@code raw_score}, {@code grade}, ...). Optional fields that do not apply are
 * left out rather than written as null.
 */
public final class ResultJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ResultJson() {}

    /** A record result. */
    public static String record(RecordResult r) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("job_id", r.jobId());
        n.put("result_type", "record");
        n.put("timestamp", r.timestamp());
        n.put("timestamp_string", Instant.ofEpochMilli(r.timestamp()).toString());
        n.put("bucket_span", r.bucketSpanSeconds());
        n.put("detector_index", r.detectorIndex());
        n.put("function", r.function());
        n.put("function_description", RecordDescriptions.series(r));
        putIfNotNull(n, "field_name", r.fieldName());
        putIfNotNull(n, "by_field_name", r.byFieldName());
        putIfNotNull(n, "by_field_value", r.byFieldValue());
        putIfNotNull(n, "partition_field_name", r.partitionFieldName());
        putIfNotNull(n, "partition_field_value", r.partitionFieldValue());
        n.set("actual", array(r.actual()));
        if (r.typical() != null) {
            n.set("typical", array(r.typical()));
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
        n.put("is_interim", false);
        return n.toString();
    }

    /** A bucket result. */
    public static String bucket(BucketResult b) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("job_id", b.jobId());
        n.put("result_type", "bucket");
        n.put("timestamp", b.timestamp());
        n.put("timestamp_string", Instant.ofEpochMilli(b.timestamp()).toString());
        n.put("bucket_span", b.bucketSpanSeconds());
        n.put("event_count", b.eventCount());
        n.put("record_count", b.recordCount());
        n.put("anomalous_record_count", b.anomalousRecordCount());
        n.put("max_grade", round(b.maxGrade()));
        n.put("max_raw_score", round(b.maxRawScore()));
        putIfNotNull(n, "top_record", b.topRecordSeries());
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

    /** Six significant decimals are plenty for scores and keep the lines short. */
    static double round(double v) {
        if (!Double.isFinite(v)) {
            return 0.0;
        }
        return Math.round(v * 1e6) / 1e6;
    }
}
