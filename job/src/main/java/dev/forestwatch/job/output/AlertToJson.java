package dev.forestwatch.job.output;

import dev.forestwatch.job.alert.AlertJson;
import dev.forestwatch.job.model.Alert;
import org.apache.flink.api.common.functions.MapFunction;

/** Map step: alert to its JSON line. */
public class AlertToJson implements MapFunction<Alert, String> {
    @Override
    public String map(Alert a) {
        return AlertJson.toJson(a);
    }
}
