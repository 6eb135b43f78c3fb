package dev.forestwatch.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forestwatch.job.Output;
import dev.forestwatch.job.config.JobSpec;
import dev.forestwatch.job.config.JobSpecLoader;
import dev.forestwatch.job.config.KafkaSinksSpec;
import dev.forestwatch.job.config.SourceType;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Keeps the deployment files (docker/Dockerfile, docker/compose.yaml, docker/k8s/, the Flink
 * settings in config/flink/config.yaml) consistent with the code and with each other: the main
 * class and the jar they start exist, the specs they pass load, the compose services match the
 * hosts, topics and tables of the compose spec, and every copy of the Flink settings says the same.
 * No Docker or Kubernetes is needed; the files are parsed.
 */
class DeploymentFilesTest {
    private static final Path ROOT = repoRoot();
    private static final Path COMPOSE = ROOT.resolve("docker/compose.yaml");
    private static final Path DOCKERFILE = ROOT.resolve("docker/Dockerfile");
    private static final Path FLINK_DEPLOYMENT = ROOT.resolve("docker/k8s/flinkdeployment.yaml");
    private static final Path FLINK_CONFIG_DIR = ROOT.resolve("config/flink");

    private static final String MAIN_CLASS = "dev.forestwatch.job.AnomalyDetectionJob";

    /** Where the Dockerfile puts the cluster jar; standalone-job and the operator load it. */
    private static final String JAR_IN_IMAGE = "/opt/flink/usrlib/forestwatch.jar";

    /** Where the Dockerfile puts config/jobs/ and docker/jobs/. */
    private static final String SPECS_IN_IMAGE = "/opt/forestwatch/jobs/";

    /** The repository directories copied to {@link #SPECS_IN_IMAGE}. */
    private static final List<String> SPEC_DIRS = List.of("config/jobs", "docker/jobs");

    /** The checkpoint/savepoint volume mount in the Flink containers and pods. */
    private static final String STATE_MOUNT = "/opt/flink/state";

    private static final ObjectMapper TREE = new ObjectMapper();

    // ---------------------------------------------------------------- compose

    @Test
    void composeHasTheFlinkKafkaDynamoDbAndInitServices() throws IOException {
        JsonNode services = compose().path("services");

        assertThat(fieldNames(services))
                .contains("jobmanager", "taskmanager", "kafka", "dynamodb-local", "init");
        assertThat(services.at("/taskmanager/deploy/replicas").asInt())
                .as("TaskManager replicas")
                .isGreaterThanOrEqualTo(2);
        assertThat(services.at("/taskmanager/command").asText()).isEqualTo("taskmanager");
        assertThat(services.at("/kafka/image").asText()).startsWith("apache/kafka:3.9.");
        assertThat(services.at("/dynamodb-local/image").asText())
                .startsWith("amazon/dynamodb-local:");
        assertThat(services.at("/init/image").asText()).startsWith("amazon/aws-cli:");

        // Both Flink roles run the image the Dockerfile builds and share the state volume.
        for (String flink : List.of("jobmanager", "taskmanager")) {
            JsonNode service = services.path(flink);
            assertThat(service.at("/build/dockerfile").asText())
                    .as(flink + " build")
                    .isEqualTo("docker/Dockerfile");
            assertThat(ROOT.resolve("docker").resolve(service.at("/build/context").asText()))
                    .as(flink + " build context is the repository root")
                    .satisfies(p -> assertThat(p.resolve("pom.xml")).isRegularFile());
            assertThat(texts(service.path("volumes")))
                    .as(flink + " volumes")
                    .contains("flink-state:" + STATE_MOUNT);
        }
        assertThat(fieldNames(compose().path("volumes"))).contains("flink-state");
    }

