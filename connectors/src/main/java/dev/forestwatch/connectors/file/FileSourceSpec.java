package dev.forestwatch.connectors.file;

import java.io.Serializable;

/**
 * Settings of the bounded file replay source.
 *
 * @param path a file or a directory of files (all read, in name order)
 * @param format CSV or JSON Lines
 * @param columns for CSV without a header line, the column names in order; null when the first line
 *     of each CSV file is its header
 */
public record FileSourceSpec(String path, FileFormat format, String[] columns)
        implements Serializable {

    /** A file source whose CSV files (if CSV) start with a header line. */
    public FileSourceSpec(String path, FileFormat format) {
        this(path, format, null);
    }
}
