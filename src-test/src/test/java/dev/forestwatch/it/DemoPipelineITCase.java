package dev.forestwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.forestwatch.connectors.datagen.InjectedAnomaly;
import dev.forestwatch.connectors.datagen.SyntheticMetrics;
import dev.forestwatch.connectors.deadletter.DeadLetter;
import dev.forestwatch.connectors.dynamodb.CutoffItem;
import dev.forestwatch.it.support.CollectedRun;
import dev.forestwatch.it.support.CutoffRecompute;
import dev.forestwatch.it.support.MiniClusters;
import dev.forestwatch.job.AnomalyPipeline;
import dev.forestwatch.job.EventSources;
import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.config.JobSpecLoader;
import dev.forestwatch.job.model.Alert;
import dev.forestwatch.job.model.BucketResult;
import dev.forestwatch.job.model.RecordResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.runtime.kryo.KryoSerializer;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bundled demo, end to end on a MiniCluster at parallelism 2 with generic types disabled: every
 * injected anomaly must be among the top-graded anomalies, and nothing else may outrank them.
 */
class DemoPipelineITCase {
    @RegisterExtension static final MiniClusterExtension CLUSTER = MiniClusters.twoSlots();

    static JobSpec spec;
    static CollectedRun run;
    static List<RecordResult> records;
    static List<BucketResult> buckets;
    static List<DeadLetter> deadLetters;

    @BeforeAll
    static void runDemo() throws Exception {
        spec = JobSpecLoader.loadDemo();
        run = CollectedRun.run(spec, EventSources.fromSpec(spec), 2);
        records = run.records;
        buckets = run.buckets;
        deadLetters = run.deadLetters;
    }

