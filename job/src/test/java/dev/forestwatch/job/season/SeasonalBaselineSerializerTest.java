package dev.forestwatch.job.season;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Random;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Round trips, corrupt input and the committed format 1 bytes of {@link
 * SeasonalBaselineSerializer}. Regenerate the golden files only for a deliberate format change
 * (with a new format version, keeping the old files for a read test): {@code mvn -pl job test
 * -Dtest=SeasonalBaselineSerializerTest -Dseason.golden.write=true}.
 */
class SeasonalBaselineSerializerTest {

    private static final String V1_STATE = "season/seasonal-baseline-v1.bin";
    private static final String V1_SNAPSHOT = "season/seasonal-baseline-serializer-snapshot-v1.bin";
    private static final Path RESOURCE_DIR = Paths.get("src", "test", "resources");
    private static final long MINUTE = 60_000L;
    private static final long DAY = 1440 * MINUTE;
    private static final long START = 1_767_571_200_000L;

    /** Four days of a two-field daily cycle at 10 minutes: daily period accepted, week pending. */
    static SeasonalBaseline trained() {
        SeasonalBaseline b = new SeasonalBaseline(new long[] {DAY, 7 * DAY}, 2, 0);
        Random r = new Random(11);
        for (long t = START; t < START + 4 * DAY; t += 10 * MINUTE) {
            double phase = 2 * Math.PI * Math.floorMod(t, DAY) / DAY;
            b.observe(
                    t,
                    new double[] {
                        50 + 20 * Math.sin(phase) + r.nextGaussian(),
                        5 + Math.cos(phase) + 0.1 * r.nextGaussian()
                    });
        }
        return b;
    }

    private static byte[] bytes(SeasonalBaseline b) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        new SeasonalBaselineSerializer().serialize(b, out);
        return out.getCopyOfBuffer();
    }

    private static SeasonalBaseline read(byte[] bytes) throws IOException {
        return new SeasonalBaselineSerializer().deserialize(new DataInputDeserializer(bytes));
    }

    /** The references a baseline gives over the next two days, and what it learns meanwhile. */
    private static double[] future(SeasonalBaseline b) {
        SeasonalBaseline c = b.copy();
        double[] out = new double[2 * 288 * 2];
        int i = 0;
        for (long t = START + 4 * DAY; t < START + 6 * DAY; t += 10 * MINUTE) {
            double[] ref = c.observe(t, new double[] {50, 5}).reference();
            out[i++] = ref == null ? Double.NaN : ref[0];
            out[i++] = ref == null ? Double.NaN : ref[1];
        }
        return out;
    }

    @Test
    @EnabledIfSystemProperty(named = "season.golden.write", matches = "true")
    void writeGoldenFiles() throws IOException {
        Files.createDirectories(RESOURCE_DIR.resolve("season"));
        Files.write(RESOURCE_DIR.resolve(V1_STATE), bytes(trained()));
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(
                out, new SeasonalBaselineSerializer().snapshotConfiguration());
        Files.write(RESOURCE_DIR.resolve(V1_SNAPSHOT), out.getCopyOfBuffer());
    }

    @Test
    void roundTripContinuesIdentically() throws IOException {
        SeasonalBaseline b = trained();
        assertThat(b.activePeriods()).containsExactly(DAY);
        SeasonalBaseline restored = read(bytes(b));
        assertThat(restored.activePeriods()).containsExactly(DAY);
        assertThat(restored.cadence()).isEqualTo(10 * MINUTE);
        assertThat(restored.points()).isEqualTo(b.points());
        assertThat(restored.replay()).hasSize(b.replay().size());
        assertThat(future(restored)).isEqualTo(future(b));
        assertThat(bytes(restored)).isEqualTo(bytes(b));
    }

    @Test
    void readsTheCommittedFormatOneState() throws IOException {
        byte[] golden = resource(V1_STATE);
        SeasonalBaseline restored = read(golden);
        assertThat(restored.activePeriods()).containsExactly(DAY);
        assertThat(future(restored)).isEqualTo(future(trained()));
        assertThat(bytes(restored)).isEqualTo(golden);
    }

    @Test
    void theCommittedSnapshotIsCompatibleAsIs() throws IOException {
        TypeSerializerSnapshot<SeasonalBaseline> old =
                TypeSerializerSnapshot.readVersionedSnapshot(
                        new DataInputDeserializer(resource(V1_SNAPSHOT)),
                        getClass().getClassLoader());
        TypeSerializerSchemaCompatibility<SeasonalBaseline> c =
                new SeasonalBaselineSerializer()
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(old);
        assertThat(c.isCompatibleAsIs()).isTrue();
        assertThat(
                        new SeasonalBaselineSerializerSnapshot()
                                .resolveSchemaCompatibility(
                                        new SeasonalBaselineSerializerSnapshot(2))
                                .isIncompatible())
                .isTrue();
    }

    @Test
    void copiesValuesWithoutDecodingThem() throws IOException {
        byte[] in = bytes(trained());
        DataOutputSerializer out = new DataOutputSerializer(64);
        new SeasonalBaselineSerializer().copy(new DataInputDeserializer(in), out);
        assertThat(out.getCopyOfBuffer()).isEqualTo(in);
    }

    @Test
    void rejectsUnknownVersionsAndCorruptLengths() {
        assertThatThrownBy(() -> read(new byte[] {0, 0, 0, 9, 0, 0, 0, 1, 0}))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("version 9");
        assertThatThrownBy(() -> read(new byte[] {0, 0, 0, 1, -1, -1, -1, -1}))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("invalid length");
        assertThatThrownBy(() -> read(new byte[] {0, 0, 0, 1, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0}))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Corrupt seasonal state");
    }

    @Test
    void anEmptyBaselineRoundTrips() throws IOException {
        SeasonalBaseline b = new SeasonalBaseline(new long[] {DAY}, 1, 0);
        SeasonalBaseline restored = read(bytes(b));
        assertThat(restored.points()).isZero();
        assertThat(restored.cadence()).isZero();
        assertThat(bytes(restored)).isEqualTo(bytes(b));
    }

    private byte[] resource(String name) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
