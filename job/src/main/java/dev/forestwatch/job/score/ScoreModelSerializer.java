package dev.forestwatch.job.score;

import java.io.IOException;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantilesDoublesSketchIterator;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Versioned Flink serializer for {@link ScoreModel} keyed state.
 *
 * <p>Wire format of one value, version 2 (written):
 *
 * <pre>
 * int    formatVersion   (2)
 * int    histogramLength
 * byte[] raw-score histogram (ScoreHistogram.toBytes: count, min, max, occupied bins)
 * int    windowSize
 * (long timestamp, double unusualness) * windowSize, oldest first
 * </pre>
 *
 * <p>Version 1 (read only) has the same shape with a compact KLL doubles sketch ({@code
 * KllDoublesSketch.toByteArray}) in place of the histogram. Reading it converts the sketch into a
 * histogram by adding every retained item with its weight, so the count is kept exactly and the
 * distribution to within the sketch's own error; the sketch's separately stored minimum and maximum
 * are not used, as they may belong to compacted items. The conversion is deterministic, and from
 * then on the model evolves as one built from scratch. A state restored from a version 1 snapshot
 * is migrated by Flink (see {@link ScoreModelSerializerSnapshot}), so values are rewritten as
 * version 2 at restore.
 *
 * <p>Stateless, so one instance may be shared; {@link #duplicate()} still returns a new one as
 * Flink expects for mutable-type serializers.
 */
public final class ScoreModelSerializer extends TypeSerializer<ScoreModel> {

    private static final long serialVersionUID = 1L;

    /** Version of the byte layout written by {@link #serialize}. */
    public static final int FORMAT_VERSION = 2;

    /** The first layout, with a KLL sketch; still read, never written. */
    static final int KLL_FORMAT_VERSION = 1;

    /**
     * Upper bound of one encoded KLL sketch (version 1). A k=200 KLL sketch stays below a few tens
     * of kilobytes for any count, so anything larger means a corrupt length field.
     */
    static final int MAX_SKETCH_BYTES = 16 * 1024 * 1024;

    /** Upper bound of one encoded histogram (version 2); larger means a corrupt length field. */
    static final int MAX_HISTOGRAM_BYTES = ScoreHistogram.MAX_ENCODED_BYTES;

    /**
     * Upper bound of a stored window, well above {@link ScoreModel#MAX_WINDOW_ENTRIES} so that
     * lowering that constant later does not make old state unreadable (the surplus is trimmed).
     */
    static final int MAX_WINDOW_ENTRIES_READ = 1 << 20;

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
        // Arrays of another size would have to be reallocated anyway; a fresh copy is simpler.
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
        byte[] histogram = record.histogramBytes();
        target.writeInt(FORMAT_VERSION);
        target.writeInt(histogram.length);
        target.write(histogram);
        int size = record.windowSize();
        target.writeInt(size);
        for (int i = 0; i < size; i++) {
            target.writeLong(record.windowTimestamp(i));
            target.writeDouble(record.windowValue(i));
        }
    }

    @Override
    public ScoreModel deserialize(DataInputView source) throws IOException {
        int version = readFormatVersion(source);
        byte[] bytes = new byte[readDistributionLength(source, version)];
        source.readFully(bytes);
        ScoreModel model =
                new ScoreModel(
                        version == KLL_FORMAT_VERSION
                                ? histogramOfSketch(bytes)
                                : ScoreHistogram.fromBytes(bytes));
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

    /**
     * Copies one value without decoding the distribution; still validates the header and lengths. A
     * version 1 value stays version 1, which {@link #deserialize} reads.
     */
    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        int version = readFormatVersion(source);
        int length = readDistributionLength(source, version);
        target.writeInt(version);
        target.writeInt(length);
        // DataOutputSerializer.write(DataInputView, int) does not grow its buffer, while
        // write(byte[]) does, so go through an array; distributions are small.
        byte[] distribution = new byte[length];
        source.readFully(distribution);
        target.write(distribution);
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

    private static int readFormatVersion(DataInputView source) throws IOException {
        int version = source.readInt();
        if (version != FORMAT_VERSION && version != KLL_FORMAT_VERSION) {
            throw new IOException(
                    "Unsupported score model format version "
                            + version
                            + "; this build of ScoreModelSerializer reads only versions "
                            + KLL_FORMAT_VERSION
                            + " and "
                            + FORMAT_VERSION
                            + ". The state was written by a different (probably newer) job"
                            + " build, or the bytes are not score model state.");
        }
        return version;
    }

    private static int readDistributionLength(DataInputView source, int version)
            throws IOException {
        int length = source.readInt();
        if (version == KLL_FORMAT_VERSION) {
            if (length <= 0 || length > MAX_SKETCH_BYTES) {
                throw new IOException("Corrupt score model state: invalid sketch length " + length);
            }
        } else if (length <= 0 || length > MAX_HISTOGRAM_BYTES) {
            throw new IOException("Corrupt score model state: invalid histogram length " + length);
        }
        return length;
    }

    /** Converts a version 1 KLL sketch into a histogram, item by item with its weight. */
    static ScoreHistogram histogramOfSketch(byte[] bytes) throws IOException {
        KllDoublesSketch sketch;
        try {
            sketch = KllDoublesSketch.heapify(Memory.wrap(bytes));
        } catch (RuntimeException e) {
            // datasketches signals corrupt input with unchecked exceptions.
            throw new IOException(
                    "Cannot decode score sketch (" + bytes.length + " bytes): " + e.getMessage(),
                    e);
        }
        ScoreHistogram histogram = new ScoreHistogram();
        // The iterator walks the retained items level by level; the histogram does not depend on
        // the order, and iteration itself involves no randomness.
        QuantilesDoublesSketchIterator items = sketch.iterator();
        while (items.next()) {
            double item = items.getQuantile();
            long weight = items.getWeight();
            if (!Double.isFinite(item) || weight <= 0) {
                throw new IOException(
                        "Corrupt score sketch: item " + item + " with weight " + weight);
            }
            histogram.add(item, weight);
        }
        if (histogram.count() != sketch.getN()) {
            throw new IOException(
                    "Corrupt score sketch: item weights add up to "
                            + histogram.count()
                            + ", not its count "
                            + sketch.getN());
        }
        return histogram;
    }

    private static int readWindowSize(DataInputView source) throws IOException {
        int size = source.readInt();
        if (size < 0 || size > MAX_WINDOW_ENTRIES_READ) {
            throw new IOException("Corrupt score model state: invalid window size " + size);
        }
        return size;
    }
}
