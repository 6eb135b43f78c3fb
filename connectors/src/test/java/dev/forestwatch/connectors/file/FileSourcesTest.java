package dev.forestwatch.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forestwatch.connectors.raw.RawEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Runs the file source in a real (mini) cluster. */
class FileSourcesTest {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .setConfiguration(smallFetches())
                            .build());

    @TempDir Path dir;

    @Test
    void readsCsvWithHeaderQuotesBomAndBlankLines() throws Exception {
        Path file =
                write(
                        "metrics.csv",
                        "\uFEFFtimestamp, host ,latency_ms\n"
                                + "2024-01-01T00:00:00Z,web-01,12.5\n"
                                + "\n"
                                + "2024-01-01T00:01:00Z,\"web, \"\"02\"\"\",13\r\n");

        List<RawEvent> events = run(new FileSourceSpec(file.toString(), FileFormat.CSV));

        assertThat(events)
                .extracting(RawEvent::origin)
                .containsExactly("metrics.csv:2", "metrics.csv:4");
        assertThat(events)
                .extracting(RawEvent::text)
                .containsExactly(
                        "2024-01-01T00:00:00Z,web-01,12.5",
                        "2024-01-01T00:01:00Z,\"web, \"\"02\"\"\",13");
        assertThat(events)
                .allSatisfy(
                        e ->
                                assertThat(e.csvHeader())
                                        .containsExactly("timestamp", "host", "latency_ms"));
        assertThat(CsvLines.split(events.get(1).text()))
                .containsExactly("2024-01-01T00:01:00Z", "web, \"02\"", "13");
    }

    @Test
    void readsJsonLines() throws Exception {
        Path file = write("events.jsonl", "{\"a\":1}\n   \n{\"a\":2}\n{\"a\":3}");

        List<RawEvent> events = run(new FileSourceSpec(file.toString(), FileFormat.JSONL));

        assertThat(events)
                .extracting(RawEvent::text)
                .containsExactly("{\"a\":1}", "{\"a\":2}", "{\"a\":3}");
        assertThat(events)
                .extracting(RawEvent::origin)
                .containsExactly("events.jsonl:1", "events.jsonl:3", "events.jsonl:4");
        assertThat(events).allSatisfy(e -> assertThat(e.isCsv()).isFalse());
    }

    @Test
    void readsADirectoryInNameOrderWithPerFileHeaders() throws Exception {
        write("b.csv", "y,x\n2,b\n");
        write("a.csv", "x,y\n1,a\n");
        write("_ignored.csv", "x\nhidden\n");
        write(".ignored.csv", "x\nhidden\n");
        write("empty.csv", "");
        Files.createDirectories(dir.resolve("sub"));
        write("sub/c.csv", "z\n3\n4\n");

        List<RawEvent> events = run(new FileSourceSpec(dir.toString(), FileFormat.CSV));

        assertThat(events)
                .extracting(RawEvent::origin)
                .containsExactly("a.csv:2", "b.csv:2", "c.csv:2", "c.csv:3");
        assertThat(events.get(0).csvHeader()).containsExactly("x", "y");
        assertThat(events.get(1).csvHeader()).containsExactly("y", "x");
        assertThat(events.get(2).csvHeader()).containsExactly("z");
    }

    @Test
    void rejectsAMissingLocalPath() {
        FileSourceSpec spec =
                new FileSourceSpec(dir.resolve("nope.csv").toString(), FileFormat.CSV);
        assertThatThrownBy(() -> FileSources.create(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope.csv");
    }

    /**
     * Fails the job once after a checkpoint completed mid-file: the restored reader must continue
     * exactly after the checkpointed record (the collect sink is exactly-once with checkpoints).
     */
    @Test
    void recoversFromACheckpointWithoutDuplicatesOrGaps() throws Exception {
        int lines = 20_000;
        StringBuilder csv = new StringBuilder("id,text\n");
        for (int i = 0; i < lines; i++) {
            csv.append(i).append(",\"row ").append(i).append("\"\n");
        }
        Path file = write("big.csv", csv.toString());
        FailOnceAfterCheckpoint.reset();

        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(10));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.enableCheckpointing(50);

        List<String> out = new ArrayList<>();
        try (CloseableIterator<String> it =
                env.fromSource(
                                FileSources.create(
                                        new FileSourceSpec(file.toString(), FileFormat.CSV)),
                                WatermarkStrategy.noWatermarks(),
                                "file")
                        .map(new FailOnceAfterCheckpoint())
                        .executeAndCollect()) {
            it.forEachRemaining(out::add);
        }

        assertThat(FailOnceAfterCheckpoint.FAILED).isTrue();
        assertThat(out).hasSize(lines);
        for (int i = 0; i < lines; i++) {
            assertThat(out.get(i)).isEqualTo("big.csv:" + (i + 2) + "|" + i + ",\"row " + i + "\"");
        }
    }

    /** Slows down after 2000 records until a checkpoint completes, then fails once. */
    private static final class FailOnceAfterCheckpoint
            implements MapFunction<RawEvent, String>, CheckpointListener {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicInteger COMPLETED = new AtomicInteger();
        static final AtomicInteger COMPLETED_AT_THRESHOLD = new AtomicInteger(-1);

        private int seen;

        static void reset() {
            FAILED.set(false);
            COMPLETED.set(0);
            COMPLETED_AT_THRESHOLD.set(-1);
        }

        @Override
        public String map(RawEvent event) throws Exception {
            seen++;
            if (!FAILED.get() && seen >= 2000) {
                COMPLETED_AT_THRESHOLD.compareAndSet(-1, COMPLETED.get());
                if (COMPLETED.get() > COMPLETED_AT_THRESHOLD.get()) {
                    FAILED.set(true);
                    throw new RuntimeException("injected failure after a checkpoint");
                }
                // Not blocking for good: the checkpoint needs this thread between records.
                Thread.sleep(1);
            }
            return event.origin() + "|" + event.text();
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            COMPLETED.incrementAndGet();
        }
    }

    private static List<RawEvent> run(FileSourceSpec spec) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        List<RawEvent> events = new ArrayList<>();
        try (CloseableIterator<RawEvent> it =
                env.fromSource(FileSources.create(spec), WatermarkStrategy.noWatermarks(), "file")
                        .executeAndCollect()) {
            it.forEachRemaining(events::add);
        }
        return events;
    }

    private static Configuration smallFetches() {
        // Small fetches give many reader batches, so checkpoints land on real byte offsets.
        Configuration conf = new Configuration();
        conf.set(StreamFormat.FETCH_IO_SIZE, MemorySize.parse("1b"));
        return conf;
    }

    private Path write(String name, String content) throws Exception {
        return Files.write(dir.resolve(name), content.getBytes(StandardCharsets.UTF_8));
    }
}
