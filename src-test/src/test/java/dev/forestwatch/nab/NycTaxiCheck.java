package dev.forestwatch.nab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.job.AnomalyDetectionJob;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Seed 000's data run as a user runs it: {@code config/jobs/nyc-taxi.yaml} as shipped, through the
 * job's own command line ({@code --spec ... --output ...}), then the days ranked by their highest
 * current record score (renormalized results applied, {@link DayRanking}). Prints the ten highest
 * days, where each of NAB's five labelled windows ranks, and whether the marathon is found on the
 * race day apart from the repeated clock-change hour.
 *
 * <p>A benchmark behind {@code mvn -Pnab verify} (its name matches neither {@code *Test} nor {@code
 * *ITCase}); alone: {@code mvn -B -Pnab verify -Dit.test=NycTaxiCheck}. It asserts only that the
 * run succeeded and scored every row; the figures are its output.
 */
class NycTaxiCheck {

    static final String FILE = "realKnownCause/nyc_taxi.csv";
    static final int TOP = 10;
    static final LocalDate MARATHON = LocalDate.of(2014, 11, 2);

    @Test
    void ranksTheDaysOfSeedZeroData() throws Exception {
        Path spec = Path.of(System.getProperty("nyc.spec", "../config/jobs/nyc-taxi.yaml"));
        Path out = Path.of(System.getProperty("nab.out", "target/nab")).resolve("nyc-taxi");
        Files.createDirectories(out);
        for (String f : new String[] {"records.jsonl", "renormalized.jsonl"}) {
            Files.deleteIfExists(out.resolve(f));
        }
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        long started = System.nanoTime();
        int code =
                AnomalyDetectionJob.run(
                        new String[] {"--spec", spec.toString(), "--output", out.toString()},
                        new PrintStream(console, true, StandardCharsets.UTF_8),
                        System.err);
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(code).as(console.toString(StandardCharsets.UTF_8)).isZero();

        DayRanking ranking = DayRanking.read(out);
        assertThat(ranking.records()).as("one record per row of " + FILE).isEqualTo(10_320);
        List<DayRanking.Day> days = ranking.days();
        List<NabLabels.Window> windows = NabLabels.load(NabLabels.defaultNabDir()).windowsOf(FILE);

        StringBuilder sb = new StringBuilder();
        sb.append(
                String.format(
                        Locale.ROOT,
                        "%n=== nyc_taxi with %s: %d records, run %.1f s ===%n",
                        spec,
                        ranking.records(),
                        seconds));
        sb.append("Top ").append(TOP).append(" days by current record score:\n");
        for (int i = 0; i < Math.min(TOP, days.size()); i++) {
            DayRanking.Day d = days.get(i);
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "  %2d. %s %-9s %6.2f at %s%s%n",
                            i + 1,
                            d.date(),
                            d.date().getDayOfWeek().toString().toLowerCase(Locale.ROOT),
                            d.best().score(),
                            d.best().time().toLocalTime(),
                            windowOf(windows, d.date()) == null
                                    ? ""
                                    : "   (window " + windowOf(windows, d.date()) + ")"));
        }
        int found = 0;
        sb.append("Labelled windows (best-ranked day inside each):\n");
        for (NabLabels.Window w : windows) {
            int best = Integer.MAX_VALUE;
            LocalDate bestDay = null;
            for (LocalDate d = w.start().toLocalDate();
                    !d.isAfter(w.end().toLocalDate());
                    d = d.plusDays(1)) {
                int rank = ranking.rankOf(days, d);
                if (rank > 0 && rank < best) {
                    best = rank;
                    bestDay = d;
                }
            }
            boolean inTop = best <= TOP;
            found += inTop ? 1 : 0;
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "  %s .. %s: %s ranks %d%s%n",
                            w.start().toLocalDate(),
                            w.end().toLocalDate(),
                            bestDay,
                            best,
                            inTop ? "" : "  (not in the top " + TOP + ")"));
        }
        DayRanking.Scored race = ranking.bestOfDayOutsideHour(MARATHON, 1);
        sb.append(
                String.format(
                        Locale.ROOT,
                        "Windows among the top %d days: %d of %d%n",
                        TOP,
                        found,
                        windows.size()));
        sb.append(
                String.format(
                        Locale.ROOT,
                        "Marathon day %s apart from the repeated 01:00 hour: best %.2f at %s%n",
                        MARATHON,
                        race == null ? 0.0 : race.score(),
                        race == null ? "-" : race.time().toLocalTime()));
        System.out.println(sb);
    }

    private static String windowOf(List<NabLabels.Window> windows, LocalDate day) {
        for (NabLabels.Window w : windows) {
            if (!day.isBefore(w.start().toLocalDate()) && !day.isAfter(w.end().toLocalDate())) {
                return w.start().toLocalDate() + ".." + w.end().toLocalDate();
            }
        }
        return null;
    }
}
