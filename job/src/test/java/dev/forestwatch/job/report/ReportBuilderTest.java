package dev.forestwatch.job.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forestwatch.job.Output;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportBuilderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    private static final long SPAN = 60_000;

    private static String record(
            String host, int bucket, double actual, double score, boolean interim) {
        ObjectNode n = JSON.createObjectNode();
        n.put("job_id", "j");
        n.put("result_type", "record");
        n.put("result_id", "r-" + host + "-" + bucket);
        n.put("timestamp", T0 + bucket * SPAN);
        n.put("bucket_span", 60);
        n.put("detector_index", 0);
        n.put("function_description", "mean(latency) host=" + host);
        n.put("by_field_name", "host");
        n.put("by_field_value", host);
        n.put("record_score", score);
        n.put("initial_record_score", score);
        n.putArray("actual").add(actual);
        n.putArray("typical").add(10.0);
        n.putArray("model_lower").add(8.0);
        n.putArray("model_upper").add(12.0);
        n.put("reason", "latency " + actual + " for " + host + " </script>");
        n.putArray("influencers")
                .addObject()
                .put("influencer_field_name", "host")
                .putArray("influencer_field_values")
                .add(host);
        n.put("raw_score", score / 50);
        n.put("is_interim", interim);
        return n.toString();
    }

    private static String bucket(int bucket, double score) {
        return "{\"job_id\":\"j\",\"result_type\":\"bucket\",\"result_id\":\"b-"
                + bucket
                + "\",\"timestamp\":"
                + (T0 + bucket * SPAN)
                + ",\"bucket_span\":60,\"anomaly_score\":"
                + score
                + ",\"event_count\":3,\"is_interim\":false}";
    }

    private static String influencer(String host, int bucket, double score) {
        return "{\"result_type\":\"influencer\",\"result_id\":\"i-"
                + host
                + bucket
                + "\",\"timestamp\":"
                + (T0 + bucket * SPAN)
                + ",\"influencer_field_name\":\"host\",\"influencer_field_value\":\""
                + host
                + "\",\"influencer_score\":"
                + score
                + ",\"is_interim\":false}";
    }

    /** Two hosts over 100 buckets: b spikes at bucket 70; a is quiet. */
    private static ReportBuilder twoHosts(ReportBuilder.Options options) {
        ReportBuilder b = new ReportBuilder(options, null);
        // renormalization later lowered a's bucket-10 record and raised none
        b.accept(
                Output.RENORMALIZED,
                "{\"result_type\":\"record\",\"result_id\":\"r-a-10\",\"record_score\":3.0}");
        b.accept(
                Output.ALERTS,
                "{\"alert_id\":\"x\",\"policy\":\"p\",\"mode\":\"score\",\"level\":\"record\","
                        + "\"entity\":\"b\",\"result_id\":\"r-b-70\",\"timestamp\":"
                        + (T0 + 70 * SPAN)
                        + ",\"severity\":\"critical\",\"score\":96.0,\"message\":\"m\"}");
        b.accept(
                Output.CUTOFFS,
                "{\"data_kind\":\"j/0\",\"score_cutoff\":1.5,\"computed_at\":" + T0 + "}");
        for (int i = 0; i < 5; i++) {
            b.accept(
                    Output.DEAD_LETTERS,
                    "{\"reason\":\"bad_number\",\"detail\":\"d\",\"payload\":\"line " + i + "\"}");
        }
        b.accept(Output.DEAD_LETTERS, "{\"reason\":\"missing_timestamp\",\"payload\":\"q\"}");
        for (int k = 0; k < 100; k++) {
            b.accept(Output.RECORDS, record("a", k, 10 + (k % 2), k == 10 ? 60 : 1, false));
            b.accept(Output.RECORDS, record("b", k, k == 70 ? 90 : 10, k == 70 ? 96 : 0, false));
            b.accept(Output.BUCKETS, bucket(k, k == 70 ? 96 : 1));
            b.accept(Output.INFLUENCERS, influencer("b", k, k == 70 ? 96 : 0));
            b.accept(Output.INFLUENCERS, influencer("a", k, 1));
        }
        b.accept(Output.RECORDS, record("a", 100, 99, 99, true)); // interim: not a result
        b.accept(Output.RECORDS, "{not json");
        return b;
    }

    @Test
    void theSummaryCountsWhatTheRunWroteAndGroupsDeadLettersByReason() {
        JsonNode s = twoHosts(ReportBuilder.Options.defaults()).build().get("summary");
        assertThat(s.get("job_id").asText()).isEqualTo("j");
        assertThat(s.get("series").asInt()).isEqualTo(2);
        assertThat(s.get("records").asInt()).isEqualTo(201); // 200 finals and the bad line
        assertThat(s.get("unreadable_lines").get("records").asInt()).isEqualTo(1);
        assertThat(s.get("events").asInt()).isEqualTo(300);
        assertThat(s.get("start").asLong()).isEqualTo(T0);
        assertThat(s.get("end").asLong()).isEqualTo(T0 + 100 * SPAN);
        JsonNode dead = s.get("dead_letters");
        assertThat(dead.get(0).get("reason").asText()).isEqualTo("bad_number");
        assertThat(dead.get(0).get("count").asInt()).isEqualTo(5);
        assertThat(dead.get(0).get("examples")).hasSize(3);
        assertThat(dead.get(1).get("reason").asText()).isEqualTo("missing_timestamp");
    }

    @Test
    void renormalizedScoresReplaceTheFirstOnesInTheTableAndTheSeries() {
        ObjectNode data = twoHosts(ReportBuilder.Options.defaults()).build();
        JsonNode top = data.get("top");
        // b's spike leads; a's bucket 10 was renormalized from 60 down to 3
        assertThat(top.get(0).get("t").asLong()).isEqualTo(T0 + 70 * SPAN);
        assertThat(top.get(0).get("score").asDouble()).isEqualTo(96);
        JsonNode a10 = null;
        for (JsonNode r : top) {
            if (r.get("t").asLong() == T0 + 10 * SPAN) {
                a10 = r;
            }
        }
        assertThat(a10.get("score").asDouble()).isEqualTo(3);
        assertThat(a10.get("initial").asDouble()).isEqualTo(60);
        assertThat(a10.get("influencers").get(0).asText()).isEqualTo("host=a");
        JsonNode series = data.get("series");
        assertThat(series.get(0).get("label").asText()).isEqualTo("mean(latency) host=b");
        assertThat(series.get(0).get("max_score").asDouble()).isEqualTo(96);
        assertThat(series.get(1).get("max_score").asDouble()).isEqualTo(3);
        // the series view marks b's spike, at full resolution
        assertThat(series.get(0).get("anomalies")).hasSize(1);
        assertThat(series.get(0).get("anomalies").get(0).get(1).asDouble()).isEqualTo(90);
        // the alert found its series, and the detector's cutoff was matched by its name
        assertThat(data.get("alerts").get(0).get("series").asInt()).isZero();
        assertThat(series.get(0).get("cutoff_kind").asText()).isEqualTo("j/0");
    }

    @Test
    void longSeriesAreDrawnAsMinAndMaxPerPoint() {
        ReportBuilder.Options few = new ReportBuilder.Options(50, 10, 200, 20, 500, 25);
        JsonNode a = twoHosts(few).build().get("series").get(1);
        assertThat(a.get("downsampled").asBoolean()).isTrue();
        assertThat(a.get("t")).hasSize(10);
        assertThat(a.get("records").asInt()).isEqualTo(100);
        for (int i = 0; i < 10; i++) {
            // a alternates 10, 11: each point of ten records keeps both
            assertThat(a.get("actual_min").get(i).asDouble()).isEqualTo(10);
            assertThat(a.get("actual_max").get(i).asDouble()).isEqualTo(11);
            assertThat(a.get("lower").get(i).asDouble()).isEqualTo(8);
            assertThat(a.get("upper").get(i).asDouble()).isEqualTo(12);
        }
        assertThat(a.get("t").get(1).asLong()).isEqualTo(T0 + 10 * SPAN);
    }

    @Test
    void theTimelineHasTheOverallLaneAndTheStrongestInfluencerLanes() {
        ReportBuilder.Options opts = new ReportBuilder.Options(50, 1000, 20, 1, 500, 25);
        JsonNode t = twoHosts(opts).build().get("timeline");
        assertThat(t.get("columns").asInt()).isEqualTo(20);
        assertThat(t.get("column_ms").asLong()).isEqualTo(5 * SPAN);
        JsonNode overall = t.get("overall");
        assertThat(overall.get("scores").get(14).asDouble()).isEqualTo(96); // buckets 70..74
        assertThat(overall.get("scores").get(13).asDouble()).isEqualTo(1);
        assertThat(overall.get("top_series").get(14).asInt()).isZero(); // b, drawn first
        // one lane asked for: b's, the strongest
        assertThat(t.get("influencers")).hasSize(1);
        assertThat(t.get("lanes_total").asInt()).isEqualTo(2);
        assertThat(t.get("influencers").get(0).get("value").asText()).isEqualTo("b");
        assertThat(t.get("influencers").get(0).get("scores").get(14).asDouble()).isEqualTo(96);
    }

    @Test
    void onlyTheTopSeriesAreKeptAndTheTableListsOnlyTheirRecords() {
        ReportBuilder.Options one = new ReportBuilder.Options(1, 1000, 200, 20, 500, 25);
        ObjectNode data = twoHosts(one).build();
        // b by score, and no room for more: a has no alert
        assertThat(data.get("series")).hasSize(1);
        assertThat(data.get("summary").get("series_shown").asInt()).isEqualTo(1);
        List<Integer> seriesOfRows = new ArrayList<>();
        data.get("top").forEach(r -> seriesOfRows.add(r.get("series").asInt()));
        assertThat(seriesOfRows).containsOnly(0);
    }

    @Test
    void thePageIsSelfContainedAndTheDataCannotEndItsScript() {
        String html = ReportWriter.html(twoHosts(ReportBuilder.Options.defaults()).build());
        assertThat(html).contains("uPlot").contains("forestwatch report: j");
        // the reasons carry "</script>": escaped inside the data
        int data = html.indexOf("id=\"report-data\">");
        int end = html.indexOf("</script>", data);
        String json = html.substring(data + "id=\"report-data\">".length(), end);
        assertThat(json).contains("\\u003c/script>");
        assertThat(html).doesNotContain("<script src").doesNotContain("<link");
    }
}
