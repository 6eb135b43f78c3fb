package dev.forestwatch.job.report;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One series' records in time order as compact columns: 36 bytes a record, so a day of a thousand
 * one-minute series (1.44 million records) takes about 50 MB. Only the first field of a
 * multivariate series is drawn; the table shows all of them.
 */
final class SeriesTrack {
    final int index;
    final String id;
    final String label;
    final int detectorIndex;
    final String partitionValue;
    final String byValue;

    /** {@code field\u001fvalue} of every influencer value its records carried. */
    final Set<String> influencers = new LinkedHashSet<>();

    long[] time = new long[64];
    float[] actual = new float[64];
    float[] typical = new float[64];
    float[] lower = new float[64];
    float[] upper = new float[64];
    float[] score = new float[64];
    float[] raw = new float[64];
    int size;
    double maxScore;
    boolean sorted = true;

    SeriesTrack(int index, String id, ResultLine first) {
        this.index = index;
        this.id = id;
        this.label = first.description == null ? id : first.description;
        this.detectorIndex = first.detectorIndex;
        this.partitionValue = first.partitionValue;
        this.byValue = first.byValue;
    }

    private List<String[]> lastInfluencers = List.of();

    /**
     * Whether a record's influencers are those of the series' previous record (they mostly are), so
     * that their names need not be joined and looked up again; remembers them.
     */
    boolean sameInfluencersAsLast(List<String[]> influencers) {
        boolean same = influencers.size() == lastInfluencers.size();
        for (int i = 0; same && i < influencers.size(); i++) {
            same = Arrays.equals(influencers.get(i), lastInfluencers.get(i));
        }
        lastInfluencers = influencers;
        return same;
    }

    void add(long t, ResultLine r, double currentScore) {
        if (size == time.length) {
            int n = size * 2;
            time = Arrays.copyOf(time, n);
            actual = Arrays.copyOf(actual, n);
            typical = Arrays.copyOf(typical, n);
            lower = Arrays.copyOf(lower, n);
            upper = Arrays.copyOf(upper, n);
            score = Arrays.copyOf(score, n);
            raw = Arrays.copyOf(raw, n);
        }
        if (size > 0 && t < time[size - 1]) {
            sorted = false;
        }
        time[size] = t;
        actual[size] = first(r.actual);
        typical[size] = first(r.typical);
        lower[size] = first(r.modelLower);
        upper[size] = first(r.modelUpper);
        score[size] = (float) currentScore;
        raw[size] = (float) r.rawScore;
        size++;
        if (currentScore > maxScore) {
            maxScore = currentScore;
        }
    }

    private static float first(double[] values) {
        return values == null || values.length == 0 ? Float.NaN : (float) values[0];
    }

    /** Orders the records by time (files of a parallel run interleave series, not buckets). */
    void sortByTime() {
        if (sorted) {
            return;
        }
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(time[a], time[b]));
        long[] t = new long[size];
        float[][] cols = {actual, typical, lower, upper, score, raw};
        float[][] sortedCols = new float[cols.length][size];
        for (int i = 0; i < size; i++) {
            t[i] = time[order[i]];
            for (int c = 0; c < cols.length; c++) {
                sortedCols[c][i] = cols[c][order[i]];
            }
        }
        time = t;
        actual = sortedCols[0];
        typical = sortedCols[1];
        lower = sortedCols[2];
        upper = sortedCols[3];
        score = sortedCols[4];
        raw = sortedCols[5];
        sorted = true;
    }
}
