package dev.forestwatch.connectors.datagen;

import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeinfo.BasicArrayTypeInfo;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Reproducible synthetic web-server metrics for demos and tests.
 *
 * <p>Every event is one JSON object:
 *
 * <pre>{@code
 * {"timestamp":"2024-03-04T10:15:02.317Z","host":"web-02","region":"us","latency_ms":81.27,
 *  "status":200,"user":"u57","seq":615}
 * }</pre>
 *
 * <p>{@code seq} is the generator step that produced the event. Hosts are {@code web-01} to {@code
 * web-NN} ({@code region} alternates {@code eu}, {@code us}). Host {@code i} (0-based) has a base
 * latency of {@code 60 + 15 i} ms, shaped by a daily curve ({@code 1 + 0.35 sin(2π(h - 8)/24)} for
 * UTC hour {@code h}: peak at 14:00, trough at 02:00), a weekend effect (Saturday and Sunday carry
 * 60% of the traffic at 90% of the latency) and about 10% multiplicative gaussian noise per event.
 * Per host and step the number of events is Poisson-distributed around {@code eventsPerStep x daily
 * x weekly}; about 1% of events have status 500; each host has its own pool of 50 users.
 *
 * <p>All randomness of one (step, host) pair comes from a {@link SplittableRandom} seeded from
 * (seed, step, host), so any step can be generated on its own, by any reader, after any restart,
 * with identical output.
 *
 * <p>When anomalies are enabled (and there are at least 4 hosts) the generator injects the ones
 * {@link #anomalies} lists: a latency spike on web-02 (x4 for 20 minutes at 62% of the run), a dip
 * on web-03 (x0.3 for 30 minutes at 70%), a level shift on web-04 (x1.8 from 78% to the end) and a
 * silence of web-01 (no events for 2 hours at 86%). All of them fall after 55% of the run, so a
 * detector has seen enough normal history first.
 */
public final class SyntheticMetrics {
    /** Anomalies start after this fraction of the run at the earliest. */
    static final double MIN_ANOMALY_FRACTION = 0.55;

    private static final long MINUTE = 60_000L;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;
    private static final int USERS_PER_HOST = 50;
    private static final double ERROR_RATE = 0.01;
    private static final double NOISE_SD = 0.10;
    private static final double WEEKEND_TRAFFIC = 0.6;
    private static final double WEEKEND_LATENCY = 0.9;

    private SyntheticMetrics() {}

    /**
     * A bounded source emitting, per generator step, the JSON lines of all events of that step in
     * timestamp order; split them with {@link SyntheticBatchSplitter}.
     *
     * @param spec the generator settings
     */
    public static DataGeneratorSource<String[]> source(SyntheticSpec spec) {
        return new DataGeneratorSource<>(
                new StepGenerator(spec), spec.steps(), BasicArrayTypeInfo.STRING_ARRAY_TYPE_INFO);
    }

    /**
     * The anomalies the generator injects for this spec: exactly the windows {@link StepGenerator}
     * applies. Empty when anomalies are disabled or there are fewer than 4 hosts.
     *
     * <p>Start times are rounded down to a whole UTC hour; for runs so short that this would move
     * an anomaly before 55% of the run, they are rounded down to a whole step instead. Windows are
     * cut at the end of the run.
     *
     * @param spec the generator settings
     */
    public static List<InjectedAnomaly> anomalies(SyntheticSpec spec) {
        validate(spec);
        if (!spec.injectAnomalies() || spec.entities() < 4) {
            return List.of();
        }
        long end = spec.start().toEpochMilli() + spec.duration().toMillis();
        long spike = anomalyStart(spec, 0.62);
        long dip = anomalyStart(spec, 0.70);
        long shift = anomalyStart(spec, 0.78);
        long silence = anomalyStart(spec, 0.86);
        return List.of(
                new InjectedAnomaly(
                        "spike", hostName(1), spike, Math.min(spike + 20 * MINUTE, end)),
                new InjectedAnomaly("dip", hostName(2), dip, Math.min(dip + 30 * MINUTE, end)),
                new InjectedAnomaly("level_shift", hostName(3), shift, end),
                new InjectedAnomaly(
                        "silence", hostName(0), silence, Math.min(silence + 2 * HOUR, end)));
    }

    /** The name of host {@code index} (0-based): web-01, web-02, ... */
    public static String hostName(int index) {
        return String.format("web-%02d", index + 1);
    }

    /** Throws {@link IllegalArgumentException} unless the spec can be generated. */
    static void validate(SyntheticSpec spec) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(spec.start(), "spec.start");
        Objects.requireNonNull(spec.duration(), "spec.duration");
        Objects.requireNonNull(spec.step(), "spec.step");
        if (spec.entities() < 1) {
            throw new IllegalArgumentException("entities must be >= 1: " + spec.entities());
        }
        if (spec.step().toMillis() <= 0) {
            throw new IllegalArgumentException("step must be at least 1 ms: " + spec.step());
        }
        if (spec.duration().toMillis() < spec.step().toMillis()) {
            throw new IllegalArgumentException(
                    "duration " + spec.duration() + " is shorter than one step " + spec.step());
        }
        if (!(spec.eventsPerStep() >= 0) || Double.isInfinite(spec.eventsPerStep())) {
            throw new IllegalArgumentException(
                    "eventsPerStep must be finite and >= 0: " + spec.eventsPerStep());
        }
    }

    private static long anomalyStart(SyntheticSpec spec, double fraction) {
        long start = spec.start().toEpochMilli();
        long duration = spec.duration().toMillis();
        long at = start + (long) (duration * fraction);
        long hourAligned = Math.floorDiv(at, HOUR) * HOUR;
        if (hourAligned >= start + (long) (duration * MIN_ANOMALY_FRACTION)) {
            return hourAligned;
        }
        long step = spec.step().toMillis();
        return start + Math.floorDiv(at - start, step) * step;
    }

    /** Daily factor for latency and traffic: peak at 14:00 UTC, trough at 02:00 UTC. */
    static double dailyFactor(long epochMillis) {
        double hourOfDay = Math.floorMod(epochMillis, DAY) / (double) HOUR;
        return 1 + 0.35 * Math.sin(2 * Math.PI * (hourOfDay - 8) / 24);
    }

    /** Whether the UTC day of this instant is a Saturday or Sunday. */
    static boolean isWeekend(long epochMillis) {
        // 1970-01-01 was a Thursday: with Monday = 0 it is day 3 of its week.
        long dayOfWeek = Math.floorMod(Math.floorDiv(epochMillis, DAY) + 3, 7);
        return dayOfWeek >= 5;
    }

    /** Seed for the draws of one (step, host) pair; SplitMix64 mixing decorrelates neighbours. */
    static long seedFor(long seed, long step, int host) {
        long h = mix64(seed);
        h = mix64(h ^ (step * 0x9E3779B97F4A7C15L));
        h = mix64(h ^ ((host + 1L) * 0xC2B2AE3D27D4EB4FL));
        return h;
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Poisson draw: exact (Knuth) for small means, rounded normal approximation for large. */
    static int poisson(SplittableRandom random, double mean) {
        if (mean <= 0) {
            return 0;
        }
        if (mean < 30) {
            double limit = Math.exp(-mean);
            double product = random.nextDouble();
            int count = 0;
            while (product > limit) {
                count++;
                product *= random.nextDouble();
            }
            return count;
        }
        long draw = Math.round(mean + Math.sqrt(mean) * random.nextGaussian());
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, draw));
    }

    /**
     * Generates the events of one step; the input of {@link #map} is the step index.
     *
     * <p>Serializable and stateless apart from values derived from the spec, so it can be shipped
     * to any number of parallel readers.
     */
    public static final class StepGenerator implements GeneratorFunction<Long, String[]> {
        private static final long serialVersionUID = 1L;
        private static final DateTimeFormatter TIMESTAMP =
                DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
                        .withZone(ZoneOffset.UTC);

        private final SyntheticSpec spec;
        private final Effect[] effects;
        // Precomputed: formatting a name per event would dominate the generation cost.
        private final String[] hostNames;

        /**
         * A generator for the given spec.
         *
         * @param spec the generator settings
         */
        public StepGenerator(SyntheticSpec spec) {
            validate(spec);
            this.spec = spec;
            this.hostNames = new String[spec.entities()];
            for (int i = 0; i < hostNames.length; i++) {
                hostNames[i] = hostName(i);
            }
            List<InjectedAnomaly> anomalies = anomalies(spec);
            this.effects = new Effect[anomalies.size()];
            for (int i = 0; i < effects.length; i++) {
                effects[i] = Effect.of(anomalies.get(i), spec.entities());
            }
        }

        /**
         * The JSON lines of all events of one step, across hosts, in timestamp order.
         *
         * @param step the step index, from 0 to {@code spec.steps() - 1}
         */
        @Override
        public String[] map(Long step) {
            long stepMillis = spec.step().toMillis();
            long stepStart = spec.start().toEpochMilli() + step * stepMillis;
            long stepMiddle = stepStart + stepMillis / 2;
            double rate =
                    spec.eventsPerStep()
                            * dailyFactor(stepMiddle)
                            * (isWeekend(stepMiddle) ? WEEKEND_TRAFFIC : 1.0);

            List<Event> events = new ArrayList<>();
            for (int host = 0; host < spec.entities(); host++) {
                generateHost(step, host, stepStart, stepMillis, rate, events);
            }
            // Stable sort: equal timestamps keep host order, then generation order.
            events.sort(Comparator.comparingLong(Event::timestamp));

            String[] lines = new String[events.size()];
            for (int i = 0; i < lines.length; i++) {
                lines[i] = toJson(events.get(i), step);
            }
            return lines;
        }

        private void generateHost(
                long step,
                int host,
                long stepStart,
                long stepMillis,
                double rate,
                List<Event> target) {
            // The draw order below is part of the output format: changing it changes every event.
            SplittableRandom random = new SplittableRandom(seedFor(spec.seed(), step, host));
            int count = poisson(random, rate);
            long[] offsets = new long[count];
            for (int i = 0; i < count; i++) {
                offsets[i] = random.nextLong(stepMillis);
            }
            Arrays.sort(offsets);
            double baseLatency = 60 + 15.0 * host;
            for (int i = 0; i < count; i++) {
                long timestamp = stepStart + offsets[i];
                double noise = Math.max(0.2, 1 + NOISE_SD * random.nextGaussian());
                boolean error = random.nextDouble() < ERROR_RATE;
                int user = host * USERS_PER_HOST + random.nextInt(USERS_PER_HOST);
                double latency =
                        baseLatency
                                * dailyFactor(timestamp)
                                * (isWeekend(timestamp) ? WEEKEND_LATENCY : 1.0)
                                * noise;
                boolean silenced = false;
                for (Effect effect : effects) {
                    if (effect.applies(host, timestamp)) {
                        if (effect.silence) {
                            silenced = true;
                        } else {
                            latency *= effect.factor;
                        }
                    }
                }
                if (!silenced) {
                    target.add(new Event(timestamp, host, latency, error ? 500 : 200, user));
                }
            }
        }

        private String toJson(Event event, long step) {
            StringBuilder json = new StringBuilder(160);
            json.append("{\"timestamp\":\"")
                    .append(TIMESTAMP.format(Instant.ofEpochMilli(event.timestamp)))
                    .append("\",\"host\":\"")
                    .append(hostNames[event.host])
                    .append("\",\"region\":\"")
                    .append(event.host % 2 == 0 ? "eu" : "us")
                    .append("\",\"latency_ms\":");
            appendTwoDecimals(json, event.latency);
            json.append(",\"status\":")
                    .append(event.status)
                    .append(",\"user\":\"u")
                    .append(event.user)
                    .append("\",\"seq\":")
                    .append(step)
                    .append('}');
            return json.toString();
        }

        /** Always two decimals and never exponent notation (which Double.toString may use). */
        private static void appendTwoDecimals(StringBuilder target, double value) {
            long cents = Math.round(value * 100);
            target.append(cents / 100).append('.');
            long fraction = cents % 100;
            if (fraction < 10) {
                target.append('0');
            }
            target.append(fraction);
        }
    }

    /** One generated event before rendering. */
    private record Event(long timestamp, int host, double latency, int status, int user) {}

    /** An injected anomaly resolved to a host index and a latency factor. */
    private record Effect(int host, long start, long end, double factor, boolean silence)
            implements Serializable {

        static Effect of(InjectedAnomaly anomaly, int entities) {
            int host = -1;
            for (int i = 0; i < entities; i++) {
                if (hostName(i).equals(anomaly.entity())) {
                    host = i;
                }
            }
            return switch (anomaly.kind()) {
                case "spike" ->
                        new Effect(host, anomaly.startMillis(), anomaly.endMillis(), 4.0, false);
                case "dip" ->
                        new Effect(host, anomaly.startMillis(), anomaly.endMillis(), 0.3, false);
                case "level_shift" ->
                        new Effect(host, anomaly.startMillis(), anomaly.endMillis(), 1.8, false);
                case "silence" ->
                        new Effect(host, anomaly.startMillis(), anomaly.endMillis(), 0.0, true);
                default -> throw new IllegalStateException("unknown anomaly " + anomaly.kind());
            };
        }

        boolean applies(int eventHost, long timestamp) {
            return eventHost == host && timestamp >= start && timestamp < end;
        }
    }
}
