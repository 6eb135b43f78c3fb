package dev.forestwatch.job.cutoff;

import dev.forestwatch.job.state.FormatVersionedSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;

/**
 * Snapshot of {@link CutoffHistorySerializer}, stored in checkpoints and savepoints next to the
 * state.
 *
 * <p>It records the value format version so that a job whose serializer cannot read the old format
 * fails at restore time instead of on the first record.
 */
public final class CutoffHistorySerializerSnapshot extends FormatVersionedSnapshot<CutoffHistory> {

    /** Snapshot of the current serializer; also used by Flink to instantiate before reading. */
    public CutoffHistorySerializerSnapshot() {
        this(CutoffHistorySerializer.FORMAT_VERSION);
    }

    /** For tests: a snapshot as if written by another serializer build. */
    CutoffHistorySerializerSnapshot(int formatVersion) {
        super(formatVersion);
    }

    @Override
    public TypeSerializer<CutoffHistory> restoreSerializer() {
        // Only one value format exists; an unknown one is rejected by the compatibility check
        // and, failing that, by the serializer's header check.
        return new CutoffHistorySerializer();
    }

    @Override
    protected TypeSerializerSchemaCompatibility<CutoffHistory> compatibility(int oldFormat) {
        if (oldFormat == CutoffHistorySerializer.FORMAT_VERSION) {
            return TypeSerializerSchemaCompatibility.compatibleAsIs();
        }
        // Older formats do not exist yet; newer ones cannot be read by this build.
        return TypeSerializerSchemaCompatibility.incompatible();
    }
}
