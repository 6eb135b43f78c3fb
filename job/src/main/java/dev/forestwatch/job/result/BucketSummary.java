package dev.forestwatch.job.result;

import dev.forestwatch.job.model.RecordResult;
import java.util.Arrays;

/**
 * Running totals of one bucket across all series, including per influencer value the lowest
 * probability and the number of records it influenced. A Flink POJO kept in keyed state.
 */
public class BucketSummary {
    public long eventCount;
    public long recordCount;
    public long anomalousRecordCount;
    public double maxGrade;
    public double maxRawScore;
    public double maxRecordScore = -1;
    public double minProbability = 1.0;
    public String topRecordSeries;
    public long processingNanos;
    public String[] influencerFields = new String[0];
    public String[] influencerValues = new String[0];
    public double[] influencerMinProbability = new double[0];
    public long[] influencerRecords = new long[0];

    public BucketSummary() {}

    /** Adds one scored record. */
    public void add(RecordResult r, boolean countEvents) {
        if (countEvents) {
            eventCount += r.eventCount();
        }
        recordCount++;
        if (r.grade() > 0) {
            anomalousRecordCount++;
        }
        if (r.recordScore() > maxRecordScore
                || (r.recordScore() == maxRecordScore && r.rawScore() > maxRawScore)) {
            topRecordSeries = RecordDescriptions.series(r);
        }
        maxRecordScore = Math.max(maxRecordScore, r.recordScore());
        maxGrade = Math.max(maxGrade, r.grade());
        maxRawScore = Math.max(maxRawScore, r.rawScore());
        minProbability = Math.min(minProbability, r.probability());
        processingNanos += r.processingNanos();
        String[] fields = r.influencerFields();
        for (int i = 0; fields != null && i < fields.length; i++) {
            influence(fields[i], r.influencerValues()[i], r.probability());
        }
    }

    private void influence(String field, String value, double probability) {
        for (int i = 0; i < influencerFields.length; i++) {
            if (influencerFields[i].equals(field) && influencerValues[i].equals(value)) {
                influencerMinProbability[i] = Math.min(influencerMinProbability[i], probability);
                influencerRecords[i]++;
                return;
            }
        }
        int n = influencerFields.length;
        influencerFields = Arrays.copyOf(influencerFields, n + 1);
        influencerValues = Arrays.copyOf(influencerValues, n + 1);
        influencerMinProbability = Arrays.copyOf(influencerMinProbability, n + 1);
        influencerRecords = Arrays.copyOf(influencerRecords, n + 1);
        influencerFields[n] = field;
        influencerValues[n] = value;
        influencerMinProbability[n] = probability;
        influencerRecords[n] = 1;
    }
}
