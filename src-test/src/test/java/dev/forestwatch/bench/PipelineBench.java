package dev.forestwatch.bench;

import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
import dev.forestwatch.connectors.raw.RawEvent;
import dev.forestwatch.it.support.MiniClusters;
import dev.forestwatch.job.AnomalyPipeline;
import dev.forestwatch.job.EventSource;
import dev.forestwatch.job.EventSources;
import dev.forestwatch.job.PipelineStreams;
import dev.forestwatch.job.bucket.BucketScorer;
import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.config.JobSpecLoader;
import dev.forestwatch.job.detect.ForestFactory;
import dev.forestwatch.job.detect.ForestParams;
import dev.forestwatch.job.parse.EventDecoder;
import dev.forestwatch.job.parse.RawEventTimestamps;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openjdk.jol.info.GraphLayout;

/**
 * The benchmark behind {@code mvn -Pbench verify}: throughput of the full job against a bare forest
 * loop, state size and checkpoint cost per series, alert latency, and growth with the number of
 * series. It prints a table and writes {@code target/bench/results.json}; it asserts nothing about
 * speed (figures are for people, and depend on the machine).
 *
 * <p>Every job run is the production {@link AnomalyPipeline} on a MiniCluster at parallelism 1,
 * reading a CSV file through the production file source. Test-only probes ({@link BenchProbes})
 * stamp times next to the pipeline; discarding sinks replace the file and Kafka sinks.
 */
class PipelineBench {
    @RegisterExtension static final MiniClusterExtension CLUSTER = MiniClusters.twoSlots();

    // Throughput scenario: default spec at steady state, two events per series and bucket; the
    // first TP_WARM_BUCKETS fill the forests and are not timed, the rest take 30 s or more.
    static final int TP_SERIES = Integer.getInteger("bench.tp.series", 50);
    static final int TP_BUCKETS = Integer.getInteger("bench.tp.buckets", 4000);
    static final int TP_WARM_BUCKETS = Integer.getInteger("bench.tp.warm", 1000);
    static final int TP_EVENTS_PER_BUCKET = 2;
    static final int REPETITIONS = Integer.getInteger("bench.repetitions", 5);
    // Extra spec text for the throughput job, e.g. "scoring: {typical: forecast}" to compare.
    static final String TP_EXTRA_SPEC = System.getProperty("bench.tp.spec", "");
    // false: time the job only (to compare two specs without repeating the bare loops)
    static final boolean TP_BARE =
            Boolean.parseBoolean(System.getProperty("bench.tp.bare", "true"));
    // Which scenarios run (all by default): throughput, scale, latency.
    static final List<String> SCENARIOS =
            List.of(System.getProperty("bench.scenarios", "throughput,scale,latency").split(","));

    // Scaling scenario: many short series with a small forest, so 100k series fit in the heap.
    static final int[] SCALE_SERIES = {1_000, 10_000, 100_000};
    static final int SCALE_BUCKETS = 6;
    static final String SMALL_MODEL =
            "model: {trees: 10, sample_size: 32, shingle_size: 4, warm_up: 2}\n"
                    // the default cap (10,000 live series per subtask) would turn 90% of the
                    // 100k series into series_limit dead letters at parallelism 1
                    + "limits: {max_series_per_subtask: 200000}\n";

    // Latency scenario: live input, one-second buckets.
    static final int LAT_SERIES = 50;
    static final long LAT_PERIOD_MILLIS = 100;
    static final long LAT_RUN_MILLIS = Long.getLong("bench.latency.millis", 45_000L);
    static final long LAT_SKIP_MILLIS = 10_000;

    static final long SPAN_MILLIS = 60_000;

    private final Path out = Path.of(System.getProperty("bench.out", "target/bench"));
    private final BenchReport report = BenchReport.forThisJvm();

