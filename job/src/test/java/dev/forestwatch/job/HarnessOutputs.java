package dev.forestwatch.job;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;

/** What operator test harnesses emitted, as plain lists. */
public final class HarnessOutputs {
    private HarnessOutputs() {}

    /** The values a harness emitted to the side output {@code tag}, in order. */
    public static <T> List<T> side(AbstractStreamOperatorTestHarness<?> harness, OutputTag<T> tag) {
        List<T> out = new ArrayList<>();
        var side = harness.getSideOutput(tag);
        if (side != null) {
            side.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }
}
