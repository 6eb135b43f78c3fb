package dev.forestwatch.job;

import dev.forestwatch.connectors.file.JsonLinesFileSink;
import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.config.JobSpecLoader;
import dev.forestwatch.job.config.SpecException;
import dev.forestwatch.job.output.RunSummary;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.PrintSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
        sortOptions = false)
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
                    "Write records.jsonl, influencers.jsonl, buckets.jsonl, renormalized.jsonl"
                            + " and dead-letters.jsonl into DIR."
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
            names = "--no-summary",
            description = "Do not print the summary of top anomalies after a local run.")
    boolean noSummary;

    private final PrintStream console;

    AnomalyDetectionJob(PrintStream console) {
        this.console = console;
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs the command line; returns the exit code (also used by tests). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new AnomalyDetectionJob(out));
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

    private static JsonLinesFileSink fileSink(Path dir, String name) {
        return new JsonLinesFileSink(dir.resolve(name).toString());
    }

    @Override
    public Integer call() throws Exception {
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
        if (outDir == null && local) {
            outDir = Path.of("forestwatch-output", jobSpec.jobId());
        }
        OutputSinks sinks =
                outDir == null
                        ? new OutputSinks(
                                new PrintSink<>("record"),
                                new PrintSink<>("influencer"),
                                new PrintSink<>("bucket"),
                                new PrintSink<>("renormalized"),
                                new PrintSink<>("dead-letter", true),
                                1)
                        : new OutputSinks(
                                fileSink(outDir, "records.jsonl"),
                                fileSink(outDir, "influencers.jsonl"),
                                fileSink(outDir, "buckets.jsonl"),
                                fileSink(outDir, "renormalized.jsonl"),
                                fileSink(outDir, "dead-letters.jsonl"),
                                1);

        new AnomalyPipeline(jobSpec, EventSources.fromSpec(jobSpec.source())).build(env, sinks);
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
        JobExecutionResult result = env.execute("forestwatch: " + jobSpec.jobId());
        if (local && outDir != null && !noSummary && jobSpec.sinks().consoleSummary()) {
            long elapsed = System.currentTimeMillis() - started;
            new RunSummary(jobSpec, outDir, elapsed).print(console);
        }
        if (result != null && local) {
            LOG.info("Job finished in {} ms", result.getNetRuntime());
        }
        return 0;
    }
}
