package dev.forestwatch.job;

import dev.forestwatch.connectors.deadletter.DeadLetter;
import dev.forestwatch.connectors.raw.RawEvent;
import dev.forestwatch.job.bucket.BucketScorer;
import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.model.BucketResult;
import dev.forestwatch.job.model.ParsedEvent;
import dev.forestwatch.job.model.RecordResult;
import dev.forestwatch.job.model.SeriesPoint;
import dev.forestwatch.job.output.BucketToJson;
import dev.forestwatch.job.output.DeadLetterToJson;
import dev.forestwatch.job.output.InfluencerToJson;
import dev.forestwatch.job.output.RecordToJson;
import dev.forestwatch.job.parse.EventDecoder;
import dev.forestwatch.job.parse.EventParser;
import dev.forestwatch.job.parse.LateEventFilter;
import dev.forestwatch.job.parse.SeriesRouter;
import dev.forestwatch.job.result.BucketResultAggregator;
import dev.forestwatch.job.result.MinScoreFilter;
import dev.forestwatch.job.result.RecordNormalizer;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

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

    public AnomalyPipeline(JobSpec spec, EventSource source) {
        this.spec = spec;
        this.source = source;
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

        WatermarkStrategy<ParsedEvent> watermarks =
                WatermarkStrategy.<ParsedEvent>forBoundedOutOfOrderness(
                                spec.event().maxOutOfOrderness())
                        .withIdleness(spec.event().idleness())
                        .withTimestampAssigner(new EventTimestamps());
        SingleOutputStreamOperator<ParsedEvent> timed =
                parsed.assignTimestampsAndWatermarks(watermarks)
                        .uid(OperatorUids.WATERMARKS)
                        .name("Event time and watermarks")
                        .setParallelism(sourceParallelism);

        SingleOutputStreamOperator<ParsedEvent> onTime =
                timed.process(new LateEventFilter(spanMillis, latenessMillis))
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

        DataStream<RecordResult> records =
                scored.filter(new MinScoreFilter(spec.scoring().minRecordScore()))
                        .uid(OperatorUids.RECORD_SCORE_FILTER)
                        .name("Records at or above the minimum score");

        DataStream<String> renormalized =
                scored.getSideOutput(RecordNormalizer.RENORMALIZED)
                        .union(buckets.getSideOutput(RecordNormalizer.RENORMALIZED));
        DataStream<DeadLetter> deadLetters =
                parsed.getSideOutput(EventParser.DEAD_LETTERS)
                        .union(
                                onTime.getSideOutput(EventParser.DEAD_LETTERS),
                                rawRecords.getSideOutput(EventParser.DEAD_LETTERS));
        return new PipelineStreams(
                records,
                buckets.getSideOutput(BucketResultAggregator.INFLUENCERS),
                buckets,
                renormalized,
                deadLetters);
    }

    /** Builds the dataflow and attaches the sinks as JSON lines. */
    public PipelineStreams build(StreamExecutionEnvironment env, OutputSinks sinks) {
        PipelineStreams streams = build(env);
        int p = sinks.parallelism();
        if (sinks.records() != null) {
            streams.records()
                    .map(new RecordToJson())
                    .uid(OperatorUids.RECORDS_JSON)
                    .name("Records to JSON")
                    .setParallelism(p)
                    .sinkTo(sinks.records())
                    .uid(OperatorUids.RECORDS_SINK)
                    .name("Record results")
                    .setParallelism(p);
        }
        if (sinks.influencers() != null) {
            streams.influencers()
                    .map(new InfluencerToJson())
                    .uid(OperatorUids.INFLUENCERS_JSON)
                    .name("Influencers to JSON")
                    .setParallelism(p)
                    .sinkTo(sinks.influencers())
                    .uid(OperatorUids.INFLUENCERS_SINK)
                    .name("Influencer results")
                    .setParallelism(p);
        }
        if (sinks.renormalized() != null) {
            streams.renormalized()
                    .sinkTo(sinks.renormalized())
                    .uid(OperatorUids.RENORMALIZED_SINK)
                    .name("Renormalized results")
                    .setParallelism(p);
        }
        if (sinks.buckets() != null) {
            streams.buckets()
                    .map(new BucketToJson())
                    .uid(OperatorUids.BUCKETS_JSON)
                    .name("Buckets to JSON")
                    .setParallelism(p)
                    .sinkTo(sinks.buckets())
                    .uid(OperatorUids.BUCKETS_SINK)
                    .name("Bucket results")
                    .setParallelism(p);
        }
        if (sinks.deadLetters() != null) {
            streams.deadLetters()
                    .map(new DeadLetterToJson())
                    .uid(OperatorUids.DEAD_LETTERS_JSON)
                    .name("Dead letters to JSON")
                    .setParallelism(p)
                    .sinkTo(sinks.deadLetters())
                    .uid(OperatorUids.DEAD_LETTERS_SINK)
                    .name("Dead letters")
                    .setParallelism(p);
        }
        return streams;
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
