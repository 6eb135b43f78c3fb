package dev.forestwatch.job.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * Kafka outputs: one topic per output (null to skip it), JSON values, exactly once by default.
 *
 * @param bootstrapServers the brokers
 * @param deliveryGuarantee EXACTLY_ONCE (default) or AT_LEAST_ONCE
 * @param transactionalIdPrefix prefix of the sinks' transactional ids (each sink appends its
 *     output)
 * @param transactionTimeout producer transaction timeout, below the broker's maximum
 * @param properties producer properties passed through (security, compression, ...)
 * @param records topic for record results
 * @param influencers topic for influencer results
 * @param buckets topic for bucket results
 * @param alerts topic for alerts
 * @param cutoffs topic for cutoff recomputations
 * @param renormalized topic for renormalized results (meant to be compacted)
 * @param deadLetters topic for dead letters
 */
public record KafkaSinksSpec(
        String bootstrapServers,
        DeliveryGuarantee deliveryGuarantee,
        String transactionalIdPrefix,
        Duration transactionTimeout,
        Map<String, String> properties,
        String records,
        String influencers,
        String buckets,
        String alerts,
        String cutoffs,
        String renormalized,
        String deadLetters)
        implements Serializable {

    /** The topic of an output, or null when it is not written to Kafka. */
    public String topicOf(dev.forestwatch.job.Output output) {
        return switch (output) {
            case RECORDS -> records;
            case INFLUENCERS -> influencers;
            case BUCKETS -> buckets;
            case RENORMALIZED -> renormalized;
            case ALERTS -> alerts;
            case CUTOFFS -> cutoffs;
            case DEAD_LETTERS -> deadLetters;
        };
    }
}
