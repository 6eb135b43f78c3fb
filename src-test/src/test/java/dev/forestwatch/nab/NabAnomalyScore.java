package dev.forestwatch.nab;

import dev.forestwatch.job.model.RecordResult;
import dev.forestwatch.job.score.Scores;
import java.util.Locale;

/**
 * Ways to turn one record result of the job into NAB's per-row {@code anomaly_score} in [0, 1].
 * Every mapping reads only fields the job wrote; NAB's threshold sweep depends only on the order of
 * the scores (over all files together) and on their ties, so what matters is which record field
 * ranks rows best across files, not the exact curve.
 */
public enum NabAnomalyScore {
    /**
     * Unusualness {@code u = -log10(probability)} squashed to {@code u / (1 + u)}: the probability
     * is calibrated per file (against that file's own score history), continuous, and already
     * judges a record on at most the forest's threshold when the forest did not grade it anomalous
     * (an anomaly is reported once, not again while it is inside the shingle).
     */
    PROBABILITY {
        @Override
        public double of(RecordResult r) {
            double u = Scores.unusualness(r.probability());
            return u / (1.0 + u);
        }
    },
    /** The initial 0–100 record score (as first written, before any renormalization) / 100. */
    RECORD_SCORE {
        @Override
        public double of(RecordResult r) {
            return clamp(r.initialRecordScore() / 100.0);
        }
    },
    /**
     * The forest's anomaly grade, ties broken by the raw score: graded rows in [0.5, 1] ordered by
     * grade then raw score, ungraded rows in [0, 0.5) by raw score.
     */
    GRADE {
        @Override
        public double of(RecordResult r) {
            double raw = Math.max(0, r.rawScore());
            double tie = raw / (1.0 + raw); // in [0, 1)
            if (r.grade() > 0) {
                return clamp(0.5 + 0.49 * r.grade() + 0.01 * tie);
            }
            return 0.5 * tie;
        }
    },
    /**
     * Graded rows first, in [0.5, 1], ordered by grade then probability; ungraded rows in [0, 0.5)
     * by probability: the forest decides whether a row is an anomaly, the calibrated probability
     * breaks the ties among grades (which come in few distinct values).
     */
    GRADE_PROBABILITY {
        @Override
        public double of(RecordResult r) {
            double u = Scores.unusualness(r.probability());
            double tie = u / (1.0 + u);
            if (r.grade() > 0) {
                return clamp(0.5 + 0.49 * r.grade() + 0.01 * tie);
            }
            return 0.5 * tie;
        }
    },
    /**
     * Graded rows first, in [0.5, 1], ordered by probability alone; ungraded rows in [0, 0.5) by
     * probability.
     */
    GRADED_PROBABILITY {
        @Override
        public double of(RecordResult r) {
            double u = Scores.unusualness(r.probability());
            double tie = u / (1.0 + u);
            return r.grade() > 0 ? clamp(0.5 + 0.5 * tie) : 0.5 * tie;
        }
    },
    /** The raw RCF score over log2(256) = 8, clipped to 1, as NAB's published RCF run did. */
    RAW_SCORE {
        @Override
        public double of(RecordResult r) {
            return clamp(r.rawScore() / 8.0);
        }
    };

    /** The NAB anomaly score of one record, in [0, 1]. */
    public abstract double of(RecordResult r);

    /** Name as written in results, e.g. {@code probability}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a label ({@code probability}, {@code record_score}, ...). */
    public static NabAnomalyScore parse(String label) {
        return valueOf(label.trim().toUpperCase(Locale.ROOT));
    }

    private static double clamp(double v) {
        if (!(v > 0)) {
            return 0.0; // also NaN: a record without a score
        }
        return Math.min(1.0, v);
    }
}
