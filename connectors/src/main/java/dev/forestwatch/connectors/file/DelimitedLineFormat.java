package dev.forestwatch.connectors.file;

import dev.forestwatch.connectors.raw.RawEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads one CSV or JSON Lines file as {@link RawEvent}s, one per non-blank line.
 *
 * <p>Lines end with {@code \n} (a preceding {@code \r} is dropped) and a UTF-8 byte order mark at
 * the start of the file is ignored. For CSV the first non-blank line is the header (unless the
 * column names are given, for files without one): it is split with {@link CsvLines} and its column
 * names are trimmed; every later non-blank line becomes an event carrying that header, as {@link
 * RawEvent#csv} would build it. For JSONL every non-blank line is an event. The payload keeps the
 * line's original bytes, so even invalid UTF-8 reaches the dead-letter output unchanged. The origin
 * is {@code "<file name>:<line number>"} with 1-based line numbers.
 *
 * <p>The checkpointed position is the byte offset where the next unread line starts. Restoring
 * re-reads the file up to that offset without emitting anything: this recovers the CSV header and
 * the line numbers, which are not stored in the position, and costs one sequential scan.
 *
 * <p>A {@code StreamFormat} is not told which file it reads, so each instance is bound to one file
 * name; {@link FileSources} creates one per file.
 */
public final class DelimitedLineFormat implements StreamFormat<RawEvent> {
    private static final long serialVersionUID = 1L;

    // Small reads keep the adapter's fetch-size accounting fine-grained and are plenty fast.
    private static final int READ_CHUNK = 8192;

    private final FileFormat format;
    private final String fileName;
    private final String[] columns;

    /**
     * A format for one file whose CSV (if CSV) starts with a header line.
     *
     * @param format CSV or JSON Lines
     * @param fileName the name written into each event's origin
     */
    public DelimitedLineFormat(FileFormat format, String fileName) {
        this(format, fileName, null);
    }

    /**
     * A format for one file.
     *
     * @param format CSV or JSON Lines
     * @param fileName the name written into each event's origin
     * @param columns CSV column names for a file without a header line, or null
     */
    public DelimitedLineFormat(FileFormat format, String fileName, String[] columns) {
        this.format = Objects.requireNonNull(format, "format");
        this.fileName = Objects.requireNonNull(fileName, "fileName");
        this.columns = columns == null ? null : columns.clone();
    }

    @Override
    public Reader<RawEvent> createReader(
            Configuration config, FSDataInputStream stream, long fileLen, long splitEnd)
            throws IOException {
        return new LineReader(stream, format, fileName, columns);
    }

    @Override
    public Reader<RawEvent> restoreReader(
            Configuration config,
            FSDataInputStream stream,
            long restoredOffset,
            long fileLen,
            long splitEnd)
            throws IOException {
        // The file is never split, so its split starts at 0; be explicit since we re-scan from it.
        if (stream.getPos() != 0) {
            stream.seek(0);
        }
        LineReader reader = new LineReader(stream, format, fileName, columns);
        try {
            reader.skipTo(restoredOffset);
        } catch (IOException | RuntimeException e) {
            reader.close();
            throw e;
        }
        return reader;
    }

    /** Not splittable: the CSV header and the line numbers need the whole file from its start. */
    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<RawEvent> getProducedType() {
        return TypeInformation.of(RawEvent.class);
    }

    /** Byte-level line reader; it tracks exact offsets, which a buffered char reader cannot. */
    private static final class LineReader implements StreamFormat.Reader<RawEvent> {
        private final FSDataInputStream in;
        private final FileFormat format;
        private final String fileName;

        private final byte[] chunk = new byte[READ_CHUNK];
        private int chunkPos;
        private int chunkLimit;
        private long chunkStartOffset;

        private byte[] line = new byte[256];
        private int lineLength;
        private long lineNumber;
        private long nextLineOffset;

        private String[] header;

        LineReader(FSDataInputStream in, FileFormat format, String fileName, String[] columns) {
            this.in = in;
            this.format = format;
            this.fileName = fileName;
            // given columns: the file has no header line, its first line is data
            this.header = columns;
        }

        @Override
        public RawEvent read() throws IOException {
            while (readLine()) {
                if (isBlank()) {
                    continue;
                }
                if (format == FileFormat.CSV && header == null) {
                    header = parseHeader();
                    continue;
                }
                String origin = fileName + ":" + lineNumber;
                byte[] payload = Arrays.copyOf(line, lineLength);
                return new RawEvent(payload, format == FileFormat.CSV ? header : null, origin);
            }
            return null;
        }

        @Override
        public CheckpointedPosition getCheckpointedPosition() {
            // read() returns right after a data line, so this is the start of the line after the
            // last emitted record: restoring there neither repeats nor skips a record.
            return new CheckpointedPosition(nextLineOffset, 0);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        /** Consumes lines without emitting them until the next line starts at {@code offset}. */
        void skipTo(long offset) throws IOException {
            while (nextLineOffset < offset) {
                if (!readLine()) {
                    throw new IOException(
                            "Cannot restore "
                                    + fileName
                                    + ": checkpointed offset "
                                    + offset
                                    + " is beyond the end of the file (was it changed?)");
                }
                if (format == FileFormat.CSV && header == null && !isBlank()) {
                    header = parseHeader();
                }
            }
            if (nextLineOffset != offset) {
                throw new IOException(
                        "Cannot restore "
                                + fileName
                                + ": checkpointed offset "
                                + offset
                                + " is not the start of a line (was the file changed?)");
            }
        }

        /** Reads the next line into {@link #line}; false at the end of the file. */
        private boolean readLine() throws IOException {
            long lineStart = nextLineOffset;
            lineLength = 0;
            boolean sawBytes = false;
            while (true) {
                if (chunkPos >= chunkLimit && !fill()) {
                    if (!sawBytes) {
                        return false;
                    }
                    break; // last line without a terminator
                }
                sawBytes = true;
                int start = chunkPos;
                while (chunkPos < chunkLimit && chunk[chunkPos] != '\n') {
                    chunkPos++;
                }
                append(start, chunkPos - start);
                if (chunkPos < chunkLimit) {
                    chunkPos++; // the '\n'
                    break;
                }
            }
            nextLineOffset = chunkStartOffset + chunkPos;
            lineNumber++;
            if (lineLength > 0 && line[lineLength - 1] == '\r') {
                lineLength--;
            }
            if (lineStart == 0 && startsWithBom()) {
                System.arraycopy(line, 3, line, 0, lineLength - 3);
                lineLength -= 3;
            }
            return true;
        }

        private boolean fill() throws IOException {
            chunkStartOffset += chunkLimit;
            chunkPos = 0;
            chunkLimit = 0;
            while (true) {
                int n = in.read(chunk, 0, chunk.length);
                if (n < 0) {
                    return false;
                }
                if (n > 0) {
                    chunkLimit = n;
                    return true;
                }
            }
        }

        private void append(int from, int length) {
            if (lineLength + length > line.length) {
                line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + length));
            }
            System.arraycopy(chunk, from, line, lineLength, length);
            lineLength += length;
        }

        private boolean startsWithBom() {
            return lineLength >= 3
                    && line[0] == (byte) 0xEF
                    && line[1] == (byte) 0xBB
                    && line[2] == (byte) 0xBF;
        }

        /** Blank means only ASCII whitespace; decoding just for this check is not worth it. */
        private boolean isBlank() {
            for (int i = 0; i < lineLength; i++) {
                byte b = line[i];
                if (b != ' ' && b != '\t' && b != '\r' && b != '\f' && b != 0x0B) {
                    return false;
                }
            }
            return true;
        }

        private String[] parseHeader() throws IOException {
            String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
            String[] names;
            try {
                names = CsvLines.split(text);
            } catch (IllegalArgumentException e) {
                // Without a header no line of the file can be interpreted: fail loudly.
                throw new IOException(
                        "Cannot read the CSV header of "
                                + fileName
                                + " (line "
                                + lineNumber
                                + "): "
                                + e.getMessage(),
                        e);
            }
            for (int i = 0; i < names.length; i++) {
                names[i] = names[i].trim();
            }
            return names;
        }
    }
}
