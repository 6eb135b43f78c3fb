package dev.forestwatch.job.output;

import dev.forestwatch.job.model.InfluencerResult;
import org.apache.flink.api.common.functions.MapFunction;

/** Map step: influencer result to its JSON line. */
public class InfluencerToJson implements MapFunction<InfluencerResult, String> {
    @Override
    public String map(InfluencerResult i) {
        return ResultJson.influencer(i);
    }
}
