package dev.forestwatch.connectors.dynamodb;

import java.io.Serializable;
import java.net.URI;
import java.util.Locale;
import java.util.Properties;
import org.apache.flink.connector.aws.config.AWSConfigConstants;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * Where a DynamoDB table lives and how to authenticate against it, in one serializable value that
 * both the Flink sink (as {@link #toAwsProperties() properties}) and plain SDK v2 code (as a {@link
 * #createClient() client}) understand, so the two can never disagree.
 *
 * @param tableName the table, e.g. {@code anomaly_cut_off}
 * @param region AWS region id, e.g. {@code us-east-1}; required because the Flink AWS connectors do
 *     not fall back to the SDK's region chain
 * @param endpoint endpoint override such as {@code http://localhost:8000}, or {@code null} for the
 *     region's public endpoint
 * @param credentialsProvider {@value #AUTO} (AWS default chain: env, profile, container and
 *     instance roles) or {@value #BASIC} (static keys below)
 * @param accessKeyId access key for {@value #BASIC}, otherwise {@code null}
 * @param secretAccessKey secret key for {@value #BASIC}, otherwise {@code null}
 */
public record DynamoDbTableSpec(
        String tableName,
        String region,
        String endpoint,
        String credentialsProvider,
        String accessKeyId,
        String secretAccessKey)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The AWS default credentials chain. */
    public static final String AUTO = "AUTO";

    /** Static access key and secret. */
    public static final String BASIC = "BASIC";

    /** Validates the settings; the provider name is case-insensitive and stored upper-case. */
    public DynamoDbTableSpec {
        requireText(tableName, "tableName");
        requireText(region, "region");
        requireText(credentialsProvider, "credentialsProvider");
        credentialsProvider = credentialsProvider.trim().toUpperCase(Locale.ROOT);
        if (endpoint != null) {
            if (endpoint.isBlank()) {
                // Treat an empty setting like an absent one rather than an invalid URI.
                endpoint = null;
            } else {
                URI uri = URI.create(endpoint);
                if (uri.getScheme() == null || uri.getHost() == null) {
                    throw new IllegalArgumentException(
                            "endpoint must be an absolute URI like http://localhost:8000, got "
                                    + endpoint);
                }
            }
        }
        switch (credentialsProvider) {
            case AUTO -> {
                if (accessKeyId != null || secretAccessKey != null) {
                    // Silently ignoring keys would hide a misconfiguration.
                    throw new IllegalArgumentException(
                            "accessKeyId/secretAccessKey are only allowed with credentialsProvider "
                                    + BASIC);
                }
            }
            case BASIC -> {
                requireText(accessKeyId, "accessKeyId");
                requireText(secretAccessKey, "secretAccessKey");
            }
            default ->
                    throw new IllegalArgumentException(
                            "credentialsProvider must be "
                                    + AUTO
                                    + " or "
                                    + BASIC
                                    + ", got "
                                    + credentialsProvider);
        }
    }

    /** A table reached through the AWS default credentials chain and the public endpoint. */
    public static DynamoDbTableSpec auto(String tableName, String region) {
        return new DynamoDbTableSpec(tableName, region, null, AUTO, null, null);
    }

    /** A table reached with static keys, optionally at an overridden endpoint. */
    public static DynamoDbTableSpec basic(
            String tableName,
            String region,
            String endpoint,
            String accessKeyId,
            String secretAccessKey) {
        return new DynamoDbTableSpec(
                tableName, region, endpoint, BASIC, accessKeyId, secretAccessKey);
    }

    /** The same settings for another table. */
    public DynamoDbTableSpec withTableName(String otherTable) {
        return new DynamoDbTableSpec(
                otherTable, region, endpoint, credentialsProvider, accessKeyId, secretAccessKey);
    }

    /** The settings as {@link AWSConfigConstants} properties for the Flink AWS connectors. */
    public Properties toAwsProperties() {
        Properties props = new Properties();
        props.setProperty(AWSConfigConstants.AWS_REGION, region);
        if (endpoint != null) {
            props.setProperty(AWSConfigConstants.AWS_ENDPOINT, endpoint);
        }
        props.setProperty(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER, credentialsProvider);
        if (BASIC.equals(credentialsProvider)) {
            props.setProperty(
                    AWSConfigConstants.accessKeyId(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER),
                    accessKeyId);
            props.setProperty(
                    AWSConfigConstants.secretKey(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER),
                    secretAccessKey);
        }
        return props;
    }

    /** The SDK v2 credentials provider these settings describe. */
    public AwsCredentialsProvider awsCredentialsProvider() {
        if (BASIC.equals(credentialsProvider)) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(accessKeyId, secretAccessKey));
        }
        return DefaultCredentialsProvider.create();
    }

    /**
     * A new synchronous SDK v2 client with the same region, endpoint and credentials as the
     * properties. The caller closes it.
     */
    public DynamoDbClient createClient() {
        DynamoDbClientBuilder builder =
                DynamoDbClient.builder()
                        // Naming the HTTP client explicitly: the SDK refuses to pick one itself
                        // when several are on the classpath (DynamoDB Local brings a second one).
                        .httpClientBuilder(ApacheHttpClient.builder())
                        .region(Region.of(region))
                        .credentialsProvider(awsCredentialsProvider());
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.build();
    }

    /** Like the generated one, but never prints the secret key (specs end up in logs). */
    @Override
    public String toString() {
        return "DynamoDbTableSpec[tableName="
                + tableName
                + ", region="
                + region
                + ", endpoint="
                + endpoint
                + ", credentialsProvider="
                + credentialsProvider
                + ", accessKeyId="
                + accessKeyId
                + ", secretAccessKey="
                + (secretAccessKey == null ? null : "****")
                + "]";
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }
}