    @Test
    void theGraphRunsWithoutKryoAndWithExplicitUids() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        new AnomalyPipeline(spec, EventSources.fromSpec(spec)).build(env);
        assertThat(env.getConfig().hasGenericTypesDisabled()).isTrue();
        assertThat(env.getConfiguration().get(PipelineOptions.AUTO_GENERATE_UIDS)).isFalse();
        // what the flags promise, checked on the graph itself: every operator has its own uid and
        // a name, and no edge between operators is serialized with Kryo
        StreamGraph graph = env.getStreamGraph(false);
        List<String> uids = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            assertThat(node.getTransformationUID()).as("uid of %s", node).isNotBlank();
            assertThat(node.getOperatorName()).as("name of %s", node).isNotBlank();
            uids.add(node.getTransformationUID());
            List<TypeSerializer<?>> serializers = new ArrayList<>();
            serializers.add(node.getTypeSerializerOut());
            serializers.addAll(Arrays.asList(node.getTypeSerializersIn()));
            for (TypeSerializer<?> serializer : serializers) {
                if (serializer != null) {
                    assertThat(serializer)
                            .as("serializer of %s", node.getOperatorName())
                            .isNotInstanceOf(KryoSerializer.class);
                }
            }
        }
        assertThat(uids).hasSizeGreaterThan(10).doesNotHaveDuplicates();
    }

    @Test
    void everyCutoffIsMeanPlusThreeSigmaOfTheRunsOwnRawScoresOfTheLastSevenDays() {
        // recomputed here from the records themselves, not from the cutoff's own mean and sigma:
        // the model-ready, final records of the detector in [computed_at - 7d, computed_at)
        long history = spec.scoring().cutoff().history().toMillis();
        assertThat(run.cutoffs).hasSizeGreaterThan(100);
        for (CutoffItem c : run.cutoffs) {
            int detector = Integer.parseInt(c.dataKind().substring("demo/".length()));
            long to = c.computedAtMillis();
            double[] scores =
                    records.stream()
                            .filter(r -> r.detectorIndex() == detector && r.modelReady())
                            .filter(r -> !r.isInterim())
                            .filter(r -> r.timestamp() >= to - history && r.timestamp() < to)
                            .mapToDouble(RecordResult::rawScore)
                            .toArray();
            CutoffRecompute expected = CutoffRecompute.of(scores);
            assertThat(c.sampleCount()).as("samples of %s", c).isEqualTo(expected.count());
            assertThat(c.mean()).as("mean of %s", c).isCloseTo(expected.mean(), within(1e-9));
            assertThat(c.stddev()).as("sigma of %s", c).isCloseTo(expected.sigma(), within(1e-9));
            assertThat(c.scoreCutoff()).isCloseTo(expected.cutoff(3), within(1e-9));
        }
    }

    @Test
    void alertsAndCutoffsAreWritten() {
        assertThat(run.cutoffs).isNotEmpty();
        assertThat(run.cutoffs).extracting(CutoffItem::dataKind).containsOnly("demo/0", "demo/1");
        assertThat(run.alerts).isNotEmpty();
        assertThat(run.alerts).extracting(Alert::alertId).doesNotHaveDuplicates();
        assertThat(run.alerts)
                .filteredOn(a -> a.mode().equals("cutoff"))
                .isNotEmpty()
                .allSatisfy(a -> assertThat(a.rawScore()).isGreaterThan(a.cutoff()));
        // the spike, dip and level shift raised alerts at their time (the silence scores major,
        // below the demo's critical policies; see injectedAnomaliesScoreHighest)
        long span = spec.analysis().bucketSpan().toMillis();
        List<InjectedAnomaly> injected = SyntheticMetrics.anomalies(spec.source().datagen());
        for (InjectedAnomaly a : injected) {
            if (a.kind().equals("silence")) {
                continue;
            }
            assertThat(run.alerts)
                    .as("alert for injected %s", a.kind())
                    .anyMatch(x -> a.overlaps(x.timestamp() - span, x.timestamp() + 2 * span));
        }
        // and nothing else did: no false alerts at weekend starts or anywhere else
        assertThat(run.alerts)
                .as("alerts outside the injected anomalies")
                .allSatisfy(
                        x ->
                                assertThat(injected)
                                        .anyMatch(
                                                a ->
                                                        a.overlaps(
                                                                x.timestamp() - span,
                                                                x.timestamp() + 2 * span)));
    }

    @Test
    void everySeriesIsScoredInEveryBucket() {
        long spanMillis = spec.analysis().bucketSpan().toMillis();
        long bucketsInRun = spec.source().datagen().duration().toMillis() / spanMillis;
        assertThat(buckets).hasSize((int) bucketsInRun);
        assertThat(deadLetters).isEmpty();
        // six hosts, two detectors; the silent host still gets its zero-count records
        long countRecords = records.stream().filter(r -> r.function().equals("low_count")).count();
        assertThat(countRecords).isEqualTo(6 * bucketsInRun);
        long events = buckets.stream().mapToLong(BucketResult::eventCount).sum();
        long meanEvents =
                records.stream()
                        .filter(r -> r.detectorIndex() == 0)
                        .mapToLong(RecordResult::eventCount)
                        .sum();
        assertThat(events).isEqualTo(meanEvents).isGreaterThan(100_000);
    }

    @Test
    void injectedAnomaliesScoreHighest() {
        List<InjectedAnomaly> injected = SyntheticMetrics.anomalies(spec.source().datagen());
        assertThat(injected).hasSize(4);
        long span = spec.analysis().bucketSpan().toMillis();
        // The spike, dip and level shift are the three highest distinct anomalies. The silence
        // follows the first weekend's start (a series that has seen one week cannot know yet that
        // Saturdays are quieter), within the top ten.
        List<Anomaly> top3 = Anomaly.distinctTop(records, span, 3);
        List<Anomaly> top10 = Anomaly.distinctTop(records, span, 10);
        for (InjectedAnomaly a : injected) {
            List<Anomaly> top = a.kind().equals("silence") ? top10 : top3;
            assertThat(top)
                    .as(
                            "injected %s on %s should be among the top %d: %s",
                            a.kind(), a.entity(), top.size(), top)
                    .anyMatch(t -> t.matches(a, span));
        }
    }

    /** One distinct anomaly: the best record of a series within a stretch of buckets. */
    record Anomaly(String series, String host, long timestamp, double grade, double score) {
        boolean matches(InjectedAnomaly a, long span) {
            return a.entity().equals(host) && a.overlaps(timestamp - span, timestamp + 2 * span);
        }

        static List<Anomaly> distinctTop(List<RecordResult> records, long span, int n) {
            List<RecordResult> graded =
                    records.stream()
                            .filter(r -> r.recordScore() > 0 && !r.isInterim())
                            .sorted(
                                    Comparator.comparingDouble(RecordResult::recordScore)
                                            .thenComparingDouble(RecordResult::grade)
                                            .thenComparingDouble(RecordResult::rawScore)
                                            .reversed())
                            .toList();
            List<Anomaly> top = new ArrayList<>();
            for (RecordResult r : graded) {
                String series = r.detectorIndex() + "/" + r.byFieldValue();
                boolean seen =
                        top.stream()
                                .anyMatch(
                                        t ->
                                                t.series().equals(series)
                                                        && Math.abs(
                                                                        t.timestamp()
                                                                                - r
                                                                                        .anomalyTimestamp())
                                                                <= 12 * span);
                if (!seen) {
                    top.add(
                            new Anomaly(
                                    series,
                                    r.byFieldValue(),
                                    r.anomalyTimestamp(),
                                    r.grade(),
                                    r.rawScore()));
                }
                if (top.size() == n) {
                    break;
                }
            }
            return top;
        }
    }
}
