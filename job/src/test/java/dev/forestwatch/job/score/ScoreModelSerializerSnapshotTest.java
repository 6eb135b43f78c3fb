package dev.forestwatch.job.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Writing, reading and compatibility resolution of {@link ScoreModelSerializerSnapshot}. */
class ScoreModelSerializerSnapshotTest {

    @Test
    void versionedRoundTripRestoresACompatibleSerializer() throws IOException {
        TypeSerializerSnapshot<ScoreModel> read =
                roundTrip(new ScoreModelSerializer().snapshotConfiguration());

        assertThat(read).isInstanceOf(ScoreModelSerializerSnapshot.class);
        assertThat(((ScoreModelSerializerSnapshot) read).formatVersion())
                .isEqualTo(ScoreModelSerializer.FORMAT_VERSION);
        assertThat(read.getCurrentVersion()).isEqualTo(1);
        assertThat(read.restoreSerializer()).isEqualTo(new ScoreModelSerializer());

        // Flink 1.20 asks the new serializer's snapshot about the old one.
        TypeSerializerSchemaCompatibility<ScoreModel> compatibility =
                new ScoreModelSerializer().snapshotConfiguration().resolveSchemaCompatibility(read);
        assertThat(compatibility.isCompatibleAsIs()).isTrue();
    }

    @Test
    @SuppressWarnings("deprecation")
    void deprecatedEntryPointDelegatesToTheNewOne() throws IOException {
        // Older call sites still use snapshot.resolveSchemaCompatibility(newSerializer).
        TypeSerializerSnapshot<ScoreModel> read = roundTrip(new ScoreModelSerializerSnapshot());
        assertThat(read.resolveSchemaCompatibility(new ScoreModelSerializer()).isCompatibleAsIs())
                .isTrue();
    }

    @Test
    void formatOneNeedsMigrationByASerializerThatReadsIt() throws IOException {
        TypeSerializerSnapshot<ScoreModel> read =
                roundTrip(
                        new ScoreModelSerializerSnapshot(ScoreModelSerializer.KLL_FORMAT_VERSION));
        assertThat(((ScoreModelSerializerSnapshot) read).formatVersion()).isEqualTo(1);

        TypeSerializerSchemaCompatibility<ScoreModel> compatibility =
                new ScoreModelSerializer().snapshotConfiguration().resolveSchemaCompatibility(read);
        assertThat(compatibility.isCompatibleAfterMigration()).isTrue();
        assertThat(compatibility.isCompatibleAsIs()).isFalse();
        // The serializer Flink reads the old values with understands format 1.
        byte[] v1 =
                ScoreTestData.formatOneBytes(
                        ScoreTestData.kllOf(ScoreTestData.exponential(1L, 500)), 0L, 2.0);
        assertThat(read.restoreSerializer().deserialize(new DataInputDeserializer(v1)).count())
                .isEqualTo(500);
    }

    @Test
    void otherFormatVersionsAreIncompatible() throws IOException {
        for (int version : new int[] {0, 3, -1}) {
            TypeSerializerSnapshot<ScoreModel> read =
                    roundTrip(new ScoreModelSerializerSnapshot(version));
            assertThat(((ScoreModelSerializerSnapshot) read).formatVersion()).isEqualTo(version);
            assertThat(
                            new ScoreModelSerializerSnapshot()
                                    .resolveSchemaCompatibility(read)
                                    .isIncompatible())
                    .isTrue();
        }
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void foreignSnapshotIsIncompatible() {
        TypeSerializerSnapshot foreign = StringSerializer.INSTANCE.snapshotConfiguration();
        assertThat(
                        new ScoreModelSerializerSnapshot()
                                .resolveSchemaCompatibility(foreign)
                                .isIncompatible())
                .isTrue();
    }

    @Test
    void unknownSnapshotLayoutVersionIsRejected() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(16);
        new ScoreModelSerializerSnapshot().writeSnapshot(out);
        ScoreModelSerializerSnapshot target = new ScoreModelSerializerSnapshot();

        assertThatThrownBy(
                        () ->
                                target.readSnapshot(
                                        7,
                                        new DataInputDeserializer(out.getCopyOfBuffer()),
                                        getClass().getClassLoader()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("ScoreModelSerializerSnapshot version 7");
    }

    static TypeSerializerSnapshot<ScoreModel> roundTrip(TypeSerializerSnapshot<ScoreModel> snapshot)
            throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        TypeSerializerSnapshot<ScoreModel> read =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        in, ScoreModelSerializerSnapshotTest.class.getClassLoader());
        assertThat(in.available()).isZero();
        return read;
    }
}
