package dev.forestwatch.job.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.connectors.dynamodb.CutoffItem;
import dev.forestwatch.job.model.AlertCandidate;
import dev.forestwatch.job.score.Severity;
import org.junit.jupiter.api.Test;

/** Alert ids, keys and messages. */
class AlertTextTest {

    @Test
    void fnv1a64MatchesTheReferenceVectors() {
        assertThat(AlertIds.fnv1a64("")).isEqualTo(0xcbf29ce484222325L);
        assertThat(AlertIds.fnv1a64("a")).isEqualTo(0xaf63dc4c8601ec8cL);
        assertThat(AlertIds.fnv1a64("foobar")).isEqualTo(0x85944171f73967e8L);
    }

    @Test
    void alertIdsDependOnJobLevelEntityAndTimeOnly() {
        String id = AlertIds.of("demo", "record", "host=a", 1000);
        assertThat(id).matches("demo_alert_[0-9a-f]{16}");
        assertThat(AlertIds.of("demo", "record", "host=a", 1000)).isEqualTo(id);
        assertThat(AlertIds.of("demo", "record", "host=a", 2000)).isNotEqualTo(id);
        assertThat(AlertIds.of("demo", "bucket", "host=a", 1000)).isNotEqualTo(id);
        assertThat(AlertIds.of("demo", "record", "host=b", 1000)).isNotEqualTo(id);
        assertThat(AlertIds.of("prod", "record", "host=a", 1000)).startsWith("prod_alert_");
    }

    @Test
    void keyIsLevelAndEntity() {
        AlertCandidate c = AlertFixtures.record("web-02", 0, 90, 3);
        assertThat(new AlertKey().getKey(c)).isEqualTo("record|detector 0 host=web-02");
    }

    @Test
    void rawScoreAndCutoffAreNeverPrintedAlike() {
        assertThat(AlertMessages.distinct(3.6189932108, 1.31462299965))
                .containsExactly("3.62", "1.31");
        assertThat(AlertMessages.distinct(1.3149, 1.31462299965))
                .containsExactly("1.3149", "1.3146");
        assertThat(AlertMessages.number(3.0, 2)).isEqualTo("3");
        assertThat(AlertMessages.number(-0.0001, 2)).isEqualTo("0");
    }

    @Test
    void cutoffMessageNamesMethodParametersAndTime() {
        CutoffItem quantile =
                new CutoffItem(
                        "cpu",
                        CutoffItem.updateTimeOf(AlertFixtures.T0),
                        0.8,
                        CutoffItem.METHOD_QUANTILE,
                        0.995,
                        Double.NaN,
                        Double.NaN,
                        100,
                        AlertFixtures.T0);
        assertThat(AlertMessages.provenance(quantile))
                .isEqualTo("quantile, q=0.995, 2026-01-18T00:00:00Z");
        CutoffItem sigma = AlertFixtures.cutoff(AlertFixtures.T0, 1.31);
        assertThat(AlertMessages.provenance(sigma))
                .isEqualTo("mean_plus_k_sigma, k=3, 2026-01-18T00:00:00Z");
        CutoffItem foreign = new CutoffItem("x", "last week", 1, null, 0, 0, 0, 0, 0);
        assertThat(AlertMessages.provenance(foreign)).isEqualTo("external, last week");

        AlertCandidate bare =
                new AlertCandidate(
                        "demo",
                        "record",
                        "host=a",
                        "r",
                        "x",
                        0,
                        60,
                        80,
                        "critical",
                        2.0,
                        0.1,
                        null,
                        " ",
                        null,
                        null);
        assertThat(AlertMessages.cutoff(Severity.CRITICAL, bare, foreign))
                .isEqualTo(
                        "[critical] host=a at 1970-01-01T00:00:00Z: raw score 2 above cutoff 1"
                                + " (external, last week); record score 80");
    }

    @Test
    void scoreMessageListsAtMostThreeTopRecords() {
        AlertCandidate c =
                new AlertCandidate(
                        "demo",
                        "influencer",
                        "host=web-02",
                        "r",
                        null,
                        0,
                        60,
                        87.25,
                        "critical",
                        Double.NaN,
                        0.1,
                        "host=web-02",
                        "host=web-02",
                        new String[] {"a", "b", "c", "d", "e"},
                        new String[0]);
        assertThat(AlertMessages.score(Severity.CRITICAL, c))
                .isEqualTo(
                        "[critical] influencer host=web-02 at 1970-01-01T00:00:00Z scored 87.3"
                                + " (top: a; b; c; +2 more)");
    }
}
