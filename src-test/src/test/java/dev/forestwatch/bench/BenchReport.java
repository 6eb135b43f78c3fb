package dev.forestwatch.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's results: named figures with units, the machine they were measured on, and how
 * each group of figures was measured. Written as {@code results.json} and printed as a table.
 */
public final class BenchReport {
    /** One measured figure. */
    public record Figure(String name, double value, String unit, String description) {}

    private final Instant date;
    private final Map<String, Object> machine = new LinkedHashMap<>();
    private final List<Figure> figures = new ArrayList<>();
    private final Map<String, String> methods = new LinkedHashMap<>();

    public BenchReport(Instant date, int cores, long maxHeapBytes, String javaVersion) {
        this.date = date;
        machine.put("cores", cores);
        machine.put("max_heap_bytes", maxHeapBytes);
        machine.put("java_version", javaVersion);
    }

    /** The report for the running JVM. */
    public static BenchReport forThisJvm() {
        BenchReport r =
                new BenchReport(
                        Instant.now(),
                        Runtime.getRuntime().availableProcessors(),
                        Runtime.getRuntime().maxMemory(),
                        System.getProperty("java.version"));
        r.machine.put("java_vm", System.getProperty("java.vm.name"));
        r.machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return r;
    }

    /** Adds a figure; names are unique. */
    public void add(String name, double value, String unit, String description) {
        if (figures.stream().anyMatch(f -> f.name().equals(name))) {
            throw new IllegalArgumentException("duplicate figure " + name);
        }
        figures.add(new Figure(name, value, unit, description));
    }

    /** Describes how the figures whose names start with {@code group} were measured. */
    public void method(String group, String text) {
        methods.put(group, text);
    }

    public List<Figure> figures() {
        return List.copyOf(figures);
    }

    /** The JSON document: date, machine, figures (name, value, unit, description), methods. */
    public String toJson() {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("date", date.toString());
        root.set("machine", mapper.valueToTree(machine));
        ArrayNode list = root.putArray("figures");
        for (Figure f : figures) {
            ObjectNode n = list.addObject();
            n.put("name", f.name());
            if (Double.isFinite(f.value())) {
                n.put("value", f.value());
            } else {
                n.putNull("value");
            }
            n.put("unit", f.unit());
            n.put("description", f.description());
        }
        root.set("methods", mapper.valueToTree(methods));
        try {
            return mapper.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@link #toJson()} to {@code file}, creating its directory. */
    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, toJson() + "\n");
    }

    /** A fixed-width console table: name, value, unit. */
    public String table() {
        int width = figures.stream().mapToInt(f -> f.name().length()).max().orElse(4);
        StringBuilder sb = new StringBuilder();
        sb.append(
                String.format(
                        Locale.ROOT,
                        "forestwatch benchmark, %s, %s cores, max heap %d MiB, Java %s%n",
                        date,
                        machine.get("cores"),
                        ((Number) machine.get("max_heap_bytes")).longValue() >> 20,
                        machine.get("java_version")));
        String row = "%-" + width + "s  %14s  %s%n";
        sb.append(String.format(Locale.ROOT, row, "figure", "value", "unit"));
        sb.append("-".repeat(width + 30)).append('\n');
        for (Figure f : figures) {
            sb.append(String.format(Locale.ROOT, row, f.name(), format(f.value()), f.unit()));
        }
        return sb.toString();
    }

    /** Three significant digits at least, thousands separated; integers stay integers. */
    static String format(double v) {
        if (!Double.isFinite(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        if (a >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
