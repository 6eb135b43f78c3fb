package dev.forestwatch.it.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The calls a user (or the {@code flink} CLI) makes against a session cluster's REST API: upload
 * the job jar, run it with program arguments, a parallelism and a savepoint, watch the job and its
 * checkpoints, stop it with a savepoint, cancel it. JSON bodies, the JDK's HTTP client.
 */
public final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);

    private final String base;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A client of the REST endpoint at {@code http://localhost:<port>}. */
    public FlinkRest(int port) {
        this.base = "http://localhost:" + port;
    }

    /** {@code GET /overview}, or {@code null} while the endpoint does not answer. */
    public JsonNode overviewOrNull() {
        try {
            return get("/overview");
        } catch (IllegalStateException e) {
            return null;
        }
    }

    /** {@code GET /taskmanagers}: the ids of the registered TaskManagers. */
    public Set<String> taskManagers() {
        Set<String> ids = new TreeSet<>();
        get("/taskmanagers").path("taskmanagers").forEach(tm -> ids.add(tm.path("id").asText()));
        return ids;
    }

    /** {@code POST /jars/upload} (multipart, field {@code jarfile}); returns the jar id. */
    public String uploadJar(Path jar) throws IOException {
        String boundary = "----forestwatch" + UUID.randomUUID();
        byte[] head =
                ("--"
                                + boundary
                                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                                + jar.getFileName()
                                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(base + "/jars/upload"))
                        .timeout(Duration.ofMinutes(2))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(
                                HttpRequest.BodyPublishers.concat(
                                        HttpRequest.BodyPublishers.ofByteArray(head),
                                        HttpRequest.BodyPublishers.ofFile(jar),
                                        HttpRequest.BodyPublishers.ofByteArray(tail)))
                        .build();
        JsonNode answer = send(request);
        String filename = answer.path("filename").asText();
        if (!"success".equals(answer.path("status").asText()) || filename.isEmpty()) {
            throw new IllegalStateException("jar upload failed: " + answer);
        }
        return Path.of(filename).getFileName().toString();
    }

    /**
     * {@code POST /jars/:id/run}: runs the jar's main on the JobManager with these program
     * arguments, like {@code flink run -p <parallelism> [-s <savepoint>] <jar> <args>}; returns the
     * job id.
     *
     * @param savepoint a savepoint (or retained checkpoint) path to restore from, or {@code null}
     */
    public String runJar(String jarId, List<String> args, int parallelism, String savepoint) {
        ObjectNode body = JSON.createObjectNode();
        var argList = body.putArray("programArgsList");
        args.forEach(argList::add);
        body.put("parallelism", parallelism);
        if (savepoint != null) {
            body.put("savepointPath", savepoint);
            body.put("allowNonRestoredState", false);
            body.put("restoreMode", "NO_CLAIM");
        }
        JsonNode answer = post("/jars/" + jarId + "/run", body);
        String jobId = answer.path("jobid").asText();
        if (jobId.isEmpty()) {
            throw new IllegalStateException("jar run failed: " + answer);
        }
        return jobId;
    }

    /** {@code GET /jobs/:id}. */
    public JsonNode job(String jobId) {
        return get("/jobs/" + jobId);
    }

    /** {@code GET /jobs/:id/checkpoints}. */
    public JsonNode checkpoints(String jobId) {
        return get("/jobs/" + jobId + "/checkpoints");
    }

    /** Whether the job and every one of its subtasks are RUNNING. */
    public boolean fullyRunning(String jobId) {
        JsonNode job = job(jobId);
        if (!"RUNNING".equals(job.path("state").asText())) {
            return false;
        }
        for (JsonNode vertex : job.path("vertices")) {
            int running = vertex.path("tasks").path("RUNNING").asInt();
            if (running != vertex.path("parallelism").asInt()) {
                return false;
            }
        }
        return true;
    }

    /** The ids of the TaskManagers that run at least one subtask of the job. */
    public Set<String> taskManagersOf(String jobId) {
        Set<String> ids = new TreeSet<>();
        for (JsonNode vertex : job(jobId).path("vertices")) {
            JsonNode tms =
                    get(
                            "/jobs/"
                                    + jobId
                                    + "/vertices/"
                                    + vertex.path("id").asText()
                                    + "/taskmanagers");
            for (JsonNode tm : tms.path("taskmanagers")) {
                ids.add(tm.path("taskmanager-id").asText());
            }
        }
        return ids;
    }

    /** The parallelism of every vertex of the job. */
    public List<Integer> parallelisms(String jobId) {
        List<Integer> out = new ArrayList<>();
        job(jobId).path("vertices").forEach(v -> out.add(v.path("parallelism").asInt()));
        return out;
    }

    /**
     * {@code POST /jobs/:id/stop}, then polls the trigger until the savepoint is written, like
     * {@code flink stop --savepointPath <dir> [--drain] <job id>}; returns the savepoint's path.
     *
     * @param drain emit the maximum watermark first, so every event-time timer fires (the job's
     *     results become final) - for the last stop of a job, not for one that will resume
     */
    public String stopWithSavepoint(String jobId, Path targetDir, boolean drain, Duration timeout) {
        ObjectNode body = JSON.createObjectNode();
        body.put("targetDirectory", targetDir.toUri().toString());
        body.put("drain", drain);
        String trigger = post("/jobs/" + jobId + "/stop", body).path("request-id").asText();
        JsonNode status =
                await(
                        () -> get("/jobs/" + jobId + "/savepoints/" + trigger),
                        s -> "COMPLETED".equals(s.path("status").path("id").asText()),
                        timeout,
                        "savepoint of " + jobId);
        JsonNode operation = status.path("operation");
        if (operation.has("failure-cause")) {
            throw new IllegalStateException(
                    "stop with savepoint failed: " + operation.path("failure-cause"));
        }
        return operation.path("location").asText();
    }

    /** {@code PATCH /jobs/:id?mode=cancel}. */
    public void cancel(String jobId) {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(base + "/jobs/" + jobId + "?mode=cancel"))
                        .timeout(CALL_TIMEOUT)
                        .method("PATCH", HttpRequest.BodyPublishers.noBody())
                        .build();
        send(request);
    }

    /** The ids of jobs that are not in a terminal state. */
    public List<String> activeJobs() {
        List<String> ids = new ArrayList<>();
        for (JsonNode job : get("/jobs").path("jobs")) {
            String status = job.path("status").asText();
            if (!Set.of("FINISHED", "CANCELED", "FAILED").contains(status)) {
                ids.add(job.path("id").asText());
            }
        }
        return ids;
    }

    /** Waits until {@code job}'s state is {@code state}; fails early on a terminal state. */
    public JsonNode awaitJobState(String jobId, String state, Duration timeout) {
        return await(
                () -> job(jobId),
                j -> {
                    String s = j.path("state").asText();
                    if (!s.equals(state) && Set.of("FAILED", "CANCELED", "FINISHED").contains(s)) {
                        throw new IllegalStateException(
                                "job " + jobId + " is " + s + " while waiting for " + state);
                    }
                    return s.equals(state);
                },
                timeout,
                "job " + jobId + " in state " + state);
    }

    /** Calls {@code probe} every 200 ms until {@code done} accepts its answer. */
    public static JsonNode await(
            java.util.function.Supplier<JsonNode> probe,
            Predicate<JsonNode> done,
            Duration timeout,
            String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (true) {
            last = probe.get();
            if (done.test(last)) {
                return last;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "timed out waiting for " + what + "; last: " + last);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private JsonNode get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(CALL_TIMEOUT).build());
    }

    private JsonNode post(String path, JsonNode body) {
        try {
            return send(
                    HttpRequest.newBuilder(URI.create(base + path))
                            .timeout(CALL_TIMEOUT)
                            .header("Content-Type", "application/json")
                            .POST(
                                    HttpRequest.BodyPublishers.ofString(
                                            JSON.writeValueAsString(body)))
                            .build());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode send(HttpRequest request) {
        try {
            HttpResponse<String> response =
                    http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(
                        request.method()
                                + " "
                                + request.uri()
                                + " answered "
                                + response.statusCode()
                                + ": "
                                + response.body());
            }
            String body = response.body();
            return body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
