package dev.forestwatch.it.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.taskexecutor.TaskManagerRunner;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A standalone Flink session cluster of separate JVMs, started the way Flink's {@code
 * jobmanager.sh} and {@code taskmanager.sh} start one: a {@link StandaloneSessionClusterEntrypoint}
 * and {@link TaskManagerRunner}s, each a {@code java} process with the Java 17 module flags, the
 * JVM memory flags Flink derives from its memory settings, and one generated configuration
 * directory ({@code config.yaml}, {@code log4j.properties}).
 *
 * <p>The binary distribution is not available here, so the processes' class path is Flink's Maven
 * artifacts: the {@code provided} dependencies of this module (Flink runtime, clients, web
 * submission, logging), listed by the build in the file named by {@code flink.cluster.classpath}.
 * Neither the job's classes nor its libraries are on it: they reach the cluster only inside the
 * uploaded job jar, as on a real cluster.
 *
 * <p>Each process logs to {@code <work dir>/log/<name>.log} (and its console to {@code
 * <name>.out}); {@link #logTails} returns their ends for failure messages. {@link #close} stops
 * every process; a shutdown hook and {@link ParentWatchdog} make sure none outlives the test JVM.
 */
public final class StandaloneCluster implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Path workDir;
    private final Path confDir;
    private final Path logDir;
    private final String classPath;
    private final Configuration conf;
    private final int restPort;
    private final FlinkRest rest;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Thread shutdownHook = new Thread(this::destroyAll, "standalone-cluster-stop");

    private StandaloneCluster(Path workDir, Configuration conf, int restPort, String classPath) {
        this.workDir = workDir;
        this.confDir = workDir.resolve("conf");
        this.logDir = workDir.resolve("log");
        this.conf = conf;
        this.restPort = restPort;
        this.classPath = classPath;
        this.rest = new FlinkRest(restPort);
    }

    /**
     * Writes the configuration into {@code workDir/conf} and starts a JobManager and {@code
     * taskManagers} TaskManagers ({@code tm-1}, {@code tm-2}, ...), each with {@code slots} slots;
     * returns once all of them are registered.
     *
     * @param settings extra Flink settings (checkpointing, restart strategy, ...), added last
     */
    public static StandaloneCluster start(
            Path workDir, int taskManagers, int slots, Map<String, String> settings)
            throws IOException {
        deleteRecursively(workDir);
        Files.createDirectories(workDir);
        int restPort = freePort();
        Configuration conf = new Configuration();
        Map<String, String> base = new LinkedHashMap<>();
        base.put("jobmanager.rpc.address", "localhost");
        base.put("jobmanager.bind-host", "localhost");
        base.put("jobmanager.rpc.port", Integer.toString(freePort()));
        base.put("blob.server.port", Integer.toString(freePort()));
        base.put("rest.address", "localhost");
        base.put("rest.bind-address", "localhost");
        base.put("rest.port", Integer.toString(restPort));
        base.put("taskmanager.host", "localhost");
        base.put("taskmanager.bind-host", "localhost");
        base.put("taskmanager.numberOfTaskSlots", Integer.toString(slots));
        base.put("jobmanager.memory.process.size", "900m");
        base.put("taskmanager.memory.process.size", "1100m");
        // the heap state backend needs no managed memory
        base.put("taskmanager.memory.managed.size", "32m");
        base.put("io.tmp.dirs", workDir.resolve("tmp").toString());
        base.put("web.upload.dir", workDir.resolve("web-upload").toString());
        base.put("web.tmpdir", workDir.resolve("web-tmp").toString());
        base.put("blob.storage.directory", workDir.resolve("blobs").toString());
        base.put("execution.checkpointing.dir", workDir.resolve("checkpoints").toUri().toString());
        base.put(
                "execution.checkpointing.savepoint-dir",
                workDir.resolve("savepoints").toUri().toString());
        // A user main that calls System.exit must not take the JobManager down (web submission
        // runs main inside the JobManager).
        base.put("cluster.intercept-user-system-exit", "THROW");
        base.putAll(settings);
        base.forEach(conf::setString);

        String classPath = clusterClassPath();
        StandaloneCluster cluster = new StandaloneCluster(workDir, conf, restPort, classPath);
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            cluster.writeConfDir();
            cluster.startJobManager();
            for (int i = 1; i <= taskManagers; i++) {
                cluster.startTaskManager("tm-" + i);
            }
            cluster.awaitTaskManagers(taskManagers);
            return cluster;
        } catch (RuntimeException | IOException e) {
            String logs = cluster.logTails(60);
            cluster.close();
            throw new IllegalStateException("the cluster did not start\n" + logs, e);
        }
    }

    /** The REST client of the JobManager. */
    public FlinkRest rest() {
        return rest;
    }

    /** The directory the cluster writes into (configuration, logs, checkpoints). */
    public Path workDir() {
        return workDir;
    }

    /** The REST port of the JobManager. */
    public int restPort() {
        return restPort;
    }

    /** Starts a TaskManager process with this resource id (it registers asynchronously). */
    public synchronized void startTaskManager(String id) throws IOException {
        Configuration tmConf = new Configuration(conf);
        TaskExecutorProcessSpec spec =
                TaskExecutorProcessUtils.processSpecFromConfig(
                        TaskExecutorProcessUtils
                                .getConfigurationMapLegacyTaskManagerHeapSizeToConfigOption(
                                        tmConf, TaskManagerOptions.TOTAL_PROCESS_MEMORY));
        List<String> jvm = split(ProcessMemoryUtils.generateJvmParametersStr(spec));
        List<String> args = new ArrayList<>();
        args.add(TaskManagerRunner.class.getName());
        args.add("--configDir");
        args.add(confDir.toString());
        args.add("-D");
        args.add("taskmanager.resource-id=" + id);
        // the memory settings taskmanager.sh passes as dynamic properties
        args.addAll(split(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec)));
        launch(id, jvm, args);
    }

    /** Kills a TaskManager with SIGKILL ({@link Process#destroyForcibly()}) and waits for it. */
    public synchronized void killTaskManager(String id) throws InterruptedException {
        Process p = processes.get(id);
        if (p == null) {
            throw new IllegalArgumentException("no process " + id + " in " + processes.keySet());
        }
        p.destroyForcibly();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(id + " did not die");
        }
    }

    /** Names of the processes still alive. */
    public synchronized Set<String> aliveProcesses() {
        Set<String> alive = new java.util.TreeSet<>();
        processes.forEach(
                (name, p) -> {
                    if (p.isAlive()) {
                        alive.add(name);
                    }
                });
        return alive;
    }

    /** Waits until {@code count} TaskManagers are registered with the ResourceManager. */
    public void awaitTaskManagers(int count) {
        FlinkRest.await(
                () -> {
                    checkJobManagerAlive();
                    return rest.overviewOrNull();
                },
                o -> o != null && o.path("taskmanagers").asInt() == count,
                START_TIMEOUT,
                count + " TaskManagers");
    }

    /**
     * The last {@code lines} lines of every process's log and console file, for failure messages.
     */
    public String logTails(int lines) {
        StringBuilder out = new StringBuilder();
        try (var files = Files.list(logDir)) {
            for (Path f : files.sorted().toList()) {
                List<String> all = Files.readAllLines(f, StandardCharsets.UTF_8);
                out.append("==== ")
                        .append(f)
                        .append(" (last ")
                        .append(Math.min(lines, all.size()))
                        .append(" of ")
                        .append(all.size())
                        .append(" lines) ====\n");
                all.subList(Math.max(0, all.size() - lines), all.size())
                        .forEach(l -> out.append(l).append('\n'));
            }
        } catch (IOException | UncheckedIOException e) {
            out.append("(logs unreadable: ").append(e).append(")\n");
        }
        return out.toString();
    }

    /**
     * Cancels running jobs (so Kafka transactions are aborted, not left open), then stops the
     * TaskManagers and the JobManager: SIGTERM first (Flink's shutdown hooks run), SIGKILL after 15
     * s.
     */
    @Override
    public void close() {
        try {
            if (aliveProcesses().contains("jobmanager")) {
                for (String job : rest.activeJobs()) {
                    rest.cancel(job);
                }
            }
        } catch (RuntimeException e) {
            // best effort: the processes are stopped below either way
        }
        destroyAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down
        }
    }

    private synchronized void destroyAll() {
        List<Map.Entry<String, Process>> order = new ArrayList<>(processes.entrySet());
        // TaskManagers first, then the JobManager
        order.sort(
                (a, b) ->
                        Boolean.compare(
                                a.getKey().equals("jobmanager"), b.getKey().equals("jobmanager")));
        for (Map.Entry<String, Process> e : order) {
            e.getValue().destroy();
        }
        for (Map.Entry<String, Process> e : order) {
            Process p = e.getValue();
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
                }
            } catch (InterruptedException ie) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private void startJobManager() throws IOException {
        JobManagerProcessSpec spec =
                JobManagerProcessUtils.processSpecFromConfigWithNewOptionToInterpretLegacyHeap(
                        conf, JobManagerOptions.TOTAL_PROCESS_MEMORY);
        List<String> jvm = split(JobManagerProcessUtils.generateJvmParametersStr(spec, conf));
        List<String> args = new ArrayList<>();
        args.add(StandaloneSessionClusterEntrypoint.class.getName());
        args.add("--configDir");
        args.add(confDir.toString());
        args.addAll(split(JobManagerProcessUtils.generateDynamicConfigsStr(spec)));
        launch("jobmanager", jvm, args);
        FlinkRest.await(
                () -> {
                    checkJobManagerAlive();
                    var overview = rest.overviewOrNull();
                    return overview == null
                            ? com.fasterxml.jackson.databind.node.MissingNode.getInstance()
                            : overview;
                },
                o -> o.has("flink-version"),
                START_TIMEOUT,
                "the JobManager's REST endpoint on port " + restPort);
    }

    private void checkJobManagerAlive() {
        Process jm = processes.get("jobmanager");
        if (jm != null && !jm.isAlive()) {
            throw new IllegalStateException("the JobManager exited with " + jm.exitValue());
        }
    }

    private synchronized void launch(String name, List<String> jvmOptions, List<String> args)
            throws IOException {
        if (processes.containsKey(name) && processes.get(name).isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(split(System.getProperty("flink.java17.opens", "")));
        command.add("-XX:+UseSerialGC");
        command.add("-Dforestwatch.parent.pid=" + ProcessHandle.current().pid());
        command.add("-Dlog.file=" + logDir.resolve(name + ".log"));
        command.add("-Dlog4j.configurationFile=" + confDir.resolve("log4j.properties").toUri());
        command.add("-classpath");
        command.add(launcherDir() + java.io.File.pathSeparator + classPath);
        command.add(ParentWatchdog.class.getName());
        command.addAll(args);
        Files.createDirectories(logDir);
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .directory(workDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(logDir.resolve(name + ".out").toFile());
        processes.put(name, builder.start());
    }

    private void writeConfDir() throws IOException {
        Files.createDirectories(confDir);
        StringBuilder yaml = new StringBuilder("# generated by StandaloneCluster\n");
        new TreeMap<>(conf.toMap())
                .forEach(
                        (k, v) ->
                                yaml.append(k)
                                        .append(": '")
                                        .append(v.replace("'", "''"))
                                        .append("'\n"));
        Files.writeString(confDir.resolve("config.yaml"), yaml);
        Files.writeString(
                confDir.resolve("log4j.properties"),
                String.join(
                        "\n",
                        "rootLogger.level = INFO",
                        "rootLogger.appenderRef.file.ref = MainAppender",
                        "appender.main.name = MainAppender",
                        "appender.main.type = File",
                        "appender.main.append = true",
                        "appender.main.fileName = ${sys:log.file}",
                        "appender.main.layout.type = PatternLayout",
                        "appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %c{1} - %m%n",
                        "logger.kafka.name = org.apache.kafka",
                        "logger.kafka.level = WARN",
                        "logger.metricgroup.name = org.apache.flink.metrics.MetricGroup",
                        "logger.metricgroup.level = ERROR",
                        ""));
    }

    /** A directory holding only {@link ParentWatchdog}'s class file. */
    private Path launcherDir() throws IOException {
        String resource = ParentWatchdog.class.getName().replace('.', '/') + ".class";
        Path target = workDir.resolve("launcher").resolve(resource);
        if (!Files.exists(target)) {
            Files.createDirectories(target.getParent());
            try (InputStream in =
                    ParentWatchdog.class.getClassLoader().getResourceAsStream(resource)) {
                Files.copy(in, target);
            }
        }
        return workDir.resolve("launcher");
    }

    /**
     * The class path of the cluster processes: the entries of the files named by the system
     * property {@code flink.cluster.classpath} (separated by the path separator), which the build
     * writes with {@code dependency:build-classpath}.
     */
    private static String clusterClassPath() throws IOException {
        String files = System.getProperty("flink.cluster.classpath");
        if (files == null) {
            throw new IllegalStateException(
                    "flink.cluster.classpath is not set: run the cluster scenarios with -Pcluster");
        }
        List<String> entries = new ArrayList<>();
        for (String file : files.split(java.io.File.pathSeparator)) {
            String content = Files.readString(Path.of(file)).trim();
            if (!content.isEmpty()) {
                entries.add(content);
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static List<String> split(String options) {
        return Arrays.stream(options.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
