package dev.forestwatch.job.score;

import static dev.forestwatch.job.score.ScoreTestData.exponential;
import static dev.forestwatch.job.score.ScoreTestData.grid;
import static dev.forestwatch.job.score.ScoreTestData.modelOf;
import static dev.forestwatch.job.score.ScoreTestData.observeAll;
import static dev.forestwatch.job.score.ScoreTestData.probabilities;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Reads score model state and serializer snapshot bytes committed with format version 1.
 *
 * <p>If a datasketches or serializer change makes old checkpoints unreadable, or makes a restored
 * model give other probabilities, this test fails. Regenerate the files only for a deliberate
 * format change (together with a new format version): {@code mvn -pl job test
 * -Dtest=ScoreModelSerializerGoldenTest -Dscore.golden.write=true}.
 */
class ScoreModelSerializerGoldenTest {

    private static final String STATE_RESOURCE = "score/score-model-v1.bin";
    private static final String SNAPSHOT_RESOURCE = "score/score-model-serializer-snapshot-v1.bin";
    private static final Path RESOURCE_DIR = Paths.get("src", "test", "resources");

    /**
     * Fewer raw scores than the sketch's k (200), so it never compacts: compaction draws from an
     * unseeded random generator, and only an uncompacted model can be rebuilt identically.
     */
    private static final int HISTORY = 150;

    private static final double[] PROBES = grid(-0.5, 12.0, 1251);

    /** The model the committed bytes were written from; rebuilt identically by every run. */
    private static ScoreModel goldenModel() {
        ScoreModel model = modelOf(exponential(2024L, HISTORY));
        observeAll(model, 1_700_000_000_000L, 6.5, 2.0, 3.25, 0.75);
        return model;
    }

    @Test
    @EnabledIfSystemProperty(named = "score.golden.write", matches = "true")
    void writeGoldenFiles() throws IOException {
        Files.createDirectories(RESOURCE_DIR.resolve("score"));
        Files.write(RESOURCE_DIR.resolve(STATE_RESOURCE), ScoreTestData.toBytes(goldenModel()));

        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(
                out, new ScoreModelSerializer().snapshotConfiguration());
        Files.write(RESOURCE_DIR.resolve(SNAPSHOT_RESOURCE), out.getCopyOfBuffer());
    }

    @Test
    void committedStateRestoresAndScoresLikeAFreshModel() throws IOException {
        byte[] golden = readResource(STATE_RESOURCE);

        DataInputDeserializer header = new DataInputDeserializer(golden);
        assertThat(header.readInt()).isEqualTo(1);
        int sketchLength = header.readInt();
        header.skipBytesToRead(sketchLength);
        assertThat(header.readInt()).isEqualTo(3);
        assertThat(header.available()).isEqualTo(3 * (Long.BYTES + Double.BYTES));

        ScoreModel restored = ScoreTestData.fromBytes(golden);
        ScoreModel fresh = goldenModel();
        // Taken before any query: queries sort the sketch's level 0 in place, which sets a flag.
        byte[] freshBytes = ScoreTestData.toBytes(fresh);
        assertThat(restored.count()).isEqualTo(fresh.count()).isEqualTo(HISTORY);
        double[] expected = probabilities(fresh, PROBES);
        assertThat(expected).contains(1.0);
        assertThat(Arrays.stream(expected).min().orElse(1.0)).isLessThan(0.01);
        assertThat(probabilities(restored, PROBES))
                .as("probabilities after restoring the committed v1 state")
                .containsExactly(expected);
        assertThat(restored.windowMax()).isEqualTo(fresh.windowMax()).isEqualTo(6.5);

        // Expiry walks the same entries: (t0, 6.5), (t0 + 2, 3.25), (t0 + 3, 0.75).
        long t0 = 1_700_000_000_000L;
        restored.expireBefore(t0 + 1);
        assertThat(restored.windowMax()).isEqualTo(3.25);
        restored.expireBefore(t0 + 3);
        assertThat(restored.windowMax()).isEqualTo(0.75);

        // Today's writer still produces the committed bytes for the same model.
        assertThat(freshBytes).isEqualTo(golden);
    }

    @Test
    void committedSnapshotIsReadableAndCompatible() throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(readResource(SNAPSHOT_RESOURCE));
        TypeSerializerSnapshot<ScoreModel> old =
                TypeSerializerSnapshot.readVersionedSnapshot(in, getClass().getClassLoader());

        assertThat(old).isInstanceOf(ScoreModelSerializerSnapshot.class);
        assertThat(((ScoreModelSerializerSnapshot) old).formatVersion()).isEqualTo(1);
        assertThat(
                        new ScoreModelSerializer()
                                .snapshotConfiguration()
                                .resolveSchemaCompatibility(old)
                                .isCompatibleAsIs())
                .isTrue();
        assertThat(old.restoreSerializer()).isEqualTo(new ScoreModelSerializer());
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
