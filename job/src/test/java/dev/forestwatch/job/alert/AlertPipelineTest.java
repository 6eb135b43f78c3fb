package dev.forestwatch.job.alert;

import static dev.forestwatch.job.alert.AlertFixtures.SEED_POLICY;
import static dev.forestwatch.job.alert.AlertFixtures.SPAN;
import static dev.forestwatch.job.alert.AlertFixtures.T0;
import static dev.forestwatch.job.alert.AlertFixtures.TAXI;
import static dev.forestwatch.job.alert.AlertFixtures.cutoff;
import static dev.forestwatch.job.alert.AlertFixtures.record;
import static dev.forestwatch.job.alert.AlertFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.forestwatch.connectors.dynamodb.CutoffItem;
import dev.forestwatch.job.model.Alert;
import dev.forestwatch.job.model.AlertCandidate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;

/** {@link AlertFunction#apply} in a local cluster, parallel, with Kryo disabled. */
class AlertPipelineTest {

    @Test
    void wiredOperatorDecidesAsTheHarnessDoes() throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);

        List<AlertCandidate> input = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            input.add(record("a", T0 + i * SPAN, 92, 3.0));
            input.add(record("b", T0 + i * SPAN, 92, i < 3 ? 1.0 : 4.5));
        }
        DataStream<AlertCandidate> candidates =
                env.fromData(input, TypeInformation.of(AlertCandidate.class))
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy.<AlertCandidate>forMonotonousTimestamps()
                                        .withTimestampAssigner((c, t) -> c.timestamp() + SPAN - 1));
        // from the bucket starting at T0 + 2 SPAN on, the job's own cutoff of 4 applies
        DataStream<CutoffItem> cutoffs =
                env.fromData(
                                List.of(cutoff(T0 + 3 * SPAN, 4.0)),
                                TypeInformation.of(CutoffItem.class))
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy.<CutoffItem>forMonotonousTimestamps()
                                        .withTimestampAssigner((c, t) -> c.computedAtMillis()));

        DataStream<Alert> alerts =
                AlertFunction.apply(
                        candidates,
                        cutoffs,
                        spec(Duration.ofMinutes(20), List.of(), SEED_POLICY),
                        Map.of(TAXI, AlertFixtures.SEED_CUTOFF));
        List<Alert> out = new ArrayList<>();
        try (CloseableIterator<Alert> it = alerts.executeAndCollect("alerts")) {
            it.forEachRemaining(out::add);
        }
        out.sort(java.util.Comparator.comparing(Alert::entity).thenComparing(Alert::timestamp));
        assertThat(out)
                .extracting(Alert::entity, Alert::timestamp, Alert::cutoff)
                .containsExactly(
                        // a: initial cutoff 1.31 at T0, suppressed for 20 min, then T0 + 20 min
                        // is past the job's cutoff of 4 and stays silent
                        tuple("detector 0 host=a", T0, 1.31462299965),
                        // b: below the initial cutoff until it rises above the job's cutoff
                        tuple("detector 0 host=b", T0 + 3 * SPAN, 4.0));
    }
}
