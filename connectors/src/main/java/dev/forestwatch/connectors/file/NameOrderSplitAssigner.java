package dev.forestwatch.connectors.file;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.assigners.FileSplitAssigner;

/**
 * Hands out file splits in path order, ignoring locality.
 *
 * <p>A reader asks for its next split only after finishing the current one, so at parallelism 1 the
 * files are read one after the other in name order. Flink's own assigners give no order guarantee
 * (the simple one even hands out the last split first), which would make a replay of daily files
 * jump back in event time.
 */
final class NameOrderSplitAssigner implements FileSplitAssigner {
    private static final Comparator<FileSourceSplit> ORDER =
            Comparator.comparing((FileSourceSplit split) -> split.path().toString())
                    .thenComparingLong(FileSourceSplit::offset);

    private final List<FileSourceSplit> pending;

    NameOrderSplitAssigner(Collection<FileSourceSplit> splits) {
        this.pending = new ArrayList<>(splits);
        pending.sort(ORDER);
    }

    @Override
    public Optional<FileSourceSplit> getNext(String hostname) {
        return pending.isEmpty() ? Optional.empty() : Optional.of(pending.remove(0));
    }

    @Override
    public void addSplits(Collection<FileSourceSplit> splits) {
        // Splits come back after a reader failed; they still belong before later files.
        pending.addAll(splits);
        pending.sort(ORDER);
    }

    @Override
    public Collection<FileSourceSplit> remainingSplits() {
        return new ArrayList<>(pending);
    }
}
