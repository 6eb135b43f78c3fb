package dev.forestwatch.job.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forestwatch.job.model.Alert;
import java.time.Instant;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Writes an {@link Alert} as one line of JSON with snake_case fields. Fields that do not apply (raw
 * score and cutoff for score-mode alerts) are left out rather than written as NaN, which is not
 * JSON.
 */
public final class AlertJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AlertJson() {}

    /** The alert as a single-line JSON object. */
    public static String toJson(Alert a) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("alert_id", a.alertId());
        n.put("job_id", a.jobId());
        n.put("policy", a.policy());
        n.put("mode", a.mode());
        n.put("level", a.level());
        n.put("entity", a.entity());
        n.put("result_id", a.resultId());
        n.put("timestamp", a.timestamp());
        n.put("timestamp_string", Instant.ofEpochMilli(a.timestamp()).toString());
        n.put("bucket_span", a.bucketSpanSeconds());
        n.put("severity", a.severity());
        putNumber(n, "score", a.score());
        if (Double.isFinite(a.rawScore())) {
            n.put("raw_score", a.rawScore());
        }
        if (Double.isFinite(a.cutoff())) {
            n.put("cutoff", a.cutoff());
        }
        if (a.cutoffUpdateTime() != null) {
            n.put("cutoff_update_time", a.cutoffUpdateTime());
        }
        putNumber(n, "probability", a.probability());
        n.set("top_records", array(a.topRecords()));
        n.set("top_influencers", array(a.topInfluencers()));
        n.put("message", a.message());
        return n.toString();
    }

    /** Map step for a sink of JSON lines. */
    public static final class ToJson implements MapFunction<Alert, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String map(Alert alert) {
            return toJson(alert);
        }
    }

    // Always present, so consumers can rely on the field; null only if the number is unusable.
    private static void putNumber(ObjectNode n, String field, double v) {
        if (Double.isFinite(v)) {
            n.put(field, v);
        } else {
            n.putNull(field);
        }
    }

    private static ArrayNode array(String[] items) {
        ArrayNode a = MAPPER.createArrayNode();
        if (items != null) {
            for (String s : items) {
                a.add(s);
            }
        }
        return a;
    }
}
