package dev.forestwatch.job.score;

import java.io.IOException;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Versioned Flink serializer for {@link ScoreModel} keyed state.
 *
 * <p>Wire format of one value:
 *
 * <pre>
 * int    formatVersion   (currently 1)
 * int    sketchLength
 * byte[] compact KLL doubles sketch (KllDoublesSketch.toByteArray)
 * int    windowSize
 * (long timestamp, double unusualness) * windowSize, oldest first
 * </pre>
 *
 * <p>The sketch's own binary format is versioned and stable across datasketches releases, which is
 * why it is stored as is rather than as retained items; the raw-score count is part of it.
 *
 * <p>Stateless, so one instance may be shared; {@link #duplicate()} still returns a new one as
 * Flink expects for mutable-type serializers.
 */
public final class ScoreModelSerializer extends TypeSerializer<ScoreModel> {

    private static final long serialVersionUID = 1L;

    /** Version of the byte layout written by {@link #serialize}. */
    public static final int FORMAT_VERSION = 1;

    /**
     * Upper bound of one encoded sketch. A k=200 KLL sketch stays below a few tens of kilobytes for
     * any count, so anything larger means a corrupt length field.
     */
    static final int MAX_SKETCH_BYTES = 16 * 1024 * 1024;

    /**
     * Upper bound of a stored window, well above {@link ScoreModel#MAX_WINDOW_ENTRIES} so that
     * lowering that constant later does not make old state unreadable (the surplus is trimmed).
     */
    static final int MAX_WINDOW_ENTRIES_READ = 1 << 20;

    private static final int WINDOW_ENTRY_BYTES = Long.BYTES + Double.BYTES;

    /** Creates a serializer for the current format version. */
    public ScoreModelSerializer() {}

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<ScoreModel> duplicate() {
        return new ScoreModelSerializer();
    }

    /** An empty model, the natural starting point of a new detector. */
    @Override
    public ScoreModel createInstance() {
        return new ScoreModel();
    }

    /** Deep copy; the heap state backend calls this for entries a snapshot is still reading. */
    @Override
    public ScoreModel copy(ScoreModel from) {
        return from == null ? null : from.copy();
    }

    @Override
    public ScoreModel copy(ScoreModel from, ScoreModel reuse) {
        // The sketch cannot be refilled in place.
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ScoreModel record, DataOutputView target) throws IOException {
        if (record == null) {
            throw new NullPointerException(
                    "ScoreModelSerializer cannot serialize null; clear the state instead of"
                            + " storing null, or wrap the serializer in a NullableSerializer");
        }
        byte[] sketch = record.sketchBytes();
        target.writeInt(FORMAT_VERSION);
        target.writeInt(sketch.length);
        target.write(sketch);
        int size = record.windowSize();
        target.writeInt(size);
        for (int i = 0; i < size; i++) {
            target.writeLong(record.windowTimestamp(i));
            target.writeDouble(record.windowValue(i));
        }
    }

    @Override
    public ScoreModel deserialize(DataInputView source) throws IOException {
        checkFormatVersion(source.readInt());
        byte[] bytes = new byte[readSketchLength(source)];
        source.readFully(bytes);
        KllDoublesSketch sketch;
        try {
            sketch = KllDoublesSketch.heapify(Memory.wrap(bytes));
        } catch (RuntimeException e) {
            // datasketches signals corrupt input with unchecked exceptions.
            throw new IOException(
                    "Cannot decode score sketch (" + bytes.length + " bytes): " + e.getMessage(),
                    e);
        }
        ScoreModel model = new ScoreModel(sketch);
        int size = readWindowSize(source);
        for (int i = 0; i < size; i++) {
            long timestamp = source.readLong();
            double u = source.readDouble();
            // Replaying through the public path keeps the deque invariants and the size bound
            // even if the stored entries violate them; valid entries pass through unchanged.
            model.observeUnusualness(timestamp, u);
        }
        return model;
    }

    @Override
    public ScoreModel deserialize(ScoreModel reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    /** Copies one value without decoding the sketch; still validates the header and lengths. */
    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        int version = source.readInt();
        checkFormatVersion(version);
        int sketchLength = readSketchLength(source);
        target.writeInt(version);
        target.writeInt(sketchLength);
        // DataOutputSerializer.write(DataInputView, int) does not grow its buffer, while
        // write(byte[]) does, so go through an array; sketches are small.
        byte[] sketch = new byte[sketchLength];
        source.readFully(sketch);
        target.write(sketch);
        int size = readWindowSize(source);
        target.writeInt(size);
        for (int i = 0; i < size; i++) {
            target.writeLong(source.readLong());
            target.writeDouble(source.readDouble());
        }
    }

    @Override
    public boolean equals(Object obj) {
        // Stateless, so all instances are interchangeable.
        return obj instanceof ScoreModelSerializer;
    }

    @Override
    public int hashCode() {
        return 31 * ScoreModelSerializer.class.getName().hashCode() + FORMAT_VERSION;
    }

    @Override
    public TypeSerializerSnapshot<ScoreModel> snapshotConfiguration() {
        return new ScoreModelSerializerSnapshot();
    }

    private static void checkFormatVersion(int version) throws IOException {
        if (version != FORMAT_VERSION) {
            throw new IOException(
                    "Unsupported score model format version "
                            + version
                            + "; this build of ScoreModelSerializer reads only version "
                            + FORMAT_VERSION
                            + ". The state was written by a different (probably newer) job"
                            + " build, or the bytes are not score model state.");
        }
    }

    private static int readSketchLength(DataInputView source) throws IOException {
        int length = source.readInt();
        if (length <= 0 || length > MAX_SKETCH_BYTES) {
            throw new IOException("Corrupt score model state: invalid sketch length " + length);
        }
        return length;
    }

    private static int readWindowSize(DataInputView source) throws IOException {
        int size = source.readInt();
        if (size < 0 || size > MAX_WINDOW_ENTRIES_READ) {
            throw new IOException("Corrupt score model state: invalid window size " + size);
        }
        return size;
    }
}
