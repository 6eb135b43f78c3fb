package dev.forestwatch.job.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.forestwatch.connectors.datagen.SyntheticSpec;
import dev.forestwatch.connectors.ddbstreams.DynamoDbStreamsSourceSpec;
import dev.forestwatch.connectors.dynamodb.DynamoDbTableSpec;
import dev.forestwatch.connectors.file.FileFormat;
import dev.forestwatch.connectors.file.FileSourceSpec;
import dev.forestwatch.connectors.kafka.KafkaSourceSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Reads a YAML job spec into a {@link JobSpec} and validates it. Any problem (unknown key, wrong
 * type, bad duration, missing required field, inconsistent settings) fails with one {@link
 * SpecException} that lists every problem with the path of its key.
 */
public final class JobSpecLoader {
    /** Classpath location of the bundled demo spec (a copy of {@code config/jobs/demo.yaml}). */
    public static final String DEMO_RESOURCE = "/specs/demo.yaml";

    /**
     * Default {@code scoring.range_margin}: 5% of the range, the margin of Numenta's HTM "spatial
     * anomaly" rule, taken as published rather than tuned.
     */
    public static final double DEFAULT_RANGE_MARGIN = 0.05;

    private static final org.slf4j.Logger LOG =
            org.slf4j.LoggerFactory.getLogger(JobSpecLoader.class);

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private JobSpecLoader() {}

