package dev.forestwatch.bench;

import dev.forestwatch.connectors.raw.RawEvent;
import dev.forestwatch.job.model.Alert;
import dev.forestwatch.job.model.RecordResult;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Test-only operators that observe the production pipeline without changing what it computes. They
 * report through static fields: the MiniCluster runs in the benchmark's JVM, so the benchmark reads
 * them directly. One benchmark run at a time; {@link #reset()} between runs.
 */
final class BenchProbes {
    /** {@link System#nanoTime()} of the first event the source emitted, 0 before. */
    static final AtomicLong firstEventNanos = new AtomicLong();

    /** Records that reached the (discarding) records sink. */
    static final AtomicLong records = new AtomicLong();

    /** {@link System#nanoTime()} when the latest record reached the sink. */
    static final AtomicLong lastRecordNanos = new AtomicLong();

    /**
     * Records with a timestamp at or after this are the steady-state part of a throughput run
     * (forests full); {@link Long#MAX_VALUE} when not measuring one.
     */
    static volatile long steadyFromMillis = Long.MAX_VALUE;

    /** nanoTime and process CPU time when the first steady-state record reached the sink. */
    static final AtomicLong steadyStartNanos = new AtomicLong();

    static final AtomicLong steadyStartCpuNanos = new AtomicLong();

    /** Steady-state records, and the process CPU time at the latest of them (sampled). */
    static final AtomicLong steadyRecords = new AtomicLong();

    static final AtomicLong steadyLastCpuNanos = new AtomicLong();

    /** Bucket start → nanoTime when the watermark first passed that bucket's end. */
    static final Map<Long, Long> bucketClosedNanos = new ConcurrentHashMap<>();

    /** One alert seen leaving the alert operator: its bucket, level and when. */
    record AlertSeen(long bucket, String level, long nanos) {}

    static final Queue<AlertSeen> alerts = new ConcurrentLinkedQueue<>();

    private BenchProbes() {}

    static void reset() {
        firstEventNanos.set(0);
        records.set(0);
        lastRecordNanos.set(0);
        steadyStartNanos.set(0);
        steadyStartCpuNanos.set(0);
        steadyRecords.set(0);
        steadyLastCpuNanos.set(0);
        bucketClosedNanos.clear();
        alerts.clear();
    }

    /** Stamps the time of the first event (chained right after the source). */
    static final class FirstEventStamp implements MapFunction<RawEvent, RawEvent> {
        @Override
        public RawEvent map(RawEvent e) {
            if (firstEventNanos.get() == 0) {
                firstEventNanos.compareAndSet(0, System.nanoTime());
            }
            return e;
        }
    }

    /** Counts records and stamps the last one (in front of a discarding sink). */
    static final class RecordCounter implements MapFunction<RecordResult, RecordResult> {
        @Override
        public RecordResult map(RecordResult r) {
            records.incrementAndGet();
            long now = System.nanoTime();
            lastRecordNanos.set(now);
            if (r.timestamp() >= steadyFromMillis) {
                long n = steadyRecords.incrementAndGet();
                if (n == 1) {
                    steadyStartNanos.set(now);
                    steadyStartCpuNanos.set(processCpuNanos());
                } else if (n % 256 == 0) {
                    steadyLastCpuNanos.set(processCpuNanos());
                }
            }
            return r;
        }
    }

    /** CPU time of the whole JVM (every thread: tasks, GC, JIT), nanoseconds. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Stamps each alert as it leaves the alert operator (chained to it, same thread). */
    static final class AlertStamp implements MapFunction<Alert, Alert> {
        @Override
        public Alert map(Alert a) {
            alerts.add(new AlertSeen(a.timestamp(), a.level(), System.nanoTime()));
            return a;
        }
    }

    /**
     * Sees the same watermarks as the pipeline's parser (both are chained behind the source's
     * watermark assigner) and notes when each bucket closes: the bucket scorer's timer for a bucket
     * {@code [b, b + span)} fires once the watermark reaches {@code b + span - 1} (no lateness).
     */
    static final class WatermarkObserver extends AbstractStreamOperator<Long>
            implements OneInputStreamOperator<RawEvent, Long> {
        private final long spanMillis;
        private long nextBucket = Long.MIN_VALUE;

        WatermarkObserver(long spanMillis) {
            this.spanMillis = spanMillis;
        }

        @Override
        public void processElement(StreamRecord<RawEvent> element) {
            if (nextBucket == Long.MIN_VALUE && element.hasTimestamp()) {
                long t = element.getTimestamp();
                nextBucket = t - Math.floorMod(t, spanMillis);
            }
        }

        @Override
        public void processWatermark(Watermark mark) throws Exception {
            long now = System.nanoTime();
            if (nextBucket != Long.MIN_VALUE && mark.getTimestamp() < Long.MAX_VALUE) {
                while (nextBucket + spanMillis - 1 <= mark.getTimestamp()) {
                    bucketClosedNanos.putIfAbsent(nextBucket, now);
                    nextBucket += spanMillis;
                }
            }
            super.processWatermark(mark);
        }
    }

    /** Emits nothing and never ends: keeps a job (and its state) alive after a bounded input. */
    static final class KeepAlive implements SourceFunction<RawEvent> {
        private volatile boolean running = true;

        @Override
        public void run(SourceContext<RawEvent> ctx) throws Exception {
            while (running) {
                Thread.sleep(50);
            }
        }

        @Override
        public void cancel() {
            running = false;
        }
    }

    /**
     * Live input for the latency run: every {@code periodMillis}, one JSON event per series stamped
     * with the wall clock, until cancelled.
     */
    static final class RealTimeEvents implements SourceFunction<RawEvent> {
        private final int series;
        private final long periodMillis;
        private volatile boolean running = true;

        RealTimeEvents(int series, long periodMillis) {
            this.series = series;
            this.periodMillis = periodMillis;
        }

        @Override
        public void run(SourceContext<RawEvent> ctx) throws Exception {
            java.util.Random random = new java.util.Random(11);
            long n = 0;
            long next = System.currentTimeMillis();
            while (running) {
                long now = System.currentTimeMillis();
                synchronized (ctx.getCheckpointLock()) {
                    for (int s = 0; s < series; s++) {
                        String json =
                                String.format(
                                        Locale.ROOT,
                                        "{\"timestamp\":%d,\"series\":\"%s\",\"value\":%.3f}",
                                        now,
                                        BenchData.seriesName(s),
                                        100 + 10 * (s % 7) + 5 * random.nextGaussian());
                        ctx.collect(RawEvent.json(json, "bench:" + n++));
                    }
                }
                next += periodMillis;
                long sleep = next - System.currentTimeMillis();
                if (sleep > 0) {
                    Thread.sleep(sleep);
                }
            }
        }

        @Override
        public void cancel() {
            running = false;
        }
    }
}
