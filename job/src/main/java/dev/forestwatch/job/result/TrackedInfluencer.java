package dev.forestwatch.job.result;

import dev.forestwatch.job.model.InfluencerResult;
import dev.forestwatch.job.output.ResultJson;

/** An influencer result kept for renormalization. */
public class TrackedInfluencer implements Renormalization.Tracked<TrackedInfluencer> {
    public InfluencerResult result;
    public double unusualness;
    public double lastEmittedScore;

    public TrackedInfluencer() {}

    public TrackedInfluencer(InfluencerResult result, double unusualness, double lastEmittedScore) {
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
    public TrackedInfluencer rescored(double score) {
        return new TrackedInfluencer(result.withScore(score), unusualness, score);
    }

    @Override
    public String json() {
        return ResultJson.influencer(result);
    }
}
