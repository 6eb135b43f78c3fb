package dev.forestwatch.job.output;

import dev.forestwatch.job.model.RecordResult;
import org.apache.flink.api.common.functions.MapFunction;

/** Map step: record result to its JSON line. */
public class RecordToJson implements MapFunction<RecordResult, String> {
    @Override
    public String map(RecordResult r) {
        return ResultJson.record(r);
    }
}
