package dev.forestwatch.job.config;

import dev.forestwatch.connectors.datagen.SyntheticSpec;
import dev.forestwatch.connectors.ddbstreams.DynamoDbStreamsSourceSpec;
import dev.forestwatch.connectors.file.FileSourceSpec;
import dev.forestwatch.connectors.kafka.KafkaSourceSpec;
import java.io.Serializable;

/**
 * Where events come from; exactly one of the per-type settings is set, matching {@code type}.
 *
 * @param type the source kind
 * @param file file replay settings when {@code type} is FILE
 * @param datagen generator settings when {@code type} is DATAGEN
 * @param kafka Kafka settings when {@code type} is KAFKA
 * @param dynamodbStreams DynamoDB Streams settings when {@code type} is DYNAMODB_STREAMS
 */
public record SourceSpec(
        SourceType type,
        FileSourceSpec file,
        SyntheticSpec datagen,
        KafkaSourceSpec kafka,
        DynamoDbStreamsSourceSpec dynamodbStreams)
        implements Serializable {}
