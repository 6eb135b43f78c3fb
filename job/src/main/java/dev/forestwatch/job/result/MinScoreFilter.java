package dev.forestwatch.job.result;

import dev.forestwatch.job.model.RecordResult;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFilterFunction;
import org.apache.flink.metrics.Counter;

/**
 * Drops records scoring below {@code scoring.min_record_score} from the records output (they still
 * count in bucket and influencer results) and counts them in {@code recordsBelowMinScore}.
 */
public class MinScoreFilter extends RichFilterFunction<RecordResult> {
    private final double minScore;
    private transient Counter suppressed;

    public MinScoreFilter(double minScore) {
        this.minScore = minScore;
    }

    @Override
    public void open(OpenContext openContext) {
        suppressed = getRuntimeContext().getMetricGroup().counter("recordsBelowMinScore");
    }

    @Override
    public boolean filter(RecordResult r) {
        if (r.recordScore() >= minScore) {
            return true;
        }
        suppressed.inc();
        return false;
    }
}
