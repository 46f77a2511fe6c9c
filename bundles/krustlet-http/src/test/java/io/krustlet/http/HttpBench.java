package io.krustlet.http;

import static io.krustlet.http.FakeKubeletPods.append;
import static io.krustlet.http.FakeKubeletPods.running;

import io.krustlet.core.status.PodPhase;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput of the kubelet API: the real server with a fake kubelet, N clients (default 100),
 * each on its own keep-alive HTTPS connection with a client certificate, sending requests back to
 * back for D seconds (default 10) per endpoint, after a 2 s warm-up. Prints requests per second
 * and p50/p99 latency.
 *
 * <pre>mvn -q -f bundles/krustlet-http/pom.xml test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.krustlet.http.HttpBench [-Dexec.args="SECONDS CLIENTS"]</pre>
 */
public final class HttpBench {

    private HttpBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Path dir = Files.createTempDirectory("krustlet-http-bench");
        var pods = new FakeKubeletPods("bench-node", dir);
        pods.put("default", "chatty", PodPhase.Running, running("main", 0, Instant.now()));
        Path log = pods.logPath("default", "chatty", "main", 0);
        Instant t = Instant.now().minusSeconds(1000);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            lines.append(t.plusSeconds(i)).append(" stdout F line ").append(i)
                    .append(" of the benchmark log, about sixty bytes long\n");
        }
        Files.createDirectories(log.getParent());
        Files.writeString(log, lines);
        var pki = new TestPki("bench-ca");
        try (var server = RunningServer.start(dir, pods, pki, TestHttpConfig.defaults(), Map.of())) {
            var client = pki.client("CN=system:kube-apiserver-kubelet-client,O=system:masters");
            System.out.printf(Locale.ROOT, "kubelet API, %d keep-alive HTTPS clients, %d s per endpoint%n", clients,
                    seconds);
            for (String path : List.of("/healthz", "/containerLogs/default/chatty/main?tailLines=100")) {
                run(server, client, path, clients, 2, false);
                Result result = run(server, client, path, clients, seconds, true);
                System.out.printf(Locale.ROOT, "%-52s %9.0f req/s   p50 %7.2f ms   p99 %7.2f ms   errors %d%n", path,
                        result.perSecond(), result.p50Millis(), result.p99Millis(), result.errors());
            }
        }
    }

    record Result(double perSecond, double p50Millis, double p99Millis, long errors) {
    }

    private static Result run(RunningServer server, TestPki.Issued identity, String path, int clients, int seconds,
            boolean measure) throws Exception {
        var request = HttpRequest.newBuilder(server.uri(path)).GET().build();
        // clients and their TLS contexts first: setting up 100 of them takes a while and must not count
        List<HttpClient> https = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            https.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .sslContext(server.pki.clientContext(identity)).build());
        }
        CountDownLatch go = new CountDownLatch(1);
        long[] endAt = new long[1];
        List<long[]> samples = new ArrayList<>();
        int[] counts = new int[clients];
        AtomicLong errors = new AtomicLong();
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            long[] latencies = new long[100_000];
            samples.add(latencies);
            int index = c;
            HttpClient http = https.get(c);
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                    long end = endAt[0];
                    while (System.nanoTime() < end) {
                        long start = System.nanoTime();
                        var response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        if (response.statusCode() != 200) {
                            errors.incrementAndGet();
                        }
                        if (counts[index] < latencies.length) {
                            latencies[counts[index]++] = System.nanoTime() - start;
                        }
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                } finally {
                    done.countDown();
                }
            }, "bench-client-" + c);
            thread.start();
        }
        long started = System.nanoTime();
        endAt[0] = started + Duration.ofSeconds(seconds).toNanos();
        go.countDown();
        done.await();
        double elapsed = (System.nanoTime() - started) / 1e9;
        if (!measure) {
            return null;
        }
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int at = 0;
        for (int c = 0; c < clients; c++) {
            System.arraycopy(samples.get(c), 0, all, at, counts[c]);
            at += counts[c];
        }
        Arrays.sort(all);
        return new Result(total / elapsed, all[(int) (total * 0.5)] / 1e6, all[(int) Math.min(total - 1, total * 0.99)] / 1e6,
                errors.get());
    }
}
