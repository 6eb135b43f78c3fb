package dev.forestwatch.job.detect;

import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.testutils.DeeplyEqualsChecker;

/**
 * Flink's generic serializer checks (copy, sequences, serialized copy, duplicate under concurrency,
 * snapshot reconfiguration, Java serializability) applied to {@link ForestSerializer}.
 */
class ForestSerializerContractTest extends SerializerTestBase<ThresholdedRandomCutForest> {

    private static final byte[][] FORESTS = buildForests();

    ForestSerializerContractTest() {
        // Forests have identity equals; two forests are equal when their state bytes are.
        super(
                new DeeplyEqualsChecker()
                        .withCustomCheck(
                                (a, b) ->
                                        a instanceof ThresholdedRandomCutForest
                                                && b instanceof ThresholdedRandomCutForest,
                                (a, b, checker) ->
                                        Arrays.equals(
                                                bytes((ThresholdedRandomCutForest) a),
                                                bytes((ThresholdedRandomCutForest) b))));
    }

    @Override
    protected TypeSerializer<ThresholdedRandomCutForest> createSerializer() {
        return new ForestSerializer();
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<ThresholdedRandomCutForest> getTypeClass() {
        return ThresholdedRandomCutForest.class;
    }

    @Override
    protected ThresholdedRandomCutForest[] getTestData() {
        ThresholdedRandomCutForest[] data = new ThresholdedRandomCutForest[FORESTS.length];
        for (int i = 0; i < data.length; i++) {
            try {
                data[i] = ForestTestData.fromBytes(FORESTS[i]);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return data;
    }

    @Override
    protected boolean allowNullInstances(TypeSerializer<ThresholdedRandomCutForest> serializer) {
        return true;
    }

    private static byte[][] buildForests() {
        double[] data = ForestTestData.noisySine(5L, 400);
        ThresholdedRandomCutForest untrained = ForestFactory.create(ForestTestData.SMALL, "a");
        ThresholdedRandomCutForest warmingUp = ForestFactory.create(ForestTestData.SMALL, "b");
        ForestTestData.train(warmingUp, data, 0, 10);
        ThresholdedRandomCutForest trained =
                ForestFactory.create(
                        new ForestParams(8, 32, 1, 1, 0.01, 3L, 8, 0.02, false, 0.3), "c");
        ForestTestData.train(trained, data, 0, data.length);
        return new byte[][] {bytes(untrained), bytes(warmingUp), bytes(trained)};
    }

    private static byte[] bytes(ThresholdedRandomCutForest forest) {
        try {
            return ForestTestData.toBytes(forest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
