package io.krustlet.oci.internal;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real OCI registry for tests: Debian's {@code docker-registry} on 127.0.0.1 and a free port,
 * storage in a temp folder, optionally behind htpasswd basic auth.
 */
public final class RegistryServer implements AutoCloseable {

    static final String BINARY = "/usr/bin/docker-registry";

    private final Path dir;
    private final int port;
    private final Process process;

    private final boolean tls;

    private RegistryServer(Path dir, int port, Process process, boolean tls) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.tls = tls;
    }

    /** The self-signed certificate of a TLS registry, PEM. */
    public Path certificate() {
        return dir.resolve("cert.pem");
    }

    public static RegistryServer start(Path dir, String user, String password) throws Exception {
        return start(dir, user, password, false);
    }

    /** @param tls serve HTTPS with a fresh self-signed certificate for 127.0.0.1 ({@link #certificate()}) */
    public static RegistryServer start(Path dir, String user, String password, boolean tls) throws Exception {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException("The OCI registry tests need Debian's docker-registry (and apache2-utils"
                    + " for htpasswd): apt-get install docker-registry apache2-utils");
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Files.createDirectories(dir);
        StringBuilder config = new StringBuilder("""
                version: 0.1
                log:
                  level: warn
                storage:
                  filesystem:
                    rootdirectory: %s
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:%d
                """.formatted(dir.resolve("data"), port));
        if (user != null) {
            Process htpasswd = new ProcessBuilder("htpasswd", "-Bbn", user, password).start();
            String line = new String(htpasswd.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (htpasswd.waitFor() != 0 || line.isEmpty()) {
                throw new IllegalStateException("htpasswd failed: install apache2-utils");
            }
            Files.writeString(dir.resolve("htpasswd"), line + "\n");
            config.append("""
                    auth:
                      htpasswd:
                        realm: krustlet-test
                        path: %s
                    """.formatted(dir.resolve("htpasswd")));
        }
        if (tls) {
            Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(),
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
            if (openssl.waitFor() != 0) {
                throw new IllegalStateException("openssl could not make a test certificate: "
                        + Files.readString(dir.resolve("openssl.log")));
            }
            config.append("""
                      tls:
                        certificate: %s
                        key: %s
                    """.formatted(dir.resolve("cert.pem"), dir.resolve("key.pem")));
        }
        Path file = dir.resolve("config.yml");
        Files.writeString(file, config);
        Process process = new ProcessBuilder(BINARY, "serve", file.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        var server = new RegistryServer(dir, port, process, tls);
        server.awaitReady();
        return server;
    }

    private void awaitReady() throws Exception {
        HttpClient http = tls ? HttpClient.newBuilder().sslContext(TrustStores.withBundle(certificate())).build()
                : HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
            }
            try {
                int status = http.send(HttpRequest.newBuilder(URI.create((tls ? "https" : "http") + "://127.0.0.1:" + port + "/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200 || status == 401) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            process.waitFor(50, TimeUnit.MILLISECONDS);
        }
        throw new IllegalStateException("docker-registry did not answer on port " + port + " within 20 s");
    }

    /** host:port, as an image reference's registry part. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** Where the registry keeps a blob's bytes (to tamper with them). */
    Path blobData(String digest) {
        String hex = digest.substring("sha256:".length());
        return dir.resolve("data/docker/registry/v2/blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex).resolve("data");
    }

    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
