package dev.forestwatch.job.alert;

import static dev.forestwatch.job.alert.AlertFixtures.JOB;
import static dev.forestwatch.job.alert.AlertFixtures.SEED_CUTOFF;
import static dev.forestwatch.job.alert.AlertFixtures.SEED_POLICY;
import static dev.forestwatch.job.alert.AlertFixtures.SPAN;
import static dev.forestwatch.job.alert.AlertFixtures.T0;
import static dev.forestwatch.job.alert.AlertFixtures.TAXI;
import static dev.forestwatch.job.alert.AlertFixtures.bucket;
import static dev.forestwatch.job.alert.AlertFixtures.cutoff;
import static dev.forestwatch.job.alert.AlertFixtures.feed;
import static dev.forestwatch.job.alert.AlertFixtures.harness;
import static dev.forestwatch.job.alert.AlertFixtures.influencer;
import static dev.forestwatch.job.alert.AlertFixtures.record;
import static dev.forestwatch.job.alert.AlertFixtures.seedFunction;
import static dev.forestwatch.job.alert.AlertFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.forestwatch.connectors.dynamodb.CutoffItem;
import dev.forestwatch.job.config.AlertPolicy;
import dev.forestwatch.job.config.AlertPolicy.Level;
import dev.forestwatch.job.config.AlertPolicy.Mode;
import dev.forestwatch.job.config.AlertingSpec;
import dev.forestwatch.job.config.QuietPeriod;
import dev.forestwatch.job.model.Alert;
import dev.forestwatch.job.model.AlertCandidate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

/** Harness tests of {@link AlertFunction}: decisions, determinism, de-duplication, suppression. */
class AlertFunctionTest {
    static final long MIN = 60_000L;

    static List<Alert> alerts(
            KeyedBroadcastOperatorTestHarness<String, AlertCandidate, CutoffItem, Alert> h) {
        return h.extractOutputValues();
    }

    @Test
    void seedExampleRaisesExactlyOneAlertOnceTheWatermarkPasses() throws Exception {
        AlertFunction f = seedFunction(spec(SEED_POLICY));
        var h =
                ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                        f, new AlertKey(), Types.STRING, AlertFunction.CUTOFFS);
        feed(h, record("web-02", T0, 92, 3.6189932108));
        feed(h, record("web-03", T0, 10, 1.0));
        // exactly at the cutoff is not above it, like the seed's strict comparison
        feed(h, record("web-04", T0, 10, 1.31462299965));
        assertThat(alerts(h)).isEmpty();

        // the candidates' stream time (bucket end - 1) has passed, but not the bucket end
        h.watermark(T0 + SPAN - 1);
        assertThat(alerts(h)).isEmpty();

        h.watermark(T0 + SPAN);
        List<Alert> out = alerts(h);
        assertThat(out).hasSize(1);
        Alert a = out.get(0);
        assertThat(a.entity()).isEqualTo("detector 0 host=web-02");
        assertThat(a.rawScore()).isEqualTo(3.6189932108);
        assertThat(a.cutoff()).isEqualTo(1.31462299965);
        assertThat(a.cutoffUpdateTime()).isEqualTo("20260111000000");
        assertThat(a.policy()).isEqualTo("seed-cutoff");
        assertThat(a.mode()).isEqualTo("cutoff");
        assertThat(a.level()).isEqualTo("record");
        assertThat(a.severity()).isEqualTo("critical");
        assertThat(a.timestamp()).isEqualTo(T0);
        assertThat(a.bucketSpanSeconds()).isEqualTo(300);
        assertThat(a.alertId()).matches(JOB + "_alert_[0-9a-f]{16}");
        assertThat(a.message())
                .isEqualTo(
                        "[critical] mean latency_ms 183.6 vs typical 48.1 for host web-02 at"
                                + " 2026-01-18T00:00:00Z: raw score 3.62 above cutoff 1.31"
                                + " (external, 2026-01-11T00:00:00Z); series mean(latency_ms)"
                                + " host=web-02, record score 92");
        assertThat(f.raisedCount()).isEqualTo(1);
        assertThat(f.cutoffAgeMs()).isEqualTo(T0 + SPAN - SEED_CUTOFF.computedAtMillis());

