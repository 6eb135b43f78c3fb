package dev.forestwatch.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Smoke tests of {@link NabLabels} against the shipped {@code combined_windows.json}. */
class NabLabelsTest {

    private static final NabLabels LABELS = NabLabels.load(NabLabels.defaultNabDir());

    @Test
    void corpusHas58Files7CategoriesAnd116Windows() {
        assertThat(Files.isDirectory(NabLabels.defaultNabDir())).isTrue();
        assertThat(LABELS.files()).hasSize(58);
        assertThat(LABELS.categories())
                .containsExactly(
                        "artificialNoAnomaly",
                        "artificialWithAnomaly",
                        "realAWSCloudwatch",
                        "realAdExchange",
                        "realKnownCause",
                        "realTraffic",
                        "realTweets");
        Map<String, Integer> perCategory = new TreeMap<>();
        for (String f : LABELS.files()) {
            perCategory.merge(NabLabels.category(f), 1, Integer::sum);
        }
        assertThat(perCategory)
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                "artificialNoAnomaly", 5,
                                "artificialWithAnomaly", 6,
                                "realAWSCloudwatch", 17,
                                "realAdExchange", 6,
                                "realKnownCause", 7,
                                "realTraffic", 7,
                                "realTweets", 10));
        assertThat(LABELS.windowCount()).isEqualTo(116);
        assertThat(LABELS.files().stream().filter(f -> LABELS.windowsOf(f).isEmpty()).count())
                .isEqualTo(6);
        assertThat(LABELS.windowsOf("realAWSCloudwatch/ec2_cpu_utilization_c6585a.csv")).isEmpty();
    }

    @Test
    void nycTaxiHasFiveWindows() {
        List<NabLabels.Window> w = LABELS.windowsOf("realKnownCause/nyc_taxi.csv");
        assertThat(w).hasSize(5);
        assertThat(w.get(0))
                .isEqualTo(
                        new NabLabels.Window(
                                LocalDateTime.of(2014, 10, 30, 15, 30),
                                LocalDateTime.of(2014, 11, 3, 22, 30)));
        assertThat(w.get(4).start()).isEqualTo(LocalDateTime.of(2015, 1, 24, 20, 30));
        assertThat(w.get(4).end()).isEqualTo(LocalDateTime.of(2015, 1, 29, 3, 30));
    }

    @Test
    void parsesNabWindowTimestampsAndRejectsOverlaps(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path json = dir.resolve("w.json");
        Files.writeString(
                json,
                "{\"c/f.csv\": [[\"2020-01-01 00:10:00.000000\", \"2020-01-01 00:20:00.000000\"]],"
                        + " \"c/g.csv\": []}");
        NabLabels l = NabLabels.read(json);
        assertThat(l.windowsOf("c/f.csv").get(0).start())
                .isEqualTo(LocalDateTime.of(2020, 1, 1, 0, 10));
        assertThat(l.windowsOf("c/g.csv")).isEmpty();
        assertThat(NabLabels.fileName("c/f.csv")).isEqualTo("f.csv");

        NabLabels.Window a =
                new NabLabels.Window(
                        LocalDateTime.of(2020, 1, 1, 0, 0), LocalDateTime.of(2020, 1, 1, 1, 0));
        NabLabels.Window b =
                new NabLabels.Window(
                        LocalDateTime.of(2020, 1, 1, 1, 0), LocalDateTime.of(2020, 1, 1, 2, 0));
        assertThatThrownBy(() -> NabLabels.of(Map.of("c/f.csv", List.of(a, b))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LABELS.windowsOf("nope/x.csv"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
