package dev.forestwatch.job.score;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Snapshot of {@link ScoreModelSerializer}, stored in checkpoints and savepoints next to the state.
 *
 * <p>It records the value format version so that a job whose serializer cannot read the old format
 * fails at restore time instead of on the first record.
 *
 * <p>Compatibility of a restored snapshot with the current serializer (format {@value
 * ScoreModelSerializer#FORMAT_VERSION}):
 *
 * <ul>
 *   <li>format 2: compatible as is;
 *   <li>format 1 (KLL sketch): compatible after migration. The layout differs, so by Flink's
 *       definition this is a migration, not "as is" (which promises an identical schema). Flink
 *       then reads every value with the {@link #restoreSerializer() restore serializer} and writes
 *       it with the new one: eagerly at restore with RocksDB, and with the heap backend values are
 *       objects already and are written as format 2 by the next checkpoint. The restore serializer
 *       is the current {@link ScoreModelSerializer}, which dispatches on the version header of each
 *       value and converts format 1 into the histogram. "As is" would work too, since every value
 *       carries its version, but it would leave format 1 bytes in RocksDB until each key is next
 *       written and convert them again on every read; migration converts each value once, at a
 *       well-defined point, and later checkpoints hold format 2 only. The conversion is
 *       deterministic, so either way every replay sees the same models.
 *   <li>any other format, or another serializer's snapshot: incompatible.
 * </ul>
 */
public final class ScoreModelSerializerSnapshot implements TypeSerializerSnapshot<ScoreModel> {

    /** Version of this snapshot's own layout (not of the value format). */
    private static final int SNAPSHOT_VERSION = 1;

    private int formatVersion;

    /** Snapshot of the current serializer; also used by Flink to instantiate before reading. */
    public ScoreModelSerializerSnapshot() {
        this(ScoreModelSerializer.FORMAT_VERSION);
    }

    /** For tests: a snapshot as if written by another serializer build. */
    ScoreModelSerializerSnapshot(int formatVersion) {
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
                    "Unsupported ScoreModelSerializerSnapshot version "
                            + readVersion
                            + "; this build reads only version "
                            + SNAPSHOT_VERSION);
        }
        formatVersion = in.readInt();
    }

    @Override
    public TypeSerializer<ScoreModel> restoreSerializer() {
        // The current serializer reads formats 1 and 2; an unknown one is rejected by the
        // compatibility check and, failing that, by the serializer's header check.
        return new ScoreModelSerializer();
    }

    /**
     * Called on the new serializer's snapshot with the snapshot found in the checkpoint (the
     * FLIP-263 method that Flink 1.19+ uses; the {@code TypeSerializer} overload is deprecated).
     */
    @Override
    public TypeSerializerSchemaCompatibility<ScoreModel> resolveSchemaCompatibility(
            TypeSerializerSnapshot<ScoreModel> oldSerializerSnapshot) {
        if (!(oldSerializerSnapshot instanceof ScoreModelSerializerSnapshot)) {
            return TypeSerializerSchemaCompatibility.incompatible();
        }
        int oldFormat = ((ScoreModelSerializerSnapshot) oldSerializerSnapshot).formatVersion;
        if (oldFormat == ScoreModelSerializer.FORMAT_VERSION) {
            return TypeSerializerSchemaCompatibility.compatibleAsIs();
        }
        if (oldFormat == ScoreModelSerializer.KLL_FORMAT_VERSION) {
            // Read by the restore serializer (which understands format 1), rewritten as format 2.
            return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }
        // Newer formats cannot be read by this build; others never existed.
        return TypeSerializerSchemaCompatibility.incompatible();
    }

    /** Value format version recorded in this snapshot. */
    public int formatVersion() {
        return formatVersion;
    }
}
