package dev.forestwatch.job.season;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Versioned Flink serializer for {@link SeasonalBaseline} keyed state.
 *
 * <p>Wire format of one value, version 1:
 *
 * <pre>
 * int    formatVersion   (1)
 * int    length
 * byte[] state: dims, candidate periods, cadence and its gaps, last time, points, active profile,
 *        profiles (period, slots, slot width, weights, slot values and visits, level, test sums,
 *        accepted), replay points oldest first
 * </pre>
 *
 * <p>The length prefix lets {@link #copy(DataInputView, DataOutputView)} move a value without
 * decoding it. Stateless; {@link #duplicate()} returns a new instance as Flink expects for mutable
 * types.
 */
public final class SeasonalBaselineSerializer extends TypeSerializer<SeasonalBaseline> {

    private static final long serialVersionUID = 1L;

    /** Version of the byte layout written by {@link #serialize}. */
    public static final int FORMAT_VERSION = 1;

    /** Upper bound of one encoded baseline; larger means a corrupt length field. */
    static final int MAX_STATE_BYTES = 64 * 1024 * 1024;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<SeasonalBaseline> duplicate() {
        return new SeasonalBaselineSerializer();
    }

    /** Returns {@code null}: a baseline cannot be built without its periods. */
    @Override
    public SeasonalBaseline createInstance() {
        return null;
    }

    @Override
    public SeasonalBaseline copy(SeasonalBaseline from) {
        return from == null ? null : from.copy();
    }

    @Override
    public SeasonalBaseline copy(SeasonalBaseline from, SeasonalBaseline reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(SeasonalBaseline record, DataOutputView target) throws IOException {
        if (record == null) {
            throw new NullPointerException(
                    "SeasonalBaselineSerializer cannot serialize null; clear the state instead");
        }
        DataOutputSerializer body = new DataOutputSerializer(4096);
        record.writeTo(body);
        target.writeInt(FORMAT_VERSION);
        target.writeInt(body.length());
        target.write(body.getSharedBuffer(), 0, body.length());
    }

    @Override
    public SeasonalBaseline deserialize(DataInputView source) throws IOException {
        byte[] body = readBody(source);
        DataInputDeserializer in = new DataInputDeserializer(body);
        SeasonalBaseline b = SeasonalBaseline.readFrom(in);
        if (in.available() != 0) {
            throw new IOException(
                    "Corrupt seasonal state: " + in.available() + " bytes after the value");
        }
        return b;
    }

    @Override
    public SeasonalBaseline deserialize(SeasonalBaseline reuse, DataInputView source)
            throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        byte[] body = readBody(source);
        target.writeInt(FORMAT_VERSION);
        target.writeInt(body.length);
        target.write(body);
    }

    private static byte[] readBody(DataInputView source) throws IOException {
        int version = source.readInt();
        if (version != FORMAT_VERSION) {
            throw new IOException(
                    "Unsupported seasonal baseline format version "
                            + version
                            + "; this build reads only version "
                            + FORMAT_VERSION);
        }
        int length = source.readInt();
        if (length <= 0 || length > MAX_STATE_BYTES) {
            throw new IOException("Corrupt seasonal state: invalid length " + length);
        }
        byte[] body = new byte[length];
        source.readFully(body);
        return body;
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof SeasonalBaselineSerializer;
    }

    @Override
    public int hashCode() {
        return 31 * SeasonalBaselineSerializer.class.getName().hashCode() + FORMAT_VERSION;
    }

    @Override
    public TypeSerializerSnapshot<SeasonalBaseline> snapshotConfiguration() {
        return new SeasonalBaselineSerializerSnapshot();
    }
}
