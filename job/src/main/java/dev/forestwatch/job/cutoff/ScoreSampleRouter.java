package dev.forestwatch.job.cutoff;

import dev.forestwatch.job.config.CutoffSpec;
import dev.forestwatch.job.model.RecordResult;
import dev.forestwatch.job.model.ScoreSample;
import java.util.Objects;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Turns final record results into {@link ScoreSample}s for {@link CutoffRecomputer}, under the data
 * kind that the spec's {@code per} setting selects.
 *
 * <p>Interim records are skipped because the final record of the same bucket follows and would
 * count the bucket twice; records of a forest still warming up are skipped because their raw score
 * is a placeholder (0), which would drag the mean down and shrink σ.
 */
public class ScoreSampleRouter implements FlatMapFunction<RecordResult, ScoreSample> {

    private static final long serialVersionUID = 1L;

    /** Separator between the parts of a detector or series data kind. */
    public static final String SEPARATOR = "/";

    private final CutoffSpec spec;

    /** Routes by {@code spec.per()} under {@code spec.dataKind()}. */
    public ScoreSampleRouter(CutoffSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
    }

    @Override
    public void flatMap(RecordResult record, Collector<ScoreSample> out) {
        if (record.isInterim() || !record.modelReady()) {
            return;
        }
        out.collect(
                new ScoreSample(dataKindOf(spec, record), record.timestamp(), record.rawScore()));
    }

    /**
     * The {@code data_kind} whose cutoff applies to {@code record}; the alerting side calls this to
     * look up the same key the recomputation writes.
     *
     * <ul>
     *   <li>{@code per: job}: {@code spec.dataKind()}
     *   <li>{@code per: detector}: {@code dataKind/detectorIndex}
     *   <li>{@code per: series}: {@code dataKind/detectorIndex/partitionValue/byValue}, with a
     *       missing value as the empty string
     * </ul>
     *
     * <p>Values are not escaped, so a partition or by value containing {@code /} can produce the
     * same key as another pair of values; keep {@code /} out of those fields when using {@code per:
     * series}.
     */
    public static String dataKindOf(CutoffSpec spec, RecordResult record) {
        return dataKindOf(
                spec, record.detectorIndex(), record.partitionFieldValue(), record.byFieldValue());
    }

    /** The {@code data_kind} of a series given by its detector, partition and by values. */
    public static String dataKindOf(
            CutoffSpec spec, int detectorIndex, String partitionValue, String byValue) {
        return switch (spec.per()) {
            case JOB -> spec.dataKind();
            case DETECTOR -> spec.dataKind() + SEPARATOR + detectorIndex;
            case SERIES ->
                    spec.dataKind()
                            + SEPARATOR
                            + detectorIndex
                            + SEPARATOR
                            + nullToEmpty(partitionValue)
                            + SEPARATOR
                            + nullToEmpty(byValue);
        };
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