    @Test
    void run(@InjectMiniCluster MiniCluster cluster) throws Exception {
        long started = System.nanoTime();
        Files.createDirectories(out);
        if (SCENARIOS.contains("throughput")) {
            throughput();
            report.write(out.resolve("results.json"));
        }
        if (SCENARIOS.contains("scale")) {
            scaling(cluster);
            report.write(out.resolve("results.json"));
        }
        if (SCENARIOS.contains("latency")) {
            latency();
        }
        report.add(
                "bench.duration_s",
                (System.nanoTime() - started) / 1e9,
                "s",
                "wall time of the whole benchmark (without the Maven build)");
        report.write(out.resolve("results.json"));
        System.out.println();
        System.out.println(report.table());
        System.out.println("written: " + out.resolve("results.json").toAbsolutePath());
    }

    // ---------------------------------------------------------------- throughput

    private void throughput() throws Exception {
        BenchData.Written data =
                BenchData.write(
                        out.resolve("data/throughput.csv"),
                        TP_SERIES,
                        TP_BUCKETS,
                        TP_EVENTS_PER_BUCKET,
                        SPAN_MILLIS,
                        1,
                        false);
        JobSpec spec = spec("bench-throughput", data.file(), "1m", TP_EXTRA_SPEC);
        long steadyPoints = (long) (TP_BUCKETS - TP_WARM_BUCKETS) * TP_SERIES;
        List<Double> pointRates = new ArrayList<>();
        List<Double> cpuMicros = new ArrayList<>();
        for (int rep = -1; rep < REPETITIONS; rep++) { // rep -1 warms up the JVM
            BenchProbes.reset();
            BenchProbes.steadyFromMillis = BenchData.START + TP_WARM_BUCKETS * SPAN_MILLIS;
            StreamExecutionEnvironment env = environment();
            build(env, spec, fileSource(spec, false));
            env.execute("bench-throughput");
            BenchProbes.steadyFromMillis = Long.MAX_VALUE;
            long records = BenchProbes.records.get();
            long steady = BenchProbes.steadyRecords.get();
            if (records != data.points() || steady != steadyPoints) {
                throw new IllegalStateException(
                        "expected "
                                + data.points()
                                + " records ("
                                + steadyPoints
                                + " steady), got "
                                + records
                                + " ("
                                + steady
                                + ")");
            }
            double seconds =
                    (BenchProbes.lastRecordNanos.get() - BenchProbes.steadyStartNanos.get()) / 1e9;
            long cpuSampled = (steady / 256) * 256 - 1;
            double cpu =
                    (BenchProbes.steadyLastCpuNanos.get() - BenchProbes.steadyStartCpuNanos.get())
                            / 1e3
                            / cpuSampled;
            double rate = (steady - 1) / seconds;
            log(
                    "job run %d: steady state %.1f s, %.0f points/s, %.1f us CPU per point",
                    rep, seconds, rate, cpu);
            if (rep >= 0) {
                pointRates.add(rate);
                cpuMicros.add(cpu);
            }
        }
        if (!TP_BARE) {
            addSpread(
                    "throughput.job.points_per_s",
                    pointRates,
                    "points/s",
                    "job only; extra spec: " + TP_EXTRA_SPEC);
            addSpread("throughput.job.cpu_us_per_point", cpuMicros, "us", "job only");
            return;
        }
        ForestParams params =
                BucketScorer.forestParams(spec.model(), spec.analysis().detectors().get(0));
        List<Double> bareRates = new ArrayList<>();
        List<Double> bareCpu = new ArrayList<>();
        List<Double> bareForecastRates = new ArrayList<>();
        List<Double> bareForecastCpu = new ArrayList<>();
        for (int rep = -1; rep < REPETITIONS; rep++) {
            double[] r = bareLoop(params, data, false);
            log("bare run %d: %.0f points/s, %.1f us CPU per point", rep, r[0], r[1]);
            if (rep >= 0) {
                bareRates.add(r[0]);
                bareCpu.add(r[1]);
            }
        }
        for (int rep = 0; rep < REPETITIONS; rep++) {
            double[] r = bareLoop(params, data, true);
            log("bare+forecast run %d: %.0f points/s, %.1f us CPU per point", rep, r[0], r[1]);
            bareForecastRates.add(r[0]);
            bareForecastCpu.add(r[1]);
        }
        double job = Percentiles.median(pointRates);
        double bare = Percentiles.median(bareRates);
        double bareForecast = Percentiles.median(bareForecastRates);
        String shape =
                String.format(
                        Locale.ROOT,
                        "%d series x %d one-minute buckets x %d events, timed from bucket %d on",
                        TP_SERIES,
                        TP_BUCKETS,
                        TP_EVENTS_PER_BUCKET,
                        TP_WARM_BUCKETS);
        addSpread(
                "throughput.job.points_per_s",
                pointRates,
                "points/s",
                "full job, file source to discarding sinks, parallelism 1, default spec (typical"
                        + " values included); steady state; "
                        + shape);
        addSpread(
                "throughput.job.cpu_us_per_point",
                cpuMicros,
                "us",
                "same runs: CPU time of the whole JVM (all threads) per steady-state point");
        addSpread(
                "throughput.bare.points_per_s",
                bareRates,
                "points/s",
                "bare ThresholdedRandomCutForest.process loop over the same bucket means, same"
                        + " forest settings (ForestFactory), timed over the same buckets");
        addSpread(
                "throughput.bare.cpu_us_per_point",
                bareCpu,
                "us",
                "same loops: CPU time of the looping thread per timed point");
        addSpread(
                "throughput.bare_forecast.points_per_s",
                bareForecastRates,
                "points/s",
                "bare loop doing what scoring.typical: forecast costs per bucket:"
                        + " extrapolate(1) once the forest is ready, then process");
        addSpread(
                "throughput.bare_forecast.cpu_us_per_point",
                bareForecastCpu,
                "us",
                "same loops: CPU time of the looping thread per timed point");
        report.add(
                "throughput.ratio_job_to_bare",
                job / bare,
                "ratio",
                "median job points/s divided by median bare process-loop points/s (target 0.85)");
        report.add(
                "throughput.ratio_job_to_bare_forecast",
                job / bareForecast,
                "ratio",
                "median job points/s divided by median bare process+forecast points/s");
        report.method(
                "throughput",
                "Input: "
                        + shape
                        + " written to a CSV file and read by the production file source. Each"
                        + " job run is a fresh bounded job on the MiniCluster (parallelism 1)."
                        + " Steady state: the first "
                        + TP_WARM_BUCKETS
                        + " buckets fill the forests (sample size 256) and are not timed; time"
                        + " runs from the first record of bucket "
                        + TP_WARM_BUCKETS
                        + " reaching its discarding sink to the last record, so start-up, warm-up"
                        + " and teardown are excluded. CPU time is the JVM's process CPU time"
                        + " over the same span (sampled every 256 records). One warm-up run, then"
                        + " the median (min, max) of "
                        + REPETITIONS
                        + " runs. The bare loops feed the same per-bucket means, bucket by bucket"
                        + " across series as the job does, into fresh forests built by"
                        + " ForestFactory from the job's ForestParams, in the same JVM, timing"
                        + " (wall and thread CPU) the same buckets; one warm-up and the median of "
                        + REPETITIONS
                        + " runs.");
    }

