package dev.forestwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.connectors.testutil.DynamoDbLocal;
import dev.forestwatch.it.support.MiniClusters;
import dev.forestwatch.it.support.TaxiTable;
import dev.forestwatch.it.support.UnboundedRun;
import dev.forestwatch.job.EventSources;
import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.config.JobSpecLoader;
import dev.forestwatch.job.model.RecordResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The seed's table as the source: items written to {@code taxi_ridership} in DynamoDB Local reach
 * the pipeline through DynamoDB Streams and are scored one by one (per-event detector), as the
 * seed's Lambda scored each stream record. Inserts and modifies are events (a modify with its new
 * image), removes are not; ridecounts stored as strings are numbers to the detector.
 */
class DynamoDbStreamsPipelineITCase {
    @RegisterExtension static final MiniClusterExtension CLUSTER = MiniClusters.twoSlots();

    private static final String TABLE = "taxi_ridership";
    private static final Instant START = Instant.parse("2014-07-01T00:00:00Z");
    private static final Duration STEP = Duration.ofMinutes(30);
    private static final int ITEMS = 600;
    private static final int ABSURD = 450;
    private static final String ABSURD_RIDECOUNT = "250000";
    private static final int MODIFIED = ITEMS - 1;
    private static final int DELETED = 100;

    private static DynamoDbLocal local;

    /** Ridecount per item index as written by the INSERT. */
    private static final List<String> ridecounts = new ArrayList<>();

    private static String modifiedRidecount;
    private static List<RecordResult> records;
    private static int deadLetters;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void writeTheTableAndScoreItsStream() throws Exception {
        local = DynamoDbLocal.start();
        TaxiTable table = TaxiTable.create(local.client(), TABLE);
        Random random = new Random(2014);
        for (int i = 0; i < ITEMS; i++) {
            Instant t = START.plus(STEP.multipliedBy(i));
            double hour = (i * 0.5) % 24;
            double rides = 15_000 + 9_000 * Math.sin(2 * Math.PI * (hour - 10) / 24);
            rides += 300 * random.nextGaussian();
            String ridecount = i == ABSURD ? ABSURD_RIDECOUNT : Long.toString(Math.round(rides));
            ridecounts.add(ridecount);
            table.put(Integer.toString(i + 1), ridecount, t);
        }
        // MODIFY the newest item: its bucket is still open, so the new image is scored too.
        modifiedRidecount =
                Long.toString(Math.round(Double.parseDouble(ridecounts.get(MODIFIED)) * 1.05));
        table.put(
                Integer.toString(MODIFIED + 1),
                modifiedRidecount,
                START.plus(STEP.multipliedBy(MODIFIED)));
        // REMOVE an old item: nothing may come of it (not even a late dead letter).
        table.delete(Integer.toString(DELETED + 1));
        // A day later: moves the watermark past every bucket above, so they all close.
        table.put("sentinel", "15000", START.plus(STEP.multipliedBy(ITEMS + 48)));

        JobSpec spec = spec(local.endpoint());
        try (UnboundedRun run =
                UnboundedRun.start(spec, EventSources.fromSpec(spec), 2, Map.of())) {
            run.awaitUntil(() -> run.records().size() >= ITEMS + 1, Duration.ofMinutes(3));
            // anything else (a second record, a dead letter) would come right after
            run.settle(Duration.ofSeconds(2));
            records = run.records();
            deadLetters = run.deadLetters().size();
        }
    }

    @AfterAll
    static void stopDynamoDb() throws Exception {
        if (local != null) {
            local.close();
        }
    }

    static JobSpec spec(String endpoint) {
        String yaml =
                """
                job_id: taxi-stream
                source:
                  type: dynamodb-streams
                  dynamodb_streams:
                    table: %s
                    region: us-east-1
                    endpoint: %s
                    credentials: basic
                    access_key_id: dummy
                    secret_access_key: dummy
                    initial_position: trim_horizon
                    poll_interval: 200ms
                    discovery_interval: 1s
                event:
                  timestamp_field: timestamp
                  timestamp_format: 'yyyy-MM-dd HH:mm:ss'
                  max_out_of_orderness: 1m
                  idleness: 1s
                analysis:
                  bucket_span: 30m
                  detectors:
                    - function: value
                      fields: [ridecount]
                model:
                  trees: 50
                  sample_size: 128
                  shingle_size: 1
                """
                        .formatted(TABLE, endpoint);
        return JobSpecLoader.parse(yaml, "taxi-stream", Path.of("."));
    }

