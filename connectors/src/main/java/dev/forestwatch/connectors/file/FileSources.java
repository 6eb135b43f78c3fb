package dev.forestwatch.connectors.file;

import dev.forestwatch.connectors.raw.RawEvent;
import java.io.File;
import java.util.Objects;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;

/**
 * Bounded replay of CSV or JSON Lines files as {@link RawEvent}s.
 *
 * <p>The source reads a single file or every file under a directory (recursively, skipping hidden
 * and empty files), each file whole and in path order, so at parallelism 1 the events arrive in
 * file-then-line order. See {@link DelimitedLineFormat} for how lines become events and how the
 * reader position is checkpointed.
 */
public final class FileSources {
    private FileSources() {}

    /**
     * A bounded file source for the given spec.
     *
     * @param spec the file or directory and its format
     * @throws IllegalArgumentException if a local path (no URI scheme) does not exist
     */
    public static FileSource<RawEvent> create(FileSourceSpec spec) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(spec.path(), "spec.path");
        Objects.requireNonNull(spec.format(), "spec.format");
        return FileSource.forBulkFileFormat(
                        new PerFileLineFormat(spec.format(), spec.columns()), toPath(spec))
                .setFileEnumerator(SortedFileEnumerator::new)
                .setSplitAssigner(NameOrderSplitAssigner::new)
                .build();
    }

    private static Path toPath(FileSourceSpec spec) {
        Path path = new Path(spec.path());
        if (path.toUri().getScheme() != null) {
            return path;
        }
        // A plain local path: resolve it here, on the client, so the source does not depend on
        // the working directory of the task manager, and fail early with a clear message.
        File file = new File(spec.path()).getAbsoluteFile();
        if (!file.exists()) {
            throw new IllegalArgumentException("Replay path does not exist: " + file);
        }
        return Path.fromLocalFile(file);
    }
}
