package dev.forestwatch.connectors.datagen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks the generator's output directly, one week of one-minute steps for six hosts. */
class SyntheticMetricsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant MONDAY = Instant.parse("2024-03-04T00:00:00Z");
    private static final long HOUR = 3_600_000L;
    private static final SyntheticSpec WEEK =
            new SyntheticSpec(42, 6, MONDAY, Duration.ofDays(7), Duration.ofMinutes(1), 4, true);

    private static List<String[]> steps;
    private static List<Event> events;

    private record Event(
            long timestamp,
            String host,
            String region,
            double latency,
            int status,
            String user,
            long seq) {}

    @BeforeAll
    static void generateWeek() throws Exception {
        SyntheticMetrics.StepGenerator generator = new SyntheticMetrics.StepGenerator(WEEK);
        steps = new ArrayList<>();
        events = new ArrayList<>();
        for (long step = 0; step < WEEK.steps(); step++) {
            String[] lines = generator.map(step);
            steps.add(lines);
            for (String line : lines) {
                events.add(parse(line));
            }
        }
    }

    @Test
    void stepCountFollowsSpec() {
        assertThat(WEEK.steps()).isEqualTo(7 * 24 * 60);
        assertThat(steps).hasSize(7 * 24 * 60);
        // About 4 events per host and minute, less at night and at the weekend.
        assertThat(events.size()).isBetween(150_000, 250_000);
    }

    @Test
    void sameSpecGivesIdenticalStepsInAnyOrderAndAfterSerialization() throws Exception {
        SyntheticMetrics.StepGenerator fresh = new SyntheticMetrics.StepGenerator(WEEK);
        SyntheticMetrics.StepGenerator shipped = InstantiationUtil.clone(fresh);
        for (long step : new long[] {9000, 0, 4321, WEEK.steps() - 1}) {
            assertThat(fresh.map(step)).containsExactly(steps.get((int) step));
            assertThat(shipped.map(step)).containsExactly(steps.get((int) step));
        }
    }

    @Test
    void differentSeedGivesDifferentEvents() {
        SyntheticSpec other =
                new SyntheticSpec(
                        43, 6, MONDAY, Duration.ofDays(7), Duration.ofMinutes(1), 4, true);
        SyntheticMetrics.StepGenerator generator = new SyntheticMetrics.StepGenerator(other);
        int same = 0;
        for (long step = 0; step < 50; step++) {
            if (List.of(generator.map(step)).equals(List.of(steps.get((int) step)))) {
                same++;
            }
        }
        assertThat(same).isZero();
    }

    @Test
    void eventsHaveTheDocumentedShape() throws Exception {
        Pattern timestamp = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        Pattern latency = Pattern.compile("\"latency_ms\":\\d+\\.\\d{2},");
        for (int s = 0; s < 200; s++) {
            for (String line : steps.get(s)) {
                JsonNode node = JSON.readTree(line);
                assertThat(node.fieldNames())
                        .toIterable()
                        .containsExactly(
                                "timestamp",
                                "host",
                                "region",
                                "latency_ms",
                                "status",
                                "user",
                                "seq");
                assertThat(node.get("timestamp").asText()).matches(timestamp);
                assertThat(line).containsPattern(latency);
                assertThat(node.get("latency_ms").isNumber()).isTrue();
                assertThat(node.get("seq").asLong()).isEqualTo(s);
            }
        }
        for (Event e : events) {
            int index = Integer.parseInt(e.host().substring(4)) - 1;
            assertThat(e.host()).matches("web-0[1-6]");
            assertThat(e.region()).isEqualTo(index % 2 == 0 ? "eu" : "us");
            assertThat(e.status()).isIn(200, 500);
            assertThat(e.latency()).isPositive();
        }
    }

    @Test
    void timestampsIncreaseAndStayInsideTheRun() {
        long start = MONDAY.toEpochMilli();
        long end = start + Duration.ofDays(7).toMillis();
        long previous = Long.MIN_VALUE;
        for (Event e : events) {
            assertThat(e.timestamp()).isGreaterThanOrEqualTo(previous).isBetween(start, end - 1);
            long stepStart = start + e.seq() * 60_000L;
            assertThat(e.timestamp()).isBetween(stepStart, stepStart + 59_999);
            previous = e.timestamp();
        }
    }

    @Test
    void countsPerHostAndStepVary() {
        Map<String, Integer> counts = new HashMap<>();
        for (Event e : events) {
            counts.merge(e.host() + "/" + e.seq(), 1, Integer::sum);
        }
        assertThat(new HashSet<>(counts.values()).size()).isGreaterThan(5);
    }

    @Test
    void errorsAreRareAndUsersComeFromAPoolPerHost() {
        long errors = events.stream().filter(e -> e.status() == 500).count();
        assertThat(errors / (double) events.size()).isBetween(0.005, 0.02);
        Map<String, Set<String>> users = new HashMap<>();
        for (Event e : events) {
            users.computeIfAbsent(e.host(), h -> new HashSet<>()).add(e.user());
        }
        assertThat(users).hasSize(6);
        users.values().forEach(pool -> assertThat(pool).hasSize(50));
        assertThat(users.get("web-01")).doesNotContainAnyElementsOf(users.get("web-02"));
    }

    @Test
    void dailySeasonalityIsVisible() {
        // web-06 carries no anomaly; first three days are weekdays.
        Predicate<Event> firstDays =
                e -> e.host().equals("web-06") && e.timestamp() < MONDAY.toEpochMilli() + 72 * HOUR;
        double midday = mean(events, firstDays.and(e -> hourOfDay(e) >= 12 && hourOfDay(e) < 16));
        double night = mean(events, firstDays.and(e -> hourOfDay(e) < 4));
        assertThat(midday).isGreaterThan(1.5 * night);
        long middayCount =
                events.stream()
                        .filter(firstDays.and(e -> hourOfDay(e) >= 12 && hourOfDay(e) < 16))
                        .count();
        long nightCount = events.stream().filter(firstDays.and(e -> hourOfDay(e) < 4)).count();
        assertThat(middayCount).isGreaterThan(nightCount * 3 / 2);
    }

    @Test
    void weekendsHaveLessTrafficAndLowerLatency() {
        Predicate<Event> host = e -> e.host().equals("web-05");
        Predicate<Event> weekend =
                e ->
                        Instant.ofEpochMilli(e.timestamp())
                                        .atZone(ZoneOffset.UTC)
                                        .getDayOfWeek()
                                        .getValue()
                                >= 6;
        long weekdayCount = events.stream().filter(host.and(weekend.negate())).count();
        long weekendCount = events.stream().filter(host.and(weekend)).count();
        assertThat(weekendCount / 2.0).isLessThan(0.75 * weekdayCount / 5.0);
        assertThat(mean(events, host.and(weekend)))
                .isLessThan(0.95 * mean(events, host.and(weekend.negate())));
    }

    @Test
    void anomaliesAreListedAlignedAndLate() {
        List<InjectedAnomaly> anomalies = SyntheticMetrics.anomalies(WEEK);
        long start = MONDAY.toEpochMilli();
        long end = start + Duration.ofDays(7).toMillis();

        assertThat(anomalies)
                .extracting(InjectedAnomaly::kind, InjectedAnomaly::entity)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("spike", "web-02"),
                        org.assertj.core.groups.Tuple.tuple("dip", "web-03"),
                        org.assertj.core.groups.Tuple.tuple("level_shift", "web-04"),
                        org.assertj.core.groups.Tuple.tuple("silence", "web-01"));
        for (InjectedAnomaly a : anomalies) {
            assertThat(a.startMillis() % HOUR).isZero();
            assertThat(a.startMillis())
                    .isGreaterThanOrEqualTo(start + (long) (0.55 * (end - start)));
            assertThat(a.endMillis()).isLessThanOrEqualTo(end).isGreaterThan(a.startMillis());
        }
        // 62% of 168 h = 104.16 h, floored to 104 h; and so on.
        assertThat(anomalies.get(0).startMillis()).isEqualTo(start + 104 * HOUR);
        assertThat(anomalies.get(0).endMillis()).isEqualTo(start + 104 * HOUR + 20 * 60_000L);
        assertThat(anomalies.get(1).startMillis()).isEqualTo(start + 117 * HOUR);
        assertThat(anomalies.get(1).endMillis() - anomalies.get(1).startMillis())
                .isEqualTo(30 * 60_000L);
        assertThat(anomalies.get(2).startMillis()).isEqualTo(start + 131 * HOUR);
        assertThat(anomalies.get(2).endMillis()).isEqualTo(end);
        assertThat(anomalies.get(3).startMillis()).isEqualTo(start + 144 * HOUR);
        assertThat(anomalies.get(3).endMillis()).isEqualTo(start + 146 * HOUR);
    }

    @Test
    void spikeMultipliesLatency() {
        InjectedAnomaly spike = SyntheticMetrics.anomalies(WEEK).get(0);
        double during = mean(events, in("web-02", spike.startMillis(), spike.endMillis()));
        double before = mean(events, in("web-02", spike.startMillis() - HOUR, spike.startMillis()));
        assertThat(during).isGreaterThan(3 * before);
    }

    @Test
    void dipLowersLatency() {
        InjectedAnomaly dip = SyntheticMetrics.anomalies(WEEK).get(1);
        double during = mean(events, in("web-03", dip.startMillis(), dip.endMillis()));
        double before = mean(events, in("web-03", dip.startMillis() - HOUR, dip.startMillis()));
        assertThat(during).isLessThan(0.5 * before);
    }

    @Test
    void levelShiftPersistsToTheEnd() {
        InjectedAnomaly shift = SyntheticMetrics.anomalies(WEEK).get(2);
        // Compare with web-06 at the same times, which cancels the seasonal effects.
        long from = shift.startMillis() - 24 * HOUR;
        double before =
                mean(events, in("web-04", from, shift.startMillis()))
                        / mean(events, in("web-06", from, shift.startMillis()));
        for (long block = shift.startMillis(); block < shift.endMillis(); block += 6 * HOUR) {
            long to = Math.min(block + 6 * HOUR, shift.endMillis());
            double after =
                    mean(events, in("web-04", block, to)) / mean(events, in("web-06", block, to));
            assertThat(after / before)
                    .as("block at %s", Instant.ofEpochMilli(block))
                    .isGreaterThan(1.5);
        }
    }

    @Test
    void silenceHasNoEventsForThatHostOnly() {
        InjectedAnomaly silence = SyntheticMetrics.anomalies(WEEK).get(3);
        long from = silence.startMillis();
        long to = silence.endMillis();
        assertThat(events.stream().filter(in("web-01", from, to))).isEmpty();
        assertThat(events.stream().filter(in("web-01", from - HOUR, from))).isNotEmpty();
        assertThat(events.stream().filter(in("web-01", to, to + HOUR))).isNotEmpty();
        assertThat(events.stream().filter(in("web-02", from, to))).isNotEmpty();
    }

    /**
     * Every difference between the runs with and without anomalies lies inside a listed window of
     * the right host, and every listed anomaly causes differences: the list is exactly the effect.
     */
    @Test
    void anomalyListMatchesTheEffectExactly() throws Exception {
        SyntheticSpec clean =
                new SyntheticSpec(
                        42, 6, MONDAY, Duration.ofDays(7), Duration.ofMinutes(1), 4, false);
        assertThat(SyntheticMetrics.anomalies(clean)).isEmpty();
        SyntheticMetrics.StepGenerator cleanGenerator = new SyntheticMetrics.StepGenerator(clean);
        List<InjectedAnomaly> anomalies = SyntheticMetrics.anomalies(WEEK);
        Set<InjectedAnomaly> seen = new HashSet<>();
        for (long step = 0; step < WEEK.steps(); step++) {
            Set<String> withAnomalies = new HashSet<>(List.of(steps.get((int) step)));
            Set<String> without = new HashSet<>(List.of(cleanGenerator.map(step)));
            Set<String> changed = new HashSet<>(withAnomalies);
            changed.addAll(without);
            Set<String> common = new HashSet<>(withAnomalies);
            common.retainAll(without);
            changed.removeAll(common);
            for (String line : changed) {
                Event e = parse(line);
                InjectedAnomaly cause =
                        anomalies.stream()
                                .filter(
                                        a ->
                                                a.entity().equals(e.host())
                                                        && a.overlaps(
                                                                e.timestamp(), e.timestamp() + 1))
                                .findFirst()
                                .orElse(null);
                assertThat(cause).as("unexplained difference %s", line).isNotNull();
                seen.add(cause);
            }
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(anomalies);
    }

    @Test
    void noAnomaliesWithFewerThanFourHosts() {
        SyntheticSpec three =
                new SyntheticSpec(1, 3, MONDAY, Duration.ofDays(7), Duration.ofMinutes(1), 4, true);
        assertThat(SyntheticMetrics.anomalies(three)).isEmpty();
    }

    @Test
    void shortRunsAlignAnomaliesToStepsInstead() {
        SyntheticSpec shortRun =
                new SyntheticSpec(
                        1, 4, MONDAY, Duration.ofHours(6), Duration.ofMinutes(5), 2, true);
        long start = MONDAY.toEpochMilli();
        long end = start + 6 * HOUR;
        for (InjectedAnomaly a : SyntheticMetrics.anomalies(shortRun)) {
            assertThat(a.startMillis()).isGreaterThanOrEqualTo(start + (long) (0.55 * 6 * HOUR));
            assertThat((a.startMillis() - start) % (5 * 60_000L)).isZero();
            assertThat(a.endMillis()).isLessThanOrEqualTo(end);
        }
    }

    @Test
    void rejectsUnusableSpecs() {
        assertThatThrownBy(
                        () ->
                                SyntheticMetrics.source(
                                        new SyntheticSpec(
                                                1,
                                                0,
                                                MONDAY,
                                                Duration.ofDays(1),
                                                Duration.ofMinutes(1),
                                                4,
                                                true)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("entities");
        assertThatThrownBy(
                        () ->
                                SyntheticMetrics.source(
                                        new SyntheticSpec(
                                                1,
                                                2,
                                                MONDAY,
                                                Duration.ofSeconds(1),
                                                Duration.ofMinutes(1),
                                                4,
                                                true)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shorter than one step");
    }

    @Test
    void splitterUsesTheStepAsOrigin() {
        assertThat(SyntheticBatchSplitter.origin(steps.get(77)[0])).isEqualTo("datagen:step=77");
        assertThat(SyntheticBatchSplitter.origin("{\"a\":1}")).isEqualTo("datagen");
    }

    private static Predicate<Event> in(String host, long from, long to) {
        return e -> e.host().equals(host) && e.timestamp() >= from && e.timestamp() < to;
    }

    private static double mean(List<Event> all, Predicate<Event> filter) {
        return all.stream().filter(filter).mapToDouble(Event::latency).average().orElseThrow();
    }

    private static int hourOfDay(Event e) {
        return Instant.ofEpochMilli(e.timestamp()).atZone(ZoneOffset.UTC).getHour();
    }

    private static Event parse(String line) throws Exception {
        JsonNode node = JSON.readTree(line);
        return new Event(
                Instant.parse(node.get("timestamp").asText()).toEpochMilli(),
                node.get("host").asText(),
                node.get("region").asText(),
                node.get("latency_ms").asDouble(),
                node.get("status").asInt(),
                node.get("user").asText(),
                node.get("seq").asLong());
    }
}
