package dev.forestwatch.job.score;

import static dev.forestwatch.job.score.ScoreTestData.bits;
import static dev.forestwatch.job.score.ScoreTestData.exponential;
import static dev.forestwatch.job.score.ScoreTestData.forestLike;
import static dev.forestwatch.job.score.ScoreTestData.grid;
import static dev.forestwatch.job.score.ScoreTestData.kllProbability;
import static dev.forestwatch.job.score.ScoreTestData.modelOf;
import static dev.forestwatch.job.score.ScoreTestData.observeAll;
import static dev.forestwatch.job.score.ScoreTestData.probabilities;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Reads score model state and serializer snapshot bytes committed with format versions 1 (KLL
 * sketch, written by earlier builds) and 2 (histogram, written today).
 *
 * <p>If a serializer change makes old checkpoints unreadable, or makes a restored model give other
 * probabilities, this test fails. Regenerate the format 2 files only for a deliberate format change
 * (together with a new format version, keeping these files for a read test of the old one): {@code
 * mvn -pl job test -Dtest=ScoreModelSerializerGoldenTest -Dscore.golden.write=true}. Format 1 files
 * can no longer be written.
 */
class ScoreModelSerializerGoldenTest {

    private static final String V1_STATE = "score/score-model-v1.bin";
    private static final String V1_SNAPSHOT = "score/score-model-serializer-snapshot-v1.bin";
    private static final String V2_STATE = "score/score-model-v2.bin";
    private static final String V2_SNAPSHOT = "score/score-model-serializer-snapshot-v2.bin";
    private static final Path RESOURCE_DIR = Paths.get("src", "test", "resources");

    /** Scores in the format 1 file: fewer than the sketch's k (200), so it never compacted. */
    private static final int V1_HISTORY = 150;

    /** Scores in the format 2 file; the histogram is deterministic, so it may hold many. */
    private static final int V2_HISTORY = 20_000;

    private static final long T0 = 1_700_000_000_000L;

    private static final double[] PROBES = grid(-0.5, 12.0, 1251);

    /** The raw scores and window the format 1 file was written from. */
    private static ScoreModel formatOneModel() {
        ScoreModel model = modelOf(exponential(2024L, V1_HISTORY));
        observeAll(model, T0, 6.5, 2.0, 3.25, 0.75);
        return model;
    }

    /** The model the format 2 file was written from; rebuilt identically by every run. */
    private static ScoreModel formatTwoModel() {
        ScoreModel model = modelOf(forestLike(2025L, V2_HISTORY));
        observeAll(model, T0, 6.5, 2.0, 3.25, 0.75);
        return model;
    }

    @Test
    @EnabledIfSystemProperty(named = "score.golden.write", matches = "true")
    void writeGoldenFiles() throws IOException {
        Files.createDirectories(RESOURCE_DIR.resolve("score"));
        Files.write(RESOURCE_DIR.resolve(V2_STATE), ScoreTestData.toBytes(formatTwoModel()));

        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(
                out, new ScoreModelSerializer().snapshotConfiguration());
        Files.write(RESOURCE_DIR.resolve(V2_SNAPSHOT), out.getCopyOfBuffer());
    }

    @Test
    void committedFormatOneStateIsConvertedAndScoresAsBefore() throws IOException {
        byte[] golden = readResource(V1_STATE);

        DataInputDeserializer header = new DataInputDeserializer(golden);
        assertThat(header.readInt()).isEqualTo(1);
        byte[] sketchBytes = new byte[header.readInt()];
        header.readFully(sketchBytes);
        assertThat(header.readInt()).isEqualTo(3);
        assertThat(header.available()).isEqualTo(3 * (Long.BYTES + Double.BYTES));
        // What the format 1 build computed from these bytes.
        KllDoublesSketch sketch = KllDoublesSketch.heapify(Memory.wrap(sketchBytes));
        assertThat(sketch.getN()).isEqualTo(V1_HISTORY);

        ScoreModel restored = ScoreTestData.fromBytes(golden);
        assertThat(restored.count()).isEqualTo(V1_HISTORY);
        double[] before = Arrays.stream(PROBES).map(x -> kllProbability(sketch, x)).toArray();
        double[] after = probabilities(restored, PROBES);
        assertThat(before).contains(1.0);
        assertThat(Arrays.stream(before).min().orElse(1.0)).isLessThan(0.01);
        double q99 = restored.quantile(0.99);
        for (int i = 0; i < PROBES.length; i++) {
            double x = PROBES[i];
            if (x < q99) {
                // Each score is spread over its bin: at most one score's share (1/150) apart.
                assertThat(after[i]).as("p(%s)", x).isCloseTo(before[i], within(0.01));
            } else {
                // q90 and q99 move by less than a bin, and the extrapolation amplifies that.
                double u = Scores.unusualness(before[i]);
                assertThat(Scores.unusualness(after[i]))
                        .as("unusualness(%s)", x)
                        .isCloseTo(u, within(0.05 * Math.max(1.0, u)));
            }
        }

        // The uncompacted sketch held every score with weight 1, so the conversion gives exactly
        // the model that format 2 builds from the same scores.
        ScoreModel fresh = formatOneModel();
        assertThat(ScoreTestData.toBytes(restored)).isEqualTo(ScoreTestData.toBytes(fresh));
        assertThat(bits(after)).containsExactly(bits(probabilities(fresh, PROBES)));

        assertThat(restored.windowMax()).isEqualTo(6.5);
        // Expiry walks the same entries: (t0, 6.5), (t0 + 2, 3.25), (t0 + 3, 0.75).
        restored.expireBefore(T0 + 1);
        assertThat(restored.windowMax()).isEqualTo(3.25);
        restored.expireBefore(T0 + 3);
        assertThat(restored.windowMax()).isEqualTo(0.75);
    }