    /** Adds the median of {@code samples} with their min and max. */
    private void addSpread(String key, List<Double> samples, String unit, String what) {
        report.add(
                key,
                Percentiles.median(samples),
                unit,
                what
                        + String.format(
                                Locale.ROOT,
                                " [median of %d; min %.1f, max %.1f]",
                                samples.size(),
                                Percentiles.of(samples, 0.001),
                                Percentiles.of(samples, 100)));
    }

    /**
     * Points per second and thread CPU microseconds per point of fresh forests fed the data's
     * bucket means in the job's order, timing only the buckets after the warm-up.
     */
    private static double[] bareLoop(
            ForestParams params, BenchData.Written data, boolean forecast) {
        ThresholdedRandomCutForest[] forests = new ThresholdedRandomCutForest[data.series()];
        for (int s = 0; s < forests.length; s++) {
            forests[s] = ForestFactory.create(params, BenchData.seriesName(s));
        }
        var threads = ManagementFactory.getThreadMXBean();
        long sink = 0;
        long t0 = 0;
        long cpu0 = 0;
        for (int b = 0; b < data.buckets(); b++) {
            if (b == TP_WARM_BUCKETS) {
                t0 = System.nanoTime();
                cpu0 = threads.getCurrentThreadCpuTime();
            }
            long ts = BenchData.START + b * data.spanMillis();
            for (int s = 0; s < forests.length; s++) {
                ThresholdedRandomCutForest f = forests[s];
                if (forecast && f.getForest().isOutputReady()) {
                    sink += f.extrapolate(1).rangeVector.values.length;
                }
                sink += (long) f.process(new double[] {data.means()[b][s]}, ts).getRCFScore();
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpuMicros = (threads.getCurrentThreadCpuTime() - cpu0) / 1e3;
        if (sink == Long.MIN_VALUE) {
            System.out.println(); // keeps the results alive for the JIT
        }
        long timed = (long) (data.buckets() - TP_WARM_BUCKETS) * data.series();
        return new double[] {timed / seconds, cpuMicros / timed};
    }

    // ---------------------------------------------------------------- state and scaling

    private void scaling(MiniCluster cluster) throws Exception {
        for (int series : SCALE_SERIES) {
            BenchData.Written data =
                    BenchData.write(
                            out.resolve("data/scale-" + series + ".csv"),
                            series,
                            SCALE_BUCKETS,
                            1,
                            SPAN_MILLIS,
                            2,
                            true);
            JobSpec spec = spec("bench-scale", data.file(), "1m", SMALL_MODEL);
            Path checkpoints = out.resolve("checkpoints/" + series);
            deleteTree(checkpoints);
            long baseline = usedHeapAfterGc();
            BenchProbes.reset();
            StreamExecutionEnvironment env = environment();
            env.enableCheckpointing(Duration.ofHours(1).toMillis()); // only triggered by hand
            Configuration conf = new Configuration();
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(
                    CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    checkpoints.toAbsolutePath().toUri().toString());
            env.configure(conf);
            build(env, spec, fileSource(spec, true));
            JobClient job = env.executeAsync("bench-scale-" + series);
            try {
                await(() -> BenchProbes.records.get() >= data.points(), Duration.ofMinutes(6), job);
                double seconds = elapsedSeconds();
                long heap = usedHeapAfterGc() - baseline;
                long checkpointStarted = System.nanoTime();
                cluster.triggerCheckpoint(job.getJobID()).get(5, TimeUnit.MINUTES);
                double triggerToDone = (System.nanoTime() - checkpointStarted) / 1e6;
                CompletedCheckpointStats cp = latestCheckpoint(cluster, job.getJobID());
                long onDisk = treeSize(checkpoints);
                log(
                        "%d series: %.2f s, heap %d B, checkpoint %d B (%d on disk) in %d ms",
                        series, seconds, heap, cp.getStateSize(), onDisk, cp.getEndToEndDuration());
                String k = series >= 1000 ? (series / 1000) + "k" : Integer.toString(series);
                report.add(
                        "scale." + k + ".points_per_s",
                        data.points() / seconds,
                        "points/s",
                        series + " series x " + SCALE_BUCKETS + " buckets x 1 event, small model");
                report.add(
                        "scale." + k + ".heap_bytes_per_series",
                        (double) heap / series,
                        "bytes",
                        "used heap after GC with the job holding the state, minus before, per"
                                + " series");
                report.add(
                        "scale." + k + ".checkpoint_bytes_per_series",
                        (double) cp.getStateSize() / series,
                        "bytes",
                        "completed checkpoint's state size (Flink checkpoint statistics) per"
                                + " series");
                report.add(
                        "scale." + k + ".checkpoint_duration_ms",
                        cp.getEndToEndDuration(),
                        "ms",
                        "end-to-end duration of that checkpoint (trigger to acknowledged by all"
                                + " tasks); "
                                + String.format(Locale.ROOT, "%.0f", triggerToDone)
                                + " ms as seen by the client");
            } finally {
                job.cancel().get(1, TimeUnit.MINUTES);
                awaitTermination(job);
                deleteTree(checkpoints);
            }
        }
        JobSpec smallSpec = spec("x", out.resolve("data/scale-1000.csv"), "1m", SMALL_MODEL);
        ForestParams small =
                BucketScorer.forestParams(
                        smallSpec.model(), smallSpec.analysis().detectors().get(0));
        JobSpec defaults = spec("x", out.resolve("data/scale-1000.csv"), "1m", "");
        ForestParams standard =
                BucketScorer.forestParams(defaults.model(), defaults.analysis().detectors().get(0));
        report.add(
                "forest.small.heap_bytes",
                forestHeapBytes(small, SCALE_BUCKETS),
                "bytes",
                "JOL GraphLayout size of one forest of the small model after "
                        + SCALE_BUCKETS
                        + " points");
        report.add(
                "forest.default.heap_bytes",
                forestHeapBytes(standard, 300),
                "bytes",
                "JOL GraphLayout size of one forest of the default model (50 trees x 256"
                        + " samples) after 300 points");
        report.method(
                "scale",
                "For 1k, 10k and 100k series, "
                        + SCALE_BUCKETS
                        + " one-minute buckets of one event each are written to a CSV file and"
                        + " read by the production file source, unioned with an empty source"
                        + " that never ends, so the job stays up with its state after the input;"
                        + " a last event two buckets later moves the watermark past every data"
                        + " bucket. Model: trees 10, sample_size 32, shingle_size 4, warm_up 2"
                        + " (the default model holds about 0.8 MB of heap per series, see"
                        + " forest.default.heap_bytes, which would not fit 100k series). points/s"
                        + " runs from the first event to the last record reaching its sink."
                        + " Heap: used heap after three System.gc() calls once all records are out,"
                        + " minus the same measure taken before the job was submitted, divided by"
                        + " the series count (it includes everything the job holds per series:"
                        + " forest, bucket and series state, timers, Flink's state-table entries)."
                        + " Checkpoint: one checkpoint triggered by hand on the hashmap backend"
                        + " with filesystem checkpoint storage under target/bench/checkpoints; its"
                        + " state size and end-to-end duration come from the job's checkpoint"
                        + " statistics (the figures the REST API's /jobs/:id/checkpoints shows).");
    }

    private static double forestHeapBytes(ForestParams params, int points) {
        ThresholdedRandomCutForest f = ForestFactory.create(params, "jol");
        for (int i = 0; i < points; i++) {
            f.process(new double[] {100 + 20 * Math.sin(i / 7.0)}, i * SPAN_MILLIS);
        }
        return GraphLayout.parseInstance(f).totalSize();
    }

    private static CompletedCheckpointStats latestCheckpoint(MiniCluster cluster, JobID id)
            throws Exception {
        // the statistics are updated asynchronously after the checkpoint completes
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            CheckpointStatsSnapshot stats =
                    cluster.getExecutionGraph(id)
                            .get(1, TimeUnit.MINUTES)
                            .getCheckpointStatsSnapshot();
            CompletedCheckpointStats cp = stats.getHistory().getLatestCompletedCheckpoint();
            if (cp != null) {
                return cp;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no completed checkpoint in the statistics");
            }
            Thread.sleep(100);
        }
    }

    // ---------------------------------------------------------------- latency

    private void latency() throws Exception {
        String extra =
                "model: {warm_up: 8}\n"
                        + "alerting:\n"
                        + "  suppression: 0s\n"
                        + "  policies:\n"
                        + "    - {name: every-record, mode: score, level: record, min_score: 0}\n";
        JobSpec spec = spec("bench-latency", out.resolve("data/throughput.csv"), "1s", extra);
        BenchProbes.reset();
        StreamExecutionEnvironment env = environment();
        build(env, spec, liveSource(spec));
        JobClient job = env.executeAsync("bench-latency");
        try {
            Thread.sleep(LAT_RUN_MILLIS);
        } finally {
            job.cancel().get(1, TimeUnit.MINUTES);
            awaitTermination(job);
        }
        long firstCounted = Long.MAX_VALUE;
        for (Long closed : BenchProbes.bucketClosedNanos.keySet()) {
            firstCounted = Math.min(firstCounted, closed);
        }
        long skipBefore = firstCounted + LAT_SKIP_MILLIS;
        List<Double> millis = new ArrayList<>();
        for (BenchProbes.AlertSeen a : BenchProbes.alerts) {
            Long closed = BenchProbes.bucketClosedNanos.get(a.bucket());
            if (closed != null && a.bucket() >= skipBefore) {
                millis.add((a.nanos() - closed) / 1e6);
            }
        }
        if (millis.isEmpty()) {
            throw new IllegalStateException(
                    "no alerts measured: "
                            + BenchProbes.alerts.size()
                            + " alerts, "
                            + BenchProbes.bucketClosedNanos.size()
                            + " closed buckets");
        }
        log("latency: %d samples", millis.size());
        report.add(
                "latency.alert.p50_ms",
                Percentiles.of(millis, 50),
                "ms",
                "bucket close (watermark passes the bucket end) to its record alert leaving the"
                        + " alert operator, median");
        report.add("latency.alert.p99_ms", Percentiles.of(millis, 99), "ms", "same, 99th pct");
        report.add("latency.alert.max_ms", Percentiles.of(millis, 100), "ms", "same, maximum");
        report.add("latency.alert.samples", millis.size(), "alerts", "alerts measured");
        report.method(
                "latency",
                LAT_SERIES
                        + " series get one event every "
                        + LAT_PERIOD_MILLIS
                        + " ms stamped with the wall clock, from a live source that never ends;"
                        + " bucket_span 1s, max_out_of_orderness 0s, default model with warm_up 8,"
                        + " one alert policy (mode score, level record, min_score 0, suppression"
                        + " 0s) so every record of every bucket alerts. The source assigns the"
                        + " spec's watermarks itself (as the Kafka source does); a test operator"
                        + " chained behind it sees the same watermarks as the parser and notes"
                        + " the processing time at which the watermark passes each bucket's end,"
                        + " and a map chained to the alert operator stamps each alert. Latency ="
                        + " alert stamp - bucket close, nearest-rank percentiles over all record"
                        + " alerts after the first "
                        + LAT_SKIP_MILLIS / 1000
                        + " s, run length "
                        + LAT_RUN_MILLIS / 1000
                        + " s. The periodic watermark interval (200 ms) comes on top for a"
                        + " bucket's end in wall-clock terms.");
    }

    private EventSource liveSource(JobSpec spec) {
        long span = spec.analysis().bucketSpan().toMillis();
        return new EventSource() {
            @Override
            public DataStream<RawEvent> attach(StreamExecutionEnvironment env) {
                DataStream<RawEvent> live =
                        env.addSource(
                                        new BenchProbes.RealTimeEvents(
                                                LAT_SERIES, LAT_PERIOD_MILLIS),
                                        "Live bench events",
                                        TypeInformation.of(RawEvent.class))
                                .uid("bench-live-source")
                                .setParallelism(1)
                                .assignTimestampsAndWatermarks(
                                        AnomalyPipeline.watermarkStrategy(
                                                spec,
                                                new RawEventTimestamps(new EventDecoder(spec))))
                                .uid("bench-live-watermarks")
                                .name("Event time and watermarks")
                                .setParallelism(1);
                live.transform(
                                "Bucket close observer",
                                Types.LONG,
                                new BenchProbes.WatermarkObserver(span))
                        .uid("bench-bucket-close-observer")
                        .setParallelism(1)
                        .sinkTo(new DiscardingSink<>())
                        .uid("bench-bucket-close-discard")
                        .setParallelism(1);
                return live;
            }

            @Override
            public boolean assignsWatermarks() {
                return true;
            }
        };
    }

    // ---------------------------------------------------------------- shared

    /** A mean detector per series over {@code timestamp,series,value} CSV input. */
    private static JobSpec spec(String jobId, Path csv, String span, String extra) {
        String yaml =
                "job_id: "
                        + jobId
                        + "\n"
                        + "source:\n"
                        + "  type: file\n"
                        + "  file: {path: '"
                        + csv.toAbsolutePath()
                        + "', format: csv}\n"
                        + "event:\n"
                        + "  timestamp_field: timestamp\n"
                        + "  timestamp_format: epoch_millis\n"
                        + "  max_out_of_orderness: 0s\n"
                        + "analysis:\n"
                        + "  bucket_span: "
                        + span
                        + "\n"
                        + "  detectors:\n"
                        + "    - {function: mean, field_name: value, by_field_name: series}\n"
                        + "sinks:\n"
                        + "  console: {summary: false}\n"
                        + extra;
        return JobSpecLoader.parse(yaml, "(bench " + jobId + ")", csv.toAbsolutePath().getParent());
    }

    /** The spec's production file source, stamped; optionally kept alive by an empty source. */
    private static EventSource fileSource(JobSpec spec, boolean keepAlive) {
        EventSource file = EventSources.fromSpec(spec.source());
        return env -> {
            DataStream<RawEvent> events =
                    file.attach(env)
                            .map(new BenchProbes.FirstEventStamp())
                            .returns(TypeInformation.of(RawEvent.class))
                            .uid("bench-first-event")
                            .name("Stamp first event")
                            .setParallelism(1);
            if (!keepAlive) {
                return events;
            }
            return events.union(
                    env.addSource(
                                    new BenchProbes.KeepAlive(),
                                    "Keep alive",
                                    TypeInformation.of(RawEvent.class))
                            .uid("bench-keep-alive")
                            .setParallelism(1));
        };
    }

    /** The production pipeline with every output discarded; records are counted first. */
    private static void build(StreamExecutionEnvironment env, JobSpec spec, EventSource source) {
        PipelineStreams s = new AnomalyPipeline(spec, source).build(env);
        s.records()
                .map(new BenchProbes.RecordCounter())
                .uid("bench-record-counter")
                .name("Count records")
                .sinkTo(new DiscardingSink<>())
                .uid("bench-records-discard");
        s.influencers().sinkTo(new DiscardingSink<>()).uid("bench-influencers-discard");
        s.buckets().sinkTo(new DiscardingSink<>()).uid("bench-buckets-discard");
        s.renormalized().sinkTo(new DiscardingSink<>()).uid("bench-renormalized-discard");
        s.alerts()
                .map(new BenchProbes.AlertStamp())
                .uid("bench-alert-stamp")
                .name("Stamp alerts")
                .sinkTo(new DiscardingSink<>())
                .uid("bench-alerts-discard");
        s.cutoffs().sinkTo(new DiscardingSink<>()).uid("bench-cutoffs-discard");
        s.deadLetters().sinkTo(new DiscardingSink<>()).uid("bench-dead-letters-discard");
    }

    private static StreamExecutionEnvironment environment() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        return env;
    }

