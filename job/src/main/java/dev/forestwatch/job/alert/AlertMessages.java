package dev.forestwatch.job.alert;

import dev.forestwatch.connectors.dynamodb.CutoffItem;
import dev.forestwatch.job.model.AlertCandidate;
import dev.forestwatch.job.score.Severity;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The one-sentence {@code message} of an alert: what is anomalous, when, and why it crossed the
 * line, so the person on call can act without opening the results.
 */
public final class AlertMessages {
    /** More entries make the sentence unreadable; the alert's fields carry the full lists. */
    private static final int MAX_LISTED = 3;

    private AlertMessages() {}

    /**
     * E.g. {@code [critical] mean latency_ms 183.6 vs typical 48.1 for host web-02 at
     * 2026-01-18T00:10:00Z: raw score 3.62 above cutoff 1.31 (mean_plus_k_sigma, k=3,
     * 2026-01-18T00:00:00Z); series mean(latency_ms) host=web-02, record score 92}.
     */
    public static String cutoff(Severity severity, AlertCandidate c, CutoffItem cutoff) {
        String reason = blankToNull(c.reason());
        String description = blankToNull(c.description());
        StringBuilder b = new StringBuilder();
        b.append('[').append(severity.label()).append("] ");
        b.append(reason != null ? reason : description != null ? description : c.entity());
        b.append(" at ").append(iso(c.timestamp()));
        String[] pair = distinct(c.rawScore(), cutoff.scoreCutoff());
        b.append(": raw score ").append(pair[0]).append(" above cutoff ").append(pair[1]);
        b.append(" (").append(provenance(cutoff)).append(')');
        if (reason != null && description != null) {
            b.append("; series ").append(description);
        }
        b.append(reason != null && description != null ? ", " : "; ");
        b.append("record score ").append(number(c.score(), 1));
        return b.toString();
    }

    /**
     * E.g. {@code [critical] bucket at 2026-01-18T00:00:00Z scored 100: 3 anomalous records (top:
     * mean(latency_ms) host=web-02)}.
     */
    public static String score(Severity severity, AlertCandidate c) {
        String reason = blankToNull(c.reason());
        String description = blankToNull(c.description());
        StringBuilder b = new StringBuilder();
        b.append('[').append(severity.label()).append("] ").append(c.level());
        if (description != null && !description.equals(c.level())) {
            b.append(' ').append(description);
        }
        b.append(" at ").append(iso(c.timestamp()));
        b.append(" scored ").append(number(c.score(), 1));
        if (reason != null && !reason.equals(description)) {
            b.append(": ").append(reason);
        }
        appendList(b, "top", c.topRecords());
        appendList(b, "influencers", c.topInfluencers());
        return b.toString();
    }

    /** How the cutoff was derived, e.g. {@code mean_plus_k_sigma, k=3, 2026-01-18T00:00:00Z}. */
    static String provenance(CutoffItem cutoff) {
        StringBuilder b = new StringBuilder();
        String method = blankToNull(cutoff.method());
        b.append(method != null ? method : CutoffItem.METHOD_EXTERNAL);
        if (CutoffItem.METHOD_MEAN_PLUS_K_SIGMA.equals(method)) {
            b.append(", k=").append(number(cutoff.k(), 3));
        } else if (CutoffItem.METHOD_QUANTILE.equals(method)) {
            b.append(", q=").append(number(cutoff.k(), 4));
        }
        String when = cutoffTime(cutoff.updateTime());
        if (when != null) {
            b.append(", ").append(when);
        }
        return b.toString();
    }

    /**
     * The table's {@code yyyyMMddHHmmss} sort key as an ISO instant; foreign formats as they are.
     */
    static String cutoffTime(String updateTime) {
        if (blankToNull(updateTime) == null) {
            return null;
        }
        try {
            return iso(CutoffItem.epochMillisOf(updateTime));
        } catch (DateTimeParseException e) {
            return updateTime;
        }
    }

    static String iso(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }

    /**
     * Formats raw score and cutoff with as few decimals as keep them apart: "raw score 1.31 above
     * cutoff 1.31" would read as a bug to the person on call.
     */
    static String[] distinct(double value, double cutoff) {
        for (int decimals = 2; decimals <= 12; decimals++) {
            String a = number(value, decimals);
            String b = number(cutoff, decimals);
            if (!a.equals(b)) {
                return new String[] {a, b};
            }
        }
        return new String[] {Double.toString(value), Double.toString(cutoff)};
    }

    /** At most {@code decimals} decimals, no trailing zeros, no exponent. */
    static String number(double v, int decimals) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
        if (s.indexOf('.') >= 0) {
            s = s.replaceAll("0+$", "");
            if (s.endsWith(".")) {
                s = s.substring(0, s.length() - 1);
            }
        }
        return s.equals("-0") ? "0" : s;
    }

    private static void appendList(StringBuilder b, String label, String[] items) {
        if (items == null || items.length == 0) {
            return;
        }
        b.append(" (").append(label).append(": ");
        int n = Math.min(items.length, MAX_LISTED);
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : "; ").append(items[i]);
        }
        if (items.length > n) {
            b.append("; +").append(items.length - n).append(" more");
        }
        b.append(')');
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
