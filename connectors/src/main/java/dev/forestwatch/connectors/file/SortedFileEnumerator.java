package dev.forestwatch.connectors.file;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.enumerate.FileEnumerator;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Lists the files under the given paths recursively, one whole-file split each, in path order.
 *
 * <p>Differences to Flink's {@code NonSplittingRecursiveEnumerator}: the splits come sorted by
 * path, so that (with {@link NameOrderSplitAssigner}) a directory of daily files is replayed in
 * time order; empty files are skipped, because Flink's stream-format reader refuses zero-length
 * files and they hold no lines anyway. Like Flink's, it ignores hidden entries (names starting with
 * {@code .} or {@code _}) inside directories; a path given explicitly is always read.
 */
final class SortedFileEnumerator implements FileEnumerator {

    @Override
    public Collection<FileSourceSplit> enumerateSplits(Path[] paths, int minDesiredSplits)
            throws IOException {
        List<FileStatus> files = new ArrayList<>();
        for (Path path : paths) {
            FileSystem fs = path.getFileSystem();
            collect(fs, fs.getFileStatus(path), files);
        }
        files.sort(Comparator.comparing(status -> status.getPath().toString()));

        List<FileSourceSplit> splits = new ArrayList<>(files.size());
        for (FileStatus file : files) {
            // Zero-padded ids keep the split ids sortable like the files themselves.
            String id = String.format("%010d", splits.size() + 1);
            splits.add(
                    new FileSourceSplit(
                            id,
                            file.getPath(),
                            0,
                            file.getLen(),
                            file.getModificationTime(),
                            file.getLen()));
        }
        return splits;
    }

    private static void collect(FileSystem fs, FileStatus status, List<FileStatus> target)
            throws IOException {
        if (!status.isDir()) {
            if (status.getLen() > 0) {
                target.add(status);
            }
            return;
        }
        FileStatus[] children = fs.listStatus(status.getPath());
        if (children == null) {
            return;
        }
        for (FileStatus child : children) {
            String name = child.getPath().getName();
            if (!name.startsWith(".") && !name.startsWith("_")) {
                collect(fs, child, target);
            }
        }
    }
}
