package dev.forestwatch.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/** Reading message keys from JSON values. */
class JsonMessageKeyTest {
    private final JsonMessageKey key = JsonMessageKey.field("alert_id");

    @Test
    void readsTopLevelScalars() {
        assertThat(key.keyOf("{\"alert_id\":\"a-1\",\"x\":2}")).isEqualTo("a-1");
        assertThat(key.keyOf("{\"alert_id\":42}")).isEqualTo("42");
        assertThat(key.keyOf("{\"alert_id\":true}")).isEqualTo("true");
        assertThat(key.keyOf("{\"alert_id\":{\"b\":[1, 2]}}")).isEqualTo("{\"b\":[1,2]}");
    }

    @Test
    void givesNoKeyInsteadOfFailing() {
        assertThat(key.keyOf("{\"other\":1,\"nested\":{\"alert_id\":\"x\"}}")).isNull();
        assertThat(key.keyOf("{\"alert_id\":null}")).isNull();
        assertThat(key.keyOf("[{\"alert_id\":1}]")).isNull();
        assertThat(key.keyOf("not json")).isNull();
        assertThat(key.keyOf("{\"alert_id\":")).isNull();
        assertThat(key.keyOf("")).isNull();
        assertThat(key.keyOf(null)).isNull();
    }

    @Test
    void isSerializable() throws Exception {
        assertThat(key.keyOf("{}")).isNull(); // creates the transient mapper
        JsonMessageKey copy = InstantiationUtil.clone(key);
        assertThat(copy.fieldName()).isEqualTo("alert_id");
        assertThat(copy.keyOf("{\"alert_id\":\"z\"}")).isEqualTo("z");
    }

    @Test
    void needsAFieldName() {
        assertThatThrownBy(() -> JsonMessageKey.field(" "))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
