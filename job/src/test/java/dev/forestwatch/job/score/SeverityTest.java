package dev.forestwatch.job.score;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Band boundaries and labels of {@link Severity}. */
class SeverityTest {

    @Test
    void boundariesBelongToTheUpperBand() {
        assertThat(Severity.of(0.0)).isEqualTo(Severity.WARNING);
        assertThat(Severity.of(24.99)).isEqualTo(Severity.WARNING);
        assertThat(Severity.of(25.0)).isEqualTo(Severity.MINOR);
        assertThat(Severity.of(49.99)).isEqualTo(Severity.MINOR);
        assertThat(Severity.of(50.0)).isEqualTo(Severity.MAJOR);
        assertThat(Severity.of(74.99)).isEqualTo(Severity.MAJOR);
        assertThat(Severity.of(75.0)).isEqualTo(Severity.CRITICAL);
        assertThat(Severity.of(100.0)).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void outOfRangeScoresFallIntoTheNearestBand() {
        assertThat(Severity.of(-3.0)).isEqualTo(Severity.WARNING);
        assertThat(Severity.of(250.0)).isEqualTo(Severity.CRITICAL);
        assertThat(Severity.of(Double.POSITIVE_INFINITY)).isEqualTo(Severity.CRITICAL);
        // NaN must never escalate.
        assertThat(Severity.of(Double.NaN)).isEqualTo(Severity.WARNING);
    }

    @Test
    void labelsAreLowerCase() {
        assertThat(Severity.WARNING.label()).isEqualTo("warning");
        assertThat(Severity.MINOR.label()).isEqualTo("minor");
        assertThat(Severity.MAJOR.label()).isEqualTo("major");
        assertThat(Severity.CRITICAL.label()).isEqualTo("critical");
    }
}
