package dev.forestwatch.connectors.testutil;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import dev.forestwatch.connectors.dynamodb.DynamoDbTableSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * An in-memory DynamoDB Local server (with Streams) running inside the test JVM on a free port, so
 * tests exercise the real HTTP protocol the Flink connectors and SDK clients use, without Docker.
 *
 * <p>Start one per test class and close it afterwards. Clients handed out by {@link #client()} and
 * {@link #streamsClient()} are shared and closed together with the server.
 */
public final class DynamoDbLocal implements AutoCloseable {

    /** Region of the specs and clients; DynamoDB Local accepts any. */
    public static final String REGION = "us-east-1";

    /** Access key and secret of the specs and clients; DynamoDB Local accepts any. */
    public static final String DUMMY_KEY = "dummy";

    private static final int START_ATTEMPTS = 5;

    // Not final: assigned inside the start-up retry loop.
    private DynamoDBProxyServer server;
    private int port;
    private DynamoDbClient client;
    private DynamoDbStreamsClient streamsClient;

    /** Starts a fresh, empty server; same as {@link #start()}. */
    public DynamoDbLocal() {
        Exception last = null;
        // The free port is only reserved until we close the probe socket; another process may
        // grab it before the server binds, so retry on a new port.
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            int candidate = freePort();
            DynamoDBProxyServer started = null;
            try {
                started =
                        ServerRunner.createServerFromCommandLineArgs(
                                new String[] {
                                    "-inMemory",
                                    // One database for all credentials and regions, so the Flink
                                    // sink and a test's client see the same tables whatever keys
                                    // they are configured with.
                                    "-sharedDb",
                                    "-port",
                                    Integer.toString(candidate),
                                    "-disableTelemetry"
                                });
                started.start();
                this.server = started;
                this.port = candidate;
                return;
            } catch (Exception e) {
                last = e;
                stopQuietly(started);
            }
        }
        throw new IllegalStateException("DynamoDB Local did not start", last);
    }

    /** Starts a fresh, empty server. */
    public static DynamoDbLocal start() {
        return new DynamoDbLocal();
    }

    /** The HTTP endpoint, e.g. {@code http://localhost:43817}. */
    public String endpoint() {
        return "http://localhost:" + port;
    }

    /** The port the server listens on. */
    public int port() {
        return port;
    }

    /** A shared SDK v2 client for this server (closed by {@link #close()}). */
    public synchronized DynamoDbClient client() {
        if (client == null) {
            client =
                    DynamoDbClient.builder()
                            .httpClientBuilder(ApacheHttpClient.builder())
                            .endpointOverride(URI.create(endpoint()))
                            .region(Region.of(REGION))
                            .credentialsProvider(credentials())
                            .build();
        }
        return client;
    }

    /** A shared SDK v2 DynamoDB Streams client for this server (closed by {@link #close()}). */
    public synchronized DynamoDbStreamsClient streamsClient() {
        if (streamsClient == null) {
            streamsClient =
                    DynamoDbStreamsClient.builder()
                            .httpClientBuilder(ApacheHttpClient.builder())
                            .endpointOverride(URI.create(endpoint()))
                            .region(Region.of(REGION))
                            .credentialsProvider(credentials())
                            .build();
        }
        return streamsClient;
    }

    /** Settings for {@code tableName} on this server: BASIC dummy keys, {@value #REGION}. */
    public DynamoDbTableSpec tableSpec(String tableName) {
        return DynamoDbTableSpec.basic(tableName, REGION, endpoint(), DUMMY_KEY, DUMMY_KEY);
    }

    /** Closes the shared clients and stops the server; all tables are gone afterwards. */
    @Override
    public synchronized void close() throws Exception {
        if (client != null) {
            client.close();
            client = null;
        }
        if (streamsClient != null) {
            streamsClient.close();
            streamsClient = null;
        }
        server.stop();
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(DUMMY_KEY, DUMMY_KEY));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void stopQuietly(DynamoDBProxyServer server) {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (Exception ignored) {
            // Never started; nothing to release beyond what stop already tried.
        }
    }
}
