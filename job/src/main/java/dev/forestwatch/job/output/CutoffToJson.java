package dev.forestwatch.job.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forestwatch.connectors.dynamodb.CutoffItem;
import java.time.Instant;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * Map step: a cutoff recomputation to its JSON line, the seed's {@code anomaly_cut_off} item
 * ({@code data_kind, update_time, score_cutoff}) plus how it was computed.
 */
public class CutoffToJson implements MapFunction<CutoffItem, String> {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public String map(CutoffItem c) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("result_type", "cutoff");
        n.put("data_kind", c.dataKind());
        n.put("update_time", c.updateTime());
        n.put("score_cutoff", c.scoreCutoff());
        n.put("method", c.method());
        putFinite(n, "k", c.k());
        putFinite(n, "mean", c.mean());
        putFinite(n, "stddev", c.stddev());
        n.put("sample_count", c.sampleCount());
        n.put("computed_at", c.computedAtMillis());
        n.put("computed_at_string", Instant.ofEpochMilli(c.computedAtMillis()).toString());
        return n.toString();
    }

    private static void putFinite(ObjectNode n, String field, double v) {
        if (Double.isFinite(v)) {
            n.put(field, v);
        }
    }
}
