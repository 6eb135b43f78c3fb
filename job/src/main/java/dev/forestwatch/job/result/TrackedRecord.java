package dev.forestwatch.job.result;

import dev.forestwatch.job.model.RecordResult;

/** A record kept for renormalization: the record, its unusualness and its last emitted score. */
public class TrackedRecord {
    public RecordResult record;
    public double unusualness;
    public double lastEmittedScore;

    public TrackedRecord() {}

    public TrackedRecord(RecordResult record, double unusualness, double lastEmittedScore) {
        this.record = record;
        this.unusualness = unusualness;
        this.lastEmittedScore = lastEmittedScore;
    }
}
