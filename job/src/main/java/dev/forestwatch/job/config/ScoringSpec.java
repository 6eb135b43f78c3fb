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
 * @param forecastTypical whether every record gets a typical value from a one-step forecast of its
 *     forest (about 0.5 ms per record), or only anomalous records (the forest's expected value)
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
        boolean forecastTypical,
        double rangeMargin,
        CutoffSpec cutoff)
        implements Serializable {}
