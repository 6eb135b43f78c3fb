package dev.forestwatch.job.score;

import dev.forestwatch.job.state.FormatVersionedSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;

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
public final class ScoreModelSerializerSnapshot extends FormatVersionedSnapshot<ScoreModel> {

    /** Snapshot of the current serializer; also used by Flink to instantiate before reading. */
    public ScoreModelSerializerSnapshot() {
        this(ScoreModelSerializer.FORMAT_VERSION);
    }

    /** For tests: a snapshot as if written by another serializer build. */
    ScoreModelSerializerSnapshot(int formatVersion) {
        super(formatVersion);
    }

    @Override
    public TypeSerializer<ScoreModel> restoreSerializer() {
        // The current serializer reads formats 1 and 2; an unknown one is rejected by the
        // compatibility check and, failing that, by the serializer's header check.
        return new ScoreModelSerializer();
    }

    @Override
    protected TypeSerializerSchemaCompatibility<ScoreModel> compatibility(int oldFormat) {
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
}
