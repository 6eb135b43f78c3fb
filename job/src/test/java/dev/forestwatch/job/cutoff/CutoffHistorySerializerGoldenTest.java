package dev.forestwatch.job.cutoff;

import static dev.forestwatch.job.cutoff.CutoffTestData.HOUR;
import static dev.forestwatch.job.cutoff.CutoffTestData.historyOf;
import static dev.forestwatch.job.cutoff.CutoffTestData.scores;
import static org.assertj.core.api.Assertions.assertThat;

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
 * Reads cutoff history state and serializer snapshot bytes committed with format version 1.
 *
 * <p>If a datasketches or serializer change makes old checkpoints unreadable, or makes a restored
 * history give other cutoffs, this test fails. Regenerate the files only for a deliberate format
 * change (together with a new format version): {@code mvn -pl job test
 * -Dtest=CutoffHistorySerializerGoldenTest -Dcutoff.golden.write=true}.
 */
class CutoffHistorySerializerGoldenTest {

    private static final String STATE_RESOURCE = "cutoff/cutoff-history-v1.bin";
    private static final String SNAPSHOT_RESOURCE =
            "cutoff/cutoff-history-serializer-snapshot-v1.bin";
    private static final Path RESOURCE_DIR = Paths.get("src", "test", "resources");

    /** Start of the golden data, 2024-01-01T00:00:00Z. */
    private static final long T0 = 1_704_067_200_000L;

    /**
     * Fewer scores per slot and in total than the sketch's k (200), so nothing compacts: compaction
     * draws from an unseeded random generator, and only an uncompacted history can be rebuilt
     * identically.
     */
    private static CutoffHistory goldenHistory() {
        CutoffHistory h = historyOf(3 * HOUR, HOUR, scores(2024L, T0, 4 * HOUR, 180));
        h.expireBefore(T0 + HOUR); // drops the first hour's 45 scores
        return h;
    }

    @Test
    @EnabledIfSystemProperty(named = "cutoff.golden.write", matches = "true")
    void writeGoldenFiles() throws IOException {
        Files.createDirectories(RESOURCE_DIR.resolve("cutoff"));
        Files.write(RESOURCE_DIR.resolve(STATE_RESOURCE), CutoffTestData.toBytes(goldenHistory()));

        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(
                out, new CutoffHistorySerializer().snapshotConfiguration());
        Files.write(RESOURCE_DIR.resolve(SNAPSHOT_RESOURCE), out.getCopyOfBuffer());
    }

    @Test
    void committedStateRestoresAndComputesLikeAFreshHistory() throws IOException {
        byte[] golden = readResource(STATE_RESOURCE);

        DataInputDeserializer header = new DataInputDeserializer(golden);
        assertThat(header.readInt()).isEqualTo(1);
        assertThat(header.readLong()).isEqualTo(3 * HOUR);
        assertThat(header.readLong()).isEqualTo(HOUR);
        assertThat(header.readLong()).isEqualTo(T0 + HOUR);
        assertThat(header.readInt()).isEqualTo(3);
        assertThat(header.readLong()).isEqualTo(T0 / HOUR + 1);

        CutoffHistory restored = CutoffTestData.fromBytes(golden);
        CutoffHistory fresh = goldenHistory();
        byte[] freshBytes = CutoffTestData.toBytes(fresh);
        assertThat(restored.count()).isEqualTo(fresh.count()).isEqualTo(135);
        assertThat(restored.mean()).isEqualTo(fresh.mean());
        assertThat(restored.stddev()).isEqualTo(fresh.stddev());
        assertThat(restored.mean() + 3 * restored.stddev()).isBetween(0.5, 5.0);
        for (double q : new double[] {0.0, 0.5, 0.9, 0.99, 0.995, 1.0}) {
            assertThat(restored.quantile(q)).as("q=%s", q).isEqualTo(fresh.quantile(q));
        }
        for (long end = T0; end <= T0 + 4 * HOUR; end += HOUR) {
            assertThat(restored.statsBefore(end)).isEqualTo(fresh.statsBefore(end));
        }

        // Expiry walks the same slots.
        restored.expireBefore(T0 + 3 * HOUR);
        fresh.expireBefore(T0 + 3 * HOUR);
        assertThat(restored.count()).isEqualTo(fresh.count()).isEqualTo(45);
        assertThat(restored.mean()).isEqualTo(fresh.mean());

        // Today's writer still produces the committed bytes for the same history.
        assertThat(freshBytes).isEqualTo(golden);
    }

    @Test
    void committedSnapshotIsReadableAndCompatible() throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(readResource(SNAPSHOT_RESOURCE));
        TypeSerializerSnapshot<CutoffHistory> old =
                TypeSerializerSnapshot.readVersionedSnapshot(in, getClass().getClassLoader());

        assertThat(old).isInstanceOf(CutoffHistorySerializerSnapshot.class);
        assertThat(((CutoffHistorySerializerSnapshot) old).formatVersion()).isEqualTo(1);
        assertThat(
                        new CutoffHistorySerializer()
                                .snapshotConfiguration()
                                .resolveSchemaCompatibility(old)
                                .isCompatibleAsIs())
                .isTrue();
        assertThat(old.restoreSerializer()).isEqualTo(new CutoffHistorySerializer());
    }

    private static byte[] readResource(String name) throws IOException {
        try (InputStream in =
                CutoffHistorySerializerGoldenTest.class
                        .getClassLoader()
                        .getResourceAsStream(name)) {
            assertThat(in)
                    .as("test resource %s (generate with -Dcutoff.golden.write=true)", name)
                    .isNotNull();
            return in.readAllBytes();
        }
    }
}
