package dev.forestwatch.job.detect;

import com.amazon.randomcutforest.config.ForestMode;
import com.amazon.randomcutforest.config.TransformMethod;
import com.amazon.randomcutforest.parkservices.ThresholdedRandomCutForest;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Builds the per-series {@link ThresholdedRandomCutForest} from {@link ForestParams}.
 *
 * <p>Every forest gets a seed derived from the configured seed and the series key, so a replay of
 * the same input produces bit-identical scores, while different series do not share one random
 * stream.
 */
public final class ForestFactory {

    private static final long FNV64_OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long FNV64_PRIME = 0x100000001b3L;
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private ForestFactory() {}

    /**
     * Creates an untrained forest for one series.
     *
     * @param p model settings
     * @param seriesKey key of the series; only used to derive the seed
     * @return a new forest with internal shingling, STANDARD mode and sequential execution
     */
    public static ThresholdedRandomCutForest create(ForestParams p, String seriesKey) {
        Objects.requireNonNull(p, "params");
        ThresholdedRandomCutForest.Builder<?> builder =
                ThresholdedRandomCutForest.builder()
                        .dimensions(p.shingledDimensions())
                        .shingleSize(p.shingleSize())
                        // The forest keeps the shingle, so callers pass one input point at a time.
                        .internalShinglingEnabled(true)
                        .numberOfTrees(p.trees())
                        .sampleSize(p.sampleSize())
                        .randomSeed(seriesSeed(p.seed(), seriesKey))
                        // Parallel mode creates a ForkJoinPool per forest that is never shut down;
                        // Flink already parallelises across keys.
                        .parallelExecutionEnabled(false)
                        .forestMode(ForestMode.STANDARD)
                        .transformMethod(
                                p.normalize() ? TransformMethod.NORMALIZE : TransformMethod.NONE)
                        .anomalyRate(p.anomalyRate())
                        .boundingBoxCacheFraction(p.boundingBoxCacheFraction())
                        .alertOnce(p.alertOnce());
        // Unset optionals let the library pick its defaults, which depend on sampleSize.
        if (p.timeDecay() > 0) {
            builder.timeDecay(p.timeDecay());
        }
        if (p.outputAfter() > 0) {
            builder.outputAfter(p.outputAfter());
        }
        // lowerThreshold is deliberately left at the library default.
        return builder.build();
    }

    /**
     * Derives the seed of one series: a SplitMix64-style mix of {@code seed} and a 64-bit FNV-1a
     * hash of the key's UTF-8 bytes. Stable across JVMs and releases; changing it changes every
     * replayed score, so the value is pinned by tests.
     *
     * @param seed configured base seed
     * @param key series key
     * @return the per-series seed
     */
    public static long seriesSeed(long seed, String key) {
        Objects.requireNonNull(key, "series key");
        long hash = FNV64_OFFSET_BASIS;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= FNV64_PRIME;
        }
        // Mixing the seed before combining keeps nearby seeds (1, 2, 3...) far apart.
        return mix64(hash ^ mix64(seed + GOLDEN_GAMMA));
    }

    /** SplitMix64 finaliser: a bijective avalanche of all 64 bits. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
