package dev.forestwatch.job;

import dev.forestwatch.connectors.dynamodb.CutoffItem;
import dev.forestwatch.connectors.dynamodb.CutoffTableReader;
import dev.forestwatch.connectors.file.JsonLinesFileSink;
import dev.forestwatch.connectors.kafka.JsonMessageKey;
import dev.forestwatch.connectors.kafka.KafkaSinkSpec;
import dev.forestwatch.connectors.kafka.KafkaSinks;
import dev.forestwatch.job.config.CutoffSpec;
import dev.forestwatch.job.config.CutoffTableSpec;
import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.config.JobSpecLoader;
import dev.forestwatch.job.config.KafkaSinksSpec;
import dev.forestwatch.job.config.SourceType;
import dev.forestwatch.job.config.SpecException;
import dev.forestwatch.job.output.DeadLetterCheck;
import dev.forestwatch.job.output.RunSummary;
import dev.forestwatch.job.progress.LocalProgress;
import dev.forestwatch.job.report.ReportBuilder;
import dev.forestwatch.job.report.ReportCommand;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.client.program.StreamContextEnvironment;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.PrintSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Entry point for local runs ({@code java -jar forestwatch-job-*-local.jar}) and clusters ({@code
 * flink run forestwatch-job-*-cluster.jar --spec ...}). Without arguments it runs the bundled demo
 * in an embedded MiniCluster and prints a summary of what it found.
 */
@Command(
        name = "forestwatch",
        mixinStandardHelpOptions = true,
        version = "forestwatch 0.1.0 (Flink 1.20, randomcutforest 4.4.0)",
        description = {
            "Streaming anomaly detection on Apache Flink with one Random Cut Forest per series.",
            "Without --spec, runs the bundled demo (synthetic metrics with injected anomalies)."
        },
        sortOptions = false,
        subcommands = {ReportCommand.class})
