package dev.forestwatch.job.result;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forestwatch.job.model.RecordResult;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class BucketSummaryTest {

    static RecordResult record(String host, String region, double probability) {
        return BucketResultAggregatorTest.scored(0, 0, host, region, probability, 10, 1, false);
    }

    @Test
    void everyDistinctInfluencerValueGetsOneEntryWithItsLowestProbabilityAndCount() {
        BucketSummary s = new BucketSummary();
        int hosts = 5_000;
        for (int round = 0; round < 3; round++) {
            for (int h = 0; h < hosts; h++) {
                s.add(record("h" + h, "r" + (h % 3), 0.5 / (1 + h + round)), true);
            }
        }
        // every host once and three regions, in first-seen order
        assertThat(s.influencerCount).isEqualTo(hosts + 3);
        assertThat(s.influencerFields.length).isGreaterThanOrEqualTo(s.influencerCount);
        assertThat(s.influencerFields[0]).isEqualTo("host");
        assertThat(s.influencerValues[0]).isEqualTo("h0");
        assertThat(s.influencerValues[1]).isEqualTo("r0");
        int h42 = indexOf(s, "host", "h42");
        assertThat(s.influencerRecords[h42]).isEqualTo(3);
        assertThat(s.influencerMinProbability[h42]).isEqualTo(0.5 / (1 + 42 + 2));
        int r1 = indexOf(s, "region", "r1");
        // hosts 1, 4, 7, ... are in r1: 1,667 of them, three rounds
        assertThat(s.influencerRecords[r1]).isEqualTo(3L * 1667);
        assertThat(s.recordCount).isEqualTo(3L * hosts);
    }

    @Test
    void aSummaryReadBackFromStateKeepsCountingTheSameEntries() throws Exception {
        BucketSummary s = new BucketSummary();
        s.add(record("a", "eu", 0.1), true);
        s.add(record("b", "eu", 0.2), true);
        TypeSerializer<BucketSummary> serializer =
                TypeInformation.of(BucketSummary.class).createSerializer(new ExecutionConfig());
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(s, out);
        BucketSummary back =
                serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        back.add(record("a", "us", 0.05), true);
        assertThat(back.influencerCount).isEqualTo(4);
        int a = indexOf(back, "host", "a");
        assertThat(back.influencerRecords[a]).isEqualTo(2);
        assertThat(back.influencerMinProbability[a]).isEqualTo(0.05);
        assertThat(back.influencerRecords[indexOf(back, "region", "eu")]).isEqualTo(2);
        assertThat(back.influencerRecords[indexOf(back, "region", "us")]).isEqualTo(1);
    }

    @Test
    void theTopRecordDoesNotDependOnTheOrderOfEqualScores() {
        // equal record and raw scores, as in every quiet bucket: the series name decides
        java.util.List<RecordResult> tied =
                java.util.List.of(record("c", "eu", 1), record("a", "eu", 1), record("b", "us", 1));
        java.util.Set<String> tops = new java.util.HashSet<>();
        for (int rotation = 0; rotation < tied.size(); rotation++) {
            BucketSummary s = new BucketSummary();
            for (int i = 0; i < tied.size(); i++) {
                s.add(tied.get((i + rotation) % tied.size()), true);
            }
            tops.add(s.topRecordSeries);
        }
        assertThat(tops).singleElement().asString().contains("host=a");
        // a higher score wins whatever came first
        BucketSummary s = new BucketSummary();
        s.add(record("a", "eu", 1), true);
        s.add(BucketResultAggregatorTest.scored(0, 0, "z", "eu", 0.01, 80, 1, false), true);
        assertThat(s.topRecordSeries).contains("host=z");
    }

    static int indexOf(BucketSummary s, String field, String value) {
        int found = -1;
        for (int i = 0; i < s.influencerCount; i++) {
            if (s.influencerFields[i].equals(field) && s.influencerValues[i].equals(value)) {
                assertThat(found).as("one entry for %s=%s", field, value).isEqualTo(-1);
                found = i;
            }
        }
        assertThat(found).as("%s=%s", field, value).isNotNegative();
        return found;
    }
}