    /** Loads a spec file; relative file paths inside it resolve against the file's directory. */
    public static JobSpec load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SpecException(
                    file.toString(), List.of("(file): cannot read spec: " + e.getMessage()));
        }
        Path base = file.toAbsolutePath().getParent();
        return parse(text, file.toString(), base);
    }

    /** Loads the bundled demo spec. */
    public static JobSpec loadDemo() {
        try (InputStream in = JobSpecLoader.class.getResourceAsStream(DEMO_RESOURCE)) {
            Objects.requireNonNull(in, "bundled demo spec missing from the jar");
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return parse(text, "(bundled demo)", Path.of("").toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses spec text; {@code baseDir} resolves relative file paths. */
    public static JobSpec parse(String yaml, String sourceName, Path baseDir) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JacksonException e) {
            String where =
                    e.getLocation() == null
                            ? ""
                            : " at line "
                                    + e.getLocation().getLineNr()
                                    + ", column "
                                    + e.getLocation().getColumnNr();
            throw new SpecException(
                    sourceName,
                    List.of("(file): not valid YAML" + where + ": " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> problems = new ArrayList<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new SpecException(sourceName, List.of("(file): the spec is empty"));
        }
        SpecNode top = new SpecNode(root, "", problems);
        if (!top.present()) {
            throw new SpecException(sourceName, problems);
        }
        JobSpec spec = readJob(top, baseDir, problems);
        if (!problems.isEmpty()) {
            throw new SpecException(sourceName, problems);
        }
        return spec;
    }

    private static JobSpec readJob(SpecNode top, Path baseDir, List<String> problems) {
        String jobId = top.requiredString("job_id");
        if (jobId != null && !jobId.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
            top.problem(
                    "job_id",
                    "'"
                            + jobId
                            + "' must be 1-64 letters, digits, '_', '.' or '-', starting with a"
                            + " letter or digit");
        }
        String description = top.string("description", "");
        EventSpec event = readEvent(top.child("event"));
        SourceSpec source = readSource(top.child("source"), baseDir);
        AnalysisSpec analysis = readAnalysis(top.child("analysis"));
        ModelSpec model = readModel(top.child("model"));
        ScoringSpec scoring = readScoring(top.child("scoring"), jobId);
        AlertingSpec alerting = readAlerting(top.child("alerting"));
        SinksSpec sinks = readSinks(top.child("sinks"), baseDir);
        LimitsSpec limits = readLimits(top.child("limits"));
        top.rejectUnknownKeys();

        if (analysis != null && event != null) {
            checkDetectorsAgainstEvent(analysis, event, top);
        }
        if (source != null && source.file() != null && event != null) {
            String warning = headerWarning(source.file(), event.timestampField());
            if (warning != null) {
                LOG.warn(warning);
            }
        }
        if (analysis != null && model != null && limits != null) {
            Duration needed = analysis.bucketSpan().multipliedBy(model.shingleSize() + 1L);
            if (limits.stateTtl().compareTo(needed) < 0) {
                top.problem(
                        "limits.state_ttl",
                        "must be at least bucket_span x (shingle_size + 1) = "
                                + needed
                                + ", or series expire before their forest sees one shingle");
            }
        }
        if (analysis != null
                && event != null
                && event.maxOutOfOrderness().compareTo(Duration.ofDays(7)) > 0) {
            top.problem("event.max_out_of_orderness", "must be at most 7d");
        }
        if (alerting != null && scoring != null && sinks != null) {
            boolean cutoffKnown =
                    scoring.cutoff() != null
                            || (sinks.cutoffTable() != null && sinks.cutoffTable().readOnStart());
            for (int i = 0; i < alerting.policies().size(); i++) {
                if (alerting.policies().get(i).mode() == AlertPolicy.Mode.CUTOFF && !cutoffKnown) {
                    top.problem(
                            "alerting.policies[" + i + "].mode",
                            "'cutoff' needs scoring.cutoff or sinks.dynamodb with read_on_start");
                }
            }
        }
        return new JobSpec(
                jobId,
                description,
                source,
                event,
                analysis,
                model,
                scoring,
                alerting,
                sinks,
                limits);
    }

    private static void checkDetectorsAgainstEvent(
            AnalysisSpec analysis, EventSpec event, SpecNode top) {
        String ts = event.timestampField();
        for (DetectorSpec d : analysis.detectors()) {
            String at = "analysis.detectors[" + d.index() + "]";
            for (String f : d.fields()) {
                if (f.equals(ts)) {
                    top.problem(
                            at + (d.fields().size() == 1 ? ".field_name" : ".fields"),
                            "'" + f + "' is the timestamp field (event.timestamp_field)");
                }
            }
            for (String[] f :
                    new String[][] {
                        {"by_field_name", d.byFieldName()},
                        {"partition_field_name", d.partitionFieldName()}
                    }) {
                if (f[1] != null && f[1].equals(ts)) {
                    top.problem(
                            at + "." + f[0],
                            "'" + f[1] + "' is the timestamp field (event.timestamp_field)");
                }
            }
        }
    }

    private static SourceSpec readSource(SpecNode n, Path baseDir) {
        if (!n.present()) {
            n.problem(n.path(), "is required (type: file or datagen, with its settings)");
            return null;
        }
        String typeName = n.requiredString("type");
        SourceType type = null;
        if (typeName != null) {
            try {
                type = SourceType.valueOf(typeName.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                n.problem(
                        n.pathOf("type"),
                        "unknown source type '"
                                + typeName
                                + "', expected one of file, datagen, kafka, dynamodb-streams");
            }
        }
        FileSourceSpec file = null;
        SyntheticSpec datagen = null;
        SpecNode fileNode = n.child("file");
        SpecNode genNode = n.child("datagen");
        if (type == SourceType.FILE) {
            file = readFile(fileNode, baseDir);
        } else if (fileNode.present()) {
            n.problem(fileNode.path(), "only read when source.type is 'file'");
        }
        if (type == SourceType.DATAGEN) {
            datagen = readDatagen(genNode);
        } else if (genNode.present()) {
            n.problem(genNode.path(), "only read when source.type is 'datagen'");
        }
        KafkaSourceSpec kafka = null;
        SpecNode kafkaNode = n.child("kafka");
        if (type == SourceType.KAFKA) {
            kafka = readKafkaSource(kafkaNode);
        } else if (kafkaNode.present()) {
            n.problem(kafkaNode.path(), "only read when source.type is 'kafka'");
        }
        DynamoDbStreamsSourceSpec streams = null;
        SpecNode streamsNode = n.child("dynamodb_streams");
        if (type == SourceType.DYNAMODB_STREAMS) {
            streams = readStreamsSource(streamsNode);
        } else if (streamsNode.present()) {
            n.problem(streamsNode.path(), "only read when source.type is 'dynamodb-streams'");
        }
        n.rejectUnknownKeys();
        return type == null ? null : new SourceSpec(type, file, datagen, kafka, streams);
    }

    private static KafkaSourceSpec readKafkaSource(SpecNode n) {
        if (!n.present()) {
            n.problem(
                    n.path(),
                    "is required when source.type is 'kafka' (bootstrap_servers, topics)");
            return null;
        }
        String servers = n.requiredString("bootstrap_servers");
        List<String> topics = n.strings("topics");
        String pattern = n.string("topic_pattern", null);
        String group = n.string("group_id", null);
        String offsetsName = n.string("starting_offsets", group == null ? "earliest" : "committed");
        Instant startTs = n.has("starting_timestamp") ? instant(n, "starting_timestamp") : null;
        boolean bounded = n.bool("bounded", false);
        Duration discovery = n.duration("partition_discovery_interval", null);
        Map<String, String> props = n.stringMap("properties");
        n.rejectUnknownKeys();
        KafkaSourceSpec.StartingOffsets offsets = null;
        try {
            offsets = KafkaSourceSpec.StartingOffsets.valueOf(offsetsName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            n.problem(
                    n.pathOf("starting_offsets"),
                    "unknown value '"
                            + offsetsName
                            + "', expected one of earliest, latest, committed, timestamp");
        }
        if (offsets == KafkaSourceSpec.StartingOffsets.TIMESTAMP && startTs == null) {
            n.problem(
                    n.pathOf("starting_timestamp"),
                    "is required when starting_offsets is timestamp");
        }
        if (topics.isEmpty() == (pattern == null)) {
            n.problem(n.pathOf("topics"), "set either topics or topic_pattern (exactly one)");
            return null;
        }
        if (servers == null || offsets == null) {
            return null;
        }
        try {
            return new KafkaSourceSpec(
                    servers,
                    topics.isEmpty() ? null : List.copyOf(topics),
                    pattern,
                    group,
                    offsets,
                    startTs == null ? 0L : startTs.toEpochMilli(),
                    Map.copyOf(props),
                    bounded,
                    discovery);
        } catch (IllegalArgumentException e) {
            n.problem(n.path(), e.getMessage());
            return null;
        }
    }

    private static DynamoDbStreamsSourceSpec readStreamsSource(SpecNode n) {
        if (!n.present()) {
            n.problem(
                    n.path(), "is required when source.type is 'dynamodb-streams' (table, region)");
            return null;
        }
        String arn = n.string("stream_arn", null);
        String table = n.string("table", null);
        String positionName = n.string("initial_position", "trim_horizon");
        Duration poll = n.duration("poll_interval", Duration.ofSeconds(1));
        Duration discovery = n.duration("discovery_interval", Duration.ofSeconds(10));
        DynamoDbTableSpec connection = readConnection(n, table == null ? "unused" : table);
        Map<String, String> props = n.stringMap("properties");
        n.rejectUnknownKeys();
        if ((arn == null) == (table == null)) {
            n.problem(n.pathOf("table"), "set either table or stream_arn (exactly one)");
            return null;
        }
        DynamoDbStreamsSourceSpec.InitialPosition position = null;
        try {
            position =
                    DynamoDbStreamsSourceSpec.InitialPosition.valueOf(
                            positionName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            n.problem(
                    n.pathOf("initial_position"),
                    "unknown value '" + positionName + "', expected one of trim_horizon, latest");
        }
        if (connection == null || position == null) {
            return null;
        }
        try {
            return new DynamoDbStreamsSourceSpec(
                    arn, table, position, connection, poll, discovery, Map.copyOf(props));
        } catch (IllegalArgumentException e) {
            n.problem(n.path(), e.getMessage());
            return null;
        }
    }

    /**
     * A warning when the first line of a CSV source read with a header looks like data: the
     * timestamp field is not among its names and some of them are numbers or timestamps (a file
     * written without a header, as seed 000's Glue job writes them, would lose its first row and
     * turn every other event into a missing_timestamp dead letter). Null when it looks fine.
     */
    static String headerWarning(FileSourceSpec file, String timestampField) {
        if (file.format() != FileFormat.CSV || file.columns() != null) {
            return null;
        }
        Path first = Path.of(file.path());
        try {
            if (Files.isDirectory(first)) {
                try (var files = Files.list(first)) {
                    first = files.filter(Files::isRegularFile).sorted().findFirst().orElse(null);
                }
            }
            if (first == null) {
                return null;
            }
            String line;
            try (var in = Files.newBufferedReader(first, StandardCharsets.UTF_8)) {
                do {
                    line = in.readLine();
                } while (line != null && line.isBlank());
            }
            if (line == null) {
                return null;
            }
            line = line.replace("\uFEFF", "");
            String[] names = dev.forestwatch.connectors.file.CsvLines.split(line);
            List<String> dataLike = new ArrayList<>();
            boolean hasTimestamp = false;
            for (String raw : names) {
                String name = raw.trim();
                hasTimestamp |= name.equals(timestampField);
                if (name.matches("[-+]?\\d+([.,]\\d+)?([eE][-+]?\\d+)?")
                        || name.matches("\\d{4}-\\d{2}-\\d{2}.*")) {
                    dataLike.add(name);
                }
            }
            if (hasTimestamp || dataLike.isEmpty()) {
                return null;
            }
            return "source.file: the first line of "
                    + first.getFileName()
                    + " ('"
                    + (line.length() > 120 ? line.substring(0, 120) + "..." : line)
                    + "') is read as the header, but it looks like data ("
                    + String.join(", ", dataLike)
                    + ") and has no column '"
                    + timestampField
                    + "' (event.timestamp_field); if the file has no header line, set"
                    + " source.file.header: false and source.file.columns";
        } catch (IOException | RuntimeException e) {
            return null; // the source reports unreadable files itself
        }
    }

    private static FileSourceSpec readFile(SpecNode n, Path baseDir) {
        if (!n.present()) {
            n.problem(n.path(), "is required when source.type is 'file' (path, format)");
            return null;
        }
        String path = n.requiredString("path");
        String formatName = n.string("format", null);
        boolean header = n.bool("header", true);
        List<String> columns = n.strings("columns");
        FileFormat format = null;
        if (formatName == null && path != null) {
            String lower = path.toLowerCase(Locale.ROOT);
            format =
                    lower.endsWith(".csv")
                            ? FileFormat.CSV
                            : lower.endsWith(".jsonl") || lower.endsWith(".json")
                                    ? FileFormat.JSONL
                                    : null;
            if (format == null) {
                n.problem(
                        n.pathOf("format"),
                        "cannot be guessed from '" + path + "', set csv or jsonl");
            }
        } else if (formatName != null) {
            switch (formatName.toLowerCase(Locale.ROOT)) {
                case "csv" -> format = FileFormat.CSV;
                case "jsonl", "json", "ndjson" -> format = FileFormat.JSONL;
                default ->
                        n.problem(
                                n.pathOf("format"),
                                "unknown format '" + formatName + "', expected one of csv, jsonl");
            }
        }
        n.rejectUnknownKeys();
        if (format == FileFormat.JSONL && (!header || !columns.isEmpty())) {
            n.problem(n.pathOf("header"), "header and columns apply to csv files only");
        } else if (!header && columns.isEmpty()) {
            n.problem(
                    n.pathOf("columns"),
                    "is required with header: false: the column names in order, e.g. [time,"
                            + " airline, responsetime]");
        } else if (header && !columns.isEmpty()) {
            n.problem(
                    n.pathOf("columns"),
                    "only with header: false (the file's header line names the columns)");
        } else if (columns.size() != new java.util.HashSet<>(columns).size()) {
            n.problem(n.pathOf("columns"), "names a column twice: " + columns);
        }
        if (path == null || format == null) {
            return null;
        }
        Path resolved = baseDir.resolve(path).normalize();
        if (!Files.exists(resolved)) {
            n.problem(n.pathOf("path"), "'" + resolved + "' does not exist");
        }
        return new FileSourceSpec(
                resolved.toString(), format, header ? null : columns.toArray(new String[0]));
    }

    private static SyntheticSpec readDatagen(SpecNode n) {
        long seed = n.longValue("seed", 42L);
        int entities = n.integer("entities", 6, 1, 10_000);
        String startText = n.string("start", "2026-01-05T00:00:00Z");
        Instant start = Instant.parse("2026-01-05T00:00:00Z");
        try {
            start = Instant.parse(startText);
        } catch (DateTimeParseException e) {
            n.problem(
                    n.pathOf("start"),
                    "bad instant '"
                            + startText
                            + "', expected ISO-8601 such as 2026-01-05T00:00:00Z");
        }
        Duration duration = n.duration("duration", Duration.ofDays(14));
        Duration step = n.duration("step", Duration.ofMinutes(1));
        double eventsPerStep = n.number("events_per_step", 4.0, 0.01, 10_000);
        boolean inject = n.bool("inject_anomalies", true);
        n.rejectUnknownKeys();
        if (step.isZero() || step.isNegative()) {
            n.problem(n.pathOf("step"), "must be positive");
            return null;
        }
        if (duration.compareTo(step) < 0) {
            n.problem(n.pathOf("duration"), "must be at least one step (" + step + ")");
        }
        if (inject && entities < 4) {
            n.problem(
                    n.pathOf("inject_anomalies"),
                    "needs at least 4 entities (one per anomaly kind), got " + entities);
        }
        return new SyntheticSpec(seed, entities, start, duration, step, eventsPerStep, inject);
    }

    private static EventSpec readEvent(SpecNode n) {
        String tsField = n.string("timestamp_field", "timestamp");
        String formatText = n.string("timestamp_format", "iso8601");
        String zone = n.string("timezone", "UTC");
        try {
            ZoneId.of(zone);
        } catch (DateTimeException e) {
            n.problem(n.pathOf("timezone"), "unknown zone '" + zone + "'");
            zone = "UTC";
        }
        TimestampFormat format;
        switch (formatText.toLowerCase(Locale.ROOT)) {
            case "iso8601", "iso-8601", "iso" ->
                    format = new TimestampFormat(TimestampFormat.Kind.ISO8601, null, zone);
            case "epoch_seconds", "epoch", "epoch_s" ->
                    format = new TimestampFormat(TimestampFormat.Kind.EPOCH_SECONDS, null, zone);
            case "epoch_millis", "epoch_ms" ->
                    format = new TimestampFormat(TimestampFormat.Kind.EPOCH_MILLIS, null, zone);
            default -> {
                try {
                    DateTimeFormatter.ofPattern(formatText);
                } catch (IllegalArgumentException e) {
                    n.problem(
                            n.pathOf("timestamp_format"),
                            "'"
                                    + formatText
                                    + "' is neither iso8601, epoch_seconds, epoch_millis nor a"
                                    + " valid date-time pattern: "
                                    + e.getMessage());
                }
                format = new TimestampFormat(TimestampFormat.Kind.PATTERN, formatText, zone);
            }
        }
        Duration ooo = n.duration("max_out_of_orderness", Duration.ofSeconds(10));
        Duration lateness = n.duration("allowed_lateness", Duration.ZERO);
        Duration idleness = n.duration("idleness", Duration.ofMinutes(1));
        if (idleness.isZero() || idleness.isNegative()) {
            n.problem(n.pathOf("idleness"), "must be positive");
        }
        Duration maxFuture = n.duration("max_future", Duration.ofDays(1));
        if (maxFuture.isZero() || maxFuture.isNegative()) {
            n.problem(n.pathOf("max_future"), "must be positive");
        }
        n.rejectUnknownKeys();
        return new EventSpec(tsField, format, ooo, lateness, idleness, maxFuture);
    }

    private static AnalysisSpec readAnalysis(SpecNode n) {
        if (!n.present()) {
            n.problem(n.path(), "is required (bucket_span, detectors)");
            return null;
        }
        Duration span = n.duration("bucket_span", null);
        if (span == null && !n.problemsReported(n.pathOf("bucket_span"))) {
            n.problem(n.pathOf("bucket_span"), "is required");
        } else if (span != null && span.compareTo(Duration.ofSeconds(1)) < 0) {
            n.problem(n.pathOf("bucket_span"), "must be at least 1s, got " + span);
            span = null;
        }
        List<DetectorSpec> detectors = new ArrayList<>();
        List<SpecNode> nodes = n.mappings("detectors");
        if (nodes.isEmpty() && !n.problemsReported(n.pathOf("detectors"))) {
            n.problem(n.pathOf("detectors"), "at least one detector is required");
        }
        for (int i = 0; i < nodes.size(); i++) {
            DetectorSpec d = readDetector(nodes.get(i), i);
            if (d != null) {
                detectors.add(d);
            }
        }
        List<String> influencers = n.strings("influencers");
        Duration interim = n.duration("interim_every", null);
        n.rejectUnknownKeys();
        if (interim != null && span != null) {
            if (interim.compareTo(span) >= 0 || interim.isZero() || interim.isNegative()) {
                n.problem(
                        n.pathOf("interim_every"),
                        "must be positive and shorter than bucket_span (" + span + ")");
            } else if (detectors.stream().anyMatch(DetectorSpec::perEvent)) {
                n.problem(
                        n.pathOf("interim_every"),
                        "per-event detectors (function 'value') have no interim results");
            }
        }
        if (span == null || detectors.size() != nodes.size()) {
            return null;
        }
        return new AnalysisSpec(span, List.copyOf(detectors), List.copyOf(influencers), interim);
    }

    private static DetectorSpec readDetector(SpecNode n, int index) {
        if (!n.present()) {
            return null;
        }
        String fnName = n.requiredString("function");
        String field = n.string("field_name", null);
        List<String> multi = n.strings("fields");
        String by = n.string("by_field_name", null);
        String partition = n.string("partition_field_name", null);
        String description = n.string("description", null);
        n.rejectUnknownKeys();
        if (fnName == null) {
            return null;
        }
        DetectorFunction fn = DetectorFunction.parse(fnName).orElse(null);
        if (fn == null) {
            n.problem(
                    n.pathOf("function"),
                    "unknown function '"
                            + fnName
                            + "', expected one of "
                            + String.join(", ", DetectorFunction.allNames()));
            return null;
        }
        boolean ok = true;
        if (field != null && !multi.isEmpty()) {
            n.problem(n.pathOf("fields"), "set either field_name or fields, not both");
            ok = false;
        }
        List<String> fields = field != null ? List.of(field) : List.copyOf(multi);
        if (fn.aggregation().needsField() && fields.isEmpty()) {
            n.problem(
                    n.pathOf("field_name"),
                    "is required for function '" + fn.specName() + "' (or fields: [a, b])");
            ok = false;
        }
        if (!fn.aggregation().needsField() && !fields.isEmpty()) {
            n.problem(
                    n.pathOf(field != null ? "field_name" : "fields"),
                    "function '" + fn.specName() + "' counts events and takes no field");
            ok = false;
        }
        if (fields.size() > 1 && !fn.aggregation().multivariate()) {
            n.problem(
                    n.pathOf("fields"), "function '" + fn.specName() + "' analyses a single field");
            ok = false;
        }
        if (fields.size() > 16) {
            n.problem(n.pathOf("fields"), "at most 16 fields per detector, got " + fields.size());
            ok = false;
        }
        if (fields.size() != new java.util.HashSet<>(fields).size()) {
            n.problem(n.pathOf("fields"), "lists a field twice");
            ok = false;
        }
        if (by != null && by.equals(partition)) {
            n.problem(n.pathOf("by_field_name"), "must differ from partition_field_name");
            ok = false;
        }
        for (String f : fields) {
            if (f.equals(by) || f.equals(partition)) {
                n.problem(
                        n.pathOf(field != null ? "field_name" : "fields"),
                        "'" + f + "' is also the by or partition field of this detector");
                ok = false;
            }
        }
        if (!ok) {
            return null;
        }
        if (description == null) {
            description =
                    fn.specName()
                            + (fields.isEmpty() ? "" : "(" + String.join(", ", fields) + ")")
                            + (by == null ? "" : " by " + by)
                            + (partition == null ? "" : " partitionfield=" + partition);
        }
        return new DetectorSpec(index, fn, fields, by, partition, description);
    }

    private static ModelSpec readModel(SpecNode n) {
        int trees = n.integer("trees", 50, 1, 1000);
        int sampleSize = n.integer("sample_size", 256, 8, 8192);
        int shingle = n.integer("shingle_size", 4, 1, 64);
        double decay = n.number("time_decay", 0.0, 0.0, 1.0);
        long seed = n.longValue("seed", 42L);
        int warmUp = n.integer("warm_up", 0, 0, 1_000_000);
        double rate = n.number("anomaly_rate", 0.005, 1e-6, 0.5);
        String transform = n.string("transform", "normalize");
        boolean normalize = true;
        switch (transform.toLowerCase(Locale.ROOT)) {
            case "normalize" -> normalize = true;
            case "none" -> normalize = false;
            default ->
                    n.problem(
                            n.pathOf("transform"),
                            "unknown transform '"
                                    + transform
                                    + "', expected one of normalize, none");
        }
        double bbcf = n.number("bounding_box_cache_fraction", 1.0, 0.0, 1.0);
        boolean alertOnce = n.bool("alert_once", false);
        SeasonalitySpec seasonality = n.seasonality("seasonality", Duration.ofMinutes(1));
        n.rejectUnknownKeys();
        return new ModelSpec(
                trees,
                sampleSize,
                shingle,
                decay,
                seed,
                warmUp,
                rate,
                normalize,
                bbcf,
                alertOnce,
                seasonality);
    }

    private static ScoringSpec readScoring(SpecNode n, String jobId) {
        double minRecord = n.number("min_record_score", 0.0, 0.0, 100.0);
        Duration window = n.duration("renormalization_window", Duration.ofDays(30));
        double minChange = n.number("renormalization_min_change", 5.0, 0.0, 100.0);
        double floor = n.number("normalization_floor", 6.0, 0.5, 300.0);
        String typicalName = n.string("typical", ScoringSpec.Typical.BASELINE.specName());
        ScoringSpec.Typical typical = ScoringSpec.Typical.BASELINE;
        boolean knownTypical = false;
        for (ScoringSpec.Typical t : ScoringSpec.Typical.values()) {
            if (t.specName().equalsIgnoreCase(typicalName)) {
                typical = t;
                knownTypical = true;
            }
        }
        if (!knownTypical) {
            n.problem(
                    n.pathOf("typical"),
                    "unknown value '"
                            + typicalName
                            + "', expected one of baseline, forecast, anomalies");
        }
        double rangeMargin = n.numberOrNone("range_margin", DEFAULT_RANGE_MARGIN, 0.0, 10.0);
        CutoffSpec cutoff = readCutoff(n.child("cutoff"), jobId);
        n.rejectUnknownKeys();
        if (window.isZero() || window.isNegative()) {
            n.problem(n.pathOf("renormalization_window"), "must be positive");
        }
        return new ScoringSpec(minRecord, window, minChange, floor, typical, rangeMargin, cutoff);
    }

    private static CutoffSpec readCutoff(SpecNode n, String jobId) {
        if (n.has("enabled") && !n.bool("enabled", true)) {
            n.rejectUnknownKeys();
            return null;
        }
        n.bool("enabled", true);
        String methodName = n.string("method", "mean_plus_k_sigma");
        CutoffSpec.Method method = null;
        for (CutoffSpec.Method m : CutoffSpec.Method.values()) {
            if (m.specName().equalsIgnoreCase(methodName)) {
                method = m;
            }
        }
        if (method == null) {
            n.problem(
                    n.pathOf("method"),
                    "unknown method '"
                            + methodName
                            + "', expected one of mean_plus_k_sigma, quantile");
        }
        double k = n.number("k", 3.0, 0.0, 100.0);
        double quantile = n.number("quantile", 0.995, 0.5, 0.999999);
        Duration history = n.duration("history", Duration.ofDays(7));
        Duration interval = n.duration("interval", Duration.ofHours(1));
        String perName = n.string("per", "job");
        CutoffSpec.Per per = null;
        try {
            per = CutoffSpec.Per.valueOf(perName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            n.problem(
                    n.pathOf("per"),
                    "unknown value '" + perName + "', expected one of job, detector, series");
        }
        String dataKind = n.string("data_kind", jobId);
        int minSamples = n.integer("min_samples", 100, 2, 100_000_000);
        n.rejectUnknownKeys();
        if (interval.isZero() || interval.isNegative()) {
            n.problem(n.pathOf("interval"), "must be positive");
        }
        if (history.compareTo(interval) < 0) {
            n.problem(n.pathOf("history"), "must be at least the interval (" + interval + ")");
        }
        if (history.toMillis() / Math.max(1, interval.toMillis()) > 10_000) {
            n.problem(
                    n.pathOf("history"),
                    "at most 10000 intervals of history (memory is one summary per interval)");
        }
        if (method == null || per == null) {
            return null;
        }
        return new CutoffSpec(method, k, quantile, history, interval, per, dataKind, minSamples);
    }

    private static AlertingSpec readAlerting(SpecNode n) {
        List<AlertPolicy> policies = new ArrayList<>();
        List<SpecNode> nodes = n.mappings("policies");
        for (int i = 0; i < nodes.size(); i++) {
            SpecNode p = nodes.get(i);
            String name = p.string("name", "policy-" + i);
            String modeName = p.string("mode", "score");
            String levelName = p.string("level", null);
            double minScore = p.number("min_score", 75.0, 0.0, 100.0);
            String severity = p.string("min_severity", "warning").toLowerCase(Locale.ROOT);
            p.rejectUnknownKeys();
            AlertPolicy.Mode mode = null;
            try {
                mode = AlertPolicy.Mode.valueOf(modeName.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                p.problem(
                        p.pathOf("mode"),
                        "unknown mode '" + modeName + "', expected one of cutoff, score");
            }
            AlertPolicy.Level level = null;
            String effectiveLevel =
                    levelName != null
                            ? levelName
                            : mode == AlertPolicy.Mode.CUTOFF ? "record" : "bucket";
            try {
                level = AlertPolicy.Level.valueOf(effectiveLevel.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                p.problem(
                        p.pathOf("level"),
                        "unknown level '"
                                + effectiveLevel
                                + "', expected one of record, influencer, bucket");
            }
            if (mode == AlertPolicy.Mode.CUTOFF
                    && level != null
                    && level != AlertPolicy.Level.RECORD) {
                p.problem(
                        p.pathOf("level"),
                        "mode 'cutoff' compares record raw scores: use level record");
            }
            if (!List.of("warning", "minor", "major", "critical").contains(severity)) {
                p.problem(
                        p.pathOf("min_severity"),
                        "unknown severity '"
                                + severity
                                + "', expected one of warning, minor, major, critical");
            }
            if (policies.stream().anyMatch(x -> x.name().equals(name))) {
                p.problem(p.pathOf("name"), "'" + name + "' is used by another policy");
            }
            if (mode != null && level != null) {
                policies.add(new AlertPolicy(name, mode, level, minScore, severity));
            }
        }
        Duration suppression = n.duration("suppression", Duration.ofHours(1));
        List<QuietPeriod> quiet = new ArrayList<>();
        List<SpecNode> quietNodes = n.mappings("quiet_periods");
        for (int i = 0; i < quietNodes.size(); i++) {
            SpecNode q = quietNodes.get(i);
            String name = q.string("name", "quiet-" + i);
            Instant start = instant(q, "start");
            Instant end = instant(q, "end");
            q.rejectUnknownKeys();
            if (start != null && end != null) {
                if (!end.isAfter(start)) {
                    q.problem(q.pathOf("end"), "must be after start");
                } else {
                    quiet.add(new QuietPeriod(name, start.toEpochMilli(), end.toEpochMilli()));
                }
            }
        }
        n.rejectUnknownKeys();
        return new AlertingSpec(List.copyOf(policies), suppression, List.copyOf(quiet));
    }

    private static Instant instant(SpecNode n, String key) {
        String text = n.requiredString(key);
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            n.problem(
                    n.pathOf(key),
                    "bad instant '" + text + "', expected ISO-8601 such as 2026-12-24T00:00:00Z");
            return null;
        }
    }

    private static SinksSpec readSinks(SpecNode n, Path baseDir) {
        SpecNode files = n.child("files");
        String dir = files.string("dir", null);
        files.rejectUnknownKeys();
        SpecNode console = n.child("console");
        boolean summary = console.bool("summary", true);
        int top = console.integer("top", 10, 1, 1000);
        console.rejectUnknownKeys();
        CutoffTableSpec table = readCutoffTable(n.child("dynamodb"));
        KafkaSinksSpec kafka = readKafkaSinks(n.child("kafka"));
        n.rejectUnknownKeys();
        return new SinksSpec(
                dir == null ? null : baseDir.resolve(dir).normalize().toString(),
                summary,
                top,
                table,
                kafka);
    }

    private static KafkaSinksSpec readKafkaSinks(SpecNode n) {
        if (!n.present()) {
            return null;
        }
        String servers = n.requiredString("bootstrap_servers");
        String guaranteeName = n.string("delivery_guarantee", "exactly_once");
        String prefix = n.string("transactional_id_prefix", null);
        Duration timeout = n.duration("transaction_timeout", Duration.ofMinutes(10));
        Map<String, String> props = n.stringMap("properties");
        SpecNode t = n.child("topics");
        String records = t.string("records", null);
        String influencers = t.string("influencers", null);
        String buckets = t.string("buckets", null);
        String alerts = t.string("alerts", null);
        String cutoffs = t.string("cutoffs", null);
        String renormalized = t.string("renormalized", null);
        String deadLetters = t.string("dead_letters", null);
        t.rejectUnknownKeys();
        n.rejectUnknownKeys();
        org.apache.flink.connector.base.DeliveryGuarantee guarantee = null;
        switch (guaranteeName.toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "exactly_once" ->
                    guarantee = org.apache.flink.connector.base.DeliveryGuarantee.EXACTLY_ONCE;
            case "at_least_once" ->
                    guarantee = org.apache.flink.connector.base.DeliveryGuarantee.AT_LEAST_ONCE;
            default ->
                    n.problem(
                            n.pathOf("delivery_guarantee"),
                            "unknown value '"
                                    + guaranteeName
                                    + "', expected one of exactly_once, at_least_once");
        }
        if (java.util.stream.Stream.of(
                        records, influencers, buckets, alerts, cutoffs, renormalized, deadLetters)
                .allMatch(java.util.Objects::isNull)) {
            n.problem(
                    t.path(),
                    "name at least one topic (records, influencers, buckets, alerts,"
                            + " cutoffs, renormalized, dead_letters)");
        }
        if (timeout.compareTo(Duration.ofMinutes(15)) >= 0
                && !props.containsKey("forestwatch.broker.transaction.max.timeout.ms")) {
            n.problem(
                    n.pathOf("transaction_timeout"),
                    "must be below the broker's transaction.max.timeout.ms (15m by default)");
        }
        if (servers == null || guarantee == null) {
            return null;
        }
        return new KafkaSinksSpec(
                servers,
                guarantee,
                prefix,
                timeout,
                Map.copyOf(props),
                records,
                influencers,
                buckets,
                alerts,
                cutoffs,
                renormalized,
                deadLetters);
    }

    private static CutoffTableSpec readCutoffTable(SpecNode n) {
        if (!n.present()) {
            return null;
        }
        String table = n.string("cutoff_table", "anomaly_cut_off");
        DynamoDbTableSpec spec = readConnection(n, table);
        boolean readOnStart = n.bool("read_on_start", true);
        boolean create = n.bool("create_if_missing", false);
        n.rejectUnknownKeys();
        return spec == null ? null : new CutoffTableSpec(spec, readOnStart, create);
    }

    /** AWS connection settings (region, endpoint, credentials) of a DynamoDB section. */
    private static DynamoDbTableSpec readConnection(SpecNode n, String table) {
        String region = n.requiredString("region");
        String endpoint = n.string("endpoint", null);
        String credentials = n.string("credentials", "auto").toLowerCase(Locale.ROOT);
        String accessKey = n.string("access_key_id", null);
        String secretKey = n.string("secret_access_key", null);
        if (region == null) {
            return null;
        }
        DynamoDbTableSpec spec;
        switch (credentials) {
            case "auto" -> {
                if (accessKey != null || secretKey != null) {
                    n.problem(
                            n.pathOf("credentials"),
                            "'auto' uses the AWS default chain; access keys need credentials: basic");
                    return null;
                }
                spec =
                        endpoint == null
                                ? DynamoDbTableSpec.auto(table, region)
                                : new DynamoDbTableSpec(
                                        table,
                                        region,
                                        endpoint,
                                        DynamoDbTableSpec.AUTO,
                                        null,
                                        null);
            }
            case "basic" -> {
                if (accessKey == null || secretKey == null) {
                    n.problem(
                            n.pathOf("credentials"),
                            "'basic' needs access_key_id and secret_access_key");
                    return null;
                }
                spec = DynamoDbTableSpec.basic(table, region, endpoint, accessKey, secretKey);
            }
            default -> {
                n.problem(
                        n.pathOf("credentials"),
                        "unknown value '" + credentials + "', expected one of auto, basic");
                return null;
            }
        }
        return spec;
    }

    private static LimitsSpec readLimits(SpecNode n) {
        int maxBytes = n.integer("max_event_bytes", 64 * 1024, 16, 64 * 1024 * 1024);
        Duration ttl = n.duration("state_ttl", Duration.ofDays(7));
        int maxSeries =
                n.integer(
                        "max_series_per_subtask",
                        LimitsSpec.DEFAULT_MAX_SERIES_PER_SUBTASK,
                        1,
                        Integer.MAX_VALUE);
        n.rejectUnknownKeys();
        return new LimitsSpec(maxBytes, ttl, maxSeries);
    }
}
