package dev.forestwatch.connectors.file;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

/**
 * Quote-aware splitting of a single comma-separated line (RFC 4180 quoting).
 *
 * <p>Fields may be wrapped in double quotes, which may then contain commas and doubled quotes
 * ({@code ""} stands for one {@code "}). Values are returned exactly as written apart from the
 * quoting: no trimming. A quote inside an unquoted field is kept literally (common, harmless
 * leniency); an unterminated quoted field or text after a closing quote is rejected. Quoted line
 * breaks are not supported because the file reader works line by line.
 */
public final class CsvLines {
    // ObjectReader is immutable and thread-safe, so one instance serves every caller.
    private static final ObjectReader ROW_READER =
            new CsvMapper().readerFor(String[].class).with(CsvSchema.emptySchema());

    private CsvLines() {}

    /**
     * Splits one CSV line into its field values.
     *
     * @param line one line without its terminator; an empty line is one empty field
     * @return the field values, never {@code null}
     * @throws IllegalArgumentException if the quoting is malformed or the text holds a line break
     */
    public static String[] split(String line) {
        if (line == null) {
            throw new IllegalArgumentException("CSV line is null");
        }
        if (line.isEmpty()) {
            // Jackson reports "no content" here; for one line of CSV it is a single empty field.
            return new String[] {""};
        }
        // Jackson would silently stop at a line break and drop the rest, so refuse it up front.
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("Malformed CSV line: contains a line break");
        }
        try {
            String[] fields = ROW_READER.readValue(line);
            return fields == null ? new String[] {""} : fields;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(describe(e), e);
        }
    }

    private static String describe(JsonProcessingException e) {
        StringBuilder message = new StringBuilder("Malformed CSV line: ");
        message.append(e.getOriginalMessage());
        JsonLocation location = e.getLocation();
        if (location != null && location.getColumnNr() > 0) {
            message.append(" (at column ").append(location.getColumnNr()).append(')');
        }
        return message.toString();
    }
}
