package dev.forestwatch.job;

import dev.forestwatch.connectors.datagen.SyntheticBatchSplitter;
import dev.forestwatch.connectors.datagen.SyntheticMetrics;
import dev.forestwatch.connectors.file.FileSources;
import dev.forestwatch.connectors.raw.RawEvent;
import dev.forestwatch.job.config.SourceSpec;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** Builds the {@link EventSource} a spec names. */
public final class EventSources {
    private EventSources() {}

    /**
     * The spec's source. File replay and the generator run at parallelism 1: each emits in event
     * time order, and one reader keeps that order (watermarks are assigned after parsing).
     */
    public static EventSource fromSpec(SourceSpec spec) {
        return switch (spec.type()) {
            case FILE ->
                    env ->
                            env.fromSource(
                                            FileSources.create(spec.file()),
                                            WatermarkStrategy.noWatermarks(),
                                            "File source: " + spec.file().path())
                                    .uid(OperatorUids.FILE_SOURCE)
                                    .setParallelism(1);
            case DATAGEN ->
                    env ->
                            env.fromSource(
                                            SyntheticMetrics.source(spec.datagen()),
                                            WatermarkStrategy.noWatermarks(),
                                            "Synthetic metrics")
                                    .uid(OperatorUids.DATAGEN_SOURCE)
                                    .setParallelism(1)
                                    .flatMap(new SyntheticBatchSplitter())
                                    .returns(TypeInformation.of(RawEvent.class))
                                    .uid(OperatorUids.DATAGEN_SPLITTER)
                                    .name("Split generator steps into events")
                                    .setParallelism(1);
        };
    }
}
