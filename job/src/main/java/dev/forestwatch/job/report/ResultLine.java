package dev.forestwatch.job.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of one result line (record, influencer or bucket) that the report uses, read with
 * Jackson's streaming parser: a day of a thousand series is about two million lines, and building a
 * tree per line would spend most of the report's time on fields it never reads.
 */
final class ResultLine {
    private static final JsonFactory JSON = new JsonFactory();

    String jobId;
    String resultType;
    String resultId;
    long bucketSpanSeconds;
    long eventCount;
    long timestamp;
    int detectorIndex;
    String description;
    String byValue;
    String partitionValue;
    double score = Double.NaN;
    double initialScore = Double.NaN;
    double rawScore = Double.NaN;
    double[] actual;
    double[] typical;
    double[] modelLower;
    double[] modelUpper;
    String reason;
    String influencerFieldName;
    String influencerFieldValue;

    /** Record influencers as {@code field=value} pairs. */
    final List<String[]> influencers = new ArrayList<>();

    boolean interim;

    private void reset() {
        jobId = null;
        resultType = null;
        resultId = null;
        bucketSpanSeconds = 0;
        eventCount = 0;
        timestamp = 0;
        detectorIndex = 0;
        description = null;
        byValue = null;
        partitionValue = null;
        score = Double.NaN;
        initialScore = Double.NaN;
        rawScore = Double.NaN;
        actual = null;
        typical = null;
        modelLower = null;
        modelUpper = null;
        reason = null;
        influencerFieldName = null;
        influencerFieldValue = null;
        influencers.clear();
        interim = false;
    }

    /**
     * Reads one JSON line into this object (reused line after line).
     *
     * @throws IOException when the line is not a JSON object
     */
    ResultLine parse(String line) throws IOException {
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            read(p);
            if (p.nextToken() != null) {
                throw new IOException("more than one JSON value on the line");
            }
        }
        return this;
    }

    /** A parser over {@code length} bytes of UTF-8 from {@code offset}: one or more lines. */
    static JsonParser parser(byte[] bytes, int offset, int length) throws IOException {
        return JSON.createParser(bytes, offset, length);
    }

    /**
     * Reads the object whose {@code START_OBJECT} is the parser's current token into this object
     * (cleared first), leaving the parser on its {@code END_OBJECT}.
     */
    ResultLine read(JsonParser p) throws IOException {
        reset();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "job_id" -> jobId = p.getText();
                case "result_type" -> resultType = p.getText();
                case "bucket_span" -> bucketSpanSeconds = p.getLongValue();
                case "event_count" -> eventCount = p.getLongValue();
                case "result_id" -> resultId = p.getText();
                case "timestamp" -> timestamp = p.getLongValue();
                case "detector_index" -> detectorIndex = p.getIntValue();
                case "function_description" -> description = p.getText();
                case "by_field_value" -> byValue = p.getText();
                case "partition_field_value" -> partitionValue = p.getText();
                case "record_score", "influencer_score", "anomaly_score" ->
                        score = p.getDoubleValue();
                case "initial_record_score", "initial_influencer_score", "initial_anomaly_score" ->
                        initialScore = p.getDoubleValue();
                case "raw_score", "max_raw_score" -> rawScore = p.getDoubleValue();
                case "actual" -> actual = numbers(p, value);
                case "typical" -> typical = numbers(p, value);
                case "model_lower" -> modelLower = numbers(p, value);
                case "model_upper" -> modelUpper = numbers(p, value);
                case "reason" -> reason = p.getText();
                case "influencer_field_name" -> influencerFieldName = p.getText();
                case "influencer_field_value" -> influencerFieldValue = p.getText();
                case "influencers" -> influencers(p, value);
                case "is_interim" -> interim = value == JsonToken.VALUE_TRUE;
                default -> p.skipChildren();
            }
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw new IOException("not a JSON object");
        }
        return this;
    }

    private static double[] numbers(JsonParser p, JsonToken start) throws IOException {
        if (start != JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        double[] out = new double[4];
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (n == out.length) {
                out = java.util.Arrays.copyOf(out, n * 2);
            }
            out[n++] = p.currentToken().isNumeric() ? p.getDoubleValue() : Double.NaN;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /** {@code [{"influencer_field_name": f, "influencer_field_values": [v, ...]}, ...]}. */
    private void influencers(JsonParser p, JsonToken start) throws IOException {
        if (start != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
            String field = null;
            List<String> values = new ArrayList<>(2);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (name.equals("influencer_field_name")) {
                    field = p.getText();
                } else if (name.equals("influencer_field_values") && t == JsonToken.START_ARRAY) {
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        values.add(p.getText());
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (field != null) {
                for (String v : values) {
                    influencers.add(new String[] {field, v});
                }
            }
        }
    }
}
