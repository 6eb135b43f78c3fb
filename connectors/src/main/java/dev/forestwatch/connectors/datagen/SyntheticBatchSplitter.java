package dev.forestwatch.connectors.datagen;

import dev.forestwatch.connectors.raw.RawEvent;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Turns one generator step of {@link SyntheticMetrics} into one {@link RawEvent} per JSON line.
 *
 * <p>The origin is {@code "datagen:step=<n>"}, taken from the line's {@code seq} field (the
 * generator writes it last, so it is found without parsing the JSON); lines without it get {@code
 * "datagen"}.
 */
public final class SyntheticBatchSplitter implements FlatMapFunction<String[], RawEvent> {
    private static final long serialVersionUID = 1L;
    private static final String SEQ_FIELD = "\"seq\":";

    @Override
    public void flatMap(String[] lines, Collector<RawEvent> out) {
        for (String line : lines) {
            out.collect(RawEvent.json(line, origin(line)));
        }
    }

    static String origin(String line) {
        int at = line.lastIndexOf(SEQ_FIELD);
        if (at < 0) {
            return "datagen";
        }
        int from = at + SEQ_FIELD.length();
        int to = from;
        while (to < line.length() && Character.isDigit(line.charAt(to))) {
            to++;
        }
        return to > from ? "datagen:step=" + line.substring(from, to) : "datagen";
    }
}
