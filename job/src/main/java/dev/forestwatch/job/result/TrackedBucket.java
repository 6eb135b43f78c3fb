package dev.forestwatch.job.result;

import dev.forestwatch.job.model.BucketResult;
import dev.forestwatch.job.output.ResultJson;

/** A bucket result kept for renormalization. */
public class TrackedBucket implements Renormalization.Tracked<TrackedBucket> {
    public BucketResult result;
    public double unusualness;
    public double lastEmittedScore;

    public TrackedBucket() {}

    public TrackedBucket(BucketResult result, double unusualness, double lastEmittedScore) {
        this.result = result;
        this.unusualness = unusualness;
        this.lastEmittedScore = lastEmittedScore;
    }

    @Override
    public long timestamp() {
        return result.timestamp();
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
    public TrackedBucket rescored(double score) {
        return new TrackedBucket(result.withScore(score), unusualness, score);
    }

    @Override
    public String json() {
        return ResultJson.bucket(result);
    }
}
