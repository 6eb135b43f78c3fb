package dev.forestwatch.job.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.job.config.AlertPolicy;
import dev.forestwatch.job.config.AlertingSpec;
import dev.forestwatch.job.model.AlertCandidate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyPrefilterTest {

    static AlertCandidate candidate(String level, double score) {
        return new AlertCandidate(
                "job",
                level,
                "e",
                "id",
                "kind",
                0,
                60,
                score,
                "x",
                1.0,
                1e-3,
                "d",
                "r",
                new String[0],
                new String[0]);
    }

    static PolicyPrefilter filter(AlertPolicy... policies) {
        return new PolicyPrefilter(new AlertingSpec(List.of(policies), Duration.ZERO, List.of()));
    }

    @Test
    void withoutPoliciesNothingReachesTheAlertOperator() {
        PolicyPrefilter f = new PolicyPrefilter(new AlertingSpec(null, Duration.ZERO, null));
        assertThat(f.filter(candidate("record", 100))).isFalse();
    }

    @Test
    void scorePoliciesKeepOnlyTheirLevelAtOrAboveTheirScoreAndSeverity() {
        PolicyPrefilter f =
                filter(
                        new AlertPolicy(
                                "r",
                                AlertPolicy.Mode.SCORE,
                                AlertPolicy.Level.RECORD,
                                75,
                                "warning"),
                        new AlertPolicy(
                                "b",
                                AlertPolicy.Mode.SCORE,
                                AlertPolicy.Level.BUCKET,
                                10,
                                "major"));
        assertThat(f.filter(candidate("record", 75))).isTrue();
        assertThat(f.filter(candidate("record", 74.9))).isFalse();
        assertThat(f.filter(candidate("influencer", 99))).isFalse();
        // the bucket policy's min_score is low, its severity (major, 50) decides
        assertThat(f.filter(candidate("bucket", 49))).isFalse();
        assertThat(f.filter(candidate("bucket", 50))).isTrue();
    }

    @Test
    void cutoffPoliciesKeepEveryRecordOfTheirSeverityBecauseTheCutoffIsState() {
        PolicyPrefilter f =
                filter(
                        new AlertPolicy(
                                "c",
                                AlertPolicy.Mode.CUTOFF,
                                AlertPolicy.Level.RECORD,
                                75,
                                "minor"));
        assertThat(f.filter(candidate("record", 30))).isTrue();
        assertThat(f.filter(candidate("record", 1))).isFalse();
        assertThat(f.filter(candidate("bucket", 99))).isFalse();
    }
}
