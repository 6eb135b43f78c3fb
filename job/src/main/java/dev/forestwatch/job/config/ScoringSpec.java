package dev.forestwatch.job.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * How raw forest scores become probabilities and 0–100 scores.
 *
 * @param minRecordScore records scoring below this are not written (still counted and still
 *     contributing to influencer and bucket results)
 * @param renormalizationWindow how far back scores are renormalized as history grows
 * @param renormalizationMinChange a renormalized score is re-emitted when it moved at least this
 *     much since it was last emitted
 * @param normalizationFloor unusualness (-log10 probability) that scores 100 while no bigger
 *     anomaly has been seen in the window
 * @param typical where a record's typical value comes from
 * @param rangeMargin a value beyond the range its series has seen by more than this fraction of the
 *     range is an anomaly even when the forest does not grade it (the "new extreme" rule); NaN when
 *     the rule is off
 * @param cutoff continuous raw-score cutoff recomputation, or null when disabled
 */
public record ScoringSpec(
        double minRecordScore,
        Duration renormalizationWindow,
        double renormalizationMinChange,
        double normalizationFloor,
        Typical typical,
        double rangeMargin,
        CutoffSpec cutoff)
        implements Serializable {

    /**
     * Where a record's typical value comes from. Every mode gives an anomalous record (grade above
     * 0) the forest's expected value.
     */
    public enum Typical {
        /**
         * Every record: the seasonal reference of its time when the series has accepted a period,
         * else the series' moving level (about the last ten buckets); costs nearly nothing.
         */
        BASELINE("baseline"),
        /** Every record: a one-step forecast of its forest, computed before each update (slow). */
        FORECAST("forecast"),
        /** Only anomalous records. */
        ANOMALIES("anomalies");

        private final String specName;

        Typical(String specName) {
            this.specName = specName;
        }

        /** The name in the spec. */
        public String specName() {
            return specName;
        }
    }
}
