package dev.forestwatch.connectors.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.apache.flink.connector.aws.config.AWSConfigConstants;
import org.apache.flink.connector.aws.util.AWSGeneralUtil;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class DynamoDbTableSpecTest {

    @Test
    void basicPropertiesCarryEndpointAndKeys() {
        DynamoDbTableSpec spec =
                DynamoDbTableSpec.basic(
                        "anomaly_cut_off", "eu-west-1", "http://localhost:8000", "AK", "SK");

        Properties props = spec.toAwsProperties();

        assertThat(props.getProperty(AWSConfigConstants.AWS_REGION)).isEqualTo("eu-west-1");
        assertThat(props.getProperty(AWSConfigConstants.AWS_ENDPOINT))
                .isEqualTo("http://localhost:8000");
        assertThat(props.getProperty(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER))
                .isEqualTo("BASIC");
        assertThat(props.getProperty(AWSConfigConstants.AWS_ACCESS_KEY_ID)).isEqualTo("AK");
        assertThat(props.getProperty(AWSConfigConstants.AWS_SECRET_ACCESS_KEY)).isEqualTo("SK");
        // The connectors validate the properties the same way when the sink starts.
        AWSGeneralUtil.validateAwsConfiguration(props);
        assertThat(spec.awsCredentialsProvider()).isInstanceOf(StaticCredentialsProvider.class);
    }

    @Test
    void autoPropertiesHaveNoKeysAndNoEndpoint() {
        DynamoDbTableSpec spec =
                new DynamoDbTableSpec("anomaly_cut_off", "us-east-1", "  ", "auto", null, null);

        Properties props = spec.toAwsProperties();

        assertThat(spec.credentialsProvider()).isEqualTo(DynamoDbTableSpec.AUTO);
        assertThat(spec.endpoint()).isNull();
        assertThat(props.stringPropertyNames())
                .containsExactlyInAnyOrder(
                        AWSConfigConstants.AWS_REGION, AWSConfigConstants.AWS_CREDENTIALS_PROVIDER);
        assertThat(props.getProperty(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER))
                .isEqualTo("AUTO");
        AWSGeneralUtil.validateAwsConfiguration(props);
        assertThat(spec.awsCredentialsProvider()).isInstanceOf(DefaultCredentialsProvider.class);
    }

    @Test
    void rejectsIncompleteOrContradictorySettings() {
        assertThatThrownBy(() -> DynamoDbTableSpec.auto(" ", "us-east-1"))
                .hasMessageContaining("tableName");
        assertThatThrownBy(() -> DynamoDbTableSpec.auto("t", null)).hasMessageContaining("region");
        assertThatThrownBy(() -> DynamoDbTableSpec.basic("t", "us-east-1", null, "AK", null))
                .hasMessageContaining("secretAccessKey");
        assertThatThrownBy(() -> new DynamoDbTableSpec("t", "us-east-1", null, "AUTO", "AK", null))
                .hasMessageContaining("only allowed");
        assertThatThrownBy(
                        () -> new DynamoDbTableSpec("t", "us-east-1", null, "PROFILE", null, null))
                .hasMessageContaining("AUTO or BASIC");
        assertThatThrownBy(() -> DynamoDbTableSpec.basic("t", "us-east-1", "localhost", "a", "b"))
                .hasMessageContaining("absolute URI");
    }

    @Test
    void isJavaSerializableAndHidesTheSecret() throws Exception {
        DynamoDbTableSpec spec =
                DynamoDbTableSpec.basic("t", "us-east-1", "http://localhost:1", "AK", "s3cr3t");

        DynamoDbTableSpec copy =
                InstantiationUtil.clone(spec, DynamoDbTableSpecTest.class.getClassLoader());

        assertThat(copy).isEqualTo(spec);
        assertThat(spec.toString()).contains("AK").doesNotContain("s3cr3t");
        assertThat(spec.withTableName("other").tableName()).isEqualTo("other");
    }
}
