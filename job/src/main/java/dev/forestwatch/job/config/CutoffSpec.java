package dev.forestwatch.job.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * Continuous recomputation of the raw-score cutoff (seed 000: {@code score_cutoff = mean + 3σ} of
 * past scores, stored in {@code anomaly_cut_off}).
 *
 * @param method how the cutoff is computed from the scores in the history window
 * @param k the multiplier of σ for {@link Method#MEAN_PLUS_K_SIGMA}
 * @param quantile the quantile for {@link Method#QUANTILE}, e.g. 0.995
 * @param history how much event time of scores the cutoff is computed from
 * @param interval how often (in event time) the cutoff is recomputed
 * @param per which scores share one cutoff: the whole job, each detector, or each series
 * @param dataKind the {@code data_kind} for {@code per: job} (default: the job id); detectors and
 *     series append their index and values
 * @param minSamples no cutoff is published before this many scores are in the window
 */
public record CutoffSpec(
        Method method,
        double k,
        double quantile,
        Duration history,
        Duration interval,
        Per per,
        String dataKind,
        long minSamples)
        implements Serializable {

    /** How a cutoff is computed. */
    public enum Method {
        MEAN_PLUS_K_SIGMA("mean_plus_k_sigma"),
        QUANTILE("quantile");

        private final String specName;

        Method(String specName) {
            this.specName = specName;
        }

        public String specName() {
            return specName;
        }
    }

    /** Granularity of cutoffs. */
    public enum Per {
        JOB,
        DETECTOR,
        SERIES
    }
}
