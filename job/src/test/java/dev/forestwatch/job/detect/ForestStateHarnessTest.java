package dev.forestwatch.job.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazon.randomcutforest.parkservices.AnomalyDescriptor;
import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Forests in Flink keyed state: snapshot an operator, restore it into a new one and check that the
 * restored operator emits exactly what the uninterrupted one emits.
 */
class ForestStateHarnessTest {

    private static final int BEFORE = 600;
    private static final int AFTER = 200;

    /** Series "a" lives around 0 and series "b" around 1000; the key is derived from the value. */
    private static final double B_OFFSET = 1000.0;

    /** Keeps one forest per key and emits rcfScore, then anomalyGrade, for every input. */
    static final class ForestScoringFunction extends KeyedProcessFunction<String, Double, Double> {

        private static final long serialVersionUID = 1L;

        private final ForestParams params;
        private transient ValueState<ThresholdedRandomCutForest> forestState;

        ForestScoringFunction(ForestParams params) {
            this.params = params;
        }

        @Override
        public void open(OpenContext openContext) {
            forestState =
                    getRuntimeContext()
                            .getState(new ValueStateDescriptor<>("forest", new ForestSerializer()));
        }

        @Override
        public void processElement(Double value, Context ctx, Collector<Double> out)
                throws Exception {
            ThresholdedRandomCutForest forest = forestState.value();
            if (forest == null) {
                forest = ForestFactory.create(params, ctx.getCurrentKey());
            }
            AnomalyDescriptor d = forest.process(new double[] {value}, ctx.timestamp());
            // Needed for RocksDB (value() is a deserialized copy); harmless on the heap backend.
            forestState.update(forest);
            out.collect(d.getRCFScore());
            out.collect(d.getAnomalyGrade());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void restoredOperatorEmitsTheSameScores(String backend) throws Exception {
        double[] a = ForestTestData.noisySine(21L, BEFORE + AFTER);
        double[] b = ForestTestData.noisySine(22L, BEFORE + AFTER);

        OperatorSubtaskState snapshot;
        List<Double> uninterrupted;
        try (KeyedOneInputStreamOperatorTestHarness<String, Double, Double> original =
                harness(backend)) {
            original.open();
            feed(original, a, b, 0, BEFORE);
            snapshot = original.snapshot(0L, 0L);
            assertKeyCount(original, backend);

            original.getOutput().clear();
            feed(original, a, b, BEFORE, BEFORE + AFTER);
            uninterrupted = original.extractOutputValues();
        }

        List<Double> afterRestore;
        try (KeyedOneInputStreamOperatorTestHarness<String, Double, Double> restored =
                harness(backend)) {
            restored.initializeState(snapshot);
            restored.open();
            assertKeyCount(restored, backend);
            feed(restored, a, b, BEFORE, BEFORE + AFTER);
            afterRestore = restored.extractOutputValues();
        }

        assertThat(uninterrupted).hasSize(2 * 2 * AFTER);
        // Scores are past warm-up: a forest restarted from scratch would emit zeros here.
        assertThat(uninterrupted.get(0)).isPositive();
        assertThat(afterRestore).containsExactlyElementsOf(uninterrupted);
    }

    private static void assertKeyCount(
            KeyedOneInputStreamOperatorTestHarness<String, Double, Double> harness,
            String backend) {
        // The harness can count entries only on the heap backend.
        if (backend.equals("hashmap")) {
            assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Double, Double> harness(
            String backend) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, Double, Double> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new ForestScoringFunction(ForestTestData.SMALL)),
                        value -> value > B_OFFSET / 2 ? "b" : "a",
                        Types.STRING);
        harness.setStateBackend(stateBackend(backend));
        return harness;
    }

    private static StateBackend stateBackend(String name) {
        return switch (name) {
            case "hashmap" -> new HashMapStateBackend();
            case "rocksdb" -> new EmbeddedRocksDBStateBackend();
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** Interleaves both series so the operator switches keys on every record. */
    private static void feed(
            KeyedOneInputStreamOperatorTestHarness<String, Double, Double> harness,
            double[] a,
            double[] b,
            int from,
            int to)
            throws Exception {
        for (int i = from; i < to; i++) {
            long ts = ForestTestData.timestamp(i);
            harness.processElement(a[i], ts);
            harness.processElement(b[i] + B_OFFSET, ts);
        }
    }
}
