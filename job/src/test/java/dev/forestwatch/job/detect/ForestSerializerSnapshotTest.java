package dev.forestwatch.job.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Writing, reading and compatibility resolution of {@link ForestSerializerSnapshot}. */
class ForestSerializerSnapshotTest {

    @Test
    void versionedRoundTripRestoresACompatibleSerializer() throws IOException {
        TypeSerializerSnapshot<ThresholdedRandomCutForest> written =
                new ForestSerializer().snapshotConfiguration();

        TypeSerializerSnapshot<ThresholdedRandomCutForest> read = roundTrip(written);

        assertThat(read).isInstanceOf(ForestSerializerSnapshot.class);
        ForestSerializerSnapshot snapshot = (ForestSerializerSnapshot) read;
        assertThat(snapshot.formatVersion()).isEqualTo(ForestSerializer.FORMAT_VERSION);
        assertThat(snapshot.libraryVersion()).isEqualTo(ForestSerializer.RCF_LIBRARY_VERSION);
        assertThat(read.getCurrentVersion()).isEqualTo(1);
        assertThat(read.restoreSerializer()).isEqualTo(new ForestSerializer());

        // Flink 1.20 asks the new serializer's snapshot about the old one.
        TypeSerializerSchemaCompatibility<ThresholdedRandomCutForest> compatibility =
                new ForestSerializer().snapshotConfiguration().resolveSchemaCompatibility(read);
        assertThat(compatibility.isCompatibleAsIs()).isTrue();
    }

    @Test
    @SuppressWarnings("deprecation")
    void deprecatedEntryPointDelegatesToTheNewOne() throws IOException {
        // Older call sites still use snapshot.resolveSchemaCompatibility(newSerializer).
        TypeSerializerSnapshot<ThresholdedRandomCutForest> read =
                roundTrip(new ForestSerializerSnapshot());
        assertThat(read.resolveSchemaCompatibility(new ForestSerializer()).isCompatibleAsIs())
                .isTrue();
    }

    @Test
    void newerFormatVersionIsIncompatible() throws IOException {
        TypeSerializerSnapshot<ThresholdedRandomCutForest> read =
                roundTrip(new ForestSerializerSnapshot(2, "9.9.9"));
        assertThat(((ForestSerializerSnapshot) read).formatVersion()).isEqualTo(2);
        assertThat(((ForestSerializerSnapshot) read).libraryVersion()).isEqualTo("9.9.9");

        assertThat(new ForestSerializerSnapshot().resolveSchemaCompatibility(read).isIncompatible())
                .isTrue();
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void foreignSnapshotIsIncompatible() {
        TypeSerializerSnapshot foreign = StringSerializer.INSTANCE.snapshotConfiguration();
        assertThat(
                        new ForestSerializerSnapshot()
                                .resolveSchemaCompatibility(foreign)
                                .isIncompatible())
                .isTrue();
    }

    @Test
    void unknownSnapshotLayoutVersionIsRejected() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(32);
        new ForestSerializerSnapshot().writeSnapshot(out);
        ForestSerializerSnapshot target = new ForestSerializerSnapshot();

        assertThatThrownBy(
                        () ->
                                target.readSnapshot(
                                        7,
                                        new DataInputDeserializer(out.getCopyOfBuffer()),
                                        getClass().getClassLoader()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("ForestSerializerSnapshot version 7");
    }

    static TypeSerializerSnapshot<ThresholdedRandomCutForest> roundTrip(
            TypeSerializerSnapshot<ThresholdedRandomCutForest> snapshot) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        TypeSerializerSnapshot<ThresholdedRandomCutForest> read =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        in, ForestSerializerSnapshotTest.class.getClassLoader());
        assertThat(in.available()).isZero();
        return read;
    }
}
