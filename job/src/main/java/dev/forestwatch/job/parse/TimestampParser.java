package dev.forestwatch.job.parse;

import dev.forestwatch.job.config.TimestampFormat;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;

/**
 * Turns the text of a timestamp field into epoch milliseconds according to the spec's format.
 * Throws {@link IllegalArgumentException} with a human message when the text does not fit.
 */
public final class TimestampParser implements Serializable {
    /** Earliest accepted event time: 1970-01-01. */
    public static final long MIN_MILLIS = 0L;

    /** Latest accepted event time: 2200-01-01, beyond which a timestamp is surely a mistake. */
    public static final long MAX_MILLIS = 7_258_118_400_000L;

    private final TimestampFormat format;
    private transient DateTimeFormatter formatter;
    private transient ZoneId zone;

    public TimestampParser(TimestampFormat format) {
        this.format = format;
    }

    /** Epoch milliseconds of the given field text. */
    public long parse(String text) {
        String t = text.trim();
        long millis =
                switch (format.kind()) {
                    case EPOCH_MILLIS -> epoch(t, 1L);
                    case EPOCH_SECONDS -> epoch(t, 1000L);
                    case ISO8601 -> iso(t);
                    case PATTERN -> pattern(t);
                };
        if (millis < MIN_MILLIS || millis >= MAX_MILLIS) {
            throw new IllegalArgumentException(
                    "timestamp '" + t + "' is outside the accepted range 1970-01-01 to 2200-01-01");
        }
        return millis;
    }

    private static long epoch(String t, long factor) {
        try {
            BigDecimal value = new BigDecimal(t).multiply(BigDecimal.valueOf(factor));
            return value.setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(
                    "timestamp '"
                            + t
                            + "' is not a number of epoch "
                            + (factor == 1 ? "milliseconds" : "seconds"));
        }
    }

    private long iso(String t) {
        try {
            TemporalAccessor parsed =
                    DateTimeFormatter.ISO_DATE_TIME.parseBest(
                            t, ZonedDateTime::from, LocalDateTime::from);
            return toMillis(parsed);
        } catch (DateTimeParseException e) {
            try {
                // basic offsets (+0000, +00) and a space for the 'T', as logs and Elastic's demo
                // data write them
                return toMillis(LENIENT_ISO.parseBest(t, ZonedDateTime::from, LocalDateTime::from));
            } catch (DateTimeParseException e1) {
                try {
                    return LocalDate.parse(t).atStartOfDay(zone()).toInstant().toEpochMilli();
                } catch (DateTimeParseException e2) {
                    throw new IllegalArgumentException(
                            "timestamp '"
                                    + t
                                    + "' is not ISO-8601 (e.g. 2026-01-05T10:15:00Z or"
                                    + " 2026-01-05T10:15:00+0000)");
                }
            }
        }
    }

    /**
     * ISO-8601 date and time with 'T' or a space between them and an optional offset in any of the
     * forms {@code Z}, {@code +01:00}, {@code +0100} and {@code +01}.
     */
    static final DateTimeFormatter LENIENT_ISO =
            new DateTimeFormatterBuilder()
                    .parseCaseInsensitive()
                    .append(DateTimeFormatter.ISO_LOCAL_DATE)
                    .optionalStart()
                    .appendLiteral('T')
                    .optionalEnd()
                    .optionalStart()
                    .appendLiteral(' ')
                    .optionalEnd()
                    .append(DateTimeFormatter.ISO_LOCAL_TIME)
                    .optionalStart()
                    .appendOffset("+HH:MM", "Z")
                    .optionalEnd()
                    .optionalStart()
                    .appendOffset("+HHMM", "Z")
                    .optionalEnd()
                    .optionalStart()
                    .appendOffset("+HH", "Z")
                    .optionalEnd()
                    .toFormatter(java.util.Locale.ROOT);

    private long pattern(String t) {
        try {
            TemporalAccessor parsed =
                    formatter()
                            .parseBest(
                                    t, ZonedDateTime::from, LocalDateTime::from, LocalDate::from);
            return toMillis(parsed);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "timestamp '" + t + "' does not match pattern '" + format.pattern() + "'");
        }
    }

    private long toMillis(TemporalAccessor parsed) {
        Instant instant;
        if (parsed instanceof ZonedDateTime z) {
            instant = z.toInstant();
        } else if (parsed instanceof LocalDateTime l) {
            instant = l.atZone(zone()).toInstant();
        } else {
            instant = ((LocalDate) parsed).atStartOfDay(zone()).toInstant();
        }
        return instant.toEpochMilli();
    }

    private ZoneId zone() {
        if (zone == null) {
            zone = ZoneId.of(format.zone() == null ? "UTC" : format.zone());
        }
        return zone;
    }

    private DateTimeFormatter formatter() {
        if (formatter == null) {
            formatter = DateTimeFormatter.ofPattern(format.pattern());
        }
        return formatter;
    }
}
