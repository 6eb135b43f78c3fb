package dev.forestwatch.connectors.dynamodb;

import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequest;
import org.apache.flink.connector.dynamodb.sink.DynamoDbWriteRequestType;

/**
 * Turns a {@link CutoffItem} into a PUT of one {@code anomaly_cut_off} row (see {@link
 * CutoffTableSchema#toItem(CutoffItem)} for the attributes). A PUT replaces the whole row, so a
 * rewritten cutoff never keeps stale provenance attributes of an earlier write.
 */
public final class CutoffItemElementConverter
        implements ElementConverter<CutoffItem, DynamoDbWriteRequest> {

    private static final long serialVersionUID = 1L;

    @Override
    public DynamoDbWriteRequest apply(CutoffItem cutoff, SinkWriter.Context context) {
        return DynamoDbWriteRequest.builder()
                .setType(DynamoDbWriteRequestType.PUT)
                .setItem(CutoffTableSchema.toItem(cutoff))
                .build();
    }
}
