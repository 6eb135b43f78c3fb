package dev.forestwatch.connectors.dynamodb;

import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.dynamodb.sink.DynamoDbSink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;

/**
 * Writes cutoffs into the seed's {@code anomaly_cut_off} table with Flink's {@link DynamoDbSink},
 * so the seed's Lambda (and {@link CutoffTableReader}) picks them up with its usual query.
 */
public final class CutoffTableSink {

    private CutoffTableSink() {}

    /**
     * A sink writing one PUT per cutoff.
     *
     * <p>The sink batches up to 25 writes into one BatchWriteItem, which DynamoDB rejects if two of
     * them have the same key; overwriting by the full primary key keeps only the later one of a
     * batch, and only one batch per subtask is in flight so batches apply in order. Nothing orders
     * writes across subtasks: {@code keyBy} the data kind first (as {@link #attach} does) so that
     * the cutoff emitted last for a key is the one stored.
     */
    public static DynamoDbSink<CutoffItem> create(DynamoDbTableSpec spec) {
        return DynamoDbSink.<CutoffItem>builder()
                .setTableName(spec.tableName())
                .setElementConverter(new CutoffItemElementConverter())
                .setOverwriteByPartitionKeys(
                        List.of(CutoffTableSchema.DATA_KIND, CutoffTableSchema.UPDATE_TIME))
                .setDynamoDbProperties(spec.toAwsProperties())
                // With several batches in flight a later batch can land before an earlier one
                // (or before its retry), letting an older cutoff overwrite a newer one of the same
                // key. Cutoffs are rare, so one batch at a time costs nothing.
                .setMaxInFlightRequests(1)
                .build();
    }

    /**
     * Sends {@code cutoffs} to the table: drops cutoffs that are not finite numbers (a row without
     * a usable {@code score_cutoff} would become the newest row and hide the last good one from the
     * seed's {@code Limit 1} query), keys by data kind, and attaches {@link #create}. The filter
     * gets uid {@code <uidPrefix>-finite}; the caller sets the sink's uid.
     */
    public static DataStreamSink<CutoffItem> attach(
            DataStream<CutoffItem> cutoffs, DynamoDbTableSpec spec, String uidPrefix) {
        return cutoffs.filter(CutoffItem::hasFiniteCutoff)
                .uid(uidPrefix + "-finite")
                .name("finite-cutoffs")
                .keyBy(CutoffItem::dataKind, Types.STRING)
                .sinkTo(create(spec))
                .name("dynamodb-" + spec.tableName());
    }
}
