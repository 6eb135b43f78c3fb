package dev.forestwatch.job.parse;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forestwatch.connectors.deadletter.DeadLetter;
import dev.forestwatch.connectors.deadletter.DeadLetterReason;
import dev.forestwatch.connectors.file.CsvLines;
import dev.forestwatch.connectors.raw.RawEvent;
import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.model.ParsedEvent;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * Parses and validates raw events (JSON objects or CSV lines) against the spec: size limit,
 * timestamp, required fields, numeric and finite values. Pure and single-threaded; the Flink
 * function around it only routes the outcome.
 */
public final class EventDecoder implements Serializable {
    private final FieldLayout layout;
    private final String timestampField;
    private final TimestampParser timestamps;
    private final int maxEventBytes;
    private final long maxFutureMillis;
    private transient ObjectMapper mapper;

    public EventDecoder(JobSpec spec) {
        this.layout = FieldLayout.of(spec);
        this.timestampField = spec.event().timestampField();
        this.timestamps = new TimestampParser(spec.event().timestampFormat());
        this.maxEventBytes = spec.limits().maxEventBytes();
        this.maxFutureMillis = spec.event().maxFuture().toMillis();
    }

    public FieldLayout layout() {
        return layout;
    }

    /** Decodes one event; never throws on bad input. */
    public DecodeResult decode(RawEvent raw) {
        byte[] payload = raw.payload() == null ? new byte[0] : raw.payload();
        if (payload.length > maxEventBytes) {
            return reject(
                    raw,
                    DeadLetterReason.OVERSIZED,
                    "event has "
                            + payload.length
                            + " bytes, more than limits.max_event_bytes = "
                            + maxEventBytes);
        }
        try {
            FieldSource fields = raw.isCsv() ? csvFields(raw) : jsonFields(raw);
            return decodeFields(raw, fields);
        } catch (Rejected r) {
            return r.result;
        } catch (RuntimeException e) {
            // Defensive: whatever a hostile payload triggers, it becomes a dead letter.
            return reject(
                    raw,
                    DeadLetterReason.UNPARSABLE,
                    "cannot decode event: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private DecodeResult decodeFields(RawEvent raw, FieldSource fields) {
        FieldValue ts = fields.get(timestampField);
        if (ts.kind == FieldValue.Kind.MISSING) {
            return reject(
                    raw,
                    DeadLetterReason.MISSING_TIMESTAMP,
                    "timestamp field '" + timestampField + "' is missing or empty");
        }
        if (ts.kind == FieldValue.Kind.COMPOUND) {
            return reject(
                    raw,
                    DeadLetterReason.BAD_TIMESTAMP,
                    "timestamp field '" + timestampField + "' is an object or list");
        }
        long timestamp;
        try {
            timestamp = timestamps.parse(ts.text);
        } catch (IllegalArgumentException e) {
            return reject(raw, DeadLetterReason.BAD_TIMESTAMP, e.getMessage());
        }
        long latest = System.currentTimeMillis() + maxFutureMillis;
        if (timestamp > latest) {
            return reject(
                    raw,
                    DeadLetterReason.BAD_TIMESTAMP,
                    "timestamp "
                            + ts.text
                            + " is more than event.max_future ("
                            + Duration.ofMillis(maxFutureMillis)
                            + ") ahead of the wall clock");
        }

        List<String> numericFields = layout.numericFields();
        double[] numbers = new double[numericFields.size()];
        for (int i = 0; i < numbers.length; i++) {
            String name = numericFields.get(i);
            FieldValue v = fields.get(name);
            switch (v.kind) {
                case MISSING:
                    return reject(
                            raw,
                            DeadLetterReason.MISSING_FIELD,
                            "field '" + name + "' is missing or empty",
                            timestamp);
                case COMPOUND:
                    return reject(
                            raw,
                            DeadLetterReason.WRONG_TYPE,
                            "field '" + name + "' is an object or list, expected a number",
                            timestamp);
                case BOOLEAN:
                    return reject(
                            raw,
                            DeadLetterReason.NON_NUMERIC,
                            "field '" + name + "' is a boolean, expected a number",
                            timestamp);
                default:
                    break;
            }
            double d;
            if (v.kind == FieldValue.Kind.NUMBER) {
                d = v.number;
            } else {
                d = parseNumber(v.text);
                if (Double.isNaN(d) && !looksLikeNaN(v.text)) {
                    return reject(
                            raw,
                            DeadLetterReason.NON_NUMERIC,
                            "field '" + name + "' = '" + abbreviate(v.text) + "' is not a number",
                            timestamp);
                }
            }
            if (!Double.isFinite(d)) {
                return reject(
                        raw,
                        DeadLetterReason.NOT_FINITE,
                        "field '"
                                + name
                                + "' = "
                                + abbreviate(v.text)
                                + " is not finite (NaN or infinity would corrupt the forest)",
                        timestamp);
            }
            numbers[i] = d;
        }

        List<String> textFields = layout.textFields();
        String[] texts = new String[textFields.size()];
        for (int i = 0; i < texts.length; i++) {
            String name = textFields.get(i);
            FieldValue v = fields.get(name);
            if (v.kind == FieldValue.Kind.MISSING) {
                return reject(
                        raw,
                        DeadLetterReason.MISSING_FIELD,
                        "field '" + name + "' is missing or empty",
                        timestamp);
            }
            if (v.kind == FieldValue.Kind.COMPOUND) {
                return reject(
                        raw,
                        DeadLetterReason.WRONG_TYPE,
                        "field '" + name + "' is an object or list, expected a single value",
                        timestamp);
            }
            texts[i] = v.text;
        }
        return DecodeResult.ok(
                new ParsedEvent(timestamp, numbers, texts, raw.payload(), raw.origin()));
    }

    private FieldSource csvFields(RawEvent raw) throws Rejected {
        String[] header = raw.csvHeader();
        String[] columns;
        try {
            columns = CsvLines.split(raw.text());
        } catch (IllegalArgumentException e) {
            throw new Rejected(
                    reject(raw, DeadLetterReason.UNPARSABLE, "bad CSV line: " + e.getMessage()));
        }
        if (columns.length != header.length) {
            throw new Rejected(
                    reject(
                            raw,
                            DeadLetterReason.UNPARSABLE,
                            "CSV line has "
                                    + columns.length
                                    + " columns, the header has "
                                    + header.length));
        }
        return name -> {
            for (int i = 0; i < header.length; i++) {
                if (header[i].equals(name)) {
                    String s = columns[i] == null ? "" : columns[i].trim();
                    return s.isEmpty() ? FieldValue.MISSING : FieldValue.text(s);
                }
            }
            return FieldValue.MISSING;
        };
    }

    private FieldSource jsonFields(RawEvent raw) throws Rejected {
        JsonNode root;
        try {
            root = mapper().readTree(raw.payload());
        } catch (JacksonException e) {
            throw new Rejected(
                    reject(
                            raw,
                            DeadLetterReason.UNPARSABLE,
                            "not valid JSON: " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new Rejected(
                    reject(raw, DeadLetterReason.UNPARSABLE, "not valid JSON: " + e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new Rejected(
                    reject(
                            raw,
                            DeadLetterReason.UNPARSABLE,
                            "expected a JSON object, got "
                                    + (root == null
                                            ? "nothing"
                                            : root.getNodeType().name().toLowerCase())));
        }
        return name -> FieldValue.of(lookup(root, name));
    }

    /** A field by name: the literal key first, then a dotted path into nested objects. */
    static JsonNode lookup(JsonNode root, String name) {
        JsonNode direct = root.get(name);
        if (direct != null || name.indexOf('.') < 0) {
            return direct;
        }
        JsonNode node = root;
        for (String part : name.split("\\.")) {
            if (node == null || !node.isObject()) {
                return null;
            }
            node = node.get(part);
        }
        return node;
    }

    private static double parseNumber(String s) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static boolean looksLikeNaN(String s) {
        String t = s.trim();
        return t.equalsIgnoreCase("nan") || t.equals("+NaN") || t.equals("-NaN");
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    private static DecodeResult reject(RawEvent raw, DeadLetterReason reason, String detail) {
        return DecodeResult.rejected(DeadLetter.of(reason, detail, raw.origin(), raw.payload()));
    }

    private static DecodeResult reject(
            RawEvent raw, DeadLetterReason reason, String detail, long timestamp) {
        return DecodeResult.rejected(
                DeadLetter.of(reason, detail, raw.origin(), raw.payload(), timestamp));
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            mapper =
                    new ObjectMapper()
                            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        }
        return mapper;
    }

    /** Thrown inside decoding to leave with a rejection; carries no stack trace (it is flow). */
    private static final class Rejected extends Exception {
        final DecodeResult result;

        Rejected(DecodeResult result) {
            super(null, null, false, false);
            this.result = result;
        }
    }

    /** Looks up a field's value by name in one decoded payload. */
    private interface FieldSource {
        FieldValue get(String name);
    }

    /** A field's value, classified. */
    private static final class FieldValue {
        enum Kind {
            MISSING,
            TEXT,
            NUMBER,
            BOOLEAN,
            COMPOUND
        }

        static final FieldValue MISSING = new FieldValue(Kind.MISSING, null, Double.NaN);

        final Kind kind;
        final String text;
        final double number;

        private FieldValue(Kind kind, String text, double number) {
            this.kind = kind;
            this.text = text;
            this.number = number;
        }

        static FieldValue text(String s) {
            return new FieldValue(Kind.TEXT, s, Double.NaN);
        }

        static FieldValue of(JsonNode n) {
            if (n == null || n.isNull() || n.isMissingNode()) {
                return MISSING;
            }
            if (n.isContainerNode()) {
                return new FieldValue(Kind.COMPOUND, n.toString(), Double.NaN);
            }
            if (n.isBoolean()) {
                return new FieldValue(Kind.BOOLEAN, n.asText(), Double.NaN);
            }
            if (n.isNumber()) {
                // BigDecimal keeps 1e400 visible as infinite rather than silently clamped.
                return new FieldValue(Kind.NUMBER, n.asText(), n.doubleValue());
            }
            String s = n.asText().trim();
            return s.isEmpty() ? MISSING : text(s);
        }
    }
}
