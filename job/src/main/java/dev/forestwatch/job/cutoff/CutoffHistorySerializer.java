package dev.forestwatch.job.cutoff;

import java.io.IOException;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Versioned Flink serializer for {@link CutoffHistory} keyed state.
 *
 * <p>Wire format of one value:
 *
 * <pre>
 * int    formatVersion   (currently 1)
 * long   historyMillis
 * long   intervalMillis
 * long   expiredBefore   (Long.MIN_VALUE if never expired)
 * int    slotCount
 * per slot, oldest first:
 *   long   slotIndex     (floor(timestamp / interval))
 *   long   count
 *   double mean          (Welford)
 *   double m2            (sum of squared deviations from the mean)
 *   int    sketchLength
 *   byte[] compact KLL doubles sketch (KllDoublesSketch.toByteArray)
 * </pre>
 *
 * <p>History and interval travel with the value because the serializer has no configuration of its
 * own; the operator compares them with the spec after a restore. The sketch's own binary format is
 * versioned and stable across datasketches releases, so it is stored as is.
 *
 * <p>Stateless, so one instance may be shared; {@link #duplicate()} still returns a new one as
 * Flink expects for mutable-type serializers.
 */
public final class CutoffHistorySerializer extends TypeSerializer<CutoffHistory> {

    private static final long serialVersionUID = 1L;

    /** Version of the byte layout written by {@link #serialize}. */
    public static final int FORMAT_VERSION = 1;

    /**
     * Upper bound of one encoded sketch. A k=200 KLL sketch stays below a few tens of kilobytes for
     * any count, so anything larger means a corrupt length field.
     */
    static final int MAX_SKETCH_BYTES = 16 * 1024 * 1024;

    /** Creates a serializer for the current format version. */
    public CutoffHistorySerializer() {}

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<CutoffHistory> duplicate() {
        return new CutoffHistorySerializer();
    }

    /**
     * A placeholder history of one millisecond; Flink only calls this for reuse objects, and the
     * operator always builds its histories from the spec.
     */
    @Override
    public CutoffHistory createInstance() {
        return new CutoffHistory(1L, 1L);
    }

    /** Deep copy; the heap state backend calls this for entries a snapshot is still reading. */
    @Override
    public CutoffHistory copy(CutoffHistory from) {
        return from == null ? null : from.copy();
    }

    @Override
    public CutoffHistory copy(CutoffHistory from, CutoffHistory reuse) {
        // Sketches cannot be refilled in place.
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(CutoffHistory record, DataOutputView target) throws IOException {
        if (record == null) {
            throw new NullPointerException(
                    "CutoffHistorySerializer cannot serialize null; clear the state instead of"
                            + " storing null, or wrap the serializer in a NullableSerializer");
        }
        target.writeInt(FORMAT_VERSION);
        target.writeLong(record.historyMillis());
        target.writeLong(record.intervalMillis());
        target.writeLong(record.expiredBefore());
        int slots = record.slotCount();
        target.writeInt(slots);
        for (int i = 0; i < slots; i++) {
            target.writeLong(record.slotIndex(i));
            target.writeLong(record.slotCount(i));
            target.writeDouble(record.slotMean(i));
            target.writeDouble(record.slotM2(i));
            byte[] sketch = record.slotSketchBytes(i);
            target.writeInt(sketch.length);
            target.write(sketch);
        }
    }

    @Override
    public CutoffHistory deserialize(DataInputView source) throws IOException {
        checkFormatVersion(source.readInt());
        long historyMillis = source.readLong();
        long intervalMillis = source.readLong();
        CutoffHistory history = newHistory(historyMillis, intervalMillis);
        history.restoreExpiredBefore(source.readLong());
        int slots = readSlotCount(source, history.capacity());
        for (int i = 0; i < slots; i++) {
            long index = source.readLong();
            long count = source.readLong();
            double mean = source.readDouble();
            double m2 = source.readDouble();
            byte[] bytes = new byte[readSketchLength(source)];
            source.readFully(bytes);
            KllDoublesSketch sketch = decodeSketch(bytes);
            if (sketch.getN() != count) {
                throw new IOException(
                        "Corrupt cutoff history state: slot "
                                + index
                                + " counts "
                                + count
                                + " scores but its sketch holds "
                                + sketch.getN());
            }
            try {
                history.restoreSlot(index, count, mean, m2, sketch);
            } catch (IllegalArgumentException e) {
                throw new IOException("Corrupt cutoff history state: " + e.getMessage(), e);
            }
        }
        return history;
    }

    @Override
    public CutoffHistory deserialize(CutoffHistory reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    /** Copies one value without decoding the sketches; still validates the header and lengths. */
    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        int version = source.readInt();
        checkFormatVersion(version);
        long historyMillis = source.readLong();
        long intervalMillis = source.readLong();
        int capacity = newHistory(historyMillis, intervalMillis).capacity();
        long expiredBefore = source.readLong();
        int slots = readSlotCount(source, capacity);
        target.writeInt(version);
        target.writeLong(historyMillis);
        target.writeLong(intervalMillis);
        target.writeLong(expiredBefore);
        target.writeInt(slots);
        for (int i = 0; i < slots; i++) {
            target.writeLong(source.readLong());
            target.writeLong(source.readLong());
            target.writeDouble(source.readDouble());
            target.writeDouble(source.readDouble());
            int sketchLength = readSketchLength(source);
            target.writeInt(sketchLength);
            // DataOutputSerializer.write(DataInputView, int) does not grow its buffer, while
            // write(byte[]) does, so go through an array; sketches are small.
            byte[] sketch = new byte[sketchLength];
            source.readFully(sketch);
            target.write(sketch);
        }
    }

    @Override
    public boolean equals(Object obj) {
        // Stateless, so all instances are interchangeable.
        return obj instanceof CutoffHistorySerializer;
    }

    @Override
    public int hashCode() {
        return 31 * CutoffHistorySerializer.class.getName().hashCode() + FORMAT_VERSION;
    }

    @Override
    public TypeSerializerSnapshot<CutoffHistory> snapshotConfiguration() {
        return new CutoffHistorySerializerSnapshot();
    }

    private static void checkFormatVersion(int version) throws IOException {
        if (version != FORMAT_VERSION) {
            throw new IOException(
                    "Unsupported cutoff history format version "
                            + version
                            + "; this build of CutoffHistorySerializer reads only version "
                            + FORMAT_VERSION
                            + ". The state was written by a different (probably newer) job"
                            + " build, or the bytes are not cutoff history state.");
        }
    }

    private static CutoffHistory newHistory(long historyMillis, long intervalMillis)
            throws IOException {
        try {
            return new CutoffHistory(historyMillis, intervalMillis);
        } catch (IllegalArgumentException e) {
            throw new IOException("Corrupt cutoff history state: " + e.getMessage(), e);
        }
    }

    /** Sanity bound on stored slots (a year of one-minute intervals is 525,600). */
    private static final int MAX_SLOTS = 1_000_000;

    private static int readSlotCount(DataInputView source, int capacity) throws IOException {
        int slots = source.readInt();
        // Scores may run ahead of the watermark, so more than a ring's worth of slots can be held;
        // the bound only guards against corrupt bytes.
        if (slots < 0 || slots > Math.max(capacity, MAX_SLOTS)) {
            throw new IOException(
                    "Corrupt cutoff history state: invalid slot count "
                            + slots
                            + " (ring of "
                            + capacity
                            + ")");
        }
        return slots;
    }

    private static int readSketchLength(DataInputView source) throws IOException {
        int length = source.readInt();
        if (length <= 0 || length > MAX_SKETCH_BYTES) {
            throw new IOException("Corrupt cutoff history state: invalid sketch length " + length);
        }
        return length;
    }

    private static KllDoublesSketch decodeSketch(byte[] bytes) throws IOException {
        try {
            return KllDoublesSketch.heapify(Memory.wrap(bytes));
        } catch (RuntimeException e) {
            // datasketches signals corrupt input with unchecked exceptions.
            throw new IOException(
                    "Cannot decode cutoff sketch (" + bytes.length + " bytes): " + e.getMessage(),
                    e);
        }
    }
}
