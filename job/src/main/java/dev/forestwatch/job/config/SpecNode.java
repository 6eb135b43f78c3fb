package dev.forestwatch.job.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A YAML mapping being read, together with its key path. Every accessor records the keys it has
 * seen, so {@link #rejectUnknownKeys()} can name any key the spec does not know, and reports
 * problems (wrong type, bad value) to a shared list instead of throwing, so one run reports all.
 */
final class SpecNode {
    private static final Pattern DURATION =
            Pattern.compile("(?i)\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d|w)\\s*");

    private final JsonNode node;
    private final String path;
    private final List<String> problems;
    private final Set<String> known = new LinkedHashSet<>();

    SpecNode(JsonNode node, String path, List<String> problems) {
        this.node = node == null ? MissingNode.getInstance() : node;
        this.path = path;
        this.problems = problems;
        if (!this.node.isMissingNode() && !this.node.isNull() && !this.node.isObject()) {
            problem(path, "expected a mapping of keys, got " + describe(this.node));
        }
    }

    /** The path of a child key, e.g. {@code analysis.bucket_span}. */
    String pathOf(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    String path() {
        return path;
    }

    boolean present() {
        return node.isObject();
    }

    boolean has(String key) {
        known.add(key);
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    void problem(String at, String what) {
        problems.add((at.isEmpty() ? "(top level)" : at) + ": " + what);
    }

    /** A nested mapping; absent gives an empty, non-present node. */
    SpecNode child(String key) {
        known.add(key);
        return new SpecNode(node.get(key), pathOf(key), problems);
    }

    String string(String key, String fallback) {
        known.add(key);
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isValueNode() || v.isBoolean()) {
            problem(pathOf(key), "expected a string, got " + describe(v));
            return fallback;
        }
        String s = v.asText().trim();
        return s.isEmpty() ? fallback : s;
    }

    String requiredString(String key) {
        String s = string(key, null);
        if (s == null && !problemsMention(pathOf(key))) {
            problem(pathOf(key), "is required");
        }
        return s;
    }

    int integer(String key, int fallback, int min, int max) {
        known.add(key);
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            problem(pathOf(key), "expected an integer, got " + describe(v));
            return fallback;
        }
        int i = v.intValue();
        if (i < min || i > max) {
            problem(pathOf(key), "must be between " + min + " and " + max + ", got " + i);
            return fallback;
        }
        return i;
    }

    long longValue(String key, long fallback) {
        known.add(key);
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            problem(pathOf(key), "expected an integer, got " + describe(v));
            return fallback;
        }
        return v.longValue();
    }

    double number(String key, double fallback, double min, double max) {
        known.add(key);
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber()) {
            problem(pathOf(key), "expected a number, got " + describe(v));
            return fallback;
        }
        double d = v.doubleValue();
        if (!(d >= min && d <= max)) {
            problem(pathOf(key), "must be between " + min + " and " + max + ", got " + d);
            return fallback;
        }
        return d;
    }

    /** A number, or NaN when the key says {@code none}. */
    double numberOrNone(String key, double fallback, double min, double max) {
        JsonNode v = node.get(key);
        if (v != null && v.isTextual() && v.asText().trim().equalsIgnoreCase("none")) {
            known.add(key);
            return Double.NaN;
        }
        if (v != null && v.isTextual()) {
            known.add(key);
            problem(pathOf(key), "expected a number or none, got " + describe(v));
            return fallback;
        }
        return number(key, fallback, min, max);
    }

    boolean bool(String key, boolean fallback) {
        known.add(key);
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            problem(pathOf(key), "expected true or false, got " + describe(v));
            return fallback;
        }
        return v.booleanValue();
    }

    Duration duration(String key, Duration fallback) {
        known.add(key);
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual()) {
            problem(
                    pathOf(key),
                    "expected a duration such as 30s, 5m, 1h or 7d, got " + describe(v));
            return fallback;
        }
        Duration d = parseDuration(v.asText());
        if (d == null) {
            problem(
                    pathOf(key),
                    "bad duration '"
                            + v.asText()
                            + "', expected a number and a unit (ms, s, m, h, d, w) such as 30s,"
                            + " 5m, 1h or 7d");
            return fallback;
        }
        return d;
    }

    /**
     * {@code auto} (default), {@code none}, or a list of periods such as {@code [1d, 1w]}; each
     * period at least {@code minimum}.
     */
    SeasonalitySpec seasonality(String key, Duration minimum) {
        known.add(key);
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return SeasonalitySpec.auto();
        }
        if (v.isTextual()) {
            switch (v.asText().trim().toLowerCase(Locale.ROOT)) {
                case "auto":
                    return SeasonalitySpec.auto();
                case "none":
                    return SeasonalitySpec.none();
                default:
                    problem(
                            pathOf(key),
                            "expected auto, none or a list of periods such as [1d, 1w], got '"
                                    + v.asText()
                                    + "'");
                    return SeasonalitySpec.auto();
            }
        }
        if (!v.isArray() || v.isEmpty()) {
            problem(
                    pathOf(key),
                    "expected auto, none or a non-empty list of periods such as [1d, 1w], got "
                            + describe(v));
            return SeasonalitySpec.auto();
        }
        List<Duration> periods = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            Duration d = e.isTextual() ? parseDuration(e.asText()) : null;
            String at = pathOf(key) + "[" + i + "]";
            if (d == null) {
                problem(at, "expected a period such as 1d or 1w, got " + describe(e));
            } else if (d.compareTo(minimum) < 0) {
                problem(at, "period " + e.asText() + " is shorter than " + minimum);
            } else if (periods.contains(d)) {
                problem(at, "period " + e.asText() + " is listed twice");
            } else {
                periods.add(d);
            }
        }
        return new SeasonalitySpec(SeasonalitySpec.Mode.FIXED, List.copyOf(periods));
    }

    /** A list of mappings, each read with its index in the path. */
    List<SpecNode> mappings(String key) {
        known.add(key);
        JsonNode v = node.get(key);
        List<SpecNode> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            problem(pathOf(key), "expected a list, got " + describe(v));
            return out;
        }
        for (int i = 0; i < v.size(); i++) {
            out.add(new SpecNode(v.get(i), pathOf(key) + "[" + i + "]", problems));
        }
        return out;
    }

    /** A list of strings. */
    List<String> strings(String key) {
        known.add(key);
        JsonNode v = node.get(key);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            problem(pathOf(key), "expected a list of strings, got " + describe(v));
            return out;
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isTextual() || e.asText().isBlank()) {
                problem(pathOf(key) + "[" + i + "]", "expected a field name, got " + describe(e));
            } else {
                out.add(e.asText().trim());
            }
        }
        return out;
    }

    /** A mapping of string keys to scalar values (e.g. pass-through client properties). */
    java.util.Map<String, String> stringMap(String key) {
        known.add(key);
        JsonNode v = node.get(key);
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isObject()) {
            problem(
                    pathOf(key),
                    "expected a mapping of property names to values, got " + describe(v));
            return out;
        }
        Iterator<String> names = v.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            JsonNode e = v.get(name);
            if (e == null || e.isNull() || e.isContainerNode()) {
                problem(
                        pathOf(key) + "." + name,
                        "expected a single value, got " + (e == null ? "null" : describe(e)));
            } else {
                out.put(name, e.asText());
            }
        }
        return out;
    }

    /** Reports every key of this mapping that no accessor asked for. */
    void rejectUnknownKeys() {
        if (!node.isObject()) {
            return;
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                problem(pathOf(name), "unknown key, expected one of " + String.join(", ", known));
            }
        }
    }

    private boolean problemsMention(String at) {
        return problems.stream().anyMatch(p -> p.startsWith(at + ":"));
    }

    /** Whether a problem was already reported for a key path. */
    boolean problemsReported(String at) {
        return problemsMention(at);
    }

    static Duration parseDuration(String text) {
        String t = text.trim();
        if (t.toUpperCase(Locale.ROOT).startsWith("P")) {
            try {
                return Duration.parse(t);
            } catch (RuntimeException e) {
                return null;
            }
        }
        Matcher m = DURATION.matcher(t);
        if (!m.matches()) {
            return null;
        }
        double amount = Double.parseDouble(m.group(1));
        long unitMillis =
                switch (m.group(2).toLowerCase(Locale.ROOT)) {
                    case "ms" -> 1L;
                    case "s" -> 1_000L;
                    case "m" -> 60_000L;
                    case "h" -> 3_600_000L;
                    case "d" -> 86_400_000L;
                    default -> 7 * 86_400_000L;
                };
        return Duration.ofMillis(Math.round(amount * unitMillis));
    }

    static String describe(JsonNode v) {
        if (v.isObject()) {
            return "a mapping";
        }
        if (v.isArray()) {
            return "a list";
        }
        if (v.isTextual()) {
            return "'" + v.asText() + "'";
        }
        return v.toString();
    }
}
