package dev.forestwatch.job.result;

import dev.forestwatch.job.model.RecordResult;
import dev.forestwatch.job.output.ResultJson;

/** A record kept for renormalization: the record, its unusualness and its last emitted score. */
public class TrackedRecord implements Renormalization.Tracked<TrackedRecord> {
    public RecordResult record;
    public double unusualness;
    public double lastEmittedScore;

    public TrackedRecord() {}

    public TrackedRecord(RecordResult record, double unusualness, double lastEmittedScore) {
        this.record = record;
        this.unusualness = unusualness;
        this.lastEmittedScore = lastEmittedScore;
    }

    @Override
    public long timestamp() {
        return record.timestamp();
    }

    @Override
    public double unusualness() {
        return unusualness;
    }

    @Override
    public double lastEmittedScore() {
        return lastEmittedScore;
    }

    @Override
    public TrackedRecord rescored(double score) {
        return new TrackedRecord(
                record.withScores(record.probability(), score, record.initialRecordScore()),
                unusualness,
                score);
    }

    @Override
    public String json() {
        return ResultJson.record(record);
    }
}