    private static double elapsedSeconds() {
        long first = BenchProbes.firstEventNanos.get();
        long last = BenchProbes.lastRecordNanos.get();
        if (first == 0 || last <= first) {
            throw new IllegalStateException("no events or records were stamped");
        }
        return (last - first) / 1e9;
    }

    private static void await(BooleanSupplier done, Duration timeout, JobClient job)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (job.getJobExecutionResult().isDone()) {
                job.getJobExecutionResult().get(); // throws the failure
                throw new IllegalStateException("the job ended early");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "timed out with " + BenchProbes.records.get() + " records");
            }
            Thread.sleep(20);
        }
    }

    private static void awaitTermination(JobClient job) {
        try {
            job.getJobExecutionResult().get(1, TimeUnit.MINUTES);
        } catch (Exception e) {
            // cancelled: the result future completes exceptionally, which is what we wait for
        }
    }

    static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long treeSize(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void deleteTree(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                // Flink may still be discarding the cancelled job's checkpoint concurrently
                Files.deleteIfExists(p);
            }
        } catch (java.io.UncheckedIOException e) {
            // a directory vanished while walking it: Flink's own cleanup got there first
        }
    }

    private static void log(String format, Object... args) {
        System.out.println("[bench] " + String.format(Locale.ROOT, format, args));
    }
}
