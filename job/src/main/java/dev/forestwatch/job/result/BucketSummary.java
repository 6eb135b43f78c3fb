package dev.forestwatch.job.result;

import dev.forestwatch.job.model.RecordResult;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Running totals of one bucket across all series, including per influencer value the lowest
 * probability and the number of records it influenced. A Flink POJO kept in keyed state.
 *
 * <p>The influencer arrays have spare capacity: only the first {@link #influencerCount} entries are
 * used. They grow by doubling, and a transient hash index finds a value's entry, so a bucket with n
 * distinct influencer values costs O(n), not O(n²) (the index is rebuilt after the summary was
 * deserialized).
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

    /** The raw score of the top record: the tie-break between equal record scores. */
    public double topRecordRawScore;

    public long processingNanos;
    public String[] influencerFields = new String[0];
    public String[] influencerValues = new String[0];
    public double[] influencerMinProbability = new double[0];
    public long[] influencerRecords = new long[0];
    public int influencerCount;

    private transient Map<String, Integer> index;

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
        // a total order (score, then raw score, then series), so that the top record does not
        // depend on the order in which parallel scorers deliver a bucket's records
        boolean top = r.recordScore() > maxRecordScore;
        if (!top && r.recordScore() == maxRecordScore) {
            if (r.rawScore() != topRecordRawScore) {
                top = r.rawScore() > topRecordRawScore;
            } else {
                String series = RecordDescriptions.series(r);
                top = topRecordSeries == null || series.compareTo(topRecordSeries) < 0;
            }
        }
        if (top) {
            topRecordSeries = RecordDescriptions.series(r);
            topRecordRawScore = r.rawScore();
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
        if (index == null) {
            index = new HashMap<>();
            for (int i = 0; i < influencerCount; i++) {
                index.put(key(influencerFields[i], influencerValues[i]), i);
            }
        }
        String key = key(field, value);
        Integer at = index.get(key);
        if (at != null) {
            influencerMinProbability[at] = Math.min(influencerMinProbability[at], probability);
            influencerRecords[at]++;
            return;
        }
        int n = influencerCount;
        if (n == influencerFields.length) {
            int capacity = Math.max(4, 2 * n);
            influencerFields = Arrays.copyOf(influencerFields, capacity);
            influencerValues = Arrays.copyOf(influencerValues, capacity);
            influencerMinProbability = Arrays.copyOf(influencerMinProbability, capacity);
            influencerRecords = Arrays.copyOf(influencerRecords, capacity);
        }
        influencerFields[n] = field;
        influencerValues[n] = value;
        influencerMinProbability[n] = probability;
        influencerRecords[n] = 1;
        influencerCount = n + 1;
        index.put(key, n);
    }

    private static String key(String field, String value) {
        return field + '\u001f' + value;
    }
}
