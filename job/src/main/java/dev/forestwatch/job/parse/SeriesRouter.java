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
 * and the event's partition and by values.
 */
public class SeriesRouter implements FlatMapFunction<ParsedEvent, SeriesPoint> {
    private final int[] valueIndex;
    private final int[] distinctIndex;
    private final int[] byIndex;
    private final int[] partitionIndex;

    public SeriesRouter(JobSpec spec) {
        FieldLayout layout = FieldLayout.of(spec);
        List<DetectorSpec> detectors = spec.analysis().detectors();
        int n = detectors.size();
        valueIndex = new int[n];
        distinctIndex = new int[n];
        byIndex = new int[n];
        partitionIndex = new int[n];
        for (int i = 0; i < n; i++) {
            DetectorSpec d = detectors.get(i);
            boolean numeric = d.function().aggregation().numericField();
            valueIndex[i] = numeric ? layout.numericIndex(d.fieldName()) : -1;
            distinctIndex[i] =
                    d.fieldName() != null && !numeric ? layout.textIndex(d.fieldName()) : -1;
            byIndex[i] = d.byFieldName() == null ? -1 : layout.textIndex(d.byFieldName());
            partitionIndex[i] =
                    d.partitionFieldName() == null ? -1 : layout.textIndex(d.partitionFieldName());
        }
    }

    @Override
    public void flatMap(ParsedEvent e, Collector<SeriesPoint> out) {
        for (int i = 0; i < valueIndex.length; i++) {
            String partition = partitionIndex[i] < 0 ? "" : e.texts()[partitionIndex[i]];
            String by = byIndex[i] < 0 ? "" : e.texts()[byIndex[i]];
            double value = valueIndex[i] < 0 ? 0.0 : e.numbers()[valueIndex[i]];
            String distinct = distinctIndex[i] < 0 ? null : e.texts()[distinctIndex[i]];
            out.collect(
                    new SeriesPoint(
                            SeriesPoint.keyOf(i, partition, by),
                            i,
                            partition,
                            by,
                            e.timestamp(),
                            value,
                            distinct));
        }
    }
}
