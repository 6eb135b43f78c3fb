package dev.forestwatch.job.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forestwatch.job.model.Alert;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Field names, types and omissions of {@link AlertJson}. */
class AlertJsonTest {
    static final ObjectMapper MAPPER = new ObjectMapper();

    static Alert cutoffAlert() {
        return new Alert(
                "demo_alert_0123456789abcdef",
                "demo",
                "seed-cutoff",
                "cutoff",
                "record",
                "detector 0 host=web-02",
                "demo_record_1",
                AlertFixtures.T0,
                300,
                "critical",
                92.5,
                3.6189932108,
                1.31462299965,
                "20260111000000",
                1e-40,
                new String[0],
                new String[] {"host=web-02 (97)"},
                "[critical] something \"quoted\"\nacross lines");
    }

    static Alert scoreAlert() {
        return new Alert(
                "demo_alert_fedcba9876543210",
                "demo",
                "critical-buckets",
                "score",
                "bucket",
                "bucket",
                "demo_bucket_1",
                AlertFixtures.T0,
                300,
                "critical",
                100,
                Double.NaN,
                Double.NaN,
                null,
                0.001,
                new String[] {"mean(latency_ms) host=web-02"},
                null,
                "[critical] bucket at 2026-01-18T00:00:00Z scored 100");
    }

    @Test
    void cutoffAlertHasEveryFieldWithItsType() throws Exception {
        String line = AlertJson.toJson(cutoffAlert());
        assertThat(line).doesNotContain("\n");
        JsonNode n = MAPPER.readTree(line);
        assertThat(iterable(n.fieldNames()))
                .containsExactly(
                        "alert_id",
                        "job_id",
                        "policy",
                        "mode",
                        "level",
                        "entity",
                        "result_id",
                        "timestamp",
                        "timestamp_string",
                        "bucket_span",
                        "severity",
                        "score",
                        "raw_score",
                        "cutoff",
                        "cutoff_update_time",
                        "probability",
                        "top_records",
                        "top_influencers",
                        "message");
        assertThat(n.get("alert_id").asText()).isEqualTo("demo_alert_0123456789abcdef");
        assertThat(n.get("timestamp").isIntegralNumber()).isTrue();
        assertThat(n.get("timestamp").asLong()).isEqualTo(AlertFixtures.T0);
        assertThat(n.get("timestamp_string").asText()).isEqualTo("2026-01-18T00:00:00Z");
        assertThat(n.get("bucket_span").asLong()).isEqualTo(300);
        assertThat(n.get("score").isDouble()).isTrue();
        assertThat(n.get("score").asDouble()).isEqualTo(92.5);
        assertThat(n.get("raw_score").asDouble()).isEqualTo(3.6189932108);
        assertThat(n.get("cutoff").asDouble()).isEqualTo(1.31462299965);
        assertThat(n.get("cutoff_update_time").asText()).isEqualTo("20260111000000");
        assertThat(n.get("probability").asDouble()).isEqualTo(1e-40);
        assertThat(n.get("top_records").isArray()).isTrue();
        assertThat(n.get("top_records")).isEmpty();
        assertThat(n.get("top_influencers").get(0).asText()).isEqualTo("host=web-02 (97)");
        assertThat(n.get("message").asText())
                .isEqualTo("[critical] something \"quoted\"\nacross lines");
    }

    @Test
    void scoreAlertLeavesOutRawScoreCutoffAndItsTime() throws Exception {
        JsonNode n = MAPPER.readTree(AlertJson.toJson(scoreAlert()));
        assertThat(n.has("raw_score")).isFalse();
        assertThat(n.has("cutoff")).isFalse();
        assertThat(n.has("cutoff_update_time")).isFalse();
        assertThat(n.get("mode").asText()).isEqualTo("score");
        assertThat(n.get("score").asDouble()).isEqualTo(100.0);
        assertThat(n.get("top_records").get(0).asText()).isEqualTo("mean(latency_ms) host=web-02");
        // a null array is written empty, so consumers need no null check
        assertThat(n.get("top_influencers").isArray()).isTrue();
        assertThat(n.get("top_influencers")).isEmpty();
    }

    @Test
    void mapStepWritesTheSameLine() {
        Alert a = scoreAlert();
        assertThat(new AlertJson.ToJson().map(a)).isEqualTo(AlertJson.toJson(a));
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
