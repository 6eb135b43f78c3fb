package dev.forestwatch.job.result;

/** Running totals of one bucket across all series; a Flink POJO kept in keyed state. */
public class BucketSummary {
    public long eventCount;
    public long recordCount;
    public long anomalousRecordCount;
    public double maxGrade;
    public double maxRawScore;
    public String topRecordSeries;
    public long processingNanos;

    public BucketSummary() {}
}
