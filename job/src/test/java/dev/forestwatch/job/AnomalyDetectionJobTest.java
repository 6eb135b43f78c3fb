package dev.forestwatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line, without running a job. */
class AnomalyDetectionJobTest {
    @TempDir Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return AnomalyDetectionJob.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryOption() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("--spec=FILE")
                .contains("--output=DIR")
                .contains("--parallelism=N")
                .contains("--validate")
                .contains("--no-summary")
                .contains("--version");
    }

    @Test
    void validateAcceptsTheDemo() {
        assertThat(run("--validate")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("spec is valid").contains("demo");
    }

    @Test
    void badSpecFailsAtStartupNamingTheKey() throws Exception {
        Path spec = tmp.resolve("bad.yaml");
        Files.writeString(
                spec,
                "job_id: x\nsource:\n  type: datagen\nanalysis:\n  bucket_span: 5m\n"
                        + "  detectors:\n    - function: avg\n      field_name: v\n");
        assertThat(run("--spec", spec.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("analysis.detectors[0].function: unknown function 'avg'");
    }

    @Test
    void unknownOptionIsRejected() {
        assertThat(run("--frobnicate")).isNotZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown option: '--frobnicate'");
    }

    @Test
    void aFailedSubmissionThrowsInsteadOfEndingTheJvm() {
        // exit code 0 returns quietly whatever the context
        AnomalyDetectionJob.exit(0, true);
        AnomalyDetectionJob.exit(0, false);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AnomalyDetectionJob.exit(2, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exit code 2");
    }
}
