package dev.forestwatch.job.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.connectors.deadletter.DeadLetter;
import dev.forestwatch.job.HarnessOutputs;
import dev.forestwatch.job.model.ParsedEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Harness tests of the lateness filter. */
class LateEventFilterTest {
    static final long MIN = 60_000L;
    static final long SPAN = 5 * MIN;

    static ParsedEvent event(long ts) {
        return new ParsedEvent(
                ts,
                new double[] {1},
                new String[0],
                ("{\"t\":" + ts + "}").getBytes(StandardCharsets.UTF_8),
                "test");
    }

    static OneInputStreamOperatorTestHarness<ParsedEvent, ParsedEvent> harness(
            LateEventFilter filter) throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(filter));
        h.open();
        return h;
    }

    static List<Long> passed(OneInputStreamOperatorTestHarness<ParsedEvent, ParsedEvent> h) {
        List<Long> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add(((ParsedEvent) r.getValue()).timestamp());
            }
        }
        return out;
    }

    static List<DeadLetter> late(OneInputStreamOperatorTestHarness<ParsedEvent, ParsedEvent> h) {
        return HarnessOutputs.side(h, EventParser.DEAD_LETTERS);
    }

    @Test
    void eventsOfClosedBucketsAreDeadLettersWithTheirPayload() throws Exception {
        var h = harness(new LateEventFilter(SPAN, 0));
        h.processWatermark(new Watermark(2 * SPAN - 1));
        h.processElement(event(SPAN + 10), SPAN + 10);
        h.processElement(event(2 * SPAN), 2 * SPAN);
        assertThat(passed(h)).containsExactly(2 * SPAN);
        assertThat(late(h))
                .singleElement()
                .satisfies(
                        d -> {
                            assertThat(d.reason()).isEqualTo("late");
                            assertThat(new String(d.payload(), StandardCharsets.UTF_8))
                                    .isEqualTo("{\"t\":" + (SPAN + 10) + "}");
                        });
    }

    @Test
    void judgingByEventsRejectsAnOldEventWhetherOrNotAWatermarkCameInBetween() throws Exception {
        // without a watermark since the newer event, only the event-implied one rejects it
        var byWatermark = harness(new LateEventFilter(SPAN, 0, 10_000, false));
        var byEvents = harness(new LateEventFilter(SPAN, 0, 10_000, true));
        for (var h : List.of(byWatermark, byEvents)) {
            h.processElement(event(10 * SPAN), 10 * SPAN);
            h.processElement(event(SPAN), SPAN); // long closed by the events' own clock
            h.processElement(event(10 * SPAN - 5_000), 10 * SPAN - 5_000); // within disorder
        }
        assertThat(passed(byWatermark)).containsExactly(10 * SPAN, SPAN, 10 * SPAN - 5_000);
        assertThat(passed(byEvents)).containsExactly(10 * SPAN, 10 * SPAN - 5_000);
        assertThat(late(byEvents))
                .singleElement()
                .satisfies(d -> assertThat(d.eventTimestamp()).isEqualTo(SPAN));
    }
}
