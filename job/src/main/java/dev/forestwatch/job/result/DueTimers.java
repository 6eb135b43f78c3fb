package dev.forestwatch.job.result;

import org.apache.flink.streaming.api.TimerService;

/**
 * Timers for work due at an event time that may already lie behind the operator's watermark.
 *
 * <p>Results reach a keyed operator behind its watermark when every source subtask went idle and
 * the upstream subtasks came back active in a different order: one subtask's watermark arrives
 * before another's results. An event-time timer at or before the watermark only fires when the
 * watermark moves again, which on a quiet stream may be never; such work gets a processing-time
 * timer that fires right away instead, and the operator's processing-time {@code onTimer} does
 * everything the watermark has passed.
 */
public final class DueTimers {
    private DueTimers() {}

    /**
     * Registers the timer for work due at {@code at}.
     *
     * @return true if {@code at} was behind the watermark (a processing-time timer was set)
     */
    public static boolean register(TimerService timers, long at) {
        if (at > timers.currentWatermark()) {
            timers.registerEventTimeTimer(at);
            return false;
        }
        timers.registerProcessingTimeTimer(timers.currentProcessingTime());
        return true;
    }
}
