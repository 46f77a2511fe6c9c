package io.krustlet.http;

import static io.krustlet.http.FakeKubeletPods.append;
import static io.krustlet.http.FakeKubeletPods.running;
import static io.krustlet.http.FakeKubeletPods.terminated;
import static io.krustlet.http.FakeKubeletPods.waiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.krustlet.core.status.PodPhase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerLogsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00.5Z");

    @TempDir
    Path dir;
    private RunningServer server;
    private HttpClient admin;
    private Path log;

    @BeforeEach
    void start() throws Exception {
        var pods = new FakeKubeletPods("node-1", dir);
        pods.put("default", "hello", PodPhase.Running, running("main", 0, T0));
        log = pods.logPath("default", "hello", "main", 0);
        append(log, T0, "F", "one");
        append(log, T0.plusSeconds(60), "F", "two");
        append(log, T0.plusSeconds(120), "F", "three");
        server = RunningServer.start(dir, pods, new TestPki("test-ca"), TestHttpConfig.defaults(), Map.of());
        admin = server.client(server.pki.client("CN=system:kube-apiserver-kubelet-client,O=system:masters"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return server.get(admin, path);
    }

    @Test
    void healthz() throws Exception {
        var response = get("/healthz");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok");
    }

    @Test
    void logsWithoutThePrefix() throws Exception {
        var response = get("/containerLogs/default/hello/main");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("one\ntwo\nthree\n");
    }

    @Test
    void timestampsInTheKubeletFormat() throws Exception {
        assertThat(get("/containerLogs/default/hello/main?timestamps=true").body()).isEqualTo(
                "2026-01-01T10:00:00.500000000Z one\n2026-01-01T10:01:00.500000000Z two\n"
                        + "2026-01-01T10:02:00.500000000Z three\n");
    }

    @Test
    void tailLines() throws Exception {
        assertThat(get("/containerLogs/default/hello/main?tailLines=2").body()).isEqualTo("two\nthree\n");
        assertThat(get("/containerLogs/default/hello/main?tailLines=0").body()).isEmpty();
        assertThat(get("/containerLogs/default/hello/main?tailLines=10").body()).isEqualTo("one\ntwo\nthree\n");
    }

    @Test
    void sinceTimeAndSinceSeconds() throws Exception {
        assertThat(get("/containerLogs/default/hello/main?sinceTime=2026-01-01T10:01:00Z").body())
                .isEqualTo("two\nthree\n");
        assertThat(get("/containerLogs/default/hello/main?sinceTime=2026-01-01T11:01:30%2B01:00").body())
                .isEqualTo("three\n");
        append(log, Instant.now(), "F", "recent");
        assertThat(get("/containerLogs/default/hello/main?sinceSeconds=300").body()).isEqualTo("recent\n");
    }

    @Test
    void limitBytesCutsTheOutput() throws Exception {
        assertThat(get("/containerLogs/default/hello/main?limitBytes=6").body()).isEqualTo("one\ntw");
        assertThat(get("/containerLogs/default/hello/main?limitBytes=40&timestamps=true").body())
                .isEqualTo("2026-01-01T10:00:00.500000000Z one\n2026-");
        assertThat(get("/containerLogs/default/hello/main?tailLines=1&limitBytes=3").body()).isEqualTo("thr");
    }

    @Test
    void partialRecordsAreJoinedIntoOneLine() throws Exception {
        append(log, T0.plusSeconds(200), "P", "a long ");
        append(log, T0.plusSeconds(201), "P", "line in ");
        append(log, T0.plusSeconds(202), "F", "three parts");
        assertThat(get("/containerLogs/default/hello/main?tailLines=2&timestamps=true").body()).isEqualTo(
                "2026-01-01T10:02:00.500000000Z three\n2026-01-01T10:03:20.500000000Z a long line in three parts\n");
    }

    @Test
    void rotatedFilesAreReadOldestFirst() throws Exception {
        Path older = log.resolveSibling("0.log.2");
        Path old = log.resolveSibling("0.log.1");
        append(older, T0.minusSeconds(20), "F", "oldest");
        append(old, T0.minusSeconds(10), "F", "older");
        assertThat(get("/containerLogs/default/hello/main").body()).isEqualTo("oldest\nolder\none\ntwo\nthree\n");
        assertThat(get("/containerLogs/default/hello/main?tailLines=4").body()).isEqualTo("older\none\ntwo\nthree\n");
    }

    @Test
    void previousRun() throws Exception {
        assertThat(get("/containerLogs/default/hello/main?previous=true")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).isEqualTo("previous terminated container \"main\" in pod \"hello\" not found\n");
        });
        server.pods.put("default", "hello", PodPhase.Running, running("main", 1, Instant.now()));
        append(server.pods.logPath("default", "hello", "main", 1), Instant.now(), "F", "second run");
        assertThat(get("/containerLogs/default/hello/main").body()).isEqualTo("second run\n");
        assertThat(get("/containerLogs/default/hello/main?previous=true").body()).isEqualTo("one\ntwo\nthree\n");
    }

    @Test
    void waitingContainerIsABadRequest() throws Exception {
        server.pods.put("default", "pending", PodPhase.Pending, waiting("main", "ContainerCreating"));
        var response = get("/containerLogs/default/pending/main");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("container \"main\" in pod \"pending\" is waiting to start: ContainerCreating");
    }

    @Test
    void unknownPodAndContainerAre404() throws Exception {
        assertThat(get("/containerLogs/default/nope/main")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.body()).isEqualTo("pod \"nope\" does not exist\n");
        });
        assertThat(get("/containerLogs/default/hello/other")).satisfies(r -> {
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.body()).isEqualTo("container \"other\" not found in pod \"hello\"\n");
        });
        assertThat(get("/containerLogs/other/hello/main").statusCode()).isEqualTo(404);
    }

    @Test
    void malformedParametersAre400NamingTheParameter() throws Exception {
        for (var query : Map.of("tailLines=abc", "tailLines", "tailLines=-1", "tailLines",
                "sinceTime=yesterday", "sinceTime", "limitBytes=-5", "limitBytes", "limitBytes=0", "limitBytes",
                "sinceSeconds=0", "sinceSeconds", "follow=maybe", "follow", "previous=2", "previous",
                "sinceSeconds=5&sinceTime=2026-01-01T10:01:00Z", "sinceTime").entrySet()) {
            var response = get("/containerLogs/default/hello/main?" + query.getKey());
            assertThat(response.statusCode()).as(query.getKey()).isEqualTo(400);
            assertThat(response.body()).as(query.getKey()).startsWith(query.getValue().equals("sinceTime")
                    && query.getKey().startsWith("sinceSeconds") ? "sinceSeconds, sinceTime" : query.getValue() + ":");
        }
    }

    @Test
    void pathTraversalNeverLeavesTheLogDirectory() throws Exception {
        Files.writeString(dir.resolve("secret.txt"), "2026-01-01T10:00:00Z stdout F TOP SECRET\n");
        Files.writeString(dir.resolve("logs").resolve("0.log"), "2026-01-01T10:00:00Z stdout F TOP SECRET\n");
        for (String path : List.of("/containerLogs/default/hello/..", "/containerLogs/default/../..%2Fsecret.txt",
                "/containerLogs/default/hello/..%2F..%2F..%2Fsecret.txt", "/containerLogs/..%2F..%2F/hello/main",
                "/containerLogs/default/hello%2F..%2F../main", "/containerLogs/default/HELLO/main",
                "/containerLogs/default/hello/main%00", "/containerLogs/default/hello/main/extra",
                "/containerLogs/default/.../main", "/containerLogs/%2e%2e/%2e%2e/0.log",
                "/containerLogs/default//main")) {
            var response = get(path);
            assertThat(response.statusCode()).as(path).isIn(400, 404);
            assertThat(response.body()).as(path).doesNotContain("TOP SECRET");
        }
    }

    @Test
    void followStreamsAppendedLinesAndEndsWhenTheContainerExits() throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> done = follow("/containerLogs/default/hello/main?follow=true&tailLines=1", lines);
        assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("three");
        append(log, Instant.now(), "F", "four");
        assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("four");
        append(log, Instant.now(), "P", "fi");
        append(log, Instant.now(), "F", "ve");
        assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("five");
        assertThat(done).isNotDone();
        // rotation, as the core's writer does it: rename to .1, new file
        Files.move(log, log.resolveSibling("0.log.1"));
        append(log, Instant.now(), "F", "six");
        assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("six");
        append(log, Instant.now(), "F", "last words");
        server.pods.put("default", "hello", PodPhase.Succeeded, terminated("main", 0, 0));
        assertThat(done.get(10, TimeUnit.SECONDS)).isEqualTo(200);
        assertThat(lines).containsExactly("last words");
    }

    @Test
    void followEndsWhenThePodGoes() throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> done = follow("/containerLogs/default/hello/main?follow=true&tailLines=0", lines);
        await().atMost(Duration.ofSeconds(10)).until(() -> metric("krustlet_http_log_streams") == 1);
        server.pods.remove("default", "hello");
        assertThat(done.get(10, TimeUnit.SECONDS)).isEqualTo(200);
        assertThat(lines).isEmpty();
    }

    @Test
    void followEndsWhenTheClientGoesAway() throws Exception {
        var context = server.pki.clientContext(server.pki.client("CN=system:kube-apiserver-kubelet-client,O=system:masters"));
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /containerLogs/default/hello/main?follow=true HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            var reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            assertThat(reader.readLine()).isEqualTo("HTTP/1.1 200 OK");
            await().atMost(Duration.ofSeconds(10)).until(() -> metric("krustlet_http_log_streams") == 1);
        }
        // the container keeps running; the server notices the closed connection (at its next write at the latest)
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            append(log, Instant.now(), "F", "anyone there?");
            return metric("krustlet_http_log_streams") == 0;
        });
    }

    @Test
    void followOfAFinishedContainerReturnsItsLogAndEnds() throws Exception {
        server.pods.put("default", "hello", PodPhase.Succeeded, terminated("main", 0, 0));
        var response = server.get(admin, "/containerLogs/default/hello/main?follow=true");
        assertThat(response.body()).isEqualTo("one\ntwo\nthree\n");
    }

    private long metric(String name) throws Exception {
        return server.get(admin, "/metrics").body().lines().filter(l -> l.startsWith(name + " "))
                .mapToLong(l -> Long.parseLong(l.substring(name.length() + 1).trim())).findFirst().orElse(-1);
    }

    private CompletableFuture<Integer> follow(String path, BlockingQueue<String> lines) throws Exception {
        HttpClient client = server.client(server.pki.client("CN=system:kube-apiserver-kubelet-client,O=system:masters"));
        return CompletableFuture.supplyAsync(() -> {
            try {
                var response = client.send(HttpRequest.newBuilder(server.uri(path)).GET().build(),
                        HttpResponse.BodyHandlers.ofLines());
                response.body().forEach(lines::add);
                return response.statusCode();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }
}
