package dev.forestwatch.job.parse;

import dev.forestwatch.connectors.raw.RawEvent;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;

/**
 * Event time of a raw event, for sources that generate watermarks per split (Kafka partitions).
 * Events whose time cannot be read get {@code Long.MIN_VALUE}: they never advance the watermark,
 * and the parser sends them to the dead-letter output right after.
 */
public class RawEventTimestamps implements SerializableTimestampAssigner<RawEvent> {
    private final EventDecoder decoder;

    public RawEventTimestamps(EventDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public long extractTimestamp(RawEvent event, long recordTimestamp) {
        DecodeResult r = decoder.decode(event);
        if (r.isOk()) {
            return r.event().timestamp();
        }
        long known = r.deadLetter().eventTimestamp();
        return known == Long.MIN_VALUE ? Long.MIN_VALUE : known;
    }
}