        h.watermark(Long.MAX_VALUE);
        assertThat(alerts(h)).hasSize(1);
        h.close();
    }

    @Test
    void withoutAnyCutoffCutoffModeRaisesNothing() throws Exception {
        var h = harness(new AlertFunction(spec(SEED_POLICY), Map.of()));
        feed(h, record("web-02", T0, 99, 1e9));
        h.watermark(Long.MAX_VALUE);
        assertThat(alerts(h)).isEmpty();
        h.close();
    }

    @Test
    void aNewerCutoffAppliesOnlyToBucketsThatClosedAfterItWasComputed() throws Exception {
        CutoffItem older = cutoff(T0 - SPAN, 2.0);
        CutoffItem newer = cutoff(T0 + 2 * SPAN, 5.0);
        List<AlertCandidate> candidates =
                List.of(
                        record("a", T0, 90, 3.6), // closes at T0 + SPAN: older applies
                        record("b", T0 + SPAN, 90, 3.6), // closes when newer was computed
                        record("c", T0 + 2 * SPAN, 90, 6.0),
                        record("d", T0 - 3 * SPAN, 90, 1.9)); // before both: initial applies

        // cutoffs first, the newer even before the older
        var first = harness(seedFunction(spec(SEED_POLICY)));
        feed(first, newer);
        feed(first, older);
        for (AlertCandidate c : candidates) {
            feed(first, c);
        }
        first.watermark(Long.MAX_VALUE);
        List<Alert> out = alerts(first);
        assertThat(out)
                .extracting(Alert::entity, Alert::cutoff)
                .containsExactly(
                        tuple("detector 0 host=d", 1.31462299965),
                        tuple("detector 0 host=a", 2.0),
                        tuple("detector 0 host=c", 5.0));
        assertThat(out.get(2).cutoffUpdateTime()).isEqualTo(newer.updateTime());
        assertThat(out.get(2).message()).contains("(mean_plus_k_sigma, k=3, ");
        var state = first.getBroadcastState(AlertFunction.CUTOFFS);
        assertThat(state.get(TAXI)).isEqualTo(newer);
        assertThat(state.get(AlertFunction.historyKey(TAXI, older.computedAtMillis())))
                .isEqualTo(older);

        // candidates first, cutoffs interleaved with watermarks: the same alerts
        var second = harness(seedFunction(spec(SEED_POLICY)));
        for (AlertCandidate c : candidates) {
            feed(second, c);
        }
        second.processWatermark(T0 + 10 * SPAN); // only the candidate side advances
        feed(second, older);
        second.processBroadcastWatermark(T0 + SPAN);
        feed(second, newer);
        second.watermark(Long.MAX_VALUE);
        assertThat(alerts(second)).usingRecursiveFieldByFieldElementComparator().isEqualTo(out);
        first.close();
        second.close();
    }

    @Test
    void aCutoffComputedAsTheBucketClosesIsWaitedFor() throws Exception {
        var h = harness(seedFunction(spec(SEED_POLICY)));
        // stream time of the result is bucket end - 1; the cutoff is computed at bucket end
        feed(h, record("a", T0, 90, 3.6));
        h.watermark(T0 + SPAN - 1);
        assertThat(alerts(h)).isEmpty();
        feed(h, cutoff(T0 + SPAN, 5.0));
        h.watermark(T0 + SPAN);
        assertThat(alerts(h)).isEmpty();
        h.close();
    }

    @Test
    void historyKeepsTheNewestCutoffsPerDataKind() throws Exception {
        var h = harness(seedFunction(spec(SEED_POLICY)));
        int extra = 10;
        for (int i = AlertFunction.HISTORY_PER_KIND + extra - 1; i >= 0; i--) {
            feed(h, cutoff(T0 + i * SPAN, 2.0 + i));
        }
        CutoffItem other = CutoffItem.meanPlusKSigma("cpu", T0, 3, 1, 0.1, 10);
        feed(h, other);
        // unusable cutoffs never enter the state
        feed(h, CutoffItem.meanPlusKSigma(TAXI, T0 + 1000 * SPAN, 3, Double.NaN, 0.1, 0));
        var state = h.getBroadcastState(AlertFunction.CUTOFFS);
        int entries = 0;
        for (var ignored : state.entries()) {
            entries++;
        }
        // newest and history of taxi, newest and history of cpu
        assertThat(entries).isEqualTo(1 + AlertFunction.HISTORY_PER_KIND + 2);
        assertThat(state.get(TAXI).computedAtMillis())
                .isEqualTo(T0 + (AlertFunction.HISTORY_PER_KIND + extra - 1) * SPAN);
        assertThat(state.contains(AlertFunction.historyKey(TAXI, T0 + (extra - 1) * SPAN)))
                .isFalse();
        assertThat(state.contains(AlertFunction.historyKey(TAXI, T0 + extra * SPAN))).isTrue();
        assertThat(state.get("cpu")).isEqualTo(other);
        h.close();
    }

    @Test
    void oneAlertPerBucketAndEntityWhateverTheDuplicatesAndPolicies() throws Exception {
        AlertPolicy records = new AlertPolicy("hot-records", Mode.SCORE, Level.RECORD, 50, "major");
        AlertFunction f = seedFunction(spec(SEED_POLICY, records));
        var h = harness(f);
        AlertCandidate c = record("web-02", T0, 92, 3.6189932108);
        feed(h, c);
        feed(h, c); // the same result twice before its decision
        h.watermark(T0 + SPAN);
        feed(h, c); // and once more after it, as a replay would deliver it
        // behind the watermark: decided on a processing-time timer, not at the next watermark
        h.setProcessingTime(h.getProcessingTime() + 1);
        assertThat(f.duplicateCount()).isEqualTo(1);
        h.watermark(T0 + 3 * SPAN);
        List<Alert> out = alerts(h);
        assertThat(out).hasSize(1);
        // both policies match; the first in spec order wins
        assertThat(out.get(0).policy()).isEqualTo("seed-cutoff");
        assertThat(f.duplicateCount()).isEqualTo(1);
        h.close();

        // a fresh run with the policies swapped: the score policy wins, the id is the same
        var swapped = harness(seedFunction(spec(records, SEED_POLICY)));
        feed(swapped, c);
        swapped.watermark(Long.MAX_VALUE);
        Alert again = alerts(swapped).get(0);
        assertThat(again.policy()).isEqualTo("hot-records");
        assertThat(again.mode()).isEqualTo("score");
        assertThat(again.cutoff()).isNaN();
        assertThat(again.cutoffUpdateTime()).isNull();
        assertThat(again.alertId()).isEqualTo(out.get(0).alertId());
        assertThat(again.alertId())
                .isEqualTo(AlertIds.of(JOB, "record", "detector 0 host=web-02", T0));
        swapped.close();
    }

    @Test
    void alertIdsAreStableAcrossFreshRuns() throws Exception {
        List<AlertCandidate> input =
                List.of(
                        record("a", T0, 92, 3.0),
                        record("b", T0, 92, 3.0),
                        record("a", T0 + SPAN, 92, 3.0),
                        bucket(T0, 95));
        AlertPolicy buckets = new AlertPolicy("buckets", Mode.SCORE, Level.BUCKET, 75, "critical");
        List<AlertCandidate> reversed = new ArrayList<>(input);
        Collections.reverse(reversed);
        List<String> ids = null;
        for (List<AlertCandidate> run : List.of(input, reversed)) {
            var h = harness(seedFunction(spec(SEED_POLICY, buckets)));
            for (AlertCandidate c : run) {
                feed(h, c);
            }
            h.watermark(Long.MAX_VALUE);
            List<String> now = alerts(h).stream().map(Alert::alertId).sorted().toList();
            assertThat(now).hasSize(4).doesNotHaveDuplicates();
            if (ids != null) {
                assertThat(now).isEqualTo(ids);
            }
            ids = now;
            h.close();
        }
    }

    @Test
    void suppressionSilencesTheSameEntityForItsWindowOnly() throws Exception {
        AlertFunction f = seedFunction(spec(Duration.ofMinutes(30), List.of(), SEED_POLICY));
        var h = harness(f);
        feed(h, record("a", T0, 92, 3.0));
        h.watermark(T0 + SPAN);
        feed(h, record("a", T0 + 5 * MIN, 92, 3.0)); // suppressed
        feed(h, record("b", T0 + 5 * MIN, 92, 3.0)); // another entity: raised
        feed(h, record("a", T0 + 25 * MIN, 92, 3.0)); // still suppressed
        feed(h, record("a", T0 + 30 * MIN, 92, 3.0)); // window over: raised
        feed(h, record("a", T0 + 35 * MIN, 92, 3.0)); // new window from the last alert
        h.watermark(T0 + 2 * 60 * MIN);
        assertThat(alerts(h))
                .extracting(Alert::entity, Alert::timestamp)
                .containsExactly(
                        tuple("detector 0 host=a", T0),
                        tuple("detector 0 host=b", T0 + 5 * MIN),
                        tuple("detector 0 host=a", T0 + 30 * MIN));
        assertThat(f.suppressedCount()).isEqualTo(3);
        assertThat(f.raisedCount()).isEqualTo(3);
        h.close();
    }

    @Test
    void quietPeriodsRaiseNothingAndStartNoSuppression() throws Exception {
        QuietPeriod maintenance = new QuietPeriod("maintenance", T0, T0 + 2 * SPAN);
        AlertFunction f =
                seedFunction(spec(Duration.ofHours(1), List.of(maintenance), SEED_POLICY));
        var h = harness(f);
        feed(h, record("a", T0, 92, 3.0));
        feed(h, record("a", T0 + SPAN, 92, 3.0));
        feed(h, record("a", T0 + 2 * SPAN, 92, 3.0)); // end is exclusive
        h.watermark(Long.MAX_VALUE);
        assertThat(alerts(h)).extracting(Alert::timestamp).containsExactly(T0 + 2 * SPAN);
        assertThat(f.quietCount()).isEqualTo(2);
        assertThat(f.suppressedCount()).isZero();
        h.close();
    }

    @Test
    void scoreModeHonoursMinScoreMinSeverityAndLevel() throws Exception {
        AlertPolicy criticalBuckets =
                new AlertPolicy("critical-buckets", Mode.SCORE, Level.BUCKET, 80, "critical");
        AlertPolicy majorInfluencers =
                new AlertPolicy("major-influencers", Mode.SCORE, Level.INFLUENCER, 10, "major");
        var h = harness(new AlertFunction(spec(criticalBuckets, majorInfluencers), Map.of()));
        feed(h, bucket(T0, 90));
        feed(h, bucket(T0 + SPAN, 79)); // critical, but below min_score
        feed(h, influencer("web-02", T0, 30)); // above min_score, but minor
        feed(h, influencer("web-03", T0, 60));
        feed(h, record("web-02", T0, 100, 9.0)); // no record policy
        h.watermark(Long.MAX_VALUE);
        List<Alert> out = alerts(h);
        assertThat(out)
                .extracting(Alert::policy, Alert::entity, Alert::severity)
                .containsExactlyInAnyOrder(
                        tuple("critical-buckets", "bucket", "critical"),
                        tuple("major-influencers", "host=web-03", "major"));
        Alert b = out.stream().filter(a -> a.level().equals("bucket")).findFirst().orElseThrow();
        assertThat(b.message())
                .isEqualTo(
                        "[critical] bucket at 2026-01-18T00:00:00Z scored 90: 2 anomalous records"
                                + " (top: mean(latency_ms) host=web-02; count host=web-07)"
                                + " (influencers: host=web-02 (97))");
        assertThat(b.topRecords()).hasSize(2);
        assertThat(b.rawScore()).isNaN();
        assertThat(b.cutoff()).isNaN();
        h.close();
    }

    @Test
    void cutoffModeAlsoRequiresTheMinimumSeverityAndIgnoresOtherLevels() throws Exception {
        AlertPolicy majorOnly =
                new AlertPolicy("seed-major", Mode.CUTOFF, Level.RECORD, 0, "major");
        var h = harness(seedFunction(spec(majorOnly)));
        feed(h, record("minor", T0, 30, 3.6));
        feed(h, record("major", T0, 60, 3.6));
        feed(h, bucket(T0, 100));
        h.watermark(Long.MAX_VALUE);
        assertThat(alerts(h)).extracting(Alert::entity).containsExactly("detector 0 host=major");
        h.close();
    }

    @Test
    void unknownSeverityInAPolicyFailsAtConstruction() {
        AlertPolicy bad = new AlertPolicy("bad", Mode.SCORE, Level.BUCKET, 75, "urgent");
        assertThatThrownBy(() -> new AlertFunction(spec(bad), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deduplicationSuppressionPendingCandidatesAndCutoffsSurviveARestore() throws Exception {
        AlertingSpec spec = spec(Duration.ofMinutes(30), List.of(), SEED_POLICY);
        var h = harness(seedFunction(spec));
        feed(h, cutoff(T0 + SPAN, 2.5));
        feed(h, record("a", T0, 92, 3.0));
        h.watermark(T0 + SPAN);
        assertThat(alerts(h)).hasSize(1);
        feed(h, record("b", T0 + SPAN, 92, 3.0)); // waits for its decision across the restore
        OperatorSubtaskState snapshot = h.snapshot(1L, 1L);
        h.close();

        AlertFunction restoredFunction = seedFunction(spec);
        var restored = harness(restoredFunction, snapshot);
        feed(restored, record("a", T0, 92, 3.0)); // replayed duplicate
        feed(restored, record("a", T0 + SPAN, 92, 3.0)); // within suppression
        feed(restored, record("c", T0 + SPAN, 92, 2.4)); // below the restored cutoff 2.5
        restored.watermark(T0 + 2 * SPAN);
        List<Alert> out = alerts(restored);
        assertThat(out).extracting(Alert::entity).containsExactly("detector 0 host=b");
        assertThat(out.get(0).cutoff()).isEqualTo(2.5);
        assertThat(restoredFunction.duplicateCount()).isEqualTo(1);
        assertThat(restoredFunction.suppressedCount()).isEqualTo(1);
        restored.close();
    }

    @Test
    void aRestartKeepsTheInitialCutoffOfTheFirstStart() throws Exception {
        var h = harness(seedFunction(spec(SEED_POLICY)));
        feed(h, record("a", T0, 90, 1.9)); // not decided before the failure
        OperatorSubtaskState snapshot = h.snapshot(1L, 1L);
        h.close();

        // by the restart, the job's own cutoff of 2.0 (computed later) is the table's newest
        Map<String, CutoffItem> tableNow = Map.of(TAXI, cutoff(T0 + 10 * SPAN, 2.0));
        var restored = harness(new AlertFunction(spec(SEED_POLICY), tableNow), snapshot);
        feed(restored, record("b", T0 + 20 * SPAN, 90, 1.9)); // after 2.0 was computed
        restored.watermark(Long.MAX_VALUE);
        assertThat(alerts(restored))
                .extracting(Alert::entity, Alert::cutoff)
                .containsExactly(tuple("detector 0 host=a", 1.31462299965));
        OperatorSubtaskState again = restored.snapshot(2L, 2L);
        restored.close();

        // the first start's cutoff survives a second restart too
        var twice = harness(new AlertFunction(spec(SEED_POLICY), tableNow), again);
        feed(twice, record("c", T0, 90, 1.9));
        twice.watermark(Long.MAX_VALUE);
        assertThat(alerts(twice)).extracting(Alert::cutoff).containsExactly(1.31462299965);
        twice.close();

        // a fresh start knows only the table's cutoff, and falls back to it for old buckets
        var fresh = harness(new AlertFunction(spec(SEED_POLICY), tableNow));
        feed(fresh, record("a", T0, 90, 1.9));
        fresh.watermark(Long.MAX_VALUE);
        assertThat(alerts(fresh)).isEmpty();
        fresh.close();
    }

    @Test
    void stateIsForgottenOnceNeitherDeduplicationNorSuppressionNeedsIt() throws Exception {
        var h = harness(seedFunction(spec(Duration.ofHours(2), List.of(), SEED_POLICY)));
        feed(h, record("a", T0, 92, 3.0));
        feed(h, record("b", T0, 10, 1.0)); // decided, nothing to remember
        h.watermark(T0 + SPAN);
        assertThat(alerts(h)).hasSize(1);
        // alerted bucket and last alert time of "a"
        assertThat(keyedEntries(h)).isEqualTo(2);
        assertThat(h.numEventTimeTimers()).isEqualTo(1);

        // retention is max(suppression, 1 day) after the alert's bucket
        h.watermark(T0 + Duration.ofDays(1).toMillis() - 1);
        assertThat(keyedEntries(h)).isEqualTo(2);
        h.watermark(T0 + Duration.ofDays(1).toMillis());
        assertThat(keyedEntries(h)).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
        h.close();
    }

    @Test
    void stateTypesAreFlinkPojos() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(AlertCandidate.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(CutoffItem.class);
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(Alert.class);
    }

    private static int keyedEntries(
            KeyedBroadcastOperatorTestHarness<String, AlertCandidate, CutoffItem, Alert> h) {
        return ((HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend())
                .numKeyValueStateEntries();
    }
}
