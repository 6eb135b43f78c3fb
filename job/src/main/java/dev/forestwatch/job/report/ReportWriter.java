package dev.forestwatch.job.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the report as one self-contained HTML file: the page, its script, the uPlot charting
 * library (from its WebJar) and the data, all inline, so it opens without network access.
 */
public final class ReportWriter {
    /** The uPlot version of the WebJar on the classpath (the pom pins the same). */
    static final String UPLOT_VERSION = "1.6.30";

    private static final String UPLOT = "META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/";

    private ReportWriter() {}

    /** The page for {@code data} (the output of {@link ReportBuilder#build()}). */
    public static String html(ObjectNode data) {
        String title = "forestwatch report: " + data.path("summary").path("job_id").asText();
        // "<" is escaped so no string in the data can end the script element
        String json = data.toString().replace("<", "\\u003c");
        return resource("dev/forestwatch/job/report/report.html")
                .replace("@@TITLE@@", escapeHtml(title))
                .replace("@@UPLOT_CSS@@", resource(UPLOT + "dist/uPlot.min.css"))
                .replace("@@UPLOT_JS@@", scriptSafe(resource(UPLOT + "dist/uPlot.iife.min.js")))
                .replace("@@APP_JS@@", scriptSafe(resource("dev/forestwatch/job/report/report.js")))
                .replace("@@DATA@@", json);
    }

    /** Writes the page to {@code file}; returns its size in bytes. */
    public static long write(ObjectNode data, Path file) throws IOException {
        byte[] bytes = html(data).getBytes(StandardCharsets.UTF_8);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, bytes);
        return bytes.length;
    }

    private static String scriptSafe(String script) {
        if (script.contains("</script")) {
            throw new IllegalStateException("an inlined script contains </script");
        }
        return script;
    }

    private static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String resource(String name) {
        try (InputStream in = ReportWriter.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
