package dev.forestwatch.connectors.file;

import dev.forestwatch.connectors.raw.RawEvent;
import java.io.IOException;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.impl.StreamFormatAdapter;
import org.apache.flink.connector.file.src.reader.BulkFormat;

/**
 * Runs a {@link DelimitedLineFormat} bound to the file of each split.
 *
 * <p>This is what {@code FileSource.forRecordStreamFormat} does internally (wrap the format in
 * Flink's {@link StreamFormatAdapter}), except that the adapter is created per split: a {@code
 * StreamFormat} only sees a stream, never the file's path, and the origin of every event must name
 * its file.
 */
final class PerFileLineFormat implements BulkFormat<RawEvent, FileSourceSplit> {
    private static final long serialVersionUID = 1L;

    private final FileFormat format;
    private final String[] columns;

    PerFileLineFormat(FileFormat format, String[] columns) {
        this.format = Objects.requireNonNull(format, "format");
        this.columns = columns == null ? null : columns.clone();
    }

    @Override
    public Reader<RawEvent> createReader(Configuration config, FileSourceSplit split)
            throws IOException {
        return adapterFor(split).createReader(config, split);
    }

    @Override
    public Reader<RawEvent> restoreReader(Configuration config, FileSourceSplit split)
            throws IOException {
        return adapterFor(split).restoreReader(config, split);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<RawEvent> getProducedType() {
        return TypeInformation.of(RawEvent.class);
    }

    private StreamFormatAdapter<RawEvent> adapterFor(FileSourceSplit split) {
        return new StreamFormatAdapter<>(
                new DelimitedLineFormat(format, split.path().getName(), columns));
    }
}
