package dev.forestwatch.connectors.file;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each string as one line ({@code '\n'}-terminated, UTF-8) of a local file; for local runs.
 *
 * <p>A fresh run truncates the file and creates missing parent directories. The sink is meant for
 * parallelism 1: subtask 0 writes {@code path} itself, and any other subtask {@code i} writes a
 * sibling with {@code -i} inserted before the extension ({@code results.jsonl} becomes {@code
 * results-1.jsonl}), so parallel writers never interleave within one file.
 *
 * <p>Each checkpoint records how many bytes the file held (after flushing). When the job recovers
 * from that checkpoint the file is cut back to that length before writing resumes, so lines written
 * after the checkpoint are not duplicated when the sources replay them: exactly-once as long as the
 * parallelism is unchanged. If the checkpointed lengths cannot be matched to this subtask (after
 * rescaling) the file starts over. Data is flushed to the operating system, not forced to disk.
 */
public final class JsonLinesFileSink implements Sink<String>, SupportsWriterState<String, Long> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(JsonLinesFileSink.class);

    private final String path;

    /**
     * A sink writing to the given file.
     *
     * @param path the file subtask 0 writes; other subtasks write numbered siblings
     */
    public JsonLinesFileSink(String path) {
        this.path = Objects.requireNonNull(path, "path");
    }

    @Override
    public StatefulSinkWriter<String, Long> createWriter(WriterInitContext context)
            throws IOException {
        return LineWriter.open(fileForSubtask(path, subtaskIndex(context)), 0L);
    }

    /**
     * Flink 1.20 still declares this deprecated overload abstract; the runtime calls {@link
     * #createWriter(WriterInitContext)}.
     */
    @Deprecated
    @Override
    public StatefulSinkWriter<String, Long> createWriter(Sink.InitContext context)
            throws IOException {
        return LineWriter.open(fileForSubtask(path, subtaskIndex(context)), 0L);
    }

    @Override
    public StatefulSinkWriter<String, Long> restoreWriter(
            WriterInitContext context, Collection<Long> recoveredState) throws IOException {
        Path file = fileForSubtask(path, subtaskIndex(context));
        if (recoveredState.size() != 1) {
            LOG.warn(
                    "{} restored with {} writer states (parallelism changed?); starting the file"
                            + " over",
                    file,
                    recoveredState.size());
            return LineWriter.open(file, 0L);
        }
        return LineWriter.open(file, recoveredState.iterator().next());
    }

    @Override
    public SimpleVersionedSerializer<Long> getWriterStateSerializer() {
        return new LengthSerializer();
    }

    /**
     * The file a subtask writes: {@code path} for subtask 0, else {@code <name>-<subtask><ext>}.
     *
     * @param path the configured path
     * @param subtask the subtask index, 0-based
     */
    public static Path fileForSubtask(String path, int subtask) {
        Path base = Paths.get(path);
        if (subtask == 0) {
            return base;
        }
        String name = base.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String sibling =
                dot > 0
                        ? name.substring(0, dot) + "-" + subtask + name.substring(dot)
                        : name + "-" + subtask;
        return base.resolveSibling(sibling);
    }

    // Qualified: inside a Sink the simple name InitContext means the deprecated Sink.InitContext.
    private static int subtaskIndex(org.apache.flink.api.connector.sink2.InitContext context) {
        return context.getTaskInfo().getIndexOfThisSubtask();
    }

    /** Appends lines through a buffer and counts the bytes, which is the checkpointed state. */
    static final class LineWriter implements StatefulSinkWriter<String, Long> {
        private final Path file;
        private final OutputStream out;
        private long length;

        private LineWriter(Path file, OutputStream out, long length) {
            this.file = file;
            this.out = out;
            this.length = length;
        }

        /** Opens {@code file} for appending after cutting it to {@code keepBytes} bytes. */
        static LineWriter open(Path file, long keepBytes) throws IOException {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            long kept = keepBytes;
            try (FileChannel channel =
                    FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                if (channel.size() < keepBytes) {
                    // Someone shortened the file behind our back; keep what is there.
                    LOG.warn(
                            "{} has {} bytes but the checkpoint recorded {}; appending after them",
                            file,
                            channel.size(),
                            keepBytes);
                    kept = channel.size();
                }
                channel.truncate(kept);
            }
            OutputStream stream =
                    Files.newOutputStream(
                            file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            return new LineWriter(file, new BufferedOutputStream(stream, 64 * 1024), kept);
        }

        @Override
        public void write(String element, Context context) throws IOException {
            byte[] bytes = element.getBytes(StandardCharsets.UTF_8);
            out.write(bytes);
            out.write('\n');
            length += bytes.length + 1;
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            out.flush();
        }

        @Override
        public List<Long> snapshotState(long checkpointId) throws IOException {
            // The operator flushes before snapshotting; flushing again keeps the recorded length
            // true even if that ever changes.
            out.flush();
            return List.of(length);
        }

        @Override
        public void close() throws IOException {
            out.close();
        }

        @Override
        public String toString() {
            return "JsonLinesFileSink.LineWriter{" + file + "}";
        }
    }

    /** Writes the checkpointed file length as 8 big-endian bytes. */
    private static final class LengthSerializer implements SimpleVersionedSerializer<Long> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Long length) {
            return ByteBuffer.allocate(Long.BYTES).putLong(length).array();
        }

        @Override
        public Long deserialize(int version, byte[] serialized) throws IOException {
            if (version != 1 || serialized.length != Long.BYTES) {
                throw new IOException(
                        "Unknown JsonLinesFileSink state: version "
                                + version
                                + ", "
                                + serialized.length
                                + " bytes");
            }
            return ByteBuffer.wrap(serialized).getLong();
        }
    }
}
