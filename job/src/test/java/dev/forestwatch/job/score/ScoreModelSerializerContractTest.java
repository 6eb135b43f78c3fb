package dev.forestwatch.job.score;

import static dev.forestwatch.job.score.ScoreTestData.exponential;
import static dev.forestwatch.job.score.ScoreTestData.modelOf;
import static dev.forestwatch.job.score.ScoreTestData.observeAll;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.testutils.DeeplyEqualsChecker;

/**
 * Flink's generic serializer checks (copy, sequences, serialized copy, duplicate under concurrency,
 * snapshot reconfiguration, Java serializability) applied to {@link ScoreModelSerializer}.
 */
class ScoreModelSerializerContractTest extends SerializerTestBase<ScoreModel> {

    // Built once as bytes, and decoded into fresh instances for every call.
    private static final byte[][] MODELS = buildModels();

    ScoreModelSerializerContractTest() {
        // ScoreModel has identity equals; two models are equal when their bytes are.
        super(
                new DeeplyEqualsChecker()
                        .withCustomCheck(
                                (a, b) -> a instanceof ScoreModel && b instanceof ScoreModel,
                                (a, b, checker) ->
                                        Arrays.equals(
                                                bytes((ScoreModel) a), bytes((ScoreModel) b))));
    }

    @Override
    protected TypeSerializer<ScoreModel> createSerializer() {
        return new ScoreModelSerializer();
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<ScoreModel> getTypeClass() {
        return ScoreModel.class;
    }

    @Override
    protected ScoreModel[] getTestData() {
        ScoreModel[] data = new ScoreModel[MODELS.length];
        for (int i = 0; i < data.length; i++) {
            try {
                data[i] = ScoreTestData.fromBytes(MODELS[i]);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return data;
    }

    private static byte[][] buildModels() {
        ScoreModel empty = new ScoreModel();
        ScoreModel warmingUp = modelOf(exponential(1L, 10));
        ScoreModel small = modelOf(exponential(2L, 150));
        observeAll(small, 100L, 3.0, 1.0, 0.5);
        ScoreModel large = modelOf(exponential(3L, 50_000));
        for (int i = 0; i < 600; i++) {
            // Falling values keep every entry, so the deque grows past its initial capacity.
            large.observeUnusualness(1_000L + i, 600.0 - i);
        }
        ScoreModel windowOnly = new ScoreModel();
        observeAll(windowOnly, -5L, 9.0);
        return new byte[][] {
            bytes(empty), bytes(warmingUp), bytes(small), bytes(large), bytes(windowOnly)
        };
    }

    private static byte[] bytes(ScoreModel model) {
        try {
            return ScoreTestData.toBytes(model);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