    @Test
    void composeDependenciesPointAtServicesWithMatchingHealthchecks() throws IOException {
        JsonNode services = compose().path("services");
        List<String> names = fieldNames(services);
        for (String name : names) {
            JsonNode dependsOn = services.path(name).path("depends_on");
            for (String target : fieldNames(dependsOn)) {
                assertThat(names).as(name + " depends on " + target).contains(target);
                String condition = dependsOn.path(target).path("condition").asText();
                assertThat(condition)
                        .isIn(
                                "service_started",
                                "service_healthy",
                                "service_completed_successfully");
                if (condition.equals("service_healthy")) {
                    assertThat(services.path(target).has("healthcheck"))
                            .as(target + " needs a healthcheck for " + name)
                            .isTrue();
                }
            }
        }
        // The job starts only when Kafka is up and every topic and table exists.
        assertThat(services.at("/jobmanager/depends_on/kafka/condition").asText())
                .isEqualTo("service_healthy");
        assertThat(services.at("/jobmanager/depends_on/init/condition").asText())
                .isEqualTo("service_completed_successfully");
        assertThat(services.at("/init/depends_on/init-topics/condition").asText())
                .isEqualTo("service_completed_successfully");
    }

    @Test
    void composeEscapesShellDollarsAndInterpolatesOnlyWithDefaults() throws IOException {
        // Compose interpolates $VAR and ${VAR} in every value; a shell `$` must be written `$$`.
        Pattern interpolation = Pattern.compile("\\$(\\{[^}]*}|[A-Za-z_]\\w*)?");
        List<String> problems = new ArrayList<>();
        for (String value : scalars(compose().path("services"))) {
            Matcher m = interpolation.matcher(value.replace("$$", ""));
            while (m.find()) {
                String found = m.group();
                if (!found.matches("\\$\\{[A-Za-z_]\\w*:-[^}]*}")) {
                    problems.add(found + " in: " + value.lines().findFirst().orElse(""));
                }
            }
        }
        assertThat(problems).as("unescaped $ or interpolation without default").isEmpty();
    }

    @Test
    void jobmanagerStartsTheRealMainClassWithASpecFromTheImage() throws Exception {
        List<String> args = jobmanagerArgs();

        assertThat(args.get(0)).isEqualTo("standalone-job");
        assertThat(valueAfter(args, "--job-classname")).isEqualTo(MAIN_CLASS);
        assertThatCode(() -> Class.forName(MAIN_CLASS)).doesNotThrowAnyException();

        // Flink's parser hands everything from the first option it does not know to main(), and
        // takes -s for --fromSavepoint: the spec must come last and in its long form.
        int spec = args.indexOf("--spec");
        assertThat(spec).as("--spec in " + args).isPositive();
        assertThat(args.subList(spec, args.size())).hasSize(2);
        assertThat(args).doesNotContain("-s");

        Path specFile = specInRepo(args.get(spec + 1));
        JobSpec loaded = JobSpecLoader.load(specFile);
        assertThat(loaded.jobId()).isNotBlank();
    }

    @Test
    void composeSpecUsesTheComposeHostsTopicsAndTables() throws IOException {
        JsonNode services = compose().path("services");
        List<String> args = jobmanagerArgs();
        Path specFile = specInRepo(valueAfter(args, "--spec"));
        assertThat(specFile).isEqualTo(ROOT.resolve("docker/jobs/compose-nyc-taxi.yaml"));
        JobSpec spec = JobSpecLoader.load(specFile);

        // DynamoDB Streams from DynamoDB Local, with static keys.
        assertThat(spec.source().type()).isEqualTo(SourceType.DYNAMODB_STREAMS);
        var streams = spec.source().dynamodbStreams();
        assertServiceEndpoint(services, "dynamodb-local", streams.connection().endpoint());
        assertThat(streams.connection().credentialsProvider()).isEqualTo("BASIC");
        var cutoffTable = spec.sinks().cutoffTable().table();
        assertServiceEndpoint(services, "dynamodb-local", cutoffTable.endpoint());
        assertThat(spec.sinks().cutoffTable().createIfMissing())
                .as("init creates the cutoff table")
                .isFalse();

        // Kafka: the bootstrap servers are compose services that advertise exactly that address.
        KafkaSinksSpec kafka = spec.sinks().kafka();
        String advertised = services.at("/kafka/environment/KAFKA_ADVERTISED_LISTENERS").asText();
        for (String server : kafka.bootstrapServers().split(",")) {
            String host = server.substring(0, server.indexOf(':'));
            assertThat(fieldNames(services)).as("Kafka host " + host).contains(host);
            assertThat(advertised).contains("//" + server);
        }

        // init-topics creates every topic the spec writes; renormalized is compacted.
        String topicsScript = script(services.path("init-topics"));
        for (Output output : Output.values()) {
            String topic = kafka.topicOf(output);
            if (topic == null) {
                continue;
            }
            String line = lineWith(topicsScript, "create " + topic);
            assertThat(line).as("topic " + topic + " created").isNotNull();
            if (output == Output.RENORMALIZED) {
                assertThat(line).contains("--config cleanup.policy=compact");
            }
        }
        assertThat(kafka.topicOf(Output.RENORMALIZED)).isNotNull();

        // init creates the source table with a stream and the seed's cutoff table schema.
        String tablesScript = script(services.path("init"));
        assertThat(createTable(tablesScript, streams.tableName()))
                .contains("--stream-specification StreamEnabled=true")
                .contains("StreamViewType=NEW_AND_OLD_IMAGES");
        assertThat(createTable(tablesScript, cutoffTable.tableName()))
                .contains("AttributeName=data_kind,AttributeType=S")
                .contains("AttributeName=update_time,AttributeType=S")
                .contains("AttributeName=data_kind,KeyType=HASH")
                .contains("AttributeName=update_time,KeyType=RANGE");
        assertThat(tablesScript).contains("--endpoint-url http://dynamodb-local:8000");
    }

