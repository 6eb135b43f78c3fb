package dev.forestwatch.job.cutoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** Writing, reading and compatibility resolution of {@link CutoffHistorySerializerSnapshot}. */
class CutoffHistorySerializerSnapshotTest {

    @Test
    void versionedRoundTripRestoresACompatibleSerializer() throws IOException {
        TypeSerializerSnapshot<CutoffHistory> read =
                roundTrip(new CutoffHistorySerializer().snapshotConfiguration());

        assertThat(read).isInstanceOf(CutoffHistorySerializerSnapshot.class);
        assertThat(((CutoffHistorySerializerSnapshot) read).formatVersion())
                .isEqualTo(CutoffHistorySerializer.FORMAT_VERSION);
        assertThat(read.getCurrentVersion()).isEqualTo(1);
        assertThat(read.restoreSerializer()).isEqualTo(new CutoffHistorySerializer());

        // Flink 1.20 asks the new serializer's snapshot about the old one.
        TypeSerializerSchemaCompatibility<CutoffHistory> compatibility =
                new CutoffHistorySerializer()
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(read);
        assertThat(compatibility.isCompatibleAsIs()).isTrue();
    }

    @Test
    @SuppressWarnings("deprecation")
    void deprecatedEntryPointDelegatesToTheNewOne() throws IOException {
        // Older call sites still use snapshot.resolveSchemaCompatibility(newSerializer).
        TypeSerializerSnapshot<CutoffHistory> read =
                roundTrip(new CutoffHistorySerializerSnapshot());
        assertThat(
                        read.resolveSchemaCompatibility(new CutoffHistorySerializer())
                                .isCompatibleAsIs())
                .isTrue();
    }

    @Test
    void otherFormatVersionsAreIncompatible() throws IOException {
        for (int version : new int[] {0, 2}) {
            TypeSerializerSnapshot<CutoffHistory> read =
                    roundTrip(new CutoffHistorySerializerSnapshot(version));
            assertThat(((CutoffHistorySerializerSnapshot) read).formatVersion()).isEqualTo(version);
            assertThat(
                            new CutoffHistorySerializerSnapshot()
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
                        new CutoffHistorySerializerSnapshot()
                                .resolveSchemaCompatibility(foreign)
                                .isIncompatible())
                .isTrue();
    }

    @Test
    void unknownSnapshotLayoutVersionIsRejected() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(16);
        new CutoffHistorySerializerSnapshot().writeSnapshot(out);
        CutoffHistorySerializerSnapshot target = new CutoffHistorySerializerSnapshot();

        assertThatThrownBy(
                        () ->
                                target.readSnapshot(
                                        7,
                                        new DataInputDeserializer(out.getCopyOfBuffer()),
                                        getClass().getClassLoader()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("CutoffHistorySerializerSnapshot version 7");
    }

    static TypeSerializerSnapshot<CutoffHistory> roundTrip(
            TypeSerializerSnapshot<CutoffHistory> snapshot) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        TypeSerializerSnapshot<CutoffHistory> read =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        in, CutoffHistorySerializerSnapshotTest.class.getClassLoader());
        assertThat(in.available()).isZero();
        return read;
    }
}