    @Test
    void everyInsertAndModifyIsOneRecordAndNothingIsRejected() {
        assertThat(deadLetters).as("string ridecounts are numbers, not dead letters").isZero();
        assertThat(records).hasSize(ITEMS + 1);
        assertThat(records)
                .allSatisfy(
                        r -> {
                            assertThat(r.function()).isEqualTo("value");
                            assertThat(r.fieldNames()).containsExactly("ridecount");
                            assertThat(r.eventCount()).isEqualTo(1);
                            assertThat(r.isInterim()).isFalse();
                        });
        assertThat(records).extracting(RecordResult::resultId).doesNotHaveDuplicates();

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++) {
            expected.add(key(START.plus(STEP.multipliedBy(i)), ridecounts.get(i)));
        }
        expected.add(key(START.plus(STEP.multipliedBy(MODIFIED)), modifiedRidecount));
        assertThat(records)
                .extracting(r -> key(Instant.ofEpochMilli(r.timestamp()), r.actual()[0]))
                .as("(event time, ridecount) of each record: the string parsed as a number")
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aModifyIsScoredWithItsNewImageAfterTheInsert() {
        long t = START.plus(STEP.multipliedBy(MODIFIED)).toEpochMilli();
        List<RecordResult> sameTime =
                records.stream()
                        .filter(r -> r.timestamp() == t)
                        .sorted(Comparator.comparing(RecordResult::resultId))
                        .toList();
        assertThat(sameTime).hasSize(2);
        // equal event times keep stream order: the INSERT is event 0, the MODIFY event 1
        RecordResult insert = sameTime.get(0);
        RecordResult modify = sameTime.get(1);
        assertThat(modify.resultId()).isEqualTo(insert.resultId() + "_1");
        assertThat(insert.actual()[0]).isEqualTo(Double.parseDouble(ridecounts.get(MODIFIED)));
        assertThat(modify.actual()[0]).isEqualTo(Double.parseDouble(modifiedRidecount));
    }

    @Test
    void aRemoveProducesNothing() {
        long t = START.plus(STEP.multipliedBy(DELETED)).toEpochMilli();
        assertThat(records)
                .filteredOn(r -> r.timestamp() == t)
                .singleElement()
                .satisfies(
                        r ->
                                assertThat(r.actual()[0])
                                        .isEqualTo(Double.parseDouble(ridecounts.get(DELETED))));
    }

    @Test
    void theAbsurdRidecountHasTheTopRecordScore() {
        long t = START.plus(STEP.multipliedBy(ABSURD)).toEpochMilli();
        RecordResult absurd =
                records.stream().filter(r -> r.timestamp() == t).findFirst().orElseThrow();
        assertThat(absurd.actual()[0]).isEqualTo(Double.parseDouble(ABSURD_RIDECOUNT));
        double topScore = records.stream().mapToDouble(RecordResult::recordScore).max().orElse(0);
        assertThat(absurd.recordScore()).isEqualTo(topScore).isGreaterThanOrEqualTo(75);
        assertThat(absurd.grade()).isPositive();
        RecordResult topRaw =
                records.stream().max(Comparator.comparingDouble(RecordResult::rawScore)).get();
        assertThat(topRaw.resultId()).isEqualTo(absurd.resultId());
        assertThat(absurd.reason()).contains("ridecount");
    }

    private static String key(Instant t, String ridecount) {
        return key(t, Double.parseDouble(ridecount));
    }

    private static String key(Instant t, double ridecount) {
        return t + "=" + String.format(Locale.ROOT, "%.1f", ridecount);
    }
}
