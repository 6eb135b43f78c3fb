package dev.forestwatch.job;

import dev.forestwatch.connectors.deadletter.DeadLetter;
import dev.forestwatch.connectors.dynamodb.CutoffItem;
import dev.forestwatch.connectors.dynamodb.CutoffTableSink;
import dev.forestwatch.connectors.raw.RawEvent;
import dev.forestwatch.job.alert.AlertFunction;
import dev.forestwatch.job.alert.AlertKey;
import dev.forestwatch.job.alert.PolicyPrefilter;
import dev.forestwatch.job.bucket.BucketScorer;
import dev.forestwatch.job.config.CutoffSpec;
import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.cutoff.CutoffRecomputer;
import dev.forestwatch.job.cutoff.ScoreSampleRouter;
import dev.forestwatch.job.model.Alert;
import dev.forestwatch.job.model.AlertCandidate;
import dev.forestwatch.job.model.BucketResult;
import dev.forestwatch.job.model.InfluencerResult;
import dev.forestwatch.job.model.ParsedEvent;
import dev.forestwatch.job.model.RecordResult;
import dev.forestwatch.job.model.ScoreSample;
import dev.forestwatch.job.model.SeriesPoint;
import dev.forestwatch.job.output.AlertToJson;
import dev.forestwatch.job.output.BucketToJson;
import dev.forestwatch.job.output.CutoffToJson;
import dev.forestwatch.job.output.DeadLetterToJson;
import dev.forestwatch.job.output.InfluencerToJson;
import dev.forestwatch.job.output.RecordToJson;
import dev.forestwatch.job.parse.EventDecoder;
import dev.forestwatch.job.parse.EventParser;
import dev.forestwatch.job.parse.LateEventFilter;
import dev.forestwatch.job.parse.SeriesRouter;
import dev.forestwatch.job.result.AlertCandidates;
import dev.forestwatch.job.result.BucketResultAggregator;
import dev.forestwatch.job.result.MinScoreFilter;
import dev.forestwatch.job.result.RecordNormalizer;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * The anomaly detection dataflow, assembled from a validated {@link JobSpec} with injected source
 * and sinks, so tests run exactly the production graph.
 *
 * <pre>
 * source → parse+validate → watermarks → lateness check → route to series
 *        → keyBy(series) bucket + forest → records → keyBy(job) bucket results
 * dead letters from every stage → dead-letter sink
 * </pre>
 */
public final class AnomalyPipeline {
    /** Max parallelism when none is configured: the key-group count, fixed once state exists. */
    public static final int DEFAULT_MAX_PARALLELISM = 128;

    private final JobSpec spec;
    private final EventSource source;
    private final Map<String, CutoffItem> initialCutoffs;

    public AnomalyPipeline(JobSpec spec, EventSource source) {
        this(spec, source, Map.of());
    }

    /**
     * @param initialCutoffs newest cutoff per data kind read from the cutoff table at start, used
     *     until the job's own first recomputation
     */
    public AnomalyPipeline(
            JobSpec spec, EventSource source, Map<String, CutoffItem> initialCutoffs) {
        this.spec = spec;
        this.source = source;
        this.initialCutoffs = Map.copyOf(initialCutoffs);
    }

