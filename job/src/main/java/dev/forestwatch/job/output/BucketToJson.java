package dev.forestwatch.job.output;

import dev.forestwatch.job.model.BucketResult;
import org.apache.flink.api.common.functions.MapFunction;

/** Map step: bucket result to its JSON line. */
public class BucketToJson implements MapFunction<BucketResult, String> {
    @Override
    public String map(BucketResult b) {
        return ResultJson.bucket(b);
    }
}
