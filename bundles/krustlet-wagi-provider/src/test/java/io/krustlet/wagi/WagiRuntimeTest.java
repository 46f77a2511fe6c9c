package io.krustlet.wagi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.krustlet.api.ContainerExit;
import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerId;
import io.krustlet.api.ContainerOutput;
import io.krustlet.api.ContainerPort;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.ContainerStartException;
import io.krustlet.api.ModuleRef;
import io.krustlet.api.Mount;
import io.krustlet.api.ResourceLimits;
import io.krustlet.testmodules.TestModules;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wagi runtime with real modules (testmodules' wagi.c) and real HTTP requests (JDK HttpClient). */
class WagiRuntimeTest {

    @TempDir
    Path tmp;

    private final List<WagiRuntime> runtimes = new ArrayList<>();
    private final List<ContainerHandle> handles = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static WagiConfig config(int timeoutSeconds) {
        return config(timeoutSeconds, 30);
    }

    static WagiConfig config(int timeoutSeconds, int idleTimeoutSeconds) {
        return new WagiConfig() {
            public Class<? extends Annotation> annotationType() { return WagiConfig.class; }
            public String engine() { return "compiler"; }
            public int maxCachedModules() { return 8; }
            public String bindAddress() { return ""; }
            public int timeoutSeconds() { return timeoutSeconds; }
            public int maxConcurrentRequests() { return 0; }
            public long maxRequestBodyBytes() { return 10L << 20; }
            public long maxResponseBytes() { return 64L << 20; }
            public int retryAfterSeconds() { return 1; }
            public int idleTimeoutSeconds() { return idleTimeoutSeconds; }
        };
    }

    private WagiRuntime runtime() {
        var runtime = new WagiRuntime(config(30), Map.of());
        runtimes.add(runtime);
        return runtime;
    }

    @AfterEach
    void stop() {
        handles.forEach(h -> h.stop(Duration.ZERO));
        runtimes.forEach(WagiRuntime::deactivate);
    }

    /** A started container: its handle, where it listens, and its log. */
    record Served(ContainerHandle handle, int port, ByteArrayOutputStream stdout, ByteArrayOutputStream stderr) {
        URI uri(String pathAndQuery) {
            return URI.create("http://127.0.0.1:" + port + pathAndQuery);
        }

        String out() {
            return stdout.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return stderr.toString(StandardCharsets.UTF_8);
        }

        ContainerExit awaitExit() throws Exception {
            return handle.exit().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }

        long inFlight() {
            return handle.usage().map(u -> u.requests().inFlight()).orElse(-1L);
        }
    }

    static ModuleRef module(Path file) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        return new ModuleRef("fs/" + file.getFileName(), file, "sha256:" + HexFormat.of().formatHex(digest));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Served start(WagiRuntime runtime, Map<String, String> annotations, Map<String, String> env,
            List<Mount> mounts, long memoryLimit) throws Exception {
        int port = freePort();
        var stdout = new ByteArrayOutputStream();
        var stderr = new ByteArrayOutputStream();
        var spec = new ContainerSpec(new ContainerId("default", "web", "uid-1", "handler", 0),
                module(TestModules.wagi()), List.of("handler"), env, mounts, null, new ResourceLimits(memoryLimit, 0),
                List.of(new ContainerPort("http", port, "TCP")), annotations, "127.0.0.1");
        ContainerHandle handle = runtime.start(spec, new ContainerOutput(stdout, stderr));
        handles.add(handle);
        return new Served(handle, port, stdout, stderr);
    }

    private Served start(Map<String, String> annotations) throws Exception {
        return start(runtime(), annotations, Map.of(), List.of(), 0);
    }

    private HttpResponse<String> get(Served served, String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(served.uri(pathAndQuery)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> getAsync(Served served, String pathAndQuery) {
        return http.sendAsync(HttpRequest.newBuilder(served.uri(pathAndQuery)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Access-log lines are written when the response is complete, which the client may see first. */
    private static void awaitLog(Served served, String text) {
        await().atMost(Duration.ofSeconds(10)).until(() -> served.out().contains(text));
    }

    private static List<String> lines(HttpResponse<String> response) {
        return response.body().lines().toList();
    }

    // ---- the CGI request ----

    @Test
    void aGetRunsTheHandlerWithTheRequestAsCgiEnvironmentAndArguments() throws Exception {
        Served served = start(runtime(), Map.of(), Map.of("GREETING", "hello", "REQUEST_METHOD", "from-the-pod"),
                List.of(), 0);
        var response = http.send(HttpRequest.newBuilder(served.uri("/hello/w%20rld?a=1&b=x%20y&flag"))
                .header("X-Test", "yes").header("Accept", "text/plain").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(lines(response)).containsSubsequence("arg=/hello/w%20rld", "arg=a=1", "arg=b=x%20y", "arg=flag");
        assertThat(lines(response)).contains(
                "env:REQUEST_METHOD=GET", // the request's variables win over the pod's
                "env:GREETING=hello",
                "env:PATH_INFO=/hello/w rld",
                "env:PATH_TRANSLATED=/hello/w rld",
                "env:X_RAW_PATH_INFO=/hello/w%20rld",
                "env:QUERY_STRING=a=1&b=x%20y&flag",
                "env:SCRIPT_NAME=/",
                "env:X_MATCHED_ROUTE=/...",
                "env:X_FULL_URL=http://127.0.0.1:" + served.port() + "/hello/w%20rld?a=1&b=x%20y&flag",
                "env:SERVER_NAME=127.0.0.1",
                "env:SERVER_PORT=" + served.port(),
                "env:SERVER_PROTOCOL=HTTP/1.1",
                "env:SERVER_SOFTWARE=WAGI/1",
                "env:GATEWAY_INTERFACE=CGI/1.1",
                "env:REMOTE_ADDR=127.0.0.1",
                "env:REMOTE_HOST=127.0.0.1",
                "env:CONTENT_LENGTH=0",
                "env:CONTENT_TYPE=",
                "env:AUTH_TYPE=",
                "env:HTTP_X_TEST=yes",
                "env:HTTP_ACCEPT=text/plain",
                "env:HTTP_HOST=127.0.0.1:" + served.port(),
                "calls=1",
                "body-bytes=0");
        awaitLog(served, "127.0.0.1 \"GET /hello/w%20rld?a=1&b=x%20y&flag HTTP/1.1\" 200 ");
        assertThat(served.out()).startsWith("wagi: serving /... on http://127.0.0.1:" + served.port());
    }

    @Test
    void aPostsBodyIsTheHandlersStdin() throws Exception {
        Served served = start(Map.of());
        var response = http.send(HttpRequest.newBuilder(served.uri("/submit"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"wagi\"}\nsecond line")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(lines(response)).contains("env:REQUEST_METHOD=POST", "env:CONTENT_TYPE=application/json",
                "env:CONTENT_LENGTH=28", "body-bytes=28");
        assertThat(response.body()).endsWith("body={\"name\": \"wagi\"}\nsecond line");
        assertThat(lines(response)).noneMatch(l -> l.startsWith("env:HTTP_CONTENT_LENGTH")
                || l.startsWith("env:HTTP_CONTENT_TYPE"));
    }

    @Test
    void everyRequestGetsAFreshInstanceOfOneCompiledModule() throws Exception {
        WagiRuntime runtime = runtime();
        Served served = start(runtime, Map.of(), Map.of(), List.of(), 0);
        for (int i = 0; i < 5; i++) {
            assertThat(lines(get(served, "/count"))).contains("calls=1");
        }
        assertThat(runtime.moduleLoads()).isEqualTo(1);
        // a request is counted once its response is complete, which its client may see first
        await().atMost(Duration.ofSeconds(10)).until(() -> served.handle().usage().orElseThrow().requests().served() == 5);
        var usage = served.handle().usage().orElseThrow();
        assertThat(usage.requests().served()).isEqualTo(5);
        assertThat(usage.requests().byStatusClass()).containsOnlyKeys("2xx");
        assertThat(usage.requests().byStatusClass().get("2xx").count()).isEqualTo(5);
        assertThat(usage.requests().inFlight()).isZero();
        assertThat(usage.cpuNanos()).isPositive();
    }

    @Test
    void volumesArePreopenedForEveryRequest() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("greeting.txt"), "from a volume");
        Served served = start(runtime(), Map.of(), Map.of(), List.of(new Mount("/data", data, false)), 0);

        var response = get(served, "/?read=/data/greeting.txt&write=/data/out.txt");

        assertThat(lines(response)).contains("file=from a volume", "write=ok");
        assertThat(Files.readString(data.resolve("out.txt"))).isEqualTo("written by wagi\n");
    }

    @Test
    void aHandlerMayMakeTheOutboundRequestsItsPodAllows() throws Exception {
        var target = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        var hits = new java.util.concurrent.atomic.AtomicInteger();
        target.createContext("/", exchange -> {
            hits.incrementAndGet();
            exchange.sendResponseHeaders(200, 2);
            exchange.getResponseBody().write("ok".getBytes(StandardCharsets.US_ASCII));
            exchange.close();
        });
        target.start();
        try {
            String url = "http://127.0.0.1:" + target.getAddress().getPort() + "/x";
            int port = freePort();
            var spec = new ContainerSpec(new ContainerId("default", "web", "uid-1", "client", 0),
                    module(TestModules.httpclient()), List.of("client"), Map.of(), List.of(), null, ResourceLimits.NONE,
                    List.of(new ContainerPort("", port, "TCP")), Map.of("alpha.wasi.krustlet.dev/allowed-domains",
                            "[\"http://127.0.0.1:" + target.getAddress().getPort() + "\"]"), "127.0.0.1");
            var stdout = new ByteArrayOutputStream();
            handles.add(runtime().start(spec, new ContainerOutput(stdout, new ByteArrayOutputStream())));
            Served served = new Served(handles.get(handles.size() - 1), port, stdout, new ByteArrayOutputStream());
            // httpclient is a plain WASI program, not a CGI handler: after an allowed request it prints
            // the response and exits 0 (a 502 here, its output having no header block); after a refused
            // one it exits 2 (a 500). The target server counts what actually reached it.
            var allowed = get(served, "/?GET&" + url);
            assertThat(allowed.statusCode()).isEqualTo(502);
            assertThat(hits.get()).isEqualTo(1);
            var refused = get(served, "/?GET&http://127.0.0.2:1/");
            assertThat(refused.statusCode()).isEqualTo(500);
            assertThat(refused.body()).contains("exit code 2");
            assertThat(hits.get()).isEqualTo(1);
        } finally {
            target.stop(0);
        }
    }

    // ---- routes ----

    @Test
    void aPrefixRouteAnswersItsPathAndBelowAndNothingElse() throws Exception {
        Served served = start(Map.of("wagi.krustlet.dev/route", "/api/..."));

        var below = get(served, "/api/users/7");
        assertThat(below.statusCode()).isEqualTo(200);
        assertThat(lines(below)).contains("env:SCRIPT_NAME=/api", "env:PATH_INFO=/users/7",
                "env:X_MATCHED_ROUTE=/api/...", "arg=/api/users/7");
        assertThat(lines(get(served, "/api"))).contains("env:PATH_INFO=");
        var outside = get(served, "/apix");
        assertThat(outside.statusCode()).isEqualTo(404);
        assertThat(outside.body()).contains("serves /api/...");
        assertThat(get(served, "/").statusCode()).isEqualTo(404);
        assertThat(get(served, "/api/../secret").statusCode()).isEqualTo(400);
    }

    @Test
    void anExactRouteAnswersThatPathOnly() throws Exception {
        Served served = start(Map.of("wagi.krustlet.dev/route", "/exact"));
        assertThat(lines(get(served, "/exact"))).contains("env:SCRIPT_NAME=/exact", "env:PATH_INFO=");
        assertThat(get(served, "/exact/more").statusCode()).isEqualTo(404);
    }

    @Test
    void aContainerSpecificAnnotationWinsOverThePodWideOne() throws Exception {
        Served served = start(Map.of("wagi.krustlet.dev/route", "/other", "wagi.krustlet.dev/route.handler", "/mine/..."));
        assertThat(get(served, "/mine/x").statusCode()).isEqualTo(200);
        assertThat(get(served, "/other").statusCode()).isEqualTo(404);
    }

    // ---- the CGI response ----

    @Test
    void locationWithoutStatusIsA302Redirect() throws Exception {
        Served served = start(Map.of());
        var response = get(served, "/?redirect=/elsewhere");
        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValue("/elsewhere");
    }

    @Test
    void statusAndOtherHeadersArePassedOn() throws Exception {
        Served served = start(Map.of());
        var response = get(served, "/?status=201&header=X-Custom:one&header=Set-Cookie:a=1"
                + "&header=Set-Cookie:b=2&header=Content-Length:9999");
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("X-Custom")).hasValue("one");
        assertThat(response.headers().allValues("Set-Cookie")).containsExactly("a=1", "b=2");
        // the server frames the body itself: the handler's Content-Length is dropped
        assertThat(response.headers().firstValueAsLong("Content-Length").orElseThrow())
                .isEqualTo(response.body().getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void aHeadRequestGetsTheHeadersWithoutTheBody() throws Exception {
        Served served = start(Map.of());
        var response = http.send(HttpRequest.newBuilder(served.uri("/?header=X-Custom:head"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Custom")).hasValue("head");
        assertThat(response.body()).isEmpty();
        assertThat(get(served, "/").statusCode()).isEqualTo(200); // the connection is still in step
    }

    @Test
    void malformedOutputIs502() throws Exception {
        Served served = start(Map.of());
        var noColon = get(served, "/?malformed");
        assertThat(noColon.statusCode()).isEqualTo(502);
        assertThat(noColon.body()).contains("header line without a colon");
        var noHeaders = get(served, "/?no-headers");
        assertThat(noHeaders.statusCode()).isEqualTo(502);
        var badStatus = get(served, "/?status=abc");
        assertThat(badStatus.statusCode()).isEqualTo(502);
        assertThat(badStatus.body()).contains("three-digit code");
        awaitLog(served, "\"GET /?malformed HTTP/1.1\" 502 ");
        assertThat(served.out()).contains("header line without a colon");
    }

    @Test
    void aTrapOrANonZeroExitBeforeTheHeadersIs500() throws Exception {
        Served served = start(Map.of());
        var trap = get(served, "/?stderr=about-to-trap&trap");
        assertThat(trap.statusCode()).isEqualTo(500);
        assertThat(trap.body()).contains("failed before its headers");
        var exit = get(served, "/?exit=3");
        assertThat(exit.statusCode()).isEqualTo(500);
        assertThat(exit.body()).contains("exit code 3");
        var late = get(served, "/?after-headers=trap");
        assertThat(late.statusCode()).isEqualTo(500);
        assertThat(served.err()).contains("about-to-trap\n");
        awaitLog(served, "\"GET /?exit=3 HTTP/1.1\" 500 ");
        assertThat(served.out()).contains("(exit code 3)").contains("wasm trap");
        assertThat(get(served, "/").statusCode()).isEqualTo(200); // the container is unharmed
    }

    @Test
    void aLargeBodyStreams() throws Exception {
        Served served = start(Map.of());
        var response = http.send(HttpRequest.newBuilder(served.uri("/?big=3000000")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).hasSize(3_000_000);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
    }

    // ---- limits ----

    @Test
    void aHandlerPastItsTimeoutIsStoppedAndTheClientGets504() throws Exception {
        Served served = start(Map.of("wagi.krustlet.dev/timeout", "500ms"));
        long started = System.nanoTime();
        var sleeping = get(served, "/?sleep=20000");
        assertThat(sleeping.statusCode()).isEqualTo(504);
        assertThat(sleeping.body()).contains("within 500ms");
        var spinning = get(served, "/?spin");
        assertThat(spinning.statusCode()).isEqualTo(504);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        await().atMost(Duration.ofSeconds(10)).until(() -> served.inFlight() == 0); // the instances are gone
        assertThat(get(served, "/").statusCode()).isEqualTo(200);
        awaitLog(served, "\"GET /?spin HTTP/1.1\" 504 ");
        assertThat(served.out()).contains("timed out after 500ms");
    }

    @Test
    void aHandlerMayRunLongerThanTheConnectionsIdleTimeout() throws Exception {
        var runtime = new WagiRuntime(config(30, 1), Map.of());
        runtimes.add(runtime);
        Served served = start(runtime, Map.of(), Map.of(), List.of(), 0);
        var response = get(served, "/?sleep=2500");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(lines(response)).contains("calls=1");
    }

    @Test
    void pastTheConcurrencyLimitRequestsGet503WithRetryAfter() throws Exception {
        Served served = start(Map.of("wagi.krustlet.dev/max-concurrency", "2"));
        var first = getAsync(served, "/?sleep=2000");
        var second = getAsync(served, "/?sleep=2000");
        await().atMost(Duration.ofSeconds(20)).until(() -> served.inFlight() == 2);

        var third = get(served, "/");
        assertThat(third.statusCode()).isEqualTo(503);
        assertThat(third.headers().firstValue("Retry-After")).hasValue("1");

        assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(second.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(get(served, "/").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> served.handle().usage().orElseThrow().requests().served() == 4);
        assertThat(served.handle().usage().orElseThrow().requests().byStatusClass().get("5xx").count()).isEqualTo(1);
    }

    @Test
    void aBodyPastTheLimitIs413() throws Exception {
        Served served = start(Map.of("wagi.krustlet.dev/max-request-body", "16"));
        var small = http.send(HttpRequest.newBuilder(served.uri("/"))
                .POST(HttpRequest.BodyPublishers.ofString("sixteen bytes!!!")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(small.statusCode()).isEqualTo(200);
        var large = http.send(HttpRequest.newBuilder(served.uri("/"))
                .POST(HttpRequest.BodyPublishers.ofString("seventeen bytes!!")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(large.statusCode()).isEqualTo(413);
    }

    @Test
    void aResponsePastTheLimitIs502OrCutOff() throws Exception {
        Served served = start(Map.of("wagi.krustlet.dev/max-response-size", "40000"));
        var held = get(served, "/?big=50000"); // under the streaming threshold: nothing sent yet
        assertThat(held.statusCode()).isEqualTo(502);
        assertThat(held.body()).contains("too large");
        // past the streaming threshold the response is on its way when the limit is hit: it is cut off
        Served streaming = start(Map.of("wagi.krustlet.dev/max-response-size", "200000"));
        assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(streaming.uri("/?big=5000000")).build(),
                HttpResponse.BodyHandlers.ofByteArray())).isInstanceOf(IOException.class);
        assertThat(get(streaming, "/?big=1000").statusCode()).isEqualTo(200);
    }

    @Test
    void theMemoryLimitHoldsForEachInstance() throws Exception {
        Served served = start(runtime(), Map.of(), Map.of(), List.of(), 4L << 20);
        assertThat(get(served, "/?alloc=1").statusCode()).isEqualTo(200);
        var refused = get(served, "/?alloc=16");
        assertThat(refused.statusCode()).isEqualTo(500);
        assertThat(served.err()).contains("wagi: cannot allocate 16 MiB");
        awaitLog(served, "\"GET /?alloc=16 HTTP/1.1\" 500 ");
        assertThat(served.out()).contains("OOMKilled");
        assertThat(get(served, "/?alloc=1").statusCode()).isEqualTo(200);
    }

    // ---- lifecycle ----

    @Test
    void stoppingClosesThePortAtOnceAndLetsRequestsInFlightFinish() throws Exception {
        Served served = start(Map.of());
        var inFlight = getAsync(served, "/?sleep=1500");
        await().atMost(Duration.ofSeconds(20)).until(() -> served.inFlight() == 1);

        long stopped = System.nanoTime();
        served.handle().stop(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(1)).until(() -> !listening(served.port()));
        assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(Duration.ofSeconds(1));

        var response = inFlight.get(30, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        ContainerExit exit = served.awaitExit();
        assertThat(exit.exitCode()).isZero();
        assertThat(exit.message()).contains("the requests in flight finished");
        assertThat(served.handle().usage()).isEmpty();
    }

    @Test
    void whileStoppingARequestOnAnOpenConnectionGets503AndTheConnectionCloses() throws Exception {
        Served served = start(Map.of());
        try (Socket keptAlive = new Socket("127.0.0.1", served.port())) {
            keptAlive.setSoTimeout(20_000);
            var in = new java.io.BufferedInputStream(keptAlive.getInputStream());
            keptAlive.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200 ");
            var inFlight = getAsync(served, "/?sleep=2000");
            await().atMost(Duration.ofSeconds(20)).until(() -> served.inFlight() == 1);

            served.handle().stop(Duration.ofSeconds(20));
            keptAlive.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String head = readResponse(in);
            assertThat(head).startsWith("HTTP/1.1 503 ").containsIgnoringCase("Connection: close");
            assertThat(in.read()).as("the server closed the connection").isEqualTo(-1);
            assertThat(inFlight.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertThat(served.awaitExit().exitCode()).isZero();
    }

    /** The head of one response on a raw connection, its body skipped. */
    private static String readResponse(java.io.InputStream in) throws IOException {
        var head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the middle of a response: " + head);
            }
            head.append((char) b);
        }
        var length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        if (length.find()) {
            in.readNBytes(Integer.parseInt(length.group(1)));
        }
        return head.toString();
    }

    @Test
    void requestsStillRunningAtTheEndOfTheGracePeriodAreStopped() throws Exception {
        Served served = start(Map.of());
        var inFlight = getAsync(served, "/?sleep=30000");
        await().atMost(Duration.ofSeconds(20)).until(() -> served.inFlight() == 1);

        long stopped = System.nanoTime();
        served.handle().stop(Duration.ofMillis(300));
        ContainerExit exit = served.awaitExit();
        assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(Duration.ofSeconds(5));
        assertThat(exit.exitCode()).isEqualTo(137);
        assertThat(exit.message()).contains("cut off");
        assertThat(inFlight.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(503);
    }

    @Test
    void aPortAlreadyTakenFailsTheStartWithAClearReason() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            var spec = new ContainerSpec(new ContainerId("default", "web", "uid-1", "handler", 0),
                    module(TestModules.wagi()), List.of("handler"), Map.of(), List.of(), null, ResourceLimits.NONE,
                    List.of(new ContainerPort("", taken.getLocalPort(), "TCP")), Map.of(), "127.0.0.1");
            assertThatThrownBy(() -> runtime().start(spec, new ContainerOutput(new ByteArrayOutputStream(),
                    new ByteArrayOutputStream())))
                    .isInstanceOf(ContainerStartException.class)
                    .hasMessageContaining("127.0.0.1 port " + taken.getLocalPort())
                    .hasMessageContaining("already in use")
                    .extracting(e -> ((ContainerStartException) e).reason()).isEqualTo("CreateContainerError");
        }
    }

    @Test
    void aContainerWithoutPortsOrWithABadAnnotationDoesNotStart() throws Exception {
        WagiRuntime runtime = runtime();
        var noPorts = new ContainerSpec(new ContainerId("default", "web", "uid-1", "handler", 0),
                module(TestModules.wagi()), List.of("handler"), Map.of(), List.of(), null, ResourceLimits.NONE,
                List.of(), Map.of(), "127.0.0.1");
        var output = new ContainerOutput(new ByteArrayOutputStream(), new ByteArrayOutputStream());
        assertThatThrownBy(() -> runtime.start(noPorts, output)).isInstanceOf(ContainerStartException.class)
                .hasMessageContaining("declares no containerPort");
        var badHttp = new ContainerSpec(new ContainerId("default", "web", "uid-1", "handler", 0),
                module(TestModules.wagi()), List.of("handler"), Map.of(), List.of(), null, ResourceLimits.NONE,
                List.of(new ContainerPort("", freePort(), "TCP")),
                Map.of("alpha.wasi.krustlet.dev/allowed-domains", "not json"), "127.0.0.1");
        assertThatThrownBy(() -> runtime.start(badHttp, output)).isInstanceOf(ContainerStartException.class)
                .hasMessageContaining("alpha.wasi.krustlet.dev/allowed-domains")
                .extracting(e -> ((ContainerStartException) e).reason()).isEqualTo("CreateContainerConfigError");
        var badTimeout = new ContainerSpec(new ContainerId("default", "web", "uid-1", "handler", 0),
                module(TestModules.wagi()), List.of("handler"), Map.of(), List.of(), null, ResourceLimits.NONE,
                List.of(new ContainerPort("", freePort(), "TCP")), Map.of("wagi.krustlet.dev/timeout", "soon"),
                "127.0.0.1");
        assertThatThrownBy(() -> runtime.start(badTimeout, output)).isInstanceOf(ContainerStartException.class)
                .hasMessageContaining("annotation wagi.krustlet.dev/timeout=\"soon\"")
                .extracting(e -> ((ContainerStartException) e).reason()).isEqualTo("CreateContainerConfigError");
        var notAModule = Files.write(tmp.resolve("bad.wasm"), "not wasm".getBytes(StandardCharsets.UTF_8));
        var invalid = new ContainerSpec(new ContainerId("default", "web", "uid-1", "handler", 0),
                module(notAModule), List.of("handler"), Map.of(), List.of(), null, ResourceLimits.NONE,
                List.of(new ContainerPort("", freePort(), "TCP")), Map.of(), "127.0.0.1");
        assertThatThrownBy(() -> runtime.start(invalid, output)).isInstanceOf(ContainerStartException.class)
                .extracting(e -> ((ContainerStartException) e).reason()).isEqualTo("InvalidModule");
    }

    @Test
    void deactivationFreesEveryPort() throws Exception {
        WagiRuntime runtime = runtime();
        Served served = start(runtime, Map.of(), Map.of(), List.of(), 0);
        assertThat(get(served, "/").statusCode()).isEqualTo(200);
        runtime.deactivate();
        assertThat(listening(served.port())).isFalse();
        assertThat(served.awaitExit().exitCode()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> runtime.runningContainers() == 0);
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
