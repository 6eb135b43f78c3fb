package dev.forestwatch.job.config;

import java.io.Serializable;

/**
 * Random Cut Forest settings, one forest per series.
 *
 * @param trees number of trees
 * @param sampleSize points kept per tree
 * @param shingleSize consecutive buckets forming one forest point
 * @param timeDecay sampler decay; 0 means the library default of 1/(10 * sample size)
 * @param seed base seed; each series derives its own from it and its key
 * @param warmUp buckets seen before scores are produced
 * @param anomalyRate expected fraction of anomalous buckets (threshold calibration)
 * @param normalize whether the forest normalizes its input (TRCF NORMALIZE transform)
 * @param boundingBoxCacheFraction memory/speed trade-off of the forest (1 = fastest)
 * @param alertOnce whether the forest grades a run of anomalous points once, at its start, instead
 *     of every point of it (TRCF {@code alertOnce})
 * @param seasonality which periods the series' seasonal memory tests ({@code model.seasonality})
 */
public record ModelSpec(
        int trees,
        int sampleSize,
        int shingleSize,
        double timeDecay,
        long seed,
        int warmUp,
        double anomalyRate,
        boolean normalize,
        double boundingBoxCacheFraction,
        boolean alertOnce,
        SeasonalitySpec seasonality)
        implements Serializable {}
