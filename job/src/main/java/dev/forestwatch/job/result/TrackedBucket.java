package dev.forestwatch.job.result;

import dev.forestwatch.job.model.BucketResult;

/** A bucket result kept for renormalization. */
public class TrackedBucket {
    public BucketResult result;
    public double unusualness;
    public double lastEmittedScore;

    public TrackedBucket() {}

    public TrackedBucket(BucketResult result, double unusualness, double lastEmittedScore) {
        this.result = result;
        this.unusualness = unusualness;
        this.lastEmittedScore = lastEmittedScore;
    }
}
