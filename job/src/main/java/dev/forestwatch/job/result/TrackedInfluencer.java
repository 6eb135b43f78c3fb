package dev.forestwatch.job.result;

import dev.forestwatch.job.model.InfluencerResult;

/** An influencer result kept for renormalization. */
public class TrackedInfluencer {
    public InfluencerResult result;
    public double unusualness;
    public double lastEmittedScore;

    public TrackedInfluencer() {}

    public TrackedInfluencer(InfluencerResult result, double unusualness, double lastEmittedScore) {
        this.result = result;
        this.unusualness = unusualness;
        this.lastEmittedScore = lastEmittedScore;
    }
}
