package dev.forestwatch.job.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every spec shipped in config/jobs loads and validates (the NYC replay needs ../shared/nab). */
class ShippedSpecsTest {
    private static final Path JOBS = Path.of("..", "config", "jobs");

    @Test
    void everyShippedSpecIsValid() throws IOException {
        List<Path> specs;
        try (Stream<Path> files = Files.list(JOBS)) {
            specs = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(specs)
                .extracting(p -> p.getFileName().toString())
                .contains(
                        "demo.yaml",
                        "csv-replay.yaml",
                        "nyc-taxi.yaml",
                        "nyc-taxi-dynamodb.yaml",
                        "kafka.yaml",
                        "nab.yaml");
        boolean nabPresent = Files.exists(Path.of("..", "..", "shared", "nab"));
        for (Path spec : specs) {
            String name = spec.getFileName().toString();
            if ((name.equals("nyc-taxi.yaml") || name.equals("nab.yaml")) && !nabPresent) {
                continue;
            }
            JobSpec loaded = JobSpecLoader.load(spec);
            assertThat(loaded.jobId()).as(spec.toString()).isNotBlank();
        }
    }

    @Test
    void theSeedScenarioSpecMirrorsTheBlog() {
        JobSpec spec = JobSpecLoader.load(JOBS.resolve("nyc-taxi-dynamodb.yaml"));
        assertThat(spec.source().type()).isEqualTo(SourceType.DYNAMODB_STREAMS);
        assertThat(spec.source().dynamodbStreams().tableName()).isEqualTo("taxi_ridership");
        assertThat(spec.analysis().detectors().get(0).fields())
                .containsExactly("transaction_id", "ridecount");
        assertThat(spec.scoring().cutoff().dataKind()).isEqualTo("taxi_ridership");
        assertThat(spec.scoring().cutoff().k()).isEqualTo(3.0);
        assertThat(spec.sinks().cutoffTable().table().tableName()).isEqualTo("anomaly_cut_off");
        assertThat(spec.sinks().kafka().alerts()).isEqualTo("taxi.alerts");
        assertThat(spec.model().trees()).isEqualTo(50);
        assertThat(spec.model().sampleSize()).isEqualTo(200);
    }
}
