package dev.forestwatch.job.report;

import dev.forestwatch.connectors.kafka.TopicSnapshot;
import dev.forestwatch.job.Output;
import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.config.JobSpecLoader;
import dev.forestwatch.job.config.KafkaSinksSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code forestwatch report}: builds the self-contained HTML report of a run from its result files
 * or from the spec's Kafka result topics, and prints where it wrote it.
 */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Writes one self-contained HTML file (no network needed to open it) from a run's"
                    + " results: summary, anomaly timeline, single-metric view per series,"
                    + " top anomalies and alerts."
        },
        sortOptions = false)
public final class ReportCommand implements Callable<Integer> {
    @Option(
            names = {"-r", "--results"},
            paramLabel = "DIR",
            description =
                    "Directory with the run's .jsonl result files. Default: the spec's"
                            + " sinks.files.dir, else ./forestwatch-output/<job_id>.")
    Path results;

    @Option(
            names = {"-s", "--spec"},
            paramLabel = "FILE",
            description =
                    "The run's job spec: shown in the report, gives the cutoff keys and, with"
                            + " --kafka, the topics. Default: the bundled demo spec when neither"
                            + " --results nor --kafka is given.")
    Path spec;

    @Option(
            names = "--kafka",
            description =
                    "Read the results from the spec's sinks.kafka topics (committed messages,"
                            + " beginning to current end) instead of files.")
    boolean kafka;

    @Option(
            names = "--kafka-timeout",
            defaultValue = "PT2M",
            paramLabel = "DURATION",
            description =
                    "How long reading one topic may take (ISO-8601). Default: ${DEFAULT-VALUE}.")
    Duration kafkaTimeout;

    @Option(
            names = {"-o", "--out"},
            paramLabel = "FILE",
            description =
                    "Where to write the report. Default: report.html in the results directory"
                            + " (./report-<job_id>.html with --kafka).")
    Path out;

    @Option(
            names = "--top-series",
            defaultValue = "50",
            description = "Series drawn, by highest score (default ${DEFAULT-VALUE}).")
    int topSeries;

    @Option(
            names = "--max-points",
            defaultValue = "1000",
            description =
                    "Points per series chart; longer series are drawn as min/max per point"
                            + " (default ${DEFAULT-VALUE}).")
    int maxPoints;

    @Option(
            names = "--timeline-columns",
            defaultValue = "200",
            description = "Columns of the anomaly timeline (default ${DEFAULT-VALUE}).")
    int columns;

    @Option(
            names = "--timeline-lanes",
            defaultValue = "20",
            description =
                    "Influencer lanes of the timeline, by highest score (default ${DEFAULT-VALUE}).")
    int lanes;

    @Option(
            names = "--table-rows",
            defaultValue = "500",
            description = "Rows of the top-anomalies table (default ${DEFAULT-VALUE}).")
    int tableRows;

    @CommandLine.Spec CommandLine.Model.CommandSpec commandSpec;

    private final PrintStream console;

    public ReportCommand(PrintStream console) {
        this.console = console;
    }

    @Override
    public Integer call() throws Exception {
        for (int[] v : new int[][] {{topSeries}, {maxPoints}, {columns}, {tableRows}}) {
            if (v[0] < 1) {
                throw new CommandLine.ParameterException(
                        commandSpec.commandLine(),
                        "--top-series, --max-points, --timeline-columns and --table-rows must be"
                                + " at least 1");
            }
        }
        if (lanes < 0) {
            throw new CommandLine.ParameterException(
                    commandSpec.commandLine(), "--timeline-lanes must be 0 or more");
        }
        JobSpec jobSpec = spec != null ? JobSpecLoader.load(spec) : null;
        if (jobSpec == null && results == null && !kafka) {
            jobSpec = JobSpecLoader.loadDemo();
        }
        ReportBuilder.Options options =
                new ReportBuilder.Options(topSeries, maxPoints, columns, lanes, tableRows, 25);
        if (kafka) {
            if (jobSpec == null || jobSpec.sinks().kafka() == null) {
                throw new CommandLine.ParameterException(
                        commandSpec.commandLine(),
                        "--kafka needs --spec with sinks.kafka (the topics to read)");
            }
            Path file = out != null ? out : Path.of("report-" + jobSpec.jobId() + ".html");
            fromKafka(jobSpec, options, file, kafkaTimeout, console);
            return 0;
        }
        Path dir = results;
        if (dir == null) {
            dir =
                    jobSpec.sinks().filesDir() != null
                            ? Path.of(jobSpec.sinks().filesDir())
                            : Path.of("forestwatch-output", jobSpec.jobId());
        }
        if (!Files.isDirectory(dir)) {
            throw new CommandLine.ParameterException(
                    commandSpec.commandLine(),
                    "--results: " + dir.toAbsolutePath() + " is not a directory of results");
        }
        fromFiles(dir, jobSpec, options, out != null ? out : dir.resolve("report.html"), console);
        return 0;
    }

