package dev.forestwatch.job.result;

import dev.forestwatch.job.score.Scores;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * Rescoring of tracked results when a window maximum changes: one implementation for records,
 * influencers and buckets. Results whose new score differs from the last emitted one by at least
 * {@code minChange} are handed to the caller and stored with that score; results older than the
 * window are dropped on the way.
 *
 * <p>Only results whose score can change are rescored: at or below {@link
 * Scores#windowIndependentUpTo} of both the old and the new maximum a score does not depend on the
 * maximum, and when that bound is infinite for both no result can change and the scan is skipped.
 */
final class Renormalization {

    /** A result kept for renormalization, as the three tracked state types expose it. */
    interface Tracked<T extends Tracked<T>> {
        /** Event time of the result, for the window. */
        long timestamp();

        /** The result's unusualness, fixed when it was first scored. */
        double unusualness();

        /** The score last written for the result. */
        double lastEmittedScore();

        /** The same result with a new score, as both the result's score and the last emitted. */
        T rescored(double score);

        /** The result as the JSON line of the renormalized output. */
        String json();
    }

    private final double floor;
    private final double minChange;
    private final Counter checks;
    private final Counter skipped;

    /**
     * A renormalization whose counters {@code renormalizationChecks} and {@code
     * renormalizationsSkipped} are registered in {@code metrics}.
     */
    static Renormalization withMetrics(MetricGroup metrics, double floor, double minChange) {
        return new Renormalization(
                floor,
                minChange,
                metrics.counter("renormalizationChecks"),
                metrics.counter("renormalizationsSkipped"));
    }

    Renormalization(double floor, double minChange, Counter checks, Counter skipped) {
        this.floor = floor;
        this.minChange = minChange;
        this.checks = checks;
        this.skipped = skipped;
    }

    /**
     * Rescores the tracked results after the maximum moved from {@code previousMax} to {@code
     * windowMax}.
     *
     * @param tracked the results, keyed by result id; updated in place
     * @param windowStart results before this event time are dropped
     * @param leaveAlone results (by id and value) that are never rescored, e.g. the one just
     *     emitted with the new maximum
     * @param updated receives each result whose score moved by at least {@code minChange}
     * @return how many results were updated
     */
    <T extends Tracked<T>> int rescore(
            MapState<String, T> tracked,
            long windowStart,
            double previousMax,
            double windowMax,
            BiPredicate<String, T> leaveAlone,
            Consumer<T> updated)
            throws Exception {
        double unchangedUpTo =
                Math.min(
                        Scores.windowIndependentUpTo(previousMax, floor),
                        Scores.windowIndependentUpTo(windowMax, floor));
        if (Double.isInfinite(unchangedUpTo)) {
            // no score can change; results that left the window go at the next prune
            skipped.inc();
            return 0;
        }
        List<String> expired = new ArrayList<>();
        Map<String, T> changed = new LinkedHashMap<>();
        for (Map.Entry<String, T> e : tracked.entries()) {
            T t = e.getValue();
            if (t.timestamp() < windowStart) {
                expired.add(e.getKey());
                continue;
            }
            if (t.unusualness() <= unchangedUpTo || leaveAlone.test(e.getKey(), t)) {
                continue;
            }
            checks.inc();
            double score = Scores.normalizedScore(t.unusualness(), windowMax, floor);
            if (Math.abs(score - t.lastEmittedScore()) >= minChange) {
                T rescored = t.rescored(score);
                updated.accept(rescored);
                changed.put(e.getKey(), rescored);
            }
        }
        for (String id : expired) {
            tracked.remove(id);
        }
        for (Map.Entry<String, T> e : changed.entrySet()) {
            tracked.put(e.getKey(), e.getValue());
        }
        return changed.size();
    }
}
