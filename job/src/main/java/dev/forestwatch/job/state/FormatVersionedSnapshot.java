package dev.forestwatch.job.state;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A serializer snapshot that records the value format version of our own versioned serializers, so
 * that a job whose serializer cannot read the old format fails at restore time instead of on the
 * first record. Subclasses say which old formats they read ({@link #compatibility(int)}) and may
 * record more (their snapshot layout is this class's, followed by theirs).
 *
 * @param <T> the state type
 */
public abstract class FormatVersionedSnapshot<T> implements TypeSerializerSnapshot<T> {

    /** Version of this snapshot's own layout (not of the value format). */
    private static final int SNAPSHOT_VERSION = 1;

    private int formatVersion;

    protected FormatVersionedSnapshot(int formatVersion) {
        this.formatVersion = formatVersion;
    }

    @Override
    public final int getCurrentVersion() {
        return SNAPSHOT_VERSION;
    }

    @Override
    public final void writeSnapshot(DataOutputView out) throws IOException {
        out.writeInt(formatVersion);
        writeMore(out);
    }

    @Override
    public final void readSnapshot(
            int readVersion, DataInputView in, ClassLoader userCodeClassLoader) throws IOException {
        if (readVersion != SNAPSHOT_VERSION) {
            throw new IOException(
                    "Unsupported "
                            + getClass().getSimpleName()
                            + " version "
                            + readVersion
                            + "; this build reads only version "
                            + SNAPSHOT_VERSION);
        }
        formatVersion = in.readInt();
        readMore(in);
    }

    /** Writes what a subclass records beyond the format version. */
    protected void writeMore(DataOutputView out) throws IOException {}

    /** Reads what {@link #writeMore} wrote. */
    protected void readMore(DataInputView in) throws IOException {}

    /**
     * Called on the new serializer's snapshot with the snapshot found in the checkpoint (the
     * FLIP-263 method that Flink 1.19+ uses; the {@code TypeSerializer} overload is deprecated).
     * Another serializer's snapshot is incompatible; for ours, the recorded format decides.
     */
    @Override
    public final TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(
            TypeSerializerSnapshot<T> oldSerializerSnapshot) {
        if (oldSerializerSnapshot == null || oldSerializerSnapshot.getClass() != getClass()) {
            return TypeSerializerSchemaCompatibility.incompatible();
        }
        return compatibility(((FormatVersionedSnapshot<T>) oldSerializerSnapshot).formatVersion);
    }

    /** How state written in {@code oldFormat} can be restored by the current serializer. */
    protected abstract TypeSerializerSchemaCompatibility<T> compatibility(int oldFormat);

    /** Value format version recorded in this snapshot. */
    public final int formatVersion() {
        return formatVersion;
    }
}
