package dev.forestwatch.job.season;

import dev.forestwatch.job.state.FormatVersionedSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;

/**
 * Snapshot of {@link SeasonalBaselineSerializer}: records the value format version, so that a job
 * that cannot read the stored format fails at restore time. Format 1 is compatible as is; any other
 * format, or another serializer's snapshot, is incompatible.
 */
public final class SeasonalBaselineSerializerSnapshot
        extends FormatVersionedSnapshot<SeasonalBaseline> {

    /** Snapshot of the current serializer; also used by Flink to instantiate before reading. */
    public SeasonalBaselineSerializerSnapshot() {
        this(SeasonalBaselineSerializer.FORMAT_VERSION);
    }

    /** For tests: a snapshot as if written by another serializer build. */
    SeasonalBaselineSerializerSnapshot(int formatVersion) {
        super(formatVersion);
    }

    @Override
    public TypeSerializer<SeasonalBaseline> restoreSerializer() {
        return new SeasonalBaselineSerializer();
    }

    @Override
    protected TypeSerializerSchemaCompatibility<SeasonalBaseline> compatibility(int oldFormat) {
        return oldFormat == SeasonalBaselineSerializer.FORMAT_VERSION
                ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                : TypeSerializerSchemaCompatibility.incompatible();
    }
}