    @Test
    void committedFormatOneSnapshotNeedsMigration() throws IOException {
        TypeSerializerSnapshot<ScoreModel> old = readSnapshot(V1_SNAPSHOT);

        assertThat(old).isInstanceOf(ScoreModelSerializerSnapshot.class);
        assertThat(((ScoreModelSerializerSnapshot) old).formatVersion()).isEqualTo(1);
        TypeSerializerSchemaCompatibility<ScoreModel> compatibility =
                new ScoreModelSerializer().snapshotConfiguration().resolveSchemaCompatibility(old);
        assertThat(compatibility.isCompatibleAfterMigration()).isTrue();

        // Flink migrates by reading with the restore serializer and writing with the new one.
        ScoreModel migrated =
                old.restoreSerializer()
                        .deserialize(new DataInputDeserializer(readResource(V1_STATE)));
        DataOutputSerializer out = new DataOutputSerializer(256);
        new ScoreModelSerializer().serialize(migrated, out);
        assertThat(out.getCopyOfBuffer()).isEqualTo(ScoreTestData.toBytes(formatOneModel()));
    }

    @Test
    void committedFormatTwoStateRestoresBitForBit() throws IOException {
        byte[] golden = readResource(V2_STATE);

        DataInputDeserializer header = new DataInputDeserializer(golden);
        assertThat(header.readInt()).isEqualTo(2);
        int histogramLength = header.readInt();
        header.skipBytesToRead(histogramLength);
        assertThat(header.readInt()).isEqualTo(3);
        assertThat(header.available()).isEqualTo(3 * (Long.BYTES + Double.BYTES));

        ScoreModel restored = ScoreTestData.fromBytes(golden);
        ScoreModel fresh = formatTwoModel();
        assertThat(restored.count()).isEqualTo(fresh.count()).isEqualTo(V2_HISTORY);
        double[] expected = probabilities(fresh, PROBES);
        assertThat(expected).contains(1.0);
        assertThat(Arrays.stream(expected).min().orElse(1.0)).isLessThan(1e-6);
        assertThat(bits(probabilities(restored, PROBES)))
                .as("probabilities after restoring the committed format 2 state")
                .containsExactly(bits(expected));
        assertThat(restored.windowMax()).isEqualTo(fresh.windowMax()).isEqualTo(6.5);

        // Today's writer still produces the committed bytes for the same model.
        assertThat(ScoreTestData.toBytes(fresh)).isEqualTo(golden);
        assertThat(ScoreTestData.toBytes(restored)).isEqualTo(golden);
    }

    @Test
    void committedFormatTwoSnapshotIsCompatibleAsIs() throws IOException {
        TypeSerializerSnapshot<ScoreModel> old = readSnapshot(V2_SNAPSHOT);

        assertThat(old).isInstanceOf(ScoreModelSerializerSnapshot.class);
        assertThat(((ScoreModelSerializerSnapshot) old).formatVersion()).isEqualTo(2);
        assertThat(
                        new ScoreModelSerializer()
                                .snapshotConfiguration()
                                .resolveSchemaCompatibility(old)
                                .isCompatibleAsIs())
                .isTrue();
        assertThat(old.restoreSerializer()).isEqualTo(new ScoreModelSerializer());
    }

    private static TypeSerializerSnapshot<ScoreModel> readSnapshot(String name) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(readResource(name));
        TypeSerializerSnapshot<ScoreModel> snapshot =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        in, ScoreModelSerializerGoldenTest.class.getClassLoader());
        assertThat(in.available()).isZero();
        return snapshot;
    }

    private static byte[] readResource(String name) throws IOException {
        try (InputStream in =
                ScoreModelSerializerGoldenTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in)
                    .as("test resource %s (generate with -Dscore.golden.write=true)", name)
                    .isNotNull();
            return in.readAllBytes();
        }
    }
}
