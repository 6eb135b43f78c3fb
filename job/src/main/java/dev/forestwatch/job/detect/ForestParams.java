package dev.forestwatch.job.detect;

import java.io.Serializable;

/**
 * Settings of one thresholded Random Cut Forest (one per series key).
 *
 * <p>The record is part of the job graph (operators hold it), hence {@link Serializable}. It is
 * never part of keyed state: a restored forest carries its own settings inside its state bytes.
 *
 * @param trees number of trees
 * @param sampleSize points kept per tree
 * @param shingleSize consecutive inputs combined into one forest point (internal shingling)
 * @param dimensions values per input point, before shingling (usually 1)
 * @param timeDecay sampler time decay; {@code <= 0} selects the library default {@code
 *     1/(10*sampleSize)}
 * @param seed base seed; each series derives its own seed from it, see {@link
 *     ForestFactory#seriesSeed(long, String)}
 * @param outputAfter warm-up points before scores are produced; {@code <= 0} selects the library
 *     default {@code max(1, sampleSize/4)}
 * @param anomalyRate expected fraction of anomalies, drives the thresholder
 * @param normalize {@code true} for {@code TransformMethod.NORMALIZE}, {@code false} for {@code
 *     NONE}
 * @param boundingBoxCacheFraction fraction of tree nodes with cached bounding boxes, 0..1; memory
 *     versus speed (0 is about 8x slower with TRCF)
 * @param alertOnce TRCF {@code alertOnce}: grade a run of consecutive anomalous points once, at its
 *     start, rather than every point while the anomaly lasts
 */
public record ForestParams(
        int trees,
        int sampleSize,
        int shingleSize,
        int dimensions,
        double timeDecay,
        long seed,
        int outputAfter,
        double anomalyRate,
        boolean normalize,
        double boundingBoxCacheFraction,
        boolean alertOnce)
        implements Serializable {

    private static final long serialVersionUID = 2L;

    /** The settings with {@code alertOnce} off (the library default). */
    public ForestParams(
            int trees,
            int sampleSize,
            int shingleSize,
            int dimensions,
            double timeDecay,
            long seed,
            int outputAfter,
            double anomalyRate,
            boolean normalize,
            double boundingBoxCacheFraction) {
        this(
                trees,
                sampleSize,
                shingleSize,
                dimensions,
                timeDecay,
                seed,
                outputAfter,
                anomalyRate,
                normalize,
                boundingBoxCacheFraction,
                false);
    }

    /** Validates eagerly so that a bad spec fails at job build time, not inside a task. */
    public ForestParams {
        if (trees < 1) {
            throw new IllegalArgumentException("trees must be >= 1, got " + trees);
        }
        if (sampleSize < 1) {
            throw new IllegalArgumentException("sampleSize must be >= 1, got " + sampleSize);
        }
        if (shingleSize < 1) {
            throw new IllegalArgumentException("shingleSize must be >= 1, got " + shingleSize);
        }
        if (dimensions < 1) {
            throw new IllegalArgumentException("dimensions must be >= 1, got " + dimensions);
        }
        if (Double.isNaN(timeDecay) || Double.isInfinite(timeDecay)) {
            throw new IllegalArgumentException("timeDecay must be finite, got " + timeDecay);
        }
        if (!(anomalyRate > 0.0 && anomalyRate < 1.0)) {
            throw new IllegalArgumentException("anomalyRate must be in (0, 1), got " + anomalyRate);
        }
        if (!(boundingBoxCacheFraction >= 0.0 && boundingBoxCacheFraction <= 1.0)) {
            throw new IllegalArgumentException(
                    "boundingBoxCacheFraction must be in [0, 1], got " + boundingBoxCacheFraction);
        }
    }

    /**
     * Library defaults for a 1-D series: 50 trees, 256 samples, shingle 4, default time decay and
     * warm-up, anomaly rate 0.01, NORMALIZE, full bounding-box cache, seed 42, alertOnce off.
     */
    public static ForestParams defaults() {
        return new ForestParams(50, 256, 4, 1, 0.0, 42L, 0, 0.01, true, 1.0);
    }

    /** Length of the forest's internal points: {@code dimensions * shingleSize}. */
    public int shingledDimensions() {
        return dimensions * shingleSize;
    }
}
