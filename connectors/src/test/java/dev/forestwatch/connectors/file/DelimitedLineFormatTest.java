package dev.forestwatch.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forestwatch.connectors.raw.RawEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reader-level tests: line handling, and restore from every possible checkpoint position through
 * the same BulkFormat the FileSource uses.
 */
class DelimitedLineFormatTest {

    @TempDir java.nio.file.Path dir;

    @Test
    void csvHeaderQuotesBomBlankLinesAndCrLf() throws IOException {
        byte[] content =
                concat(
                        new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                        ("\r\n"
                                        + " timestamp , host ,\"latency, ms\"\r\n"
                                        + "2024-01-01T00:00:00Z,web-01,12.5\r\n"
                                        + "   \r\n"
                                        + "2024-01-01T00:01:00Z,\"web-02, \"\"b\"\"\",13\r\n"
                                        + "\n"
                                        + "2024-01-01T00:02:00Z,web-03,14")
                                .getBytes(StandardCharsets.UTF_8));
        java.nio.file.Path file = write("metrics.csv", content);

        List<RawEvent> events = readAll(FileFormat.CSV, file);

        assertThat(events)
                .extracting(RawEvent::text)
                .containsExactly(
                        "2024-01-01T00:00:00Z,web-01,12.5",
                        "2024-01-01T00:01:00Z,\"web-02, \"\"b\"\"\",13",
                        "2024-01-01T00:02:00Z,web-03,14");
        assertThat(events)
                .extracting(RawEvent::origin)
                .containsExactly("metrics.csv:3", "metrics.csv:5", "metrics.csv:7");
        for (RawEvent event : events) {
            assertThat(event.isCsv()).isTrue();
            assertThat(event.csvHeader()).containsExactly("timestamp", "host", "latency, ms");
        }
    }

    @Test
    void jsonLinesSkipBlankLinesAndBom() throws IOException {
        byte[] content =
                concat(
                        new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                        "{\"a\":1}\n\n  \n{\"a\":\"ü\"}\r\n{\"a\":3}\n"
                                .getBytes(StandardCharsets.UTF_8));
        java.nio.file.Path file = write("events.jsonl", content);

        List<RawEvent> events = readAll(FileFormat.JSONL, file);

        assertThat(events)
                .extracting(RawEvent::text)
                .containsExactly("{\"a\":1}", "{\"a\":\"ü\"}", "{\"a\":3}");
        assertThat(events)
                .extracting(RawEvent::origin)
                .containsExactly("events.jsonl:1", "events.jsonl:4", "events.jsonl:5");
        assertThat(events).allSatisfy(event -> assertThat(event.csvHeader()).isNull());
    }

