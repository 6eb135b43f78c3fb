package dev.forestwatch.connectors.datagen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.connectors.raw.RawEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the generator source in a real (mini) cluster. */
class SyntheticMetricsSourceTest {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final SyntheticSpec DAY =
            new SyntheticSpec(
                    7,
                    4,
                    Instant.parse("2024-05-01T00:00:00Z"),
                    Duration.ofDays(1),
                    Duration.ofMinutes(5),
                    3,
                    true);

    @Test
    void emitsExactlyTheGeneratedStepsInOrder() throws Exception {
        List<String> expectedLines = new ArrayList<>();
        List<String> expectedOrigins = new ArrayList<>();
        SyntheticMetrics.StepGenerator generator = new SyntheticMetrics.StepGenerator(DAY);
        for (long step = 0; step < DAY.steps(); step++) {
            for (String line : generator.map(step)) {
                expectedLines.add(line);
                expectedOrigins.add("datagen:step=" + step);
            }
        }

        List<RawEvent> events = run(1);

        assertThat(events).extracting(RawEvent::text).containsExactlyElementsOf(expectedLines);
        assertThat(events).extracting(RawEvent::origin).containsExactlyElementsOf(expectedOrigins);
        assertThat(events).allSatisfy(e -> assertThat(e.isCsv()).isFalse());
    }

    @Test
    void parallelReadersProduceTheSameEvents() throws Exception {
        List<String> serial = new ArrayList<>();
        run(1).forEach(e -> serial.add(e.text()));
        List<String> parallel = new ArrayList<>();
        run(2).forEach(e -> parallel.add(e.text()));
        assertThat(parallel).containsExactlyInAnyOrderElementsOf(serial);
    }

    private static List<RawEvent> run(int parallelism) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        List<RawEvent> events = new ArrayList<>();
        try (CloseableIterator<RawEvent> it =
                env.fromSource(
                                SyntheticMetrics.source(DAY),
                                WatermarkStrategy.noWatermarks(),
                                "synthetic")
                        .flatMap(new SyntheticBatchSplitter())
                        .executeAndCollect()) {
            it.forEachRemaining(events::add);
        }
        return events;
    }
}
