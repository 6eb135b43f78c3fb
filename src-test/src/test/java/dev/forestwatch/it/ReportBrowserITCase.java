package dev.forestwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.it.support.HeadlessChromium;
import dev.forestwatch.job.AnomalyDetectionJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.Color;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo run with {@code --report}, and its report opened in headless Chromium (Debian's {@code
 * chromium} and {@code chromedriver}; {@code .ci/run} installs them): the injected anomalies are
 * critical cells of the anomaly timeline and rows of the top-anomalies table, and clicking a row
 * shows that series around that time. Screenshots go to {@code target/report/}.
 *
 * <p>Without Chromium the test is skipped with a message, unless {@code
 * FORESTWATCH_REQUIRE_BROWSER} is set (as {@code .ci/run} does): then it fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportBrowserITCase {
    private static final String CRITICAL = "#fe5050";
    private static final Path SHOTS = Path.of("target", "report");

    private Path results;
    private String console;
    private WebDriver browser;
    private long loadMillis;

    @BeforeAll
    void runTheDemoWithReportAndOpenIt() throws Exception {
        boolean present = HeadlessChromium.installed();
        if (!present && System.getenv("FORESTWATCH_REQUIRE_BROWSER") != null) {
            throw new IllegalStateException(
                    "FORESTWATCH_REQUIRE_BROWSER is set but "
                            + HeadlessChromium.CHROMIUM
                            + " or "
                            + HeadlessChromium.CHROMEDRIVER
                            + " is missing (apt-get install chromium chromium-driver)");
        }
        Assumptions.assumeTrue(
                present,
                "no Chromium: apt-get install chromium chromium-driver to run the report test");
        results = Files.createTempDirectory("forestwatch-report-it");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code =
                AnomalyDetectionJob.run(
                        new String[] {
                            "--output", results.toString(), "--report", "--progress", "NEVER"
                        },
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        System.err);
        console = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(console).isZero();

        browser = HeadlessChromium.start();
        loadMillis =
                HeadlessChromium.openReport(
                        browser, results.resolve("report.html"), Duration.ofSeconds(30));
        System.out.println("report of the demo opened in Chromium in " + loadMillis + " ms");
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void theRunPrintsWhereTheReportIsAndThePageHasNoScriptErrors() throws Exception {
        assertThat(console).contains("report: " + results.resolve("report.html").toAbsolutePath());
        assertThat(Files.size(results.resolve("report.html"))).isGreaterThan(100_000);
        // everything is inline: no src= or href= to load from anywhere
        String html = Files.readString(results.resolve("report.html"));
        assertThat(html).doesNotContain("<script src=").doesNotContain("<link ");
        assertThat(browser.findElement(By.id("summary")).getText())
                .contains("forestwatch report: job demo")
                .contains("series")
                .contains("12");
        assertThat(browser.findElements(By.cssSelector("#chart-values canvas"))).isNotEmpty();
        screenshot("report-demo.png");
    }

    @Test
    void theInjectedAnomaliesAreCriticalCellsOfTheOverallLane() {
        for (String at :
                List.of("2026-01-18T00:00:00Z", "2026-01-19T16:10:00Z", "2026-01-21T09:00:00Z")) {
            WebElement cell = overallCellAt(Instant.parse(at));
            assertThat(colour(cell)).as(at).isEqualTo(CRITICAL);
            assertThat(Double.parseDouble(cell.getAttribute("data-score"))).isGreaterThan(75);
        }
        // and most of the timeline is not critical: the colour means something
        List<WebElement> cells = browser.findElements(By.cssSelector("#lane-overall .cell"));
        long critical = cells.stream().filter(c -> CRITICAL.equals(colour(c))).count();
        assertThat(critical).isLessThan(cells.size() / 10);
    }

    @Test
    void theTopAnomaliesTableListsTheInjectedAnomaliesAndARowClickShowsItsSeries() {
        List<WebElement> rows = browser.findElements(By.cssSelector("#top-table tbody tr"));
        assertThat(rows).hasSizeGreaterThan(10);
        String top = rows.subList(0, 10).stream().map(WebElement::getText).toList().toString();
        assertThat(top)
                .contains("2026-01-18 00:00Z")
                .contains("host=web-02")
                .contains("host=web-04")
                .contains("host=web-03");

        WebElement levelShift =
                rows.stream()
                        .filter(r -> r.getText().contains("host=web-04"))
                        .findFirst()
                        .orElseThrow();
        String before = browser.findElement(By.id("series-title")).getText();
        ((JavascriptExecutor) browser)
                .executeScript("arguments[0].scrollIntoView({block: 'center'})", levelShift);
        levelShift.click();
        WebElement view = browser.findElement(By.id("single"));
        new WebDriverWait(browser, Duration.ofSeconds(10))
                .until(d -> d.findElement(By.id("series-title")).getText().contains("web-04"));
        assertThat(before).doesNotContain("web-04");
        assertThat(levelShift.getAttribute("class")).contains("selected");
        // zoomed to the row's time
        long min = Long.parseLong(view.getAttribute("data-x-min"));
        long max = Long.parseLong(view.getAttribute("data-x-max"));
        long t = Instant.parse("2026-01-21T09:00:00Z").toEpochMilli();
        assertThat(min).isLessThan(t);
        assertThat(max).isGreaterThan(t);
        assertThat(max - min).isLessThan(Duration.ofDays(2).toMillis());
        assertThat(browser.findElement(By.id("series-select")).getAttribute("value"))
                .isEqualTo(view.getAttribute("data-series-index"));
        screenshot("report-demo-row-click.png");
    }

    @Test
    void aClickOnATimelineCellShowsItsTopSeriesAtThatTime() {
        WebElement spike = overallCellAt(Instant.parse("2026-01-18T00:00:00Z"));
        ((JavascriptExecutor) browser)
                .executeScript("arguments[0].scrollIntoView({block: 'center'})", spike);
        // start from another series, so the click has something to change
        ((JavascriptExecutor) browser)
                .executeScript(
                        "const r = window.forestwatchReport;"
                                + " r.selectSeries(r.data.series.findIndex("
                                + "s => s.label.includes('web-05')))");
        assertThat(browser.findElement(By.id("series-title")).getText()).contains("web-05");
        spike.click();
        assertThat(browser.findElement(By.id("series-title")).getText()).contains("web-02");
        long min = Long.parseLong(browser.findElement(By.id("single")).getAttribute("data-x-min"));
        long max = Long.parseLong(browser.findElement(By.id("single")).getAttribute("data-x-max"));
        long t = Instant.parse("2026-01-18T00:00:00Z").toEpochMilli();
        assertThat(min).isLessThan(t);
        assertThat(max).isGreaterThan(t);
    }

    @Test
    void aClickOnAHeadingSortsTheTable() {
        WebElement time = browser.findElement(By.cssSelector("#top-table th[data-key='t']"));
        time.click();
        List<WebElement> rows =
                browser.findElements(By.cssSelector("#top-table tbody tr td:first-child"));
        List<String> times = rows.stream().map(WebElement::getText).toList();
        assertThat(times).isSortedAccordingTo((a, b) -> b.compareTo(a));
        time.click();
        times =
                browser.findElements(By.cssSelector("#top-table tbody tr td:first-child")).stream()
                        .map(WebElement::getText)
                        .toList();
        assertThat(times).isSorted();
        // back to the score order the other tests expect
        browser.findElement(By.cssSelector("#top-table th[data-key='score']")).click();
    }

    private static String colour(WebElement e) {
        return Color.fromString(e.getCssValue("background-color")).asHex();
    }

    private WebElement overallCellAt(Instant at) {
        Object[] grid =
                ((List<?>)
                                ((JavascriptExecutor) browser)
                                        .executeScript(
                                                "const T = window.forestwatchReport.data.timeline;"
                                                        + " return [T.start, T.column_ms];"))
                        .toArray();
        long start = ((Number) grid[0]).longValue();
        long width = ((Number) grid[1]).longValue();
        long column = (at.toEpochMilli() - start) / width;
        return browser.findElement(
                By.cssSelector("#lane-overall .cell[data-column='" + column + "']"));
    }

    private void screenshot(String name) throws RuntimeException {
        try {
            byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
            Files.write(SHOTS.resolve(name), png);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
