package dev.forestwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.connectors.deadletter.DeadLetter;
import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.config.JobSpecLoader;
import dev.forestwatch.job.model.Alert;
import dev.forestwatch.job.model.AlertCandidate;
import dev.forestwatch.job.model.BucketResult;
import dev.forestwatch.job.model.InfluencerResult;
import dev.forestwatch.job.model.ParsedEvent;
import dev.forestwatch.job.model.RecordResult;
import dev.forestwatch.job.model.ScoreSample;
import dev.forestwatch.job.model.SeriesPoint;
import dev.forestwatch.job.result.BucketSummary;
import dev.forestwatch.job.result.TrackedBucket;
import dev.forestwatch.job.result.TrackedInfluencer;
import dev.forestwatch.job.result.TrackedRecord;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

/** The production graph, checked without running it. */
class AnomalyPipelineTest {

    private static StreamGraph demoGraph() {
        JobSpec spec = JobSpecLoader.loadDemo();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        OutputSinks sinks = new OutputSinks();
        for (Output o : Output.values()) {
            sinks.add(o, "file", new DiscardingSink<>(), 1);
        }
        sinks.add(Output.ALERTS, "console", new DiscardingSink<>(), 1);
        new AnomalyPipeline(spec, EventSources.fromSpec(spec)).build(env, sinks);
        assertThat(env.getConfig().hasGenericTypesDisabled()).isTrue();
        assertThat(env.getConfiguration().get(PipelineOptions.AUTO_GENERATE_UIDS)).isFalse();
        assertThat(env.getMaxParallelism()).isEqualTo(AnomalyPipeline.DEFAULT_MAX_PARALLELISM);
        // Fails if any operator lacks a uid, because auto-generated uids are disabled.
        return env.getStreamGraph();
    }

    @Test
    void everyOperatorHasTheDocumentedStableUid() {
        StreamGraph graph = demoGraph();
        Set<String> uids = new TreeSet<>();
        for (StreamNode node : graph.getStreamNodes()) {
            if (node.getTransformationUID() != null) {
                uids.add(node.getTransformationUID());
            }
        }
        assertThat(uids)
                .contains(
                        OperatorUids.DATAGEN_SOURCE,
                        OperatorUids.DATAGEN_SPLITTER,
                        OperatorUids.PARSER,
                        OperatorUids.WATERMARKS,
                        OperatorUids.LATE_FILTER,
                        OperatorUids.SERIES_ROUTER,
                        OperatorUids.BUCKET_SCORER,
                        OperatorUids.RECORD_NORMALIZER,
                        OperatorUids.BUCKET_RESULTS,
                        OperatorUids.RECORD_SCORE_FILTER,
                        OperatorUids.RECORDS_JSON,
                        OperatorUids.SCORE_SAMPLES,
                        OperatorUids.CUTOFF_RECOMPUTER,
                        OperatorUids.ALERT_PREFILTER,
                        OperatorUids.ALERTS,
                        OperatorUids.ALERT_MESSAGES,
                        "records-file-sink",
                        "influencers-file-sink",
                        "buckets-file-sink",
                        "renormalized-file-sink",
                        "alerts-file-sink",
                        "alerts-console-sink",
                        "cutoffs-file-sink",
                        "dead-letters-file-sink");
    }

    @Test
    void everyTypeOnTheWireIsAKryoFreePojo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(ParsedEvent.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(SeriesPoint.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(RecordResult.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(BucketResult.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(InfluencerResult.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(TrackedRecord.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(TrackedBucket.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(TrackedInfluencer.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(BucketSummary.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(Alert.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(AlertCandidate.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(ScoreSample.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(DeadLetter.class);
    }
}
