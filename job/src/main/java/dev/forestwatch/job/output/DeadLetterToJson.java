package dev.forestwatch.job.output;

import dev.forestwatch.connectors.deadletter.DeadLetter;
import dev.forestwatch.connectors.deadletter.DeadLetterJson;
import org.apache.flink.api.common.functions.MapFunction;

/** Map step: dead letter to its JSON line (original payload as text or base64). */
public class DeadLetterToJson implements MapFunction<DeadLetter, String> {
    @Override
    public String map(DeadLetter d) {
        return DeadLetterJson.toJson(d);
    }
}
