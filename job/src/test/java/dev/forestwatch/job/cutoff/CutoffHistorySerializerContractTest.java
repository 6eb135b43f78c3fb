package dev.forestwatch.job.cutoff;

import static dev.forestwatch.job.cutoff.CutoffTestData.HOUR;
import static dev.forestwatch.job.cutoff.CutoffTestData.historyOf;
import static dev.forestwatch.job.cutoff.CutoffTestData.scores;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.testutils.DeeplyEqualsChecker;

/**
 * Flink's generic serializer checks (copy, sequences, serialized copy, duplicate under concurrency,
 * snapshot reconfiguration, Java serializability) applied to {@link CutoffHistorySerializer}.
 */
class CutoffHistorySerializerContractTest extends SerializerTestBase<CutoffHistory> {

    // Built once as bytes: sketches compact randomly, so rebuilding would give other values.
    private static final byte[][] HISTORIES = buildHistories();

    CutoffHistorySerializerContractTest() {
        // CutoffHistory has identity equals; two histories are equal when their bytes are.
        super(
                new DeeplyEqualsChecker()
                        .withCustomCheck(
                                (a, b) -> a instanceof CutoffHistory && b instanceof CutoffHistory,
                                (a, b, checker) ->
                                        Arrays.equals(
                                                bytes((CutoffHistory) a),
                                                bytes((CutoffHistory) b))));
    }

    @Override
    protected TypeSerializer<CutoffHistory> createSerializer() {
        return new CutoffHistorySerializer();
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<CutoffHistory> getTypeClass() {
        return CutoffHistory.class;
    }

    @Override
    protected CutoffHistory[] getTestData() {
        CutoffHistory[] data = new CutoffHistory[HISTORIES.length];
        for (int i = 0; i < data.length; i++) {
            try {
                data[i] = CutoffTestData.fromBytes(HISTORIES[i]);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return data;
    }

    private static byte[][] buildHistories() {
        CutoffHistory empty = new CutoffHistory(7 * 24 * HOUR, HOUR);
        CutoffHistory one = historyOf(HOUR, HOUR, new CutoffTestData.Timed(5, 1.25));
        CutoffHistory exact = historyOf(3 * HOUR, HOUR, scores(1, 0, 3 * HOUR, 150));
        CutoffHistory compacted = historyOf(6 * HOUR, HOUR, scores(2, 0, 8 * HOUR, 40_000));
        compacted.expireBefore(3 * HOUR);
        CutoffHistory expiredEmpty = historyOf(2 * HOUR, HOUR, scores(3, -HOUR, HOUR, 10));
        expiredEmpty.expireBefore(5 * HOUR);
        return new byte[][] {
            bytes(empty), bytes(one), bytes(exact), bytes(compacted), bytes(expiredEmpty)
        };
    }

    private static byte[] bytes(CutoffHistory history) {
        try {
            return CutoffTestData.toBytes(history);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
