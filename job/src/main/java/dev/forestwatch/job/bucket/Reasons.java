package dev.forestwatch.job.bucket;

import dev.forestwatch.job.config.DetectorSpec;
import java.util.Locale;

/**
 * Short human explanations of a record, in the style of {@code "mean responsetime 179 vs typical 60
 * for airline AAL"}. For multivariate detectors the field with the largest attribution leads.
 */
public final class Reasons {
    private Reasons() {}

    /** The explanation of one record. */
    public static String of(
            DetectorSpec detector,
            double[] actual,
            double[] typical,
            double[] attribution,
            String byValue,
            String partitionValue) {
        StringBuilder b = new StringBuilder();
        String function = detector.function().aggregation().specName();
        int lead = 0;
        if (attribution != null) {
            for (int i = 1; i < attribution.length; i++) {
                if (attribution[i] > attribution[lead]) {
                    lead = i;
                }
            }
        }
        b.append(function);
        if (!detector.fields().isEmpty()) {
            b.append(' ').append(detector.fields().get(lead));
        }
        b.append(' ').append(number(actual[lead]));
        if (typical != null && typical.length > lead) {
            b.append(" vs typical ").append(number(typical[lead]));
        }
        if (attribution != null) {
            b.append(
                    String.format(
                            Locale.ROOT, " (%.0f%% of the anomaly)", 100 * attribution[lead]));
        }
        if (byValue != null) {
            b.append(" for ").append(detector.byFieldName()).append(' ').append(byValue);
        }
        if (partitionValue != null) {
            b.append(byValue == null ? " for " : " in ")
                    .append(detector.partitionFieldName())
                    .append(' ')
                    .append(partitionValue);
        }
        return b.toString();
    }

    /**
     * The explanation with the range rule's part when the value left its series' range by more than
     * the margin, e.g. {@code "... (42% beyond the range seen so far)"}.
     */
    public static String withRange(String reason, double rangeExcess, double margin) {
        if (!(rangeExcess > margin)) {
            return reason;
        }
        String amount =
                rangeExcess >= 10
                        ? String.format(Locale.ROOT, "%.0f times the range", rangeExcess)
                        : String.format(
                                Locale.ROOT,
                                rangeExcess < 0.1 ? "%.1f%% of the range" : "%.0f%% of the range",
                                100 * rangeExcess);
        return reason + " (" + amount + " beyond the range seen so far)";
    }

    /** Up to three decimals, no trailing zeros, no exponent for everyday magnitudes. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        String s = String.format(Locale.ROOT, "%.3f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
