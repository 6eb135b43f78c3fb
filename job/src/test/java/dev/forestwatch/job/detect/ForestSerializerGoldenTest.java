package dev.forestwatch.job.detect;

import static dev.forestwatch.job.detect.ForestTestData.score;
import static dev.forestwatch.job.detect.ForestTestData.train;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
import dev.forestwatch.job.detect.ForestTestData.Scores;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Reads forest state and serializer snapshot bytes committed with format version 1.
 *
 * <p>If an RCF, protostuff or serializer change makes old checkpoints unreadable, or makes a
 * restored forest score differently, this test fails. Regenerate the files only for a deliberate
 * format change (together with a new format version): {@code mvn -pl job test
 * -Dtest=ForestSerializerGoldenTest -Dforest.golden.write=true}.
 */
class ForestSerializerGoldenTest {

    private static final String STATE_RESOURCE = "forest/trcf-v1.bin";
    private static final String SNAPSHOT_RESOURCE = "forest/forest-serializer-snapshot-v1.bin";
    private static final Path RESOURCE_DIR = Paths.get("src", "test", "resources");

    private static final String KEY = "golden-series";
    private static final int TRAIN = 300;
    private static final int NEXT = 100;

    /** 10 trees, 64 samples, shingle 4, seed 7: small enough to commit. */
    private static final ForestParams PARAMS = ForestTestData.SMALL;

    private static final double[] DATA = ForestTestData.noisySine(7L, TRAIN + NEXT);

    @Test
    @EnabledIfSystemProperty(named = "forest.golden.write", matches = "true")
    void writeGoldenFiles() throws IOException {
        ThresholdedRandomCutForest forest = ForestFactory.create(PARAMS, KEY);
        train(forest, DATA, 0, TRAIN);
        Files.createDirectories(RESOURCE_DIR.resolve("forest"));
        Files.write(RESOURCE_DIR.resolve(STATE_RESOURCE), ForestTestData.toBytes(forest));

        DataOutputSerializer out = new DataOutputSerializer(128);
        TypeSerializerSnapshot.writeVersionedSnapshot(
                out, new ForestSerializer().snapshotConfiguration());
        Files.write(RESOURCE_DIR.resolve(SNAPSHOT_RESOURCE), out.getCopyOfBuffer());
    }

    @Test
    void committedStateRestoresAndScoresLikeALiveForest() throws IOException {
        byte[] golden = readResource(STATE_RESOURCE);

        DataInputDeserializer header = new DataInputDeserializer(golden);
        assertThat(header.readInt()).isEqualTo(1);
        assertThat(header.readUTF()).isEqualTo("4.4.0");
        assertThat(header.readInt()).isEqualTo(golden.length - header.getPosition());

        ThresholdedRandomCutForest restored = ForestTestData.fromBytes(golden);
        ThresholdedRandomCutForest live = ForestFactory.create(PARAMS, KEY);
        train(live, DATA, 0, TRAIN);
        assertThat(restored.getForest().getTotalUpdates())
                .isEqualTo(live.getForest().getTotalUpdates());

        Scores expected = score(live, DATA, TRAIN, TRAIN + NEXT);
        Scores actual = score(restored, DATA, TRAIN, TRAIN + NEXT);
        assertThat(expected.maxRcf()).isPositive();
        assertThat(actual.rcf())
                .as("rcfScore after restoring the committed v1 state")
                .containsExactly(expected.rcf());
        assertThat(actual.grade())
                .as("anomalyGrade after restoring the committed v1 state")
                .containsExactly(expected.grade());
    }

    @Test
    void committedSnapshotIsReadableAndCompatible() throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(readResource(SNAPSHOT_RESOURCE));
        TypeSerializerSnapshot<ThresholdedRandomCutForest> old =
                TypeSerializerSnapshot.readVersionedSnapshot(in, getClass().getClassLoader());

        assertThat(old).isInstanceOf(ForestSerializerSnapshot.class);
        assertThat(((ForestSerializerSnapshot) old).formatVersion()).isEqualTo(1);
        assertThat(
                        new ForestSerializer()
                                .snapshotConfiguration()
                                .resolveSchemaCompatibility(old)
                                .isCompatibleAsIs())
                .isTrue();
        assertThat(old.restoreSerializer()).isEqualTo(new ForestSerializer());
    }

    private static byte[] readResource(String name) throws IOException {
        try (InputStream in =
                ForestSerializerGoldenTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in)
                    .as("test resource %s (generate with -Dforest.golden.write=true)", name)
                    .isNotNull();
            return in.readAllBytes();
        }
    }
}
