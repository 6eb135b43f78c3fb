package dev.forestwatch.job.result;

import dev.forestwatch.job.model.AlertCandidate;
import dev.forestwatch.job.model.BucketResult;
import dev.forestwatch.job.model.InfluencerResult;
import dev.forestwatch.job.model.RecordResult;
import dev.forestwatch.job.score.Severity;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.apache.flink.api.common.functions.MapFunction;

/** Turns final records, influencers and buckets into what the alert policies look at. */
public final class AlertCandidates {
    private AlertCandidates() {}

    /** Entity of a record: its detector and split values. */
    public static String recordEntity(RecordResult r) {
        StringBuilder b = new StringBuilder("detector ").append(r.detectorIndex());
        if (r.byFieldName() != null) {
            b.append(' ').append(r.byFieldName()).append('=').append(r.byFieldValue());
        }
        if (r.partitionFieldName() != null) {
            b.append(' ')
                    .append(r.partitionFieldName())
                    .append('=')
                    .append(r.partitionFieldValue());
        }
        return b.toString();
    }

    /** Records; the data kind names the cutoff the record's raw score is compared with. */
    public static class FromRecord implements MapFunction<RecordResult, AlertCandidate> {
        private final DataKindFunction dataKind;

        public FromRecord(DataKindFunction dataKind) {
            this.dataKind = dataKind;
        }

        @Override
        public AlertCandidate map(RecordResult r) {
            return new AlertCandidate(
                    r.jobId(),
                    "record",
                    recordEntity(r),
                    r.resultId(),
                    dataKind.apply(r),
                    r.timestamp(),
                    r.bucketSpanSeconds(),
                    r.recordScore(),
                    Severity.of(r.recordScore()).label(),
                    r.rawScore(),
                    r.probability(),
                    RecordDescriptions.series(r),
                    r.reason(),
                    new String[] {r.reason()},
                    new String[0]);
        }
    }

    /** The data kind of a record (which cutoff applies to it). */
    @FunctionalInterface
    public interface DataKindFunction extends Function<RecordResult, String>, Serializable {}

    /** Influencers. */
    public static class FromInfluencer implements MapFunction<InfluencerResult, AlertCandidate> {
        @Override
        public AlertCandidate map(InfluencerResult i) {
            String entity = i.influencerFieldName() + "=" + i.influencerFieldValue();
            return new AlertCandidate(
                    i.jobId(),
                    "influencer",
                    entity,
                    i.resultId(),
                    null,
                    i.timestamp(),
                    i.bucketSpanSeconds(),
                    i.influencerScore(),
                    Severity.of(i.influencerScore()).label(),
                    Double.NaN,
                    i.probability(),
                    entity,
                    String.format(
                            Locale.ROOT,
                            "%s influenced %d record(s) with probability %.2e",
                            entity,
                            i.recordCount(),
                            i.probability()),
                    new String[0],
                    new String[] {
                        String.format(Locale.ROOT, "%s (%.0f)", entity, i.influencerScore())
                    });
        }
    }

    /** Buckets. */
    public static class FromBucket implements MapFunction<BucketResult, AlertCandidate> {
        @Override
        public AlertCandidate map(BucketResult b) {
            List<String> influencers = new ArrayList<>();
            for (int i = 0; i < b.bucketInfluencerFields().length; i++) {
                if (!b.bucketInfluencerFields()[i].equals("bucket_time")) {
                    influencers.add(
                            String.format(
                                    Locale.ROOT,
                                    "%s (%.0f)",
                                    b.bucketInfluencerFields()[i],
                                    b.bucketInfluencerScores()[i]));
                }
            }
            return new AlertCandidate(
                    b.jobId(),
                    "bucket",
                    "bucket",
                    b.resultId(),
                    null,
                    b.timestamp(),
                    b.bucketSpanSeconds(),
                    b.anomalyScore(),
                    Severity.of(b.anomalyScore()).label(),
                    Double.NaN,
                    b.probability(),
                    "bucket",
                    String.format(
                            Locale.ROOT,
                            "%d of %d records anomalous, top: %s",
                            b.anomalousRecordCount(),
                            b.recordCount(),
                            b.topRecordSeries()),
                    b.topRecordSeries() == null
                            ? new String[0]
                            : new String[] {b.topRecordSeries()},
                    influencers.toArray(new String[0]));
        }
    }
}