    /**
     * The Flink settings the job relies on: no Kryo fallback for any type, and no operator without
     * an explicit uid (savepoint compatibility).
     */
    public static Configuration requiredConfiguration() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
        return conf;
    }

    /** Builds the dataflow into {@code env} and returns its typed result streams. */
    public PipelineStreams build(StreamExecutionEnvironment env) {
        env.configure(requiredConfiguration());
        if (env.getMaxParallelism() <= 0) {
            env.setMaxParallelism(DEFAULT_MAX_PARALLELISM);
        }
        long spanMillis = spec.analysis().bucketSpan().toMillis();
        long latenessMillis = spec.event().allowedLateness().toMillis();

        DataStream<RawEvent> raw = source.attach(env);
        int sourceParallelism = raw.getParallelism();

        SingleOutputStreamOperator<ParsedEvent> parsed =
                raw.process(new EventParser(new EventDecoder(spec)))
                        .returns(TypeInformation.of(ParsedEvent.class))
                        .uid(OperatorUids.PARSER)
                        .name("Parse and validate events")
                        .setParallelism(sourceParallelism);

        SingleOutputStreamOperator<ParsedEvent> timed = parsed;
        if (!source.assignsWatermarks()) {
            timed =
                    parsed.assignTimestampsAndWatermarks(watermarks(spec))
                            .uid(OperatorUids.WATERMARKS)
                            .name("Event time and watermarks")
                            .setParallelism(sourceParallelism);
        }

        SingleOutputStreamOperator<ParsedEvent> onTime =
                timed.process(
                                new LateEventFilter(
                                        spanMillis,
                                        latenessMillis,
                                        spec.event().maxOutOfOrderness().toMillis(),
                                        !source.assignsWatermarks()))
                        .returns(TypeInformation.of(ParsedEvent.class))
                        .uid(OperatorUids.LATE_FILTER)
                        .name("Reject events later than the allowed lateness")
                        .setParallelism(sourceParallelism);

        SingleOutputStreamOperator<SeriesPoint> points =
                onTime.flatMap(new SeriesRouter(spec))
                        .returns(TypeInformation.of(SeriesPoint.class))
                        .uid(OperatorUids.SERIES_ROUTER)
                        .name("Route events to detector series")
                        .setParallelism(sourceParallelism);

        SingleOutputStreamOperator<RecordResult> rawRecords =
                points.keyBy(new SeriesKey())
                        .process(new BucketScorer(spec))
                        .returns(TypeInformation.of(RecordResult.class))
                        .uid(OperatorUids.BUCKET_SCORER)
                        .name("Bucket and score series with their forests");

        SingleOutputStreamOperator<RecordResult> scored =
                rawRecords
                        .keyBy(new DetectorKey())
                        .process(new RecordNormalizer(spec))
                        .returns(TypeInformation.of(RecordResult.class))
                        .uid(OperatorUids.RECORD_NORMALIZER)
                        .name("Record probabilities and scores");

        SingleOutputStreamOperator<BucketResult> buckets =
                scored.keyBy(new JobKey())
                        .process(new BucketResultAggregator(spec, 0))
                        .returns(TypeInformation.of(BucketResult.class))
                        .uid(OperatorUids.BUCKET_RESULTS)
                        .name("Influencer and bucket results");
        DataStream<InfluencerResult> influencers =
                buckets.getSideOutput(BucketResultAggregator.INFLUENCERS);

        DataStream<RecordResult> records =
                scored.filter(new MinScoreFilter(spec.scoring().minRecordScore()))
                        .uid(OperatorUids.RECORD_SCORE_FILTER)
                        .name("Records at or above the minimum score");

        // Cutoffs: raw scores of final records, recomputed per data kind at interval ends.
        CutoffSpec cutoffSpec = spec.scoring().cutoff();
        DataStream<CutoffItem> cutoffs =
                cutoffSpec == null
                        ? scored.flatMap(new NoCutoffs())
                                .returns(TypeInformation.of(CutoffItem.class))
                                .uid(OperatorUids.SCORE_SAMPLES)
                                .name("Cutoffs disabled")
                        : scored.flatMap(new ScoreSampleRouter(cutoffSpec))
                                .returns(TypeInformation.of(ScoreSample.class))
                                .uid(OperatorUids.SCORE_SAMPLES)
                                .name("Raw scores for cutoffs")
                                .keyBy(new SampleKey())
                                .process(new CutoffRecomputer(cutoffSpec))
                                .returns(TypeInformation.of(CutoffItem.class))
                                .uid(OperatorUids.CUTOFF_RECOMPUTER)
                                .name("Recompute score cutoffs");

        // Alerts: final records, influencers and buckets against the policies and cutoffs.
        DataStream<AlertCandidate> candidates =
                scored.filter(new FinalRecords())
                        .uid(OperatorUids.RECORD_ALERT_CANDIDATES + "-final")
                        .name("Final records")
                        .map(new AlertCandidates.FromRecord(new RecordDataKind(spec)))
                        .returns(TypeInformation.of(AlertCandidate.class))
                        .uid(OperatorUids.RECORD_ALERT_CANDIDATES)
                        .name("Records to alert candidates")
                        .union(
                                influencers
                                        .map(new AlertCandidates.FromInfluencer())
                                        .returns(TypeInformation.of(AlertCandidate.class))
                                        .uid(OperatorUids.INFLUENCER_ALERT_CANDIDATES)
                                        .name("Influencers to alert candidates"),
                                buckets.filter(new FinalBuckets())
                                        .uid(OperatorUids.BUCKET_ALERT_CANDIDATES + "-final")
                                        .name("Final buckets")
                                        .map(new AlertCandidates.FromBucket())
                                        .returns(TypeInformation.of(AlertCandidate.class))
                                        .uid(OperatorUids.BUCKET_ALERT_CANDIDATES)
                                        .name("Buckets to alert candidates"));
        SingleOutputStreamOperator<Alert> alerts =
                candidates
                        .filter(new PolicyPrefilter(spec.alerting()))
                        .uid(OperatorUids.ALERT_PREFILTER)
                        .name("Drop candidates no alert policy can match")
                        .keyBy(new AlertKey(), Types.STRING)
                        .connect(cutoffs.broadcast(AlertFunction.CUTOFFS))
                        .process(
                                new AlertFunction(spec.alerting(), initialCutoffs),
                                TypeInformation.of(Alert.class))
                        .uid(OperatorUids.ALERTS)
                        .name("Alert policies, de-duplication and suppression");

        DataStream<String> renormalized =
                scored.getSideOutput(RecordNormalizer.RENORMALIZED)
                        .union(buckets.getSideOutput(RecordNormalizer.RENORMALIZED));
        DataStream<DeadLetter> deadLetters =
                parsed.getSideOutput(EventParser.DEAD_LETTERS)
                        .union(
                                onTime.getSideOutput(EventParser.DEAD_LETTERS),
                                rawRecords.getSideOutput(EventParser.DEAD_LETTERS));
        return new PipelineStreams(
                records, influencers, buckets, renormalized, alerts, cutoffs, deadLetters);
    }

    /** The watermark strategy of the spec: bounded out-of-orderness and idleness. */
    public static <T> WatermarkStrategy<T> watermarkStrategy(
            JobSpec spec, SerializableTimestampAssigner<T> timestamps) {
        return WatermarkStrategy.<T>forBoundedOutOfOrderness(spec.event().maxOutOfOrderness())
                .withIdleness(spec.event().idleness())
                .withTimestampAssigner(timestamps);
    }

    private static WatermarkStrategy<ParsedEvent> watermarks(JobSpec spec) {
        return watermarkStrategy(spec, new EventTimestamps());
    }

    /** Builds the dataflow and attaches the sinks as JSON lines. */
    public PipelineStreams build(StreamExecutionEnvironment env, OutputSinks sinks) {
        PipelineStreams streams = build(env);
        attach(
                sinks,
                Output.RECORDS,
                streams.records(),
                new RecordToJson(),
                OperatorUids.RECORDS_JSON);
        attach(
                sinks,
                Output.INFLUENCERS,
                streams.influencers(),
                new InfluencerToJson(),
                OperatorUids.INFLUENCERS_JSON);
        attach(
                sinks,
                Output.BUCKETS,
                streams.buckets(),
                new BucketToJson(),
                OperatorUids.BUCKETS_JSON);
        attach(sinks, Output.ALERTS, streams.alerts(), new AlertToJson(), OperatorUids.ALERTS_JSON);
        for (OutputSinks.Binding b : sinks.of(Output.ALERTS)) {
            if (b.kind().equals("console")) {
                streams.alerts()
                        .map(new AlertMessage())
                        .uid(OperatorUids.ALERT_MESSAGES)
                        .name("Alert messages")
                        .setParallelism(b.parallelism())
                        .sinkTo(b.sink())
                        .uid(b.uid())
                        .name("alerts to console")
                        .setParallelism(b.parallelism());
            }
        }
        attach(
                sinks,
                Output.CUTOFFS,
                streams.cutoffs(),
                new CutoffToJson(),
                OperatorUids.CUTOFFS_JSON);
        attach(
                sinks,
                Output.DEAD_LETTERS,
                streams.deadLetters(),
                new DeadLetterToJson(),
                OperatorUids.DEAD_LETTERS_JSON);
        for (OutputSinks.Binding b : sinks.of(Output.RENORMALIZED)) {
            parallelism(
                    streams.renormalized()
                            .sinkTo(b.sink())
                            .uid(b.uid())
                            .name(b.output().id() + " to " + b.kind()),
                    b.parallelism());
        }
        if (spec.sinks().cutoffTable() != null) {
            CutoffTableSink.attach(
                            streams.cutoffs(),
                            spec.sinks().cutoffTable().table(),
                            OperatorUids.CUTOFF_TABLE_SINK)
                    .uid(OperatorUids.CUTOFF_TABLE_SINK)
                    .name("Cutoffs to DynamoDB " + spec.sinks().cutoffTable().table().tableName());
        }
        return streams;
    }

    private static <T> void attach(
            OutputSinks sinks,
            Output output,
            DataStream<T> stream,
            MapFunction<T, String> toJson,
            String jsonUid) {
        List<OutputSinks.Binding> bindings =
                sinks.of(output).stream()
                        .filter(b -> !(output == Output.ALERTS && b.kind().equals("console")))
                        .toList();
        if (bindings.isEmpty()) {
            return;
        }
        SingleOutputStreamOperator<String> json =
                stream.map(toJson)
                        .returns(Types.STRING)
                        .uid(jsonUid)
                        .name(output.id() + " to JSON");
        for (OutputSinks.Binding b : bindings) {
            parallelism(
                    json.sinkTo(b.sink()).uid(b.uid()).name(output.id() + " to " + b.kind()),
                    b.parallelism());
        }
    }

    private static void parallelism(DataStreamSink<?> sink, int parallelism) {
        if (parallelism > 0) {
            sink.setParallelism(parallelism);
        }
    }

    /** An alert as the one line a person reads on the console. */
    static final class AlertMessage implements MapFunction<Alert, String> {
        @Override
        public String map(Alert a) {
            return a.message() + "  [" + a.alertId() + "]";
        }
    }

    /** Final (not interim) records. */
    static final class FinalRecords implements FilterFunction<RecordResult> {
        @Override
        public boolean filter(RecordResult r) {
            return !r.isInterim();
        }
    }

    /** Final (not interim) buckets. */
    static final class FinalBuckets implements FilterFunction<BucketResult> {
        @Override
        public boolean filter(BucketResult b) {
            return !b.isInterim();
        }
    }

    /** Keys score samples by data kind. */
    static final class SampleKey implements KeySelector<ScoreSample, String> {
        @Override
        public String getKey(ScoreSample s) {
            return s.dataKind();
        }
    }

    /** Stands in for the cutoff recomputation when {@code scoring.cutoff.enabled} is false. */
    static final class NoCutoffs implements FlatMapFunction<RecordResult, CutoffItem> {
        @Override
        public void flatMap(RecordResult value, Collector<CutoffItem> out) {
            // cutoffs disabled: nothing to publish
        }
    }

    /** The cutoff data kind of a record, as the recomputation names it. */
    static final class RecordDataKind implements AlertCandidates.DataKindFunction {
        private final CutoffSpec cutoff;
        private final String fallback;

        RecordDataKind(JobSpec spec) {
            this.cutoff = spec.scoring().cutoff();
            this.fallback = spec.jobId();
        }

        @Override
        public String apply(RecordResult r) {
            return cutoff == null ? fallback : ScoreSampleRouter.dataKindOf(cutoff, r);
        }
    }

    /** Event time of a parsed event. */
    static final class EventTimestamps implements SerializableTimestampAssigner<ParsedEvent> {
        @Override
        public long extractTimestamp(ParsedEvent event, long recordTimestamp) {
            return event.timestamp();
        }
    }

    /** Keys series points by their series. */
    static final class SeriesKey implements KeySelector<SeriesPoint, String> {
        @Override
        public String getKey(SeriesPoint p) {
            return p.seriesKey();
        }
    }

    /** Keys records by job and detector: each detector has its own score distribution. */
    static final class DetectorKey implements KeySelector<RecordResult, String> {
        @Override
        public String getKey(RecordResult r) {
            return r.jobId() + "#" + r.detectorIndex();
        }
    }

    /** Keys records by job, so one operator sees a whole bucket. */
    static final class JobKey implements KeySelector<RecordResult, String> {
        @Override
        public String getKey(RecordResult r) {
            return r.jobId();
        }
    }
}