    @Test
    void everySpecInDockerJobsLoads() throws IOException {
        List<Path> specs;
        try (Stream<Path> files = Files.list(ROOT.resolve("docker/jobs"))) {
            specs = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(specs).isNotEmpty();
        for (Path spec : specs) {
            assertThatCode(() -> JobSpecLoader.load(spec))
                    .as(spec.toString())
                    .doesNotThrowAnyException();
        }
    }

    // ------------------------------------------------------------- Dockerfile

    @Test
    void dockerfileBuildsWithMavenAndRunsTheClusterJarOnStockFlink() throws Exception {
        List<String> instructions = dockerInstructions();
        List<String> froms = instructions.stream().filter(i -> i.startsWith("FROM ")).toList();
        assertThat(froms).hasSize(2);
        assertThat(froms.get(0)).matches("FROM maven:3\\.9-eclipse-temurin-17 AS build");
        // The runtime image is the Flink version the job is compiled against, on Java 17.
        String flinkVersion =
                pomValue(ROOT.resolve("pom.xml"), "/project/properties/flink.version");
        assertThat(froms.get(1)).isEqualTo("FROM flink:" + flinkVersion + "-java17");

        // The build: poms first (a cached dependency layer), then sources, then the package.
        int firstPom = indexOf(instructions, "COPY pom.xml ");
        int firstSource = indexOf(instructions, "COPY connectors/src/main ");
        assertThat(firstPom).isNotNegative().isLessThan(firstSource);
        assertThat(instructions.stream().filter(i -> i.startsWith("RUN mvn ")).toList())
                .hasSize(2)
                .allSatisfy(i -> assertThat(i).contains("package"));
        assertThat(instructions.stream().filter(i -> i.startsWith("ARG MVN_FLAGS=")).findFirst())
                .hasValueSatisfying(i -> assertThat(i).contains("-B", "-q", "-DskipTests"));

        // Every path copied from the build context exists in the repository.
        for (String copy : instructions) {
            if (copy.startsWith("COPY ") && !copy.contains("--from=")) {
                List<String> words = words(copy);
                for (String source : words.subList(1, words.size() - 1)) {
                    if (!source.startsWith("--")) {
                        assertThat(ROOT.resolve(source)).as(copy).exists();
                    }
                }
            }
        }

        // The jar copied into the image is the cluster jar of job/pom.xml.
        Path jobPom = ROOT.resolve("job/pom.xml");
        String artifactId = pomValue(jobPom, "/project/artifactId");
        String classifier = pomValue(jobPom, "//*[local-name()='shadedClassifierName']");
        String version = pomValue(ROOT.resolve("pom.xml"), "/project/version");
        assertThat(artifactId + "-*-" + classifier + ".jar")
                .isEqualTo("forestwatch-job-*-cluster.jar");
        String jarCopy =
                instructions.stream()
                        .filter(i -> i.startsWith("COPY --from=build "))
                        .findFirst()
                        .orElseThrow();
        List<String> words = words(jarCopy);
        String source = words.get(words.size() - 2);
        assertThat(words.get(words.size() - 1)).isEqualTo(JAR_IN_IMAGE);
        assertThat(source)
                .isEqualTo("/build/job/target/" + artifactId + "-*-" + classifier + ".jar");
        String builtName = artifactId + "-" + version + "-" + classifier + ".jar";
        assertThat(
                        FileSystems.getDefault()
                                .getPathMatcher("glob:" + source)
                                .matches(Path.of("/build/job/target", builtName)))
                .as(source + " matches " + builtName)
                .isTrue();

        // Both spec directories land where the compose and Kubernetes files look for specs.
        for (String dir : SPEC_DIRS) {
            assertThat(instructions)
                    .anyMatch(i -> i.matches("COPY .*" + dir + "/? " + SPECS_IN_IMAGE));
        }
        // The Prometheus reporter of config.yaml is a plugin of the image.
        assertThat(instructions)
                .anyMatch(i -> i.startsWith("RUN ") && i.contains("plugins/metrics-prometheus"));
    }

    // -------------------------------------------------------------- Kubernetes

    @Test
    void flinkDeploymentRunsTheSameJarWithAnExistingSpecAndSavepointUpgrades() throws Exception {
        List<JsonNode> docs = yamlDocuments(FLINK_DEPLOYMENT);
        JsonNode deployment =
                docs.stream()
                        .filter(d -> d.path("kind").asText().equals("FlinkDeployment"))
                        .findFirst()
                        .orElseThrow();
        assertThat(deployment.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
        JsonNode spec = deployment.path("spec");
        assertThat(spec.path("flinkVersion").asText()).isEqualTo("v1_20");

        JsonNode job = spec.path("job");
        assertThat(job.path("jarURI").asText()).isEqualTo("local://" + JAR_IN_IMAGE);
        assertThat(job.path("entryClass").asText()).isEqualTo(MAIN_CLASS);
        assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(job.path("parallelism").asInt()).isEqualTo(2);
        List<String> args = texts(job.path("args"));
        assertThat(args).hasSize(2).startsWith("--spec");
        assertThatCode(() -> JobSpecLoader.load(specInRepo(args.get(1))))
                .doesNotThrowAnyException();

        // Savepoints and checkpoints are on the volume every pod mounts, from the claim defined
        // next to the deployment.
        JsonNode config = spec.path("flinkConfiguration");
        for (String dir : List.of("state.savepoints.dir", "state.checkpoints.dir")) {
            assertThat(config.path(dir).asText()).startsWith("file://" + STATE_MOUNT + "/");
        }
        JsonNode pod = spec.at("/podTemplate/spec");
        JsonNode mount = pod.at("/containers/0/volumeMounts/0");
        assertThat(pod.at("/containers/0/name").asText()).isEqualTo("flink-main-container");
        assertThat(mount.path("mountPath").asText()).isEqualTo(STATE_MOUNT);
        JsonNode volume = pod.at("/volumes/0");
        assertThat(volume.path("name").asText()).isEqualTo(mount.path("name").asText());
        String claim = volume.at("/persistentVolumeClaim/claimName").asText();
        assertThat(docs)
                .anyMatch(
                        d ->
                                d.path("kind").asText().equals("PersistentVolumeClaim")
                                        && d.at("/metadata/name").asText().equals(claim)
                                        && texts(d.at("/spec/accessModes"))
                                                .contains("ReadWriteMany"));
        assertThat(job.path("parallelism").asInt())
                .isLessThanOrEqualTo(config.path("pipeline.max-parallelism").asInt());
        // Older operators accept only string values in flinkConfiguration.
        assertThat(config.properties())
                .allSatisfy(e -> assertThat(e.getValue().isTextual()).isTrue());
    }

    // ---------------------------------------------------------- Flink settings

    @Test
    void flinkConfigYamlLoadsWithFlinksParserAndSetsWhatTheJobRelies() {
        Configuration conf = GlobalConfiguration.loadConfiguration(FLINK_CONFIG_DIR.toString());

        assertThat(conf.get(PipelineOptions.GENERIC_TYPES)).isFalse();
        assertThat(conf.get(PipelineOptions.AUTO_GENERATE_UIDS)).isFalse();
        assertThat(conf.get(PipelineOptions.MAX_PARALLELISM)).isEqualTo(128);
        assertTypedSettings(conf);
        assertThat(conf.toMap())
                .containsEntry(
                        "metrics.reporter.prom.factory.class",
                        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
                .containsEntry("metrics.reporter.prom.port", "9249");
    }

    @Test
    void composeAndKubernetesCarryEverySettingOfConfigYaml() throws IOException {
        Map<String, String> expected =
                GlobalConfiguration.loadConfiguration(FLINK_CONFIG_DIR.toString()).toMap();
        assertThat(expected).containsKey("pipeline.generic-types");

        JsonNode services = compose().path("services");
        for (String flink : List.of("jobmanager", "taskmanager")) {
            String properties = services.at("/" + flink + "/environment/FLINK_PROPERTIES").asText();
            Map<String, String> parsed = parseFlinkProperties(properties);
            assertThat(parsed).as(flink + " FLINK_PROPERTIES").containsAllEntriesOf(expected);
            assertTypedSettings(Configuration.fromMap(parsed));
        }

        JsonNode config =
                yamlDocuments(FLINK_DEPLOYMENT).stream()
                        .filter(d -> d.path("kind").asText().equals("FlinkDeployment"))
                        .findFirst()
                        .orElseThrow()
                        .at("/spec/flinkConfiguration");
        Map<String, String> k8s = new LinkedHashMap<>();
        config.properties().forEach(e -> k8s.put(e.getKey(), e.getValue().asText()));
        assertThat(k8s).as("flinkConfiguration").containsAllEntriesOf(expected);
        assertTypedSettings(Configuration.fromMap(k8s));
    }

    /** The typed values Flink will read, so a bad duration or enum fails here, not at start-up. */
    private static void assertTypedSettings(Configuration conf) {
        assertThat(conf.get(PipelineOptions.GENERIC_TYPES)).isFalse();
        assertThat(conf.get(PipelineOptions.AUTO_GENERATE_UIDS)).isFalse();
        assertThat(conf.get(PipelineOptions.MAX_PARALLELISM)).isEqualTo(128);
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE))
                .isEqualTo(CheckpointingMode.EXACTLY_ONCE);
        assertThat(conf.get(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS))
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT))
                .isEqualTo(Duration.ofMinutes(10));
        assertThat(conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION))
                .isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(conf.get(StateBackendOptions.STATE_BACKEND)).isEqualTo("hashmap");
        assertThat(conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo("file://" + STATE_MOUNT + "/checkpoints");
        assertThat(conf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY))
                .isEqualTo("file://" + STATE_MOUNT + "/savepoints");
        assertThat(conf.get(RestartStrategyOptions.RESTART_STRATEGY))
                .isEqualTo("exponential-delay");
    }

    /**
     * FLINK_PROPERTIES as the image's entrypoint reads it: one {@code key: value} per line, all
     * whitespace removed, split at the first colon.
     */
    private static Map<String, String> parseFlinkProperties(String properties) {
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String line : properties.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            assertThat(line).as("FLINK_PROPERTIES line (no comments)").doesNotStartWith("#");
            int colon = line.indexOf(':');
            assertThat(colon).as("FLINK_PROPERTIES line " + line).isPositive();
            String value = line.substring(colon + 1).strip();
            assertThat(value)
                    .as("the entrypoint deletes whitespace inside values: " + line)
                    .doesNotContainAnyWhitespaces();
            parsed.put(line.substring(0, colon).strip(), value);
        }
        return parsed;
    }

    // ----------------------------------------------------------------- helpers

    private static Path repoRoot() {
        for (Path candidate : List.of(Path.of(".."), Path.of("."))) {
            Path root = candidate.toAbsolutePath().normalize();
            if (Files.isRegularFile(root.resolve("job/pom.xml"))
                    && Files.isDirectory(root.resolve("docker"))) {
                return root;
            }
        }
        throw new IllegalStateException(
                "repository root not found from " + Path.of("").toAbsolutePath());
    }

    /** The compose file with anchors and merge keys resolved, as compose reads it. */
    private static JsonNode compose() throws IOException {
        return yamlDocuments(COMPOSE).get(0);
    }

    /**
     * Every document of a YAML file. SnakeYAML rather than Jackson's YAML reader, which does not
     * resolve aliases and merge keys ({@code <<: *flink}); Jackson only navigates the result.
     */
    private static List<JsonNode> yamlDocuments(Path file) throws IOException {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        List<JsonNode> docs = new ArrayList<>();
        for (Object doc : yaml.loadAll(Files.readString(file, StandardCharsets.UTF_8))) {
            if (doc != null) {
                docs.add(TREE.valueToTree(doc));
            }
        }
        return docs;
    }

    /** The jobmanager command, split as compose splits a string command; ${...} left out. */
    private static List<String> jobmanagerArgs() throws IOException {
        JsonNode command = compose().at("/services/jobmanager/command");
        List<String> args =
                command.isArray() ? texts(command) : Arrays.asList(command.asText().split("\\s+"));
        return args.stream().filter(a -> !a.isEmpty() && !a.startsWith("${")).toList();
    }

    /** The repository file behind a spec path inside the image; it must exist. */
    private static Path specInRepo(String pathInImage) {
        assertThat(pathInImage).startsWith(SPECS_IN_IMAGE);
        String name = pathInImage.substring(SPECS_IN_IMAGE.length());
        List<Path> found =
                SPEC_DIRS.stream()
                        .map(dir -> ROOT.resolve(dir).resolve(name))
                        .filter(Files::isRegularFile)
                        .toList();
        assertThat(found).as(pathInImage + " in " + SPEC_DIRS).hasSize(1);
        return found.get(0);
    }

    private static void assertServiceEndpoint(JsonNode services, String service, String endpoint) {
        URI uri = URI.create(endpoint);
        assertThat(uri.getHost()).isEqualTo(service);
        assertThat(fieldNames(services)).contains(service);
        assertThat(texts(services.path(service).path("ports")))
                .anyMatch(p -> p.endsWith(":" + uri.getPort()));
    }

    /** The script of a one-shot service: {@code entrypoint: [bash, -c]} plus one command. */
    private static String script(JsonNode service) {
        assertThat(texts(service.path("entrypoint"))).containsExactly("/bin/bash", "-c");
        List<String> command = texts(service.path("command"));
        assertThat(command).hasSize(1);
        // Compose turns $$ into $ before the shell sees it.
        return command.get(0).replace("$$", "$");
    }

    private static String lineWith(String script, String text) {
        return script.lines()
                .filter(l -> (l.strip() + " ").startsWith(text + " "))
                .findFirst()
                .orElse(null);
    }

    /** The create-table command (continuation lines joined) for one table. */
    private static String createTable(String script, String table) {
        String joined = script.replace("\\\n", " ").replaceAll("[ \t]+", " ");
        return joined.lines()
                .filter(
                        l ->
                                l.contains("create-table")
                                        && l.contains("--table-name " + table + " "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no create-table for " + table));
    }

    /** Dockerfile instructions, comments dropped and continuation lines joined. */
    private static List<String> dockerInstructions() throws IOException {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(DOCKERFILE, StandardCharsets.UTF_8)) {
            String stripped = line.strip();
            if (stripped.startsWith("#") || (stripped.isEmpty() && current.length() == 0)) {
                continue;
            }
            boolean continues = stripped.endsWith("\\");
            current.append(continues ? stripped.substring(0, stripped.length() - 1) : stripped)
                    .append(' ');
            if (!continues) {
                instructions.add(current.toString().replaceAll("\\s+", " ").strip());
                current.setLength(0);
            }
        }
        return instructions;
    }

    private static int indexOf(List<String> instructions, String prefix) {
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    private static String valueAfter(List<String> args, String option) {
        int i = args.indexOf(option);
        assertThat(i).as(option + " in " + args).isNotNegative().isLessThan(args.size() - 1);
        return args.get(i + 1);
    }

    private static List<String> words(String instruction) {
        return Arrays.asList(instruction.split(" "));
    }

    private static String pomValue(Path pom, String xpath) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        Document doc = factory.newDocumentBuilder().parse(pom.toFile());
        String value = XPathFactory.newInstance().newXPath().evaluate(xpath, doc).strip();
        assertThat(value).as(xpath + " in " + pom).isNotEmpty();
        return value;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    /** Every string and number anywhere under a node. */
    private static List<String> scalars(JsonNode node) {
        if (node.isValueNode()) {
            return List.of(node.asText());
        }
        List<String> values = new ArrayList<>();
        Iterator<JsonNode> children = node.elements();
        while (children.hasNext()) {
            values.addAll(scalars(children.next()));
        }
        return values;
    }
}
