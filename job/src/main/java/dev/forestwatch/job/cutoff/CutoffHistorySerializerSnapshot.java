package dev.forestwatch.job.cutoff;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Snapshot of {@link CutoffHistorySerializer}, stored in checkpoints and savepoints next to the
 * state.
 *
 * <p>It records the value format version so that a job whose serializer cannot read the old format
 * fails at restore time instead of on the first record.
 */
public final class CutoffHistorySerializerSnapshot
        implements TypeSerializerSnapshot<CutoffHistory> {

    /** Version of this snapshot's own layout (not of the value format). */
    private static final int SNAPSHOT_VERSION = 1;

    private int formatVersion;

    /** Snapshot of the current serializer; also used by Flink to instantiate before reading. */
    public CutoffHistorySerializerSnapshot() {
        this(CutoffHistorySerializer.FORMAT_VERSION);
    }

    /** For tests: a snapshot as if written by another serializer build. */
    CutoffHistorySerializerSnapshot(int formatVersion) {
        this.formatVersion = formatVersion;
    }

    @Override
    public int getCurrentVersion() {
        return SNAPSHOT_VERSION;
    }

    @Override
    public void writeSnapshot(DataOutputView out) throws IOException {
        out.writeInt(formatVersion);
    }

    @Override
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader)
            throws IOException {
        if (readVersion != SNAPSHOT_VERSION) {
            throw new IOException(
                    "Unsupported CutoffHistorySerializerSnapshot version "
                            + readVersion
                            + "; this build reads only version "
                            + SNAPSHOT_VERSION);
        }
        formatVersion = in.readInt();
    }

    @Override
    public TypeSerializer<CutoffHistory> restoreSerializer() {
        // Only one value format exists; an unknown one is rejected by the compatibility check
        // and, failing that, by the serializer's header check.
        return new CutoffHistorySerializer();
    }

    /**
     * Called on the new serializer's snapshot with the snapshot found in the checkpoint (the
     * FLIP-263 method that Flink 1.19+ uses; the {@code TypeSerializer} overload is deprecated).
     */
    @Override
    public TypeSerializerSchemaCompatibility<CutoffHistory> resolveSchemaCompatibility(
            TypeSerializerSnapshot<CutoffHistory> oldSerializerSnapshot) {
        if (!(oldSerializerSnapshot instanceof CutoffHistorySerializerSnapshot)) {
            return TypeSerializerSchemaCompatibility.incompatible();
        }
        int oldFormat = ((CutoffHistorySerializerSnapshot) oldSerializerSnapshot).formatVersion;
        if (oldFormat == CutoffHistorySerializer.FORMAT_VERSION) {
            return TypeSerializerSchemaCompatibility.compatibleAsIs();
        }
        // Older formats do not exist yet; newer ones cannot be read by this build.
        return TypeSerializerSchemaCompatibility.incompatible();
    }

    /** Value format version recorded in this snapshot. */
    public int formatVersion() {
        return formatVersion;
    }
}