public final class AnomalyDetectionJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(AnomalyDetectionJob.class);

    @Option(
            names = {"-s", "--spec"},
            paramLabel = "FILE",
            description = "Job spec (YAML). Default: the bundled demo spec.")
    Path spec;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "DIR",
            description =
                    "Write records, influencers, buckets, renormalized, alerts, cutoffs and"
                            + " dead-letters .jsonl files into DIR."
                            + " Default: the spec's sinks.files.dir; for local runs without one,"
                            + " ./forestwatch-output/<job_id>.")
    Path output;

    @Option(
            names = {"-p", "--parallelism"},
            paramLabel = "N",
            description = "Parallelism of local runs (default: number of cores, at most 4).")
    Integer parallelism;

    @Option(
            names = "--validate",
            description = "Only load and validate the spec, print it, and exit.")
    boolean validateOnly;

    @Option(
            names = "--max-dead-letter-share",
            defaultValue = "0.5",
            description =
                    "A local run whose dead letters make up at least this share of all events"
                            + " (0 < share <= 1, default ${DEFAULT-VALUE}) ends with exit code 3"
                            + " and names the top reason with an example.")
    double maxDeadLetterShare;

    /** When a local file replay prints its progress line. */
    enum ProgressMode {
        AUTO,
        ALWAYS,
        NEVER
    }

    @Option(
            names = "--progress",
            defaultValue = "AUTO",
            description =
                    "Progress line of a local file replay every 5 s (events, share of input,"
                            + " rate, time left): AUTO (only when the console is a terminal),"
                            + " ALWAYS or NEVER. Default: ${DEFAULT-VALUE}.")
    ProgressMode progress;

    static final long PROGRESS_INTERVAL_MS = 5_000;

    @Option(
            names = "--report",
            description =
                    "After a local run, write report.html (summary, anomaly timeline,"
                            + " single-metric views, top anomalies) next to the results and print"
                            + " its path; 'forestwatch report --help' for more options.")
    boolean report;

    @Option(
            names = "--no-summary",
            description = "Do not print the summary of top anomalies after a local run.")
    boolean noSummary;

    @CommandLine.Spec CommandLine.Model.CommandSpec commandSpec;

    private final PrintStream console;

    AnomalyDetectionJob(PrintStream console) {
        this.console = console;
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        boolean submitted =
                StreamExecutionEnvironment.getExecutionEnvironment()
                        instanceof StreamContextEnvironment;
        exit(code, submitted);
    }

    /**
     * Ends a failed run: with the exit code from a plain {@code java -jar}, or by throwing when
     * {@code flink run} or a REST submission runs {@code main}, where {@code System.exit} would end
     * that JVM (on a REST submission, the JobManager) instead of failing the submission.
     */
    static void exit(int code, boolean submitted) {
        if (code == 0) {
            return;
        }
        if (submitted) {
            throw new IllegalArgumentException(
                    "forestwatch did not start (exit code " + code + "); see the messages above");
        }
        System.exit(code);
    }

    /** Exit code of a local run whose events were mostly dead letters. */
    static final int EXIT_MOSTLY_DEAD_LETTERS = 3;

    /** Runs the command line; returns the exit code (also used by tests). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli =
                new CommandLine(
                        new AnomalyDetectionJob(out),
                        new CommandLine.IFactory() {
                            @Override
                            public <K> K create(Class<K> cls) throws Exception {
                                if (cls == ReportCommand.class) {
                                    return cls.cast(new ReportCommand(out));
                                }
                                return CommandLine.defaultFactory().create(cls);
                            }
                        });
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        cli.setExecutionExceptionHandler(
                (e, cmd, parsed) -> {
                    if (e instanceof SpecException) {
                        err.println(e.getMessage());
                        return 2;
                    }
                    throw e;
                });
        return cli.execute(args);
    }

    /** Checkpoint interval of local runs that read or write Kafka or DynamoDB Streams. */
    static final long LOCAL_CHECKPOINT_INTERVAL_MS = 5_000;

    /** The sinks of a run: files, Kafka topics, the console. */
    static OutputSinks sinks(JobSpec spec, Path outDir, boolean local) {
        OutputSinks sinks = new OutputSinks();
        if (outDir != null) {
            for (Output o : Output.values()) {
                sinks.add(
                        o,
                        "file",
                        new JsonLinesFileSink(outDir.resolve(o.fileName()).toString()),
                        1);
            }
        }
        addKafkaSinks(spec, sinks);
        KafkaSinksSpec kafka = spec.sinks().kafka();
        if (local) {
            sinks.add(Output.ALERTS, "console", new PrintSink<>("ALERT"), 1);
        }
        if (outDir == null && kafka == null && !local) {
            for (Output o : Output.values()) {
                sinks.add(o, "console", new PrintSink<>(o.id()), 1);
            }
        }
        return sinks;
    }

    /**
     * Adds the spec's Kafka sinks ({@code sinks.kafka}): one per output with a topic, transactional
     * ids {@code <prefix>-<output>}, keyed by the output's key field.
     */
    public static OutputSinks addKafkaSinks(JobSpec spec, OutputSinks sinks) {
        KafkaSinksSpec kafka = spec.sinks().kafka();
        if (kafka == null) {
            return sinks;
        }
        for (Output o : Output.values()) {
            String topic = kafka.topicOf(o);
            if (topic == null) {
                continue;
            }
            String prefix =
                    (kafka.transactionalIdPrefix() == null
                                    ? "forestwatch-" + spec.jobId()
                                    : kafka.transactionalIdPrefix())
                            + "-"
                            + o.id();
            KafkaSinkSpec sinkSpec =
                    new KafkaSinkSpec(
                            kafka.bootstrapServers(),
                            topic,
                            kafka.deliveryGuarantee(),
                            prefix,
                            kafka.transactionTimeout(),
                            kafka.properties());
            sinks.add(
                    o,
                    "kafka",
                    KafkaSinks.create(sinkSpec, JsonMessageKey.field(o.messageKeyField())),
                    0);
        }
        return sinks;
    }

    /** The newest cutoff per data kind in the cutoff table, when the spec asks for it. */
    static Map<String, CutoffItem> initialCutoffs(JobSpec spec) {
        CutoffTableSpec table = spec.sinks().cutoffTable();
        if (table == null) {
            return Map.of();
        }
        try (DynamoDbClient client = table.table().createClient()) {
            if (table.createIfMissing()) {
                CutoffTableReader.createTableIfMissing(client, table.table().tableName());
            }
            if (!table.readOnStart()) {
                return Map.of();
            }
            List<String> kinds = new ArrayList<>();
            CutoffSpec cutoff = spec.scoring().cutoff();
            String base = cutoff == null ? spec.jobId() : cutoff.dataKind();
            if (cutoff == null || cutoff.per() == CutoffSpec.Per.JOB) {
                kinds.add(base);
            } else if (cutoff.per() == CutoffSpec.Per.DETECTOR) {
                for (int i = 0; i < spec.analysis().detectors().size(); i++) {
                    kinds.add(base + "/" + i);
                }
            } else {
                LOG.warn(
                        "scoring.cutoff.per is series: series are not known at start, so no"
                                + " cutoff is read from {}",
                        table.table().tableName());
            }
            Map<String, CutoffItem> found =
                    CutoffTableReader.latest(client, table.table().tableName(), kinds);
            LOG.info("Cutoffs read from {} at start: {}", table.table().tableName(), found);
            return found;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (!(maxDeadLetterShare > 0 && maxDeadLetterShare <= 1)) {
            throw new CommandLine.ParameterException(
                    commandSpec.commandLine(),
                    "--max-dead-letter-share: must be above 0 and at most 1, got "
                            + maxDeadLetterShare);
        }
        JobSpec jobSpec = spec == null ? JobSpecLoader.loadDemo() : JobSpecLoader.load(spec);
        if (validateOnly) {
            console.println("spec is valid: " + jobSpec);
            return 0;
        }
        Configuration conf = AnomalyPipeline.requiredConfiguration();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        boolean local = env instanceof LocalStreamEnvironment;
        if (local) {
            env.setParallelism(
                    parallelism != null
                            ? parallelism
                            : Math.min(4, Runtime.getRuntime().availableProcessors()));
        } else if (parallelism != null) {
            env.setParallelism(parallelism);
        }

        Path outDir = output;
        if (outDir == null && jobSpec.sinks().filesDir() != null) {
            outDir = Path.of(jobSpec.sinks().filesDir());
        }
        KafkaSinksSpec kafka = jobSpec.sinks().kafka();
        if (outDir == null && local && kafka == null) {
            outDir = Path.of("forestwatch-output", jobSpec.jobId());
        }
        OutputSinks sinks = sinks(jobSpec, outDir, local);
        boolean streaming =
                kafka != null
                        || jobSpec.source().type() == SourceType.KAFKA
                        || jobSpec.source().type() == SourceType.DYNAMODB_STREAMS;
        if (streaming && !env.getCheckpointConfig().isCheckpointingEnabled()) {
            if (local) {
                // Exactly-once Kafka sinks commit on checkpoints; a local run needs them too.
                env.enableCheckpointing(LOCAL_CHECKPOINT_INTERVAL_MS);
            } else {
                LOG.warn(
                        "Checkpointing is disabled: Kafka sinks will not commit and sources will"
                                + " not record their positions. Set execution.checkpointing.interval.");
            }
        }
        Map<String, CutoffItem> initialCutoffs = initialCutoffs(jobSpec);

        boolean progress =
                local
                        && jobSpec.source().type() == SourceType.FILE
                        && (this.progress == ProgressMode.ALWAYS
                                || (this.progress == ProgressMode.AUTO
                                        && System.console() != null));
        EventSource source = EventSources.fromSpec(jobSpec);
        if (progress) {
            EventSource base = source;
            source =
                    e ->
                            base.attach(e)
                                    .map(new LocalProgress.Tap())
                                    .uid(OperatorUids.LOCAL_PROGRESS)
                                    .name("Count events for the progress line")
                                    .setParallelism(1);
        }
        new AnomalyPipeline(jobSpec, source, initialCutoffs).build(env, sinks);
        LOG.info("Submitting job '{}'", jobSpec.jobId());
        LOG.debug("Resolved spec: {}", jobSpec);
        if (local) {
            console.println(
                    "forestwatch: running job '"
                            + jobSpec.jobId()
                            + "' locally (parallelism "
                            + env.getParallelism()
                            + "), results in "
                            + (outDir == null ? "(console)" : outDir.toAbsolutePath()));
        }
        long started = System.currentTimeMillis();
        JobExecutionResult result;
        if (progress) {
            try (LocalProgress line =
                    new LocalProgress(
                            LocalProgress.sizeOf(Path.of(jobSpec.source().file().path())),
                            console,
                            PROGRESS_INTERVAL_MS)) {
                result = env.execute("forestwatch: " + jobSpec.jobId());
            }
        } else {
            result = env.execute("forestwatch: " + jobSpec.jobId());
        }
        if (local && outDir != null && !noSummary && jobSpec.sinks().consoleSummary()) {
            long elapsed = System.currentTimeMillis() - started;
            new RunSummary(jobSpec, outDir, elapsed).print(console);
        }
        if (result != null && local) {
            LOG.info("Job finished in {} ms", result.getNetRuntime());
        }
        if (report && local && outDir != null) {
            ReportCommand.fromFiles(
                    outDir,
                    jobSpec,
                    ReportBuilder.Options.defaults(),
                    outDir.resolve("report.html"),
                    console);
        } else if (report) {
            console.println("--report: only a local run that writes result files has a report");
        }
        if (local && outDir != null) {
            String failure =
                    DeadLetterCheck.failure(DeadLetterCheck.read(outDir), maxDeadLetterShare);
            if (failure != null) {
                console.println(failure);
                return EXIT_MOSTLY_DEAD_LETTERS;
            }
        }
        return 0;
    }
}
