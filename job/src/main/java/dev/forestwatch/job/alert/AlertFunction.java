package dev.forestwatch.job.alert;

import dev.forestwatch.connectors.dynamodb.CutoffItem;
import dev.forestwatch.job.config.AlertPolicy;
import dev.forestwatch.job.config.AlertingSpec;
import dev.forestwatch.job.config.QuietPeriod;
import dev.forestwatch.job.model.Alert;
import dev.forestwatch.job.model.AlertCandidate;
import dev.forestwatch.job.result.DueTimers;
import dev.forestwatch.job.score.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns alert candidates into alerts a person on call can trust: decided deterministically in event
 * time, at most one per job, bucket, level and entity, suppressed for a while after an alert for
 * the same entity, and silent during quiet periods.
 *
 * <p>Keyed by {@link AlertKey} ({@code level|entity}). The broadcast side carries the cutoffs the
 * job recomputes; {@link #CUTOFFS} keeps, per data kind, the newest cutoff under the data kind
 * itself and a short history under {@code dataKind@computedAtMillis}. A candidate is compared with
 * the newest cutoff that was known when its bucket closed ({@code computedAtMillis <= timestamp +
 * bucket span}), falling back to the cutoff read from DynamoDB at job start, so a replay decides
 * exactly as the first run did however the two inputs interleave. The initial cutoffs are
 * checkpointed as operator state: after a restart the table holds the job's own newer cutoffs, but
 * replayed candidates still see the ones the first run started with.
 *
 * <p>Nothing is decided on arrival: candidates wait in keyed state for an event-time timer at
 * {@code max(stream timestamp, bucket end)}. When it fires, the watermark of both inputs has passed
 * that time, so every cutoff the decision may use has arrived (this assumes a cutoff's stream
 * timestamp is at most its {@code computedAtMillis}, and that an idle cutoff stream is marked idle
 * or carries watermarks; otherwise alerts wait).
 */
public class AlertFunction
        extends KeyedBroadcastProcessFunction<String, AlertCandidate, CutoffItem, Alert>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AlertFunction.class);

    /**
     * Broadcast state: key {@code dataKind} holds the newest cutoff of that data kind (by {@code
     * computedAtMillis}); keys {@code dataKind@computedAtMillis} (see {@link #historyKey}) hold the
     * last {@value #HISTORY_PER_KIND} cutoffs, which replays need to pick the cutoff valid at a
     * candidate's time. One descriptor for both keeps the wiring to a single {@code
     * broadcast(CUTOFFS)}.
     */
    public static final MapStateDescriptor<String, CutoffItem> CUTOFFS =
            new MapStateDescriptor<>(
                    "alert-cutoffs", Types.STRING, TypeInformation.of(CutoffItem.class));

    /** Cutoffs kept per data kind; recomputations are hours apart, so this spans days. */
    public static final int HISTORY_PER_KIND = 64;

    /** Alerted buckets are remembered at least this long, to catch replayed duplicates. */
    static final long MIN_RETENTION_MILLIS = Duration.ofDays(1).toMillis();

    private static final Comparator<AlertCandidate> DECISION_ORDER =
            Comparator.comparingLong(AlertCandidate::timestamp)
                    .thenComparing(
                            AlertCandidate::resultId, Comparator.nullsFirst(String::compareTo))
                    .thenComparing(Comparator.comparingDouble(AlertCandidate::score).reversed());

    private final ArrayList<AlertPolicy> policies;
    private final Severity[] minSeverities;
    private final ArrayList<QuietPeriod> quietPeriods;
    private final long suppressionMillis;
    private final long retentionMillis;
    private final HashMap<String, CutoffItem> initialCutoffs;

    /**
     * Initial cutoffs per data kind, oldest first: those of this start plus those restored from the
     * first start. A restart re-reads the table, which by then holds the job's own newer cutoffs;
     * replayed candidates must still see the cutoffs the first run saw.
     */
    private transient Map<String, List<CutoffItem>> initials;

    private transient ListState<CutoffItem> initialsState;

    /** Candidates waiting for their decision timer, by timer time. */
    private transient MapState<Long, List<AlertCandidate>> pending;

    /** Bucket timestamps this key has alerted for, with the alert id. */
    private transient MapState<Long, String> alerted;

    /** Timestamp of this key's latest alert, which starts its suppression window. */
    private transient ValueState<Long> lastAlert;

    private transient Counter alertsRaised;
    private transient Counter alertsSuppressed;
    private transient Counter alertsInQuietPeriod;
    private transient Counter alertsDuplicate;
    private transient Counter cutoffsRejected;
    private transient volatile long cutoffAgeMs;

    /**
     * Alerting as the spec says, starting from the table's cutoffs.
     *
     * @param spec policies, suppression and quiet periods
     * @param initialCutoffs newest cutoff per data kind read from the table at job start; used for
     *     a data kind until the job's own first recomputation for it applies
     */
    public AlertFunction(AlertingSpec spec, Map<String, CutoffItem> initialCutoffs) {
        this.policies = new ArrayList<>(spec.policies() == null ? List.of() : spec.policies());
        this.minSeverities = new Severity[policies.size()];
        for (int i = 0; i < policies.size(); i++) {
            minSeverities[i] = severityOf(policies.get(i).minSeverity());
        }
        this.quietPeriods =
                new ArrayList<>(spec.quietPeriods() == null ? List.of() : spec.quietPeriods());
        Duration suppression = spec.suppression() == null ? Duration.ZERO : spec.suppression();
        this.suppressionMillis = Math.max(0, suppression.toMillis());
        this.retentionMillis = Math.max(suppressionMillis, MIN_RETENTION_MILLIS);
        this.initialCutoffs = new HashMap<>();
        if (initialCutoffs != null) {
            // Only usable cutoffs: a NaN threshold would silently never alert.
            initialCutoffs.forEach(
                    (kind, item) -> {
                        if (kind != null && item != null && item.hasFiniteCutoff()) {
                            this.initialCutoffs.put(kind, item);
                        }
                    });
        }
    }

    /**
     * Wires the operator: candidates keyed by {@link AlertKey}, cutoffs broadcast with {@link
     * #CUTOFFS}, Kryo-free output type. The operator is named and has uid {@code alerts}.
     */
    public static SingleOutputStreamOperator<Alert> apply(
            DataStream<AlertCandidate> candidates,
            DataStream<CutoffItem> cutoffs,
            AlertingSpec spec,
            Map<String, CutoffItem> initialCutoffs) {
        return candidates
                .keyBy(new AlertKey(), Types.STRING)
                .connect(cutoffs.broadcast(CUTOFFS))
                .process(new AlertFunction(spec, initialCutoffs), TypeInformation.of(Alert.class))
                .name("alerts")
                .uid("alerts");
    }

    /**
     * Broadcast-state key of one cutoff in the history, e.g. {@code taxi_ridership@1768694400000}.
     */
    public static String historyKey(String dataKind, long computedAtMillis) {
        return dataKind + "@" + computedAtMillis;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        // Union: every subtask gets the whole list back, also after a change of parallelism.
        initialsState =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>(
                                        "alert-initial-cutoffs",
                                        TypeInformation.of(CutoffItem.class)));
        List<CutoffItem> known = new ArrayList<>();
        if (context.isRestored()) {
            for (CutoffItem item : initialsState.get()) {
                known.add(item);
            }
        }
        known.addAll(initialCutoffs.values());
        initials = groupInitials(known);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        initialsState.clear();
        // All subtasks hold the same list; one copy is enough for the union on restore.
        if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
            for (List<CutoffItem> items : initials.values()) {
                initialsState.addAll(items);
            }
        }
    }

    /** Per data kind, distinct by computation time, oldest first, at most the history size. */
    static Map<String, List<CutoffItem>> groupInitials(List<CutoffItem> items) {
        Map<String, Map<Long, CutoffItem>> byKind = new HashMap<>();
        for (CutoffItem item : items) {
            if (item != null && item.dataKind() != null && item.hasFiniteCutoff()) {
                // first wins: restored items come first and must not change
                byKind.computeIfAbsent(item.dataKind(), k -> new TreeMap<>())
                        .putIfAbsent(item.computedAtMillis(), item);
            }
        }
        Map<String, List<CutoffItem>> out = new HashMap<>();
        byKind.forEach(
                (kind, byTime) -> {
                    List<CutoffItem> list = new ArrayList<>(byTime.values());
                    int from = Math.max(0, list.size() - HISTORY_PER_KIND);
                    out.put(kind, new ArrayList<>(list.subList(from, list.size())));
                });
        return out;
    }

    @Override
    public void open(OpenContext openContext) {
        pending =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "alert-pending",
                                        Types.LONG,
                                        Types.LIST(TypeInformation.of(AlertCandidate.class))));
        alerted =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "alert-alerted", Types.LONG, Types.STRING));
        lastAlert =
                getRuntimeContext().getState(new ValueStateDescriptor<>("alert-last", Types.LONG));
        if (initials == null) {
            // not run by an operator that initializes function state
            initials = groupInitials(new ArrayList<>(initialCutoffs.values()));
        }
        var metrics = getRuntimeContext().getMetricGroup();
        alertsRaised = metrics.counter("alertsRaised");
        alertsSuppressed = metrics.counter("alertsSuppressed");
        alertsInQuietPeriod = metrics.counter("alertsInQuietPeriod");
        alertsDuplicate = metrics.counter("alertsDuplicate");
        cutoffsRejected = metrics.counter("cutoffsRejected");
        cutoffAgeMs = -1;
        metrics.gauge("cutoffAgeMs", (Gauge<Long>) () -> cutoffAgeMs);
    }

    @Override
    public void processElement(AlertCandidate c, ReadOnlyContext ctx, Collector<Alert> out)
            throws Exception {
        // Wait until the bucket has closed on both inputs: a cutoff computed when the bucket
        // closed may still be in flight on the broadcast side.
        long decideAt = c.timestamp() + spanMillis(c);
        Long streamTime = ctx.timestamp();
        if (streamTime != null && streamTime > decideAt) {
            decideAt = streamTime;
        }
        List<AlertCandidate> waiting = pending.get(decideAt);
        if (waiting == null) {
            waiting = new ArrayList<>();
        }
        for (AlertCandidate w : waiting) {
            if (w.timestamp() == c.timestamp() && Objects.equals(w.resultId(), c.resultId())) {
                return; // the same result twice before its decision: nothing new to decide
            }
        }
        waiting.add(c);
        pending.put(decideAt, waiting);
        // at decideAt, or at once if that is already behind the watermark (see DueTimers)
        DueTimers.register(ctx.timerService(), decideAt);
    }

    @Override
    public void processBroadcastElement(CutoffItem item, Context ctx, Collector<Alert> out)
            throws Exception {
        if (item == null || item.dataKind() == null || !item.hasFiniteCutoff()) {
            cutoffsRejected.inc();
            LOG.warn("Ignoring unusable cutoff {}", item);
            return;
        }
        BroadcastState<String, CutoffItem> state = ctx.getBroadcastState(CUTOFFS);
        String kind = item.dataKind();
        state.put(historyKey(kind, item.computedAtMillis()), item);
        CutoffItem newest = state.get(kind);
        // By computedAt, not arrival, so every subtask ends up with the same state whatever the
        // order in which parallel upstream tasks delivered the cutoffs.
        if (newest == null || item.computedAtMillis() >= newest.computedAtMillis()) {
            state.put(kind, item);
        }
        List<Map.Entry<String, CutoffItem>> history = new ArrayList<>();
        for (Map.Entry<String, CutoffItem> e : state.entries()) {
            if (isHistoryOf(e.getKey(), e.getValue(), kind)) {
                history.add(Map.entry(e.getKey(), e.getValue()));
            }
        }
        if (history.size() > HISTORY_PER_KIND) {
            history.sort(Comparator.comparingLong(e -> e.getValue().computedAtMillis()));
            for (int i = 0; i < history.size() - HISTORY_PER_KIND; i++) {
                state.remove(history.get(i).getKey());
            }
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            List<Long> behind = new ArrayList<>();
            for (Long at : pending.keys()) {
                if (at <= ctx.currentWatermark()) {
                    behind.add(at);
                }
            }
            behind.sort(null);
            for (long at : behind) {
                decideAll(at, ctx, out);
            }
            return;
        }
        decideAll(timestamp, ctx, out);
        prune(timestamp);
    }

    private void decideAll(long timestamp, OnTimerContext ctx, Collector<Alert> out)
            throws Exception {
        List<AlertCandidate> due = pending.get(timestamp);
        if (due != null) {
            pending.remove(timestamp);
            // Arrival order of equal-time candidates is not stable across replays; this is.
            List<AlertCandidate> sorted = new ArrayList<>(due);
            sorted.sort(DECISION_ORDER);
            ReadOnlyBroadcastState<String, CutoffItem> cutoffs = ctx.getBroadcastState(CUTOFFS);
            for (AlertCandidate c : sorted) {
                decide(c, cutoffs, ctx, out);
            }
        }
    }

    private void decide(
            AlertCandidate c,
            ReadOnlyBroadcastState<String, CutoffItem> cutoffs,
            OnTimerContext ctx,
            Collector<Alert> out)
            throws Exception {
        Severity severity = Severity.of(c.score());
        AlertPolicy matched = null;
        CutoffItem usedCutoff = null;
        CutoffItem cutoff = null;
        boolean cutoffLooked = false;
        for (int i = 0; i < policies.size() && matched == null; i++) {
            AlertPolicy p = policies.get(i);
            if (!levelMatches(p, c) || severity.compareTo(minSeverities[i]) < 0) {
                continue;
            }
            if (p.mode() == AlertPolicy.Mode.SCORE) {
                if (c.score() >= p.minScore()) {
                    matched = p;
                }
            } else {
                if (!cutoffLooked) {
                    cutoff = cutoffFor(cutoffs, c);
                    cutoffLooked = true;
                    if (cutoff != null) {
                        cutoffAgeMs = c.timestamp() + spanMillis(c) - cutoff.computedAtMillis();
                    }
                }
                if (cutoff != null) {
                    // Strictly greater, as the seed's Lambda did.
                    if (c.rawScore() > cutoff.scoreCutoff()) {
                        matched = p;
                        usedCutoff = cutoff;
                    }
                }
            }
        }
        if (matched == null) {
            return;
        }
        long ts = c.timestamp();
        if (alerted.contains(ts)) {
            alertsDuplicate.inc();
            return;
        }
        for (QuietPeriod q : quietPeriods) {
            if (q.contains(ts)) {
                alertsInQuietPeriod.inc();
                LOG.debug(
                        "No alert for {} at {}: quiet period {}",
                        ctx.getCurrentKey(),
                        ts,
                        q.name());
                return;
            }
        }
        Long last = lastAlert.value();
        if (last != null && suppressionMillis > 0 && ts < last + suppressionMillis) {
            alertsSuppressed.inc();
            return;
        }
        String alertId = AlertIds.of(c.jobId(), c.level(), c.entity(), ts);
        alerted.put(ts, alertId);
        if (last == null || ts > last) {
            lastAlert.update(ts);
        }
        // Forget the alert once neither de-duplication nor suppression needs it.
        ctx.timerService().registerEventTimeTimer(ts + retentionMillis);
        alertsRaised.inc();
        out.collect(alert(alertId, matched, severity, c, usedCutoff));
    }

    private static Alert alert(
            String alertId,
            AlertPolicy policy,
            Severity severity,
            AlertCandidate c,
            CutoffItem cutoff) {
        boolean byCutoff = policy.mode() == AlertPolicy.Mode.CUTOFF;
        return new Alert(
                alertId,
                c.jobId(),
                policy.name(),
                policy.mode().name().toLowerCase(Locale.ROOT),
                c.level(),
                c.entity(),
                c.resultId(),
                c.timestamp(),
                c.bucketSpanSeconds(),
                severity.label(),
                c.score(),
                c.rawScore(),
                byCutoff ? cutoff.scoreCutoff() : Double.NaN,
                byCutoff ? cutoff.updateTime() : null,
                c.probability(),
                c.topRecords() == null ? new String[0] : c.topRecords().clone(),
                c.topInfluencers() == null ? new String[0] : c.topInfluencers().clone(),
                byCutoff
                        ? AlertMessages.cutoff(severity, c, cutoff)
                        : AlertMessages.score(severity, c));
    }

    /**
     * The newest cutoff of the candidate's data kind known when its bucket closed, else the initial
     * one from the table, else null (no cutoff, no cutoff-mode alert).
     */
    CutoffItem cutoffFor(ReadOnlyBroadcastState<String, CutoffItem> state, AlertCandidate c)
            throws Exception {
        String kind = c.dataKind();
        if (kind == null) {
            return null;
        }
        long knownAt = c.timestamp() + spanMillis(c);
        CutoffItem newest = state.get(kind);
        if (newest != null && newest.computedAtMillis() <= knownAt) {
            return newest; // the usual case, without scanning the history
        }
        CutoffItem best = null;
        if (newest != null) {
            for (Map.Entry<String, CutoffItem> e : state.immutableEntries()) {
                CutoffItem item = e.getValue();
                if (isHistoryOf(e.getKey(), item, kind)
                        && item.computedAtMillis() <= knownAt
                        && (best == null || item.computedAtMillis() > best.computedAtMillis())) {
                    best = item;
                }
            }
        }
        return best != null ? best : initialFor(kind, knownAt);
    }

    /**
     * The newest initial cutoff computed by {@code knownAt}, else the oldest one: a backfill of
     * data older than every known cutoff still has the one the job started with.
     */
    private CutoffItem initialFor(String kind, long knownAt) {
        List<CutoffItem> items = initials.get(kind);
        if (items == null || items.isEmpty()) {
            return null;
        }
        CutoffItem best = items.get(0);
        for (CutoffItem item : items) {
            if (item.computedAtMillis() <= knownAt) {
                best = item;
            }
        }
        return best;
    }

    private void prune(long now) throws Exception {
        List<Long> expired = new ArrayList<>();
        for (Long ts : alerted.keys()) {
            if (ts + retentionMillis <= now) {
                expired.add(ts);
            }
        }
        for (Long ts : expired) {
            alerted.remove(ts);
        }
        Long last = lastAlert.value();
        if (last != null && last + retentionMillis <= now) {
            lastAlert.clear();
        }
    }

    private static boolean isHistoryOf(String key, CutoffItem item, String kind) {
        // The value's own data kind and time must rebuild the key, so neither the newest-cutoff
        // entries nor another kind whose name starts with this one ever count as history.
        return item != null
                && kind.equals(item.dataKind())
                && key.equals(historyKey(kind, item.computedAtMillis()));
    }

    static boolean levelMatches(AlertPolicy p, AlertCandidate c) {
        return p.level() != null && p.level().name().equalsIgnoreCase(c.level());
    }

    private static long spanMillis(AlertCandidate c) {
        return Math.max(0, c.bucketSpanSeconds()) * 1000L;
    }

    static Severity severityOf(String label) {
        if (label == null || label.isBlank()) {
            return Severity.WARNING;
        }
        return Severity.valueOf(label.trim().toUpperCase(Locale.ROOT));
    }

    // Test hooks: the harness's metric group does not let tests read counters back.

    long raisedCount() {
        return alertsRaised.getCount();
    }

    long suppressedCount() {
        return alertsSuppressed.getCount();
    }

    long quietCount() {
        return alertsInQuietPeriod.getCount();
    }

    long duplicateCount() {
        return alertsDuplicate.getCount();
    }

    long cutoffAgeMs() {
        return cutoffAgeMs;
    }
}
