package dev.forestwatch.job.detect;

import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
import dev.forestwatch.job.state.FormatVersionedSnapshot;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Snapshot of {@link ForestSerializer}, stored in checkpoints and savepoints next to the state.
 *
 * <p>It records the value format version (and, for diagnostics, the RCF library version) so that a
 * job whose serializer cannot read the old format fails at restore time instead of on the first
 * record.
 */
public final class ForestSerializerSnapshot
        extends FormatVersionedSnapshot<ThresholdedRandomCutForest> {

    private String libraryVersion;

    /** Snapshot of the current serializer; also used by Flink to instantiate before reading. */
    public ForestSerializerSnapshot() {
        this(ForestSerializer.FORMAT_VERSION, ForestSerializer.RCF_LIBRARY_VERSION);
    }

    /** For tests: a snapshot as if written by another serializer build. */
    ForestSerializerSnapshot(int formatVersion, String libraryVersion) {
        super(formatVersion);
        this.libraryVersion = libraryVersion;
    }

    @Override
    protected void writeMore(DataOutputView out) throws IOException {
        out.writeUTF(libraryVersion);
    }

    @Override
    protected void readMore(DataInputView in) throws IOException {
        libraryVersion = in.readUTF();
    }

    @Override
    public TypeSerializer<ThresholdedRandomCutForest> restoreSerializer() {
        // Only one value format exists; an unknown one is rejected by the compatibility check
        // and, failing that, by the serializer's header check.
        return new ForestSerializer();
    }

    @Override
    protected TypeSerializerSchemaCompatibility<ThresholdedRandomCutForest> compatibility(
            int oldFormat) {
        if (oldFormat == ForestSerializer.FORMAT_VERSION) {
            return TypeSerializerSchemaCompatibility.compatibleAsIs();
        }
        // Older formats do not exist yet; newer ones cannot be read by this build.
        return TypeSerializerSchemaCompatibility.incompatible();
    }

    /** RCF library version recorded in this snapshot. */
    public String libraryVersion() {
        return libraryVersion;
    }
}
