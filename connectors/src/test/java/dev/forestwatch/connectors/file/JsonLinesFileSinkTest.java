package dev.forestwatch.connectors.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesFileSinkTest {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @TempDir Path dir;

    @Test
    void writesOneLinePerElementAndTruncatesOnAFreshRun() throws Exception {
        Path file = dir.resolve("nested/out/results.jsonl");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "stale content of an earlier run\n");

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData("{\"a\":1}", "{\"b\":\"ü\"}", "{\"c\":3}")
                .sinkTo(new JsonLinesFileSink(file.toString()));
        env.execute("json lines sink");

        assertThat(Files.readAllLines(file, StandardCharsets.UTF_8))
                .containsExactly("{\"a\":1}", "{\"b\":\"ü\"}", "{\"c\":3}");
        assertThat(Files.readString(file)).endsWith("}\n");
    }

    @Test
    void createsParentDirectories() throws Exception {
        Path file = dir.resolve("a/b/c.jsonl");

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData("x").sinkTo(new JsonLinesFileSink(file.toString()));
        env.execute();

        assertThat(Files.readAllLines(file)).containsExactly("x");
    }

    @Test
    void parallelSubtasksWriteNumberedSiblings() throws Exception {
        Path file = dir.resolve("out.jsonl");
        List<String> input = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            input.add("{\"i\":" + i + "}");
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.fromData(input)
                .rebalance()
                .sinkTo(new JsonLinesFileSink(file.toString()))
                .setParallelism(2);
        env.execute();

        List<String> all = new ArrayList<>(Files.readAllLines(file));
        all.addAll(Files.readAllLines(dir.resolve("out-1.jsonl")));
        assertThat(all).containsExactlyInAnyOrderElementsOf(input);
    }

    @Test
    void siblingNames() {
        assertThat(JsonLinesFileSink.fileForSubtask("/tmp/x/results.jsonl", 0))
                .isEqualTo(Paths.get("/tmp/x/results.jsonl"));
        assertThat(JsonLinesFileSink.fileForSubtask("/tmp/x/results.jsonl", 3))
                .isEqualTo(Paths.get("/tmp/x/results-3.jsonl"));
        assertThat(JsonLinesFileSink.fileForSubtask("out", 1)).isEqualTo(Paths.get("out-1"));
        assertThat(JsonLinesFileSink.fileForSubtask("/d/.hidden", 2))
                .isEqualTo(Paths.get("/d/.hidden-2"));
    }

    /** A restore cuts the file back to the checkpointed length and appends from there. */
    @Test
    void restoreDropsLinesWrittenAfterTheCheckpoint() throws Exception {
        Path file = dir.resolve("r.jsonl");
        JsonLinesFileSink.LineWriter writer = JsonLinesFileSink.LineWriter.open(file, 0);
        writer.write("one", null);
        writer.write("zwei-ü", null);
        List<Long> state = writer.snapshotState(1);
        writer.write("lost after checkpoint", null);
        writer.flush(false);
        writer.close();
        assertThat(Files.readAllLines(file)).hasSize(3);

        SimpleVersionedSerializer<Long> serializer =
                new JsonLinesFileSink(file.toString()).getWriterStateSerializer();
        long restored =
                serializer.deserialize(serializer.getVersion(), serializer.serialize(state.get(0)));
        assertThat(restored).isEqualTo("one\nzwei-ü\n".getBytes(StandardCharsets.UTF_8).length);

        JsonLinesFileSink.LineWriter again = JsonLinesFileSink.LineWriter.open(file, restored);
        again.write("three", null);
        again.flush(true);
        again.close();

        assertThat(Files.readAllLines(file)).containsExactly("one", "zwei-ü", "three");
    }
}
