package dev.forestwatch.job.parse;

import dev.forestwatch.connectors.deadletter.DeadLetter;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** Type information for dead letters, analysed once (a record, so a Kryo-free POJO). */
public final class DeadLetterTypes {
    public static final TypeInformation<DeadLetter> DEAD_LETTER =
            TypeInformation.of(DeadLetter.class);

    private DeadLetterTypes() {}
}