    /** Builds the report from the result files in {@code dir}; returns the file written. */
    public static Path fromFiles(
            Path dir, JobSpec spec, ReportBuilder.Options options, Path file, PrintStream console)
            throws IOException {
        long started = System.nanoTime();
        ReportBuilder builder = new ReportBuilder(options, spec);
        boolean any = false;
        // parsing is most of the work: all cores parse, this thread gathers in file order
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService pool =
                Executors.newFixedThreadPool(
                        threads,
                        r -> {
                            Thread t = new Thread(r, "report-parse");
                            t.setDaemon(true);
                            return t;
                        });
        try {
            any = readFiles(dir, builder, pool, threads);
        } finally {
            pool.shutdownNow();
        }
        if (!any) {
            throw new IOException(
                    "no result files (records.jsonl, buckets.jsonl, ...) in "
                            + dir.toAbsolutePath());
        }
        return finish(builder, file, started, console);
    }

    private static boolean readFiles(
            Path dir, ReportBuilder builder, ExecutorService pool, int threads) throws IOException {
        boolean any = false;
        for (Output o : ReportBuilder.ORDER) {
            Path f = dir.resolve(o.fileName());
            if (!Files.isRegularFile(f)) {
                continue;
            }
            any = true;
            if (ReportBuilder.parsed(o)) {
                try (InputStream in = Files.newInputStream(f)) {
                    ResultFileReader.read(
                            in,
                            new ResultFileReader.Sink() {
                                @Override
                                public void line(ResultLine line) {
                                    builder.accept(o, line);
                                }

                                @Override
                                public void unreadable() {
                                    builder.unreadable(o);
                                }
                            },
                            pool,
                            threads);
                }
                continue;
            }
            try (BufferedReader in =
                    new BufferedReader(
                            Files.newBufferedReader(f, StandardCharsets.UTF_8), 1 << 16)) {
                String line;
                while ((line = in.readLine()) != null) {
                    builder.accept(o, line);
                }
            }
        }
        return any;
    }

    /** Builds the report from the spec's Kafka result topics; returns the file written. */
    public static Path fromKafka(
            JobSpec spec,
            ReportBuilder.Options options,
            Path file,
            Duration timeout,
            PrintStream console)
            throws IOException {
        long started = System.nanoTime();
        KafkaSinksSpec kafka = spec.sinks().kafka();
        var props = TopicSnapshot.clientProperties(kafka.bootstrapServers(), kafka.properties());
        ReportBuilder builder = new ReportBuilder(options, spec);
        for (Output o : ReportBuilder.ORDER) {
            String topic = kafka.topicOf(o);
            if (topic != null) {
                TopicSnapshot.read(props, topic, line -> builder.accept(o, line), timeout);
            }
        }
        return finish(builder, file, started, console);
    }

    private static Path finish(ReportBuilder builder, Path file, long started, PrintStream console)
            throws IOException {
        var data = builder.build();
        long bytes = ReportWriter.write(data, file);
        long millis = (System.nanoTime() - started) / 1_000_000;
        var s = data.get("summary");
        console.printf(
                Locale.ROOT,
                "report: %s (%d series, %d shown, %,d records; %.1f MB, built in %,d ms)%n",
                file.toAbsolutePath(),
                s.get("series").asInt(),
                s.get("series_shown").asInt(),
                s.get("records").asLong(),
                bytes / 1e6,
                millis);
        return file;
    }
}
