package dev.forestwatch.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.forestwatch.connectors.file.FileFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobSpecLoaderTest {
    private static final String MINIMAL =
            """
            job_id: t1
            source:
              type: datagen
            analysis:
              bucket_span: 5m
              detectors:
                - function: mean
                  field_name: value
            """;

    @TempDir Path tmp;

    private static JobSpec parse(String yaml) {
        return JobSpecLoader.parse(yaml, "test.yaml", Path.of("."));
    }

    private static String problemsOf(String yaml) {
        try {
            parse(yaml);
        } catch (SpecException e) {
            return e.getMessage();
        }
        throw new AssertionError("spec was accepted:\n" + yaml);
    }

    @Test
    void bundledDemoLoads() {
        JobSpec demo = JobSpecLoader.loadDemo();
        assertThat(demo.jobId()).isEqualTo("demo");
        assertThat(demo.source().type()).isEqualTo(SourceType.DATAGEN);
        assertThat(demo.analysis().detectors()).hasSize(2);
        assertThat(demo.analysis().detectors().get(1).function())
                .isEqualTo(new DetectorFunction(Aggregation.COUNT, Side.LOW));
        assertThat(demo.analysis().bucketSpan()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void bundledDemoIsTheRepositoryCopy() throws IOException {
        Path repoCopy = Path.of("..", "config", "jobs", "demo.yaml");
        try (var in = JobSpecLoader.class.getResourceAsStream(JobSpecLoader.DEMO_RESOURCE)) {
            assertThat(new String(in.readAllBytes())).isEqualTo(Files.readString(repoCopy));
        }
    }

    @Test
    void minimalSpecGetsDefaults() {
        JobSpec spec = parse(MINIMAL);
        assertThat(spec.model().trees()).isEqualTo(50);
        assertThat(spec.model().sampleSize()).isEqualTo(256);
        // every point of a sustained anomaly is graded unless the spec asks for alert_once
        assertThat(spec.model().alertOnce()).isFalse();
        assertThat(parse(MINIMAL + "model:\n  alert_once: true\n").model().alertOnce()).isTrue();
        // seasonality is automatic: the daily and weekly periods are tested on every series
        assertThat(spec.model().seasonality()).isEqualTo(SeasonalitySpec.auto());
        assertThat(spec.model().seasonality().mode()).isEqualTo(SeasonalitySpec.Mode.AUTO);
        assertThat(spec.model().seasonality().periods())
                .containsExactly(Duration.ofDays(1), Duration.ofDays(7));
        assertThat(parse(MINIMAL + "model:\n  seasonality: none\n").model().seasonality())
                .isEqualTo(SeasonalitySpec.none());
        // typical values come from the cheap baseline unless the spec asks for forecasts
        assertThat(spec.scoring().typical()).isEqualTo(ScoringSpec.Typical.BASELINE);
        assertThat(parse(MINIMAL + "scoring:\n  typical: forecast\n").scoring().typical())
                .isEqualTo(ScoringSpec.Typical.FORECAST);
        assertThat(problemsOf(MINIMAL + "scoring:\n  typical: guess\n"))
                .contains(
                        "scoring.typical: unknown value 'guess', expected one of baseline,"
                                + " forecast, anomalies");
        // the new-extreme rule is on with HTM's 5% margin; none turns it off
        assertThat(spec.scoring().rangeMargin()).isEqualTo(0.05);
        assertThat(parse(MINIMAL + "scoring:\n  range_margin: 0.2\n").scoring().rangeMargin())
                .isEqualTo(0.2);
        assertThat(parse(MINIMAL + "scoring:\n  range_margin: none\n").scoring().rangeMargin())
                .isNaN();
        assertThat(problemsOf(MINIMAL + "scoring:\n  range_margin: wide\n"))
                .contains("scoring.range_margin: expected a number or none, got");
        assertThat(problemsOf(MINIMAL + "scoring:\n  range_margin: -1\n"))
                .contains("scoring.range_margin: must be between 0.0 and 10.0");
        assertThat(spec.event().timestampField()).isEqualTo("timestamp");
        assertThat(spec.event().timestampFormat().kind()).isEqualTo(TimestampFormat.Kind.ISO8601);
        assertThat(spec.limits().stateTtl()).isEqualTo(Duration.ofDays(7));
        assertThat(spec.analysis().detectors().get(0).description()).isEqualTo("mean(value)");
    }

    @Test
    void unknownFunctionNamesKeyPathAndChoices() {
        String msg =
                problemsOf(
                        MINIMAL
                                + """
                                    - function: avg
                                      field_name: value
                                """);
        assertThat(msg)
                .contains(
                        "analysis.detectors[1].function: unknown function 'avg', expected one of"
                                + " count, sum, mean")
                .contains("high_mean")
                .contains("low_distinct_count");
    }

    @Test
    void unknownKeysAreRejectedWithTheirPath() {
        assertThat(problemsOf(MINIMAL + "modle:\n  trees: 3\n"))
                .contains("modle: unknown key, expected one of job_id, description");
        assertThat(problemsOf(MINIMAL + "model:\n  tress: 3\n"))
                .contains("model.tress: unknown key, expected one of trees, sample_size");
        assertThat(
                        problemsOf(
                                MINIMAL.replace(
                                        "field_name: value",
                                        "field_name: value\n      by_field: host")))
                .contains("analysis.detectors[0].by_field: unknown key");
    }

    @Test
    void wrongTypesAreRejected() {
        assertThat(problemsOf(MINIMAL + "model:\n  trees: many\n"))
                .contains("model.trees: expected an integer, got 'many'");
        assertThat(problemsOf(MINIMAL + "model:\n  anomaly_rate: [1]\n"))
                .contains("model.anomaly_rate: expected a number, got a list");
        assertThat(problemsOf(MINIMAL + "sinks:\n  console:\n    summary: maybe\n"))
                .contains("sinks.console.summary: expected true or false, got 'maybe'");
        assertThat(problemsOf(MINIMAL + "model:\n  alert_once: often\n"))
                .contains("model.alert_once: expected true or false, got 'often'");
        assertThat(problemsOf(MINIMAL + "model: 5\n"))
                .contains("model: expected a mapping of keys, got 5");
    }

    @Test
    void outOfRangeValuesAreRejected() {
        assertThat(problemsOf(MINIMAL + "model:\n  trees: 0\n"))
                .contains("model.trees: must be between 1 and 1000, got 0");
        assertThat(problemsOf(MINIMAL + "model:\n  anomaly_rate: 2.0\n"))
                .contains("model.anomaly_rate: must be between");
    }

    @Test
    void badDurationsAreRejected() {
        assertThat(problemsOf(MINIMAL.replace("5m", "'5 minutes'")))
                .contains("analysis.bucket_span: bad duration '5 minutes'");
        assertThat(problemsOf(MINIMAL.replace("5m", "300")))
                .contains("analysis.bucket_span: expected a duration such as 30s");
        assertThat(problemsOf(MINIMAL.replace("5m", "500ms")))
                .contains("analysis.bucket_span: must be at least 1s");
        assertThat(problemsOf(MINIMAL + "event:\n  idleness: soon\n"))
                .contains("event.idleness: bad duration 'soon'");
    }

    @Test
    void durationsAcceptUnitsAndIso() {
        assertThat(SpecNode.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(SpecNode.parseDuration("1.5h")).isEqualTo(Duration.ofMinutes(90));
        assertThat(SpecNode.parseDuration("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(SpecNode.parseDuration("1w")).isEqualTo(Duration.ofDays(7));
        assertThat(SpecNode.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(SpecNode.parseDuration("PT15M")).isEqualTo(Duration.ofMinutes(15));
        assertThat(SpecNode.parseDuration("15")).isNull();
    }

    @Test
    void missingRequiredFieldsAreAllReported() {
        String msg = problemsOf("description: nothing else\n");
        assertThat(msg)
                .contains("job_id: is required")
                .contains("source: is required")
                .contains("analysis: is required");
        assertThat(problemsOf(MINIMAL.replace("  bucket_span: 5m\n", "")))
                .contains("analysis.bucket_span: is required");
        assertThat(
                        problemsOf(
                                "job_id: x\nsource:\n  type: datagen\nanalysis:\n"
                                        + "  bucket_span: 5m\n"))
                .contains("analysis.detectors: at least one detector is required");
    }

    @Test
    void inconsistentSettingsAreRejected() {
        assertThat(problemsOf(MINIMAL.replace("function: mean", "function: count")))
                .contains(
                        "analysis.detectors[0].field_name: function 'count' counts events and"
                                + " takes no field");
        assertThat(problemsOf(MINIMAL.replace("      field_name: value\n", "")))
                .contains("analysis.detectors[0].field_name: is required for function 'mean'");
        assertThat(
                        problemsOf(
                                MINIMAL.replace(
                                        "field_name: value",
                                        "field_name: value\n      by_field_name: h\n"
                                                + "      partition_field_name: h")))
                .contains("analysis.detectors[0].by_field_name: must differ from");
        assertThat(problemsOf(MINIMAL.replace("field_name: value", "field_name: timestamp")))
                .contains("analysis.detectors[0].field_name: 'timestamp' is the timestamp field");
        assertThat(problemsOf(MINIMAL + "limits:\n  state_ttl: 10m\n"))
                .contains("limits.state_ttl: must be at least bucket_span x (shingle_size + 1)");
        assertThat(
                        problemsOf(
                                MINIMAL.replace(
                                        "type: datagen",
                                        "type: datagen\n  file:\n    path: x.csv")))
                .contains("source.file: only read when source.type is 'file'");
        assertThat(
                        problemsOf(
                                MINIMAL.replace(
                                        "type: datagen",
                                        "type: datagen\n  datagen:\n    entities: 3")))
                .contains("source.datagen.inject_anomalies: needs at least 4 entities");
        assertThat(problemsOf(MINIMAL.replace("type: datagen", "type: kinesis")))
                .contains("source.type: unknown source type 'kinesis'");
    }

    @Test
    void timestampFormats() {
        assertThat(
                        parse(MINIMAL + "event:\n  timestamp_format: epoch_millis\n")
                                .event()
                                .timestampFormat()
                                .kind())
                .isEqualTo(TimestampFormat.Kind.EPOCH_MILLIS);
        TimestampFormat pattern =
                parse(MINIMAL + "event:\n  timestamp_format: 'yyyy-MM-dd HH:mm:ss'\n")
                        .event()
                        .timestampFormat();
        assertThat(pattern.kind()).isEqualTo(TimestampFormat.Kind.PATTERN);
        assertThat(pattern.pattern()).isEqualTo("yyyy-MM-dd HH:mm:ss");
        assertThat(problemsOf(MINIMAL + "event:\n  timestamp_format: 'yyyy-MM-dd {'\n"))
                .contains("event.timestamp_format: 'yyyy-MM-dd {' is neither iso8601");
        assertThat(problemsOf(MINIMAL + "event:\n  timezone: Mars/Olympus\n"))
                .contains("event.timezone: unknown zone 'Mars/Olympus'");
    }

    @Test
    void fileSourcePathsResolveAgainstTheSpecDirectory() throws IOException {
        Files.writeString(tmp.resolve("data.csv"), "timestamp,value\n");
        Path specFile = tmp.resolve("spec.yaml");
        Files.writeString(
                specFile,
                MINIMAL.replace("type: datagen", "type: file\n  file:\n    path: data.csv"));
        JobSpec spec = JobSpecLoader.load(specFile);
        assertThat(spec.source().file().path()).isEqualTo(tmp.resolve("data.csv").toString());
        assertThat(spec.source().file().format()).isEqualTo(FileFormat.CSV);

        Files.writeString(
                specFile,
                MINIMAL.replace("type: datagen", "type: file\n  file:\n    path: nope.csv"));
        assertThatThrownBy(() -> JobSpecLoader.load(specFile))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("source.file.path: '")
                .hasMessageContaining("nope.csv' does not exist");
        assertThat(problemsOf(MINIMAL.replace("type: datagen", "type: file")))
                .contains("source.file: is required when source.type is 'file'");
    }

    @Test
    void aHeaderlessCsvNeedsItsColumnsAndAHeaderThatLooksLikeDataIsWarnedAbout()
            throws IOException {
        Files.writeString(tmp.resolve("glue.csv"), "2015-12-07T00:00:00+0000,AAL,132.2\n");
        Path specFile = tmp.resolve("glue.yaml");
        String file = "type: file\n  file:\n    path: glue.csv\n";
        Files.writeString(
                specFile,
                MINIMAL.replace(
                        "type: datagen",
                        file + "    header: false\n    columns: [timestamp, airline, value]"));
        JobSpec spec = JobSpecLoader.load(specFile);
        assertThat(spec.source().file().columns()).containsExactly("timestamp", "airline", "value");
        assertThat(JobSpecLoader.headerWarning(spec.source().file(), "timestamp")).isNull();

        Files.writeString(specFile, MINIMAL.replace("type: datagen", file + "    header: false"));
        assertThatThrownBy(() -> JobSpecLoader.load(specFile))
                .hasMessageContaining("source.file.columns: is required with header: false");
        Files.writeString(specFile, MINIMAL.replace("type: datagen", file + "    columns: [a, b]"));
        assertThatThrownBy(() -> JobSpecLoader.load(specFile))
                .hasMessageContaining("source.file.columns: only with header: false");
        Files.writeString(
                specFile,
                MINIMAL.replace("type: datagen", file + "    header: false\n    columns: [a, a]"));
        assertThatThrownBy(() -> JobSpecLoader.load(specFile))
                .hasMessageContaining("source.file.columns: names a column twice");

        // read with a header, its first data row would be taken for one: warned
        Files.writeString(specFile, MINIMAL.replace("type: datagen", file));
        JobSpec withHeader = JobSpecLoader.load(specFile);
        assertThat(JobSpecLoader.headerWarning(withHeader.source().file(), "timestamp"))
                .contains("the first line of glue.csv ('2015-12-07T00:00:00+0000,AAL,132.2')")
                .contains("looks like data (2015-12-07T00:00:00+0000, 132.2)")
                .contains("no column 'timestamp'")
                .contains("source.file.header: false and source.file.columns");
        // a real header is not
        Files.writeString(tmp.resolve("glue.csv"), "timestamp,airline,value\n");
        assertThat(JobSpecLoader.headerWarning(withHeader.source().file(), "timestamp")).isNull();
    }

    @Test
    void invalidYamlNamesTheLine() {
        assertThat(problemsOf("job_id: [unclosed\nsource: x\n")).contains("not valid YAML at line");
        assertThat(problemsOf("")).contains("the spec is empty");
    }

    @Test
    void everyProblemIsListedWithItsPath() {
        SpecException e =
                (SpecException)
                        catchSpec(MINIMAL + "model:\n  trees: -1\n  shingle_size: x\nextra: 1\n");
        assertThat(e.problems())
                .hasSize(3)
                .allSatisfy(p -> assertThat(p).matches("^[a-z_.\\[\\]0-9]+: .*"));
    }

    private static RuntimeException catchSpec(String yaml) {
        try {
            parse(yaml);
            throw new AssertionError("accepted");
        } catch (SpecException e) {
            return e;
        }
    }
}
