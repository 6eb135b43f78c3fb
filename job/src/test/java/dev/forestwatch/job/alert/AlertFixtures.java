package dev.forestwatch.job.alert;

import dev.forestwatch.connectors.dynamodb.CutoffItem;
import dev.forestwatch.job.config.AlertPolicy;
import dev.forestwatch.job.config.AlertPolicy.Level;
import dev.forestwatch.job.config.AlertPolicy.Mode;
import dev.forestwatch.job.config.AlertingSpec;
import dev.forestwatch.job.config.QuietPeriod;
import dev.forestwatch.job.model.Alert;
import dev.forestwatch.job.model.AlertCandidate;
import dev.forestwatch.job.score.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

/** Candidates, cutoffs, specs and harnesses shared by the alerting tests. */
final class AlertFixtures {
    static final String JOB = "demo";
    static final String TAXI = "taxi_ridership";
    static final long SPAN_SECONDS = 300;
    static final long SPAN = SPAN_SECONDS * 1000;
    static final long T0 = Instant.parse("2026-01-18T00:00:00Z").toEpochMilli();

    /** The seed's cutoff, as its weekly batch job wrote it to {@code anomaly_cut_off}. */
    static final CutoffItem SEED_CUTOFF =
            new CutoffItem(
                    TAXI,
                    "20260111000000",
                    1.31462299965,
                    CutoffItem.METHOD_EXTERNAL,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    0,
                    CutoffItem.epochMillisOf("20260111000000"));

    static final AlertPolicy SEED_POLICY =
            new AlertPolicy("seed-cutoff", Mode.CUTOFF, Level.RECORD, 75.0, "warning");

    private AlertFixtures() {}

    static AlertingSpec spec(Duration suppression, List<QuietPeriod> quiet, AlertPolicy... p) {
        return new AlertingSpec(List.of(p), suppression, quiet);
    }

    static AlertingSpec spec(AlertPolicy... p) {
        return spec(Duration.ZERO, List.of(), p);
    }

    static AlertFunction seedFunction(AlertingSpec spec) {
        return new AlertFunction(spec, Map.of(TAXI, SEED_CUTOFF));
    }

    /** A record of one host in the bucket starting at {@code ts}. */
    static AlertCandidate record(String host, long ts, double score, double rawScore) {
        return new AlertCandidate(
                JOB,
                "record",
                "detector 0 host=" + host,
                JOB + "_record_" + ts + "_" + host,
                TAXI,
                ts,
                SPAN_SECONDS,
                score,
                Severity.of(score).label(),
                rawScore,
                1e-6,
                "mean(latency_ms) host=" + host,
                "mean latency_ms 183.6 vs typical 48.1 for host " + host,
                new String[0],
                new String[0]);
    }

    static AlertCandidate bucket(long ts, double score) {
        return new AlertCandidate(
                JOB,
                "bucket",
                "bucket",
                JOB + "_bucket_" + ts,
                null,
                ts,
                SPAN_SECONDS,
                score,
                Severity.of(score).label(),
                Double.NaN,
                1e-4,
                "bucket",
                "2 anomalous records",
                new String[] {"mean(latency_ms) host=web-02", "count host=web-07"},
                new String[] {"host=web-02 (97)"});
    }

    static AlertCandidate influencer(String value, long ts, double score) {
        return new AlertCandidate(
                JOB,
                "influencer",
                "host=" + value,
                JOB + "_influencer_" + ts + "_" + value,
                null,
                ts,
                SPAN_SECONDS,
                score,
                Severity.of(score).label(),
                Double.NaN,
                1e-3,
                "host=" + value,
                "influenced 3 records",
                new String[0],
                new String[0]);
    }

    /** A job-computed cutoff, stamped with the event time it was computed at. */
    static CutoffItem cutoff(long computedAt, double value) {
        // mean + 3 sigma with sigma 0.1, so the cutoff comes out at the requested value
        return CutoffItem.meanPlusKSigma(TAXI, computedAt, 3.0, value - 0.3, 0.1, 500);
    }

    static KeyedBroadcastOperatorTestHarness<String, AlertCandidate, CutoffItem, Alert> harness(
            AlertFunction function, OperatorSubtaskState restore) throws Exception {
        var h =
                new KeyedBroadcastOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(
                                function, List.of(AlertFunction.CUTOFFS)),
                        new AlertKey(),
                        Types.STRING,
                        1,
                        1,
                        0);
        // As in production (pipeline.generic-types: false): any Kryo-typed state fails here.
        h.getExecutionConfig().getSerializerConfig().setGenericTypes(false);
        h.setup();
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    static KeyedBroadcastOperatorTestHarness<String, AlertCandidate, CutoffItem, Alert> harness(
            AlertFunction function) throws Exception {
        return harness(function, null);
    }

    /** Feeds a candidate with the stream timestamp the result operators give it (bucket end). */
    static void feed(
            KeyedBroadcastOperatorTestHarness<String, AlertCandidate, CutoffItem, Alert> h,
            AlertCandidate c)
            throws Exception {
        h.processElement(c, c.timestamp() + SPAN - 1);
    }

    /** Feeds a cutoff with its computation time as stream timestamp. */
    static void feed(
            KeyedBroadcastOperatorTestHarness<String, AlertCandidate, CutoffItem, Alert> h,
            CutoffItem cutoff)
            throws Exception {
        h.processBroadcastElement(cutoff, cutoff.computedAtMillis());
    }
}
