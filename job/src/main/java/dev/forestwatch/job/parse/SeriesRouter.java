package dev.forestwatch.job.parse;

import dev.forestwatch.job.config.DetectorSpec;
import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.model.ParsedEvent;
import dev.forestwatch.job.model.SeriesPoint;
import java.util.List;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Fans one event out to every detector: one {@link SeriesPoint} per detector, keyed by the detector
 * and the event's partition and by values, carrying the detector's field values and the event's
 * influencer values.
 */
public class SeriesRouter implements FlatMapFunction<ParsedEvent, SeriesPoint> {
    private final int[][] valueIndexes;
    private final int[] distinctIndex;
    private final int[] byIndex;
    private final int[] partitionIndex;
    private final int[] influencerIndex;

    public SeriesRouter(JobSpec spec) {
        FieldLayout layout = FieldLayout.of(spec);
        List<DetectorSpec> detectors = spec.analysis().detectors();
        int n = detectors.size();
        valueIndexes = new int[n][];
        distinctIndex = new int[n];
        byIndex = new int[n];
        partitionIndex = new int[n];
        for (int i = 0; i < n; i++) {
            DetectorSpec d = detectors.get(i);
            boolean numeric = d.function().aggregation().numericField();
            valueIndexes[i] =
                    numeric
                            ? d.fields().stream().mapToInt(layout::numericIndex).toArray()
                            : new int[0];
            distinctIndex[i] =
                    !d.fields().isEmpty() && !numeric ? layout.textIndex(d.fields().get(0)) : -1;
            byIndex[i] = d.byFieldName() == null ? -1 : layout.textIndex(d.byFieldName());
            partitionIndex[i] =
                    d.partitionFieldName() == null ? -1 : layout.textIndex(d.partitionFieldName());
        }
        List<String> influencers = spec.analysis().influencers();
        influencerIndex = new int[influencers.size()];
        for (int i = 0; i < influencerIndex.length; i++) {
            String field = influencers.get(i);
            // an influencer may be a numeric field too; its text form is then used
            int t = layout.textIndex(field);
            influencerIndex[i] = t >= 0 ? t : -1 - layout.numericIndex(field);
        }
    }

    @Override
    public void flatMap(ParsedEvent e, Collector<SeriesPoint> out) {
        String[] influencers = new String[influencerIndex.length];
        for (int i = 0; i < influencers.length; i++) {
            int idx = influencerIndex[i];
            influencers[i] = idx >= 0 ? e.texts()[idx] : formatNumber(e.numbers()[-1 - idx]);
        }
        for (int i = 0; i < valueIndexes.length; i++) {
            String partition = partitionIndex[i] < 0 ? "" : e.texts()[partitionIndex[i]];
            String by = byIndex[i] < 0 ? "" : e.texts()[byIndex[i]];
            int[] idx = valueIndexes[i];
            double[] values = new double[idx.length];
            for (int j = 0; j < idx.length; j++) {
                values[j] = e.numbers()[idx[j]];
            }
            String distinct = distinctIndex[i] < 0 ? null : e.texts()[distinctIndex[i]];
            out.collect(
                    new SeriesPoint(
                            SeriesPoint.keyOf(i, partition, by),
                            i,
                            partition,
                            by,
                            e.timestamp(),
                            values,
                            distinct,
                            influencers));
        }
    }

    private static String formatNumber(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15
                ? Long.toString((long) d)
                : Double.toString(d);
    }
}
