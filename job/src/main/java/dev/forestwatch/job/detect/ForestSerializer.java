package dev.forestwatch.job.detect;

import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
import com.amazon.randomcutforest.parkservices.state.ThresholdedRandomCutForestMapper;
import com.amazon.randomcutforest.parkservices.state.ThresholdedRandomCutForestState;
import io.protostuff.LinkedBuffer;
import io.protostuff.ProtostuffIOUtil;
import io.protostuff.Schema;
import io.protostuff.runtime.RuntimeSchema;
import java.io.DataOutput;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Versioned Flink serializer for {@link ThresholdedRandomCutForest} keyed state.
 *
 * <p>Wire format of one value:
 *
 * <pre>
 * int    formatVersion      (currently 1)
 * UTF    rcfLibraryVersion  (informational, e.g. "4.4.0")
 * int    length
 * byte[] protostuff encoding of ThresholdedRandomCutForestState
 * </pre>
 *
 * <p>The state is produced by {@link ThresholdedRandomCutForestMapper}, which always includes the
 * tree structure, so a restored forest continues bit-identically. Neither Kryo nor Java
 * serialization is used: Java serialization of the RCF state classes already broke between RCF
 * 4.3.0 and 4.4.0, while protostuff only depends on field order.
 *
 * <p>Instances are not thread-safe (they keep scratch buffers); {@link #duplicate()} returns a
 * fresh instance.
 */
public final class ForestSerializer extends TypeSerializer<ThresholdedRandomCutForest> {

    private static final long serialVersionUID = 1L;

    /** Version of the byte layout written by {@link #serialize}. */
    public static final int FORMAT_VERSION = 1;

    /** RCF release the state bytes were written with; recorded for diagnostics only. */
    public static final String RCF_LIBRARY_VERSION = "4.4.0";

    /** Upper bound of one encoded forest; anything larger means a corrupt length field. */
    static final int MAX_STATE_BYTES = 512 * 1024 * 1024;

    private static final int BUFFER_BYTES = 8 * 1024;

    // RuntimeSchema builds the schema by reflection once and is thread-safe.
    private static final Schema<ThresholdedRandomCutForestState> SCHEMA =
            RuntimeSchema.getSchema(ThresholdedRandomCutForestState.class);

    // The mapper has no fields; one shared instance is safe.
    private static final ThresholdedRandomCutForestMapper MAPPER =
            new ThresholdedRandomCutForestMapper();

    /** Reused protostuff buffer; transient because the serializer itself is Java-serialised. */
    private transient LinkedBuffer buffer;

    /** Reused chunk for {@link #copy(DataInputView, DataOutputView)}. */
    private transient byte[] copyBuffer;

    /** Creates a serializer for the current format version. */
    public ForestSerializer() {}

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<ThresholdedRandomCutForest> duplicate() {
        // The scratch buffers must not be shared between threads.
        return new ForestSerializer();
    }

    /** Returns {@code null}: a forest cannot be built without its settings. */
    @Override
    public ThresholdedRandomCutForest createInstance() {
        return null;
    }

    /**
     * Deep copy through the library's state mapper; the heap state backend calls this for entries
     * that an asynchronous snapshot is still reading.
     */
    @Override
    public ThresholdedRandomCutForest copy(ThresholdedRandomCutForest from) {
        if (from == null) {
            return null;
        }
        return MAPPER.toModel(toState(from));
    }

    @Override
    public ThresholdedRandomCutForest copy(
            ThresholdedRandomCutForest from, ThresholdedRandomCutForest reuse) {
        // A forest cannot be refilled in place.
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ThresholdedRandomCutForest record, DataOutputView target)
            throws IOException {
        if (record == null) {
            throw new NullPointerException(
                    "ForestSerializer cannot serialize null; clear the state instead of storing"
                            + " null, or wrap the serializer in a NullableSerializer");
        }
        ThresholdedRandomCutForestState state = toState(record);
        LinkedBuffer buf = buffer();
        try {
            // Encoding into the linked buffer first gives the length without another copy.
            int length = ProtostuffIOUtil.writeTo(buf, state, SCHEMA);
            target.writeInt(FORMAT_VERSION);
            target.writeUTF(RCF_LIBRARY_VERSION);
            target.writeInt(length);
            LinkedBuffer.writeTo((DataOutput) target, buf);
        } finally {
            // Drops the chained segments so a large forest does not pin memory.
            buf.clear();
        }
    }

    @Override
    public ThresholdedRandomCutForest deserialize(DataInputView source) throws IOException {
        int length = readHeader(source);
        byte[] bytes = new byte[length];
        source.readFully(bytes);
        ThresholdedRandomCutForestState state = SCHEMA.newMessage();
        try {
            ProtostuffIOUtil.mergeFrom(bytes, state, SCHEMA);
            return MAPPER.toModel(state);
        } catch (RuntimeException e) {
            // Protostuff and the mapper signal corrupt input with unchecked exceptions.
            throw new IOException(
                    "Cannot decode forest state (" + length + " bytes): " + e.getMessage(), e);
        }
    }

    @Override
    public ThresholdedRandomCutForest deserialize(
            ThresholdedRandomCutForest reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    /** Copies one value without decoding it; still validates the header. */
    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        int version = source.readInt();
        checkFormatVersion(version);
        String libraryVersion = source.readUTF();
        int length = readLength(source);
        target.writeInt(version);
        target.writeUTF(libraryVersion);
        target.writeInt(length);
        // Chunked on purpose: DataOutputSerializer.write(DataInputView, int) does not grow its
        // buffer, while write(byte[], int, int) does.
        byte[] chunk = copyBuffer();
        int remaining = length;
        while (remaining > 0) {
            int n = Math.min(remaining, chunk.length);
            source.readFully(chunk, 0, n);
            target.write(chunk, 0, n);
            remaining -= n;
        }
    }

    @Override
    public boolean equals(Object obj) {
        // Stateless apart from the scratch buffer, so all instances are interchangeable.
        return obj instanceof ForestSerializer;
    }

    @Override
    public int hashCode() {
        return 31 * ForestSerializer.class.getName().hashCode() + FORMAT_VERSION;
    }

    @Override
    public TypeSerializerSnapshot<ThresholdedRandomCutForest> snapshotConfiguration() {
        return new ForestSerializerSnapshot();
    }

    /**
     * Reads the header of one value and returns the length of the state bytes that follow.
     *
     * @throws IOException for an unknown format version or a corrupt length
     */
    private static int readHeader(DataInputView source) throws IOException {
        checkFormatVersion(source.readInt());
        source.readUTF(); // Library version: informational, protostuff data stays readable.
        return readLength(source);
    }

    private static void checkFormatVersion(int version) throws IOException {
        if (version != FORMAT_VERSION) {
            throw new IOException(
                    "Unsupported forest state format version "
                            + version
                            + "; this build of ForestSerializer reads only version "
                            + FORMAT_VERSION
                            + ". The state was written by a different (probably newer) job"
                            + " build, or the bytes are not forest state.");
        }
    }

    private static int readLength(DataInputView source) throws IOException {
        int length = source.readInt();
        if (length < 0 || length > MAX_STATE_BYTES) {
            throw new IOException("Corrupt forest state: invalid length " + length);
        }
        return length;
    }

    /**
     * Maps the model to its state under the model's monitor: {@code toState} is not read-only (it
     * compacts the point store), and the heap backend may run it from the snapshot thread and from
     * {@link #copy} on the task thread at the same time for the same object.
     */
    private static ThresholdedRandomCutForestState toState(ThresholdedRandomCutForest forest) {
        synchronized (forest) {
            return MAPPER.toState(forest);
        }
    }

    private byte[] copyBuffer() {
        if (copyBuffer == null) {
            copyBuffer = new byte[BUFFER_BYTES];
        }
        return copyBuffer;
    }

    private LinkedBuffer buffer() {
        if (buffer == null) {
            buffer = LinkedBuffer.allocate(BUFFER_BYTES);
        }
        return buffer;
    }
}