    @Test
    void keepsInvalidUtf8BytesUnchanged() throws IOException {
        byte[] bad = {'{', '"', 'x', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        java.nio.file.Path file = write("bad.jsonl", concat(bad, "\n".getBytes()));

        List<RawEvent> events = readAll(FileFormat.JSONL, file);

        assertThat(events).hasSize(1);
        assertThat(events.get(0).payload()).isEqualTo(bad);
    }

    @Test
    void csvFileWithOnlyAHeaderHasNoEvents() throws IOException {
        java.nio.file.Path file = write("empty.csv", "a,b\n\n".getBytes(StandardCharsets.UTF_8));
        assertThat(readAll(FileFormat.CSV, file)).isEmpty();
    }

    @Test
    void malformedCsvHeaderFailsWithFileAndLine() throws IOException {
        java.nio.file.Path file =
                write("broken.csv", "\n\"a,b\n1,2\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> readAll(FileFormat.CSV, file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("broken.csv")
                .hasMessageContaining("line 2");
    }

    @Test
    void aCsvWithoutHeaderGetsTheGivenColumnsAndKeepsItsFirstLine() throws IOException {
        java.nio.file.Path file =
                write(
                        "glue.csv",
                        "2015-12-07T00:00:00+0000,AAL,132.2\n2015-12-07T00:05:00+0000,AAL,990\n"
                                .getBytes(StandardCharsets.UTF_8));
        List<RawEvent> events =
                readAll(FileFormat.CSV, file, new String[] {"time", "airline", "responsetime"});
        assertThat(events).hasSize(2);
        assertThat(events.get(0).origin()).isEqualTo("glue.csv:1");
        assertThat(events.get(0).csvHeader()).containsExactly("time", "airline", "responsetime");
        assertThat(new String(events.get(0).payload(), StandardCharsets.UTF_8))
                .isEqualTo("2015-12-07T00:00:00+0000,AAL,132.2");
        // the same file read with a header loses its first row to it
        assertThat(readAll(FileFormat.CSV, file)).hasSize(1);
    }

    @Test
    void isNotSplittableAndProducesPojoType() {
        DelimitedLineFormat format = new DelimitedLineFormat(FileFormat.CSV, "x.csv");
        assertThat(format.isSplittable()).isFalse();
        assertThat(format.getProducedType().getTypeClass()).isEqualTo(RawEvent.class);
    }

    /** Restores after every single record and checks the rest is exactly the remaining lines. */
    @Test
    void restoreFromEveryPositionNeitherRepeatsNorLosesLines() throws IOException {
        StringBuilder csv = new StringBuilder("id,text\n");
        for (int i = 0; i < 3000; i++) {
            csv.append(i).append(",\"line ").append(i).append("\"\n");
            if (i % 7 == 0) {
                csv.append('\n'); // blank lines shift line numbers away from record numbers
            }
        }
        java.nio.file.Path file =
                write("many.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        // A tiny fetch size makes every 8 KiB read its own batch, so positions carry real offsets.
        Configuration config = new Configuration();
        config.set(StreamFormat.FETCH_IO_SIZE, MemorySize.parse("1b"));
        PerFileLineFormat format = new PerFileLineFormat(FileFormat.CSV, null);
        FileSourceSplit split = split(file);

        List<RecordAndPosition<RawEvent>> all =
                readWithPositions(format.createReader(config, split));
        assertThat(all).hasSize(3000);
        assertThat(all.stream().map(r -> r.getOffset()).distinct().count()).isGreaterThan(3);

        for (int k = 0; k < all.size(); k += 1) {
            RecordAndPosition<RawEvent> last = all.get(k);
            CheckpointedPosition position =
                    new CheckpointedPosition(last.getOffset(), last.getRecordSkipCount());
            List<RecordAndPosition<RawEvent>> rest =
                    readWithPositions(
                            format.restoreReader(
                                    config, split.updateWithCheckpointedPosition(position)));
            assertThat(rest).hasSize(all.size() - k - 1);
            if (!rest.isEmpty()) {
                RawEvent first = rest.get(0).getRecord();
                RawEvent expected = all.get(k + 1).getRecord();
                assertThat(first.text()).isEqualTo(expected.text());
                assertThat(first.origin()).isEqualTo(expected.origin());
                assertThat(first.csvHeader()).containsExactly("id", "text");
                assertThat(rest.get(rest.size() - 1).getRecord().origin())
                        .isEqualTo(all.get(all.size() - 1).getRecord().origin());
            }
        }
    }

    @Test
    void restoreRejectsAnOffsetInsideALine() throws IOException {
        java.nio.file.Path file = write("x.jsonl", "{\"a\":1}\n{\"a\":2}\n".getBytes());
        DelimitedLineFormat format = new DelimitedLineFormat(FileFormat.JSONL, "x.jsonl");
        FSDataInputStream in = open(file);
        assertThatThrownBy(() -> format.restoreReader(new Configuration(), in, 3, 16, 16))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not the start of a line");
    }

    @Test
    void streamFormatRestoreContinuesAtTheCheckpointedLine() throws IOException {
        java.nio.file.Path file =
                write("s.csv", "h1,h2\n1,a\n\n2,b\n3,c\n".getBytes(StandardCharsets.UTF_8));
        DelimitedLineFormat format = new DelimitedLineFormat(FileFormat.CSV, "s.csv");
        long length = Files.size(file);

        CheckpointedPosition position;
        try (StreamFormat.Reader<RawEvent> reader =
                format.createReader(new Configuration(), open(file), length, length)) {
            assertThat(reader.read().origin()).isEqualTo("s.csv:2");
            assertThat(reader.read().origin()).isEqualTo("s.csv:4");
            position = reader.getCheckpointedPosition();
        }
        assertThat(position.getOffset()).isEqualTo("h1,h2\n1,a\n\n2,b\n".length());

        try (StreamFormat.Reader<RawEvent> reader =
                format.restoreReader(
                        new Configuration(), open(file), position.getOffset(), length, length)) {
            RawEvent next = reader.read();
            assertThat(next.text()).isEqualTo("3,c");
            assertThat(next.origin()).isEqualTo("s.csv:5");
            assertThat(next.csvHeader()).containsExactly("h1", "h2");
            assertThat(reader.read()).isNull();
        }
    }

    private List<RawEvent> readAll(FileFormat fileFormat, java.nio.file.Path file)
            throws IOException {
        return readAll(fileFormat, file, null);
    }

    private List<RawEvent> readAll(FileFormat fileFormat, java.nio.file.Path file, String[] columns)
            throws IOException {
        PerFileLineFormat format = new PerFileLineFormat(fileFormat, columns);
        List<RawEvent> events = new ArrayList<>();
        for (RecordAndPosition<RawEvent> record :
                readWithPositions(format.createReader(new Configuration(), split(file)))) {
            events.add(record.getRecord());
        }
        return events;
    }

    private static List<RecordAndPosition<RawEvent>> readWithPositions(
            BulkFormat.Reader<RawEvent> reader) throws IOException {
        List<RecordAndPosition<RawEvent>> result = new ArrayList<>();
        try (reader) {
            BulkFormat.RecordIterator<RawEvent> batch;
            while ((batch = reader.readBatch()) != null) {
                RecordAndPosition<RawEvent> next;
                while ((next = batch.next()) != null) {
                    // Copy: iterators may reuse their position holder.
                    result.add(
                            new RecordAndPosition<>(
                                    next.getRecord(), next.getOffset(), next.getRecordSkipCount()));
                }
                batch.releaseBatch();
            }
        }
        return result;
    }

    private static FileSourceSplit split(java.nio.file.Path file) throws IOException {
        long length = Files.size(file);
        return new FileSourceSplit("1", Path.fromLocalFile(file.toFile()), 0, length, 0, length);
    }

    private static FSDataInputStream open(java.nio.file.Path file) throws IOException {
        return FileSystem.getLocalFileSystem().open(Path.fromLocalFile(file.toFile()));
    }

    private java.nio.file.Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] result = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }
}
