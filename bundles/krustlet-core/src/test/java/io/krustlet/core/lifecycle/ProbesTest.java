package io.krustlet.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.krustlet.api.ContainerPort;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.api.ResourceLimits;
import io.krustlet.api.RuntimeInfo;
import io.krustlet.core.pod.ContainerDefinition;
import io.krustlet.core.pod.ContainerResources;
import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.pod.ProbeDefinition;
import io.krustlet.core.pod.RestartPolicy;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.PodCondition;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.Reasons;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Readiness and liveness probes as the kubelet runs them: thresholds, Ready, restarts, Events. */
class ProbesTest {

    private final ManualTimers timers = new ManualTimers();
    private final FakeLauncher launcher = new FakeLauncher();
    private final List<PodSnapshot> published = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    /** The results the scripted prober hands out, in order; each check takes one. */
    private final Deque<Boolean> results = new ArrayDeque<>();
    private int checks;

    private static final ContainerRuntime PROVIDER = new ContainerRuntime() {
        @Override
        public RuntimeInfo info() {
            return new RuntimeInfo("wasi", "wasm32-wasi", "fake", "0");
        }

        @Override
        public io.krustlet.api.ContainerHandle start(io.krustlet.api.ContainerSpec spec, io.krustlet.api.ContainerOutput out) {
            throw new UnsupportedOperationException();
        }
    };

    private static ProbeDefinition probe(int delay, int period, int success, int failure) {
        return new ProbeDefinition(new ProbeDefinition.TcpSocket(null, "8080"), Duration.ofSeconds(delay),
                Duration.ofSeconds(period), Duration.ofSeconds(1), success, failure);
    }

    private PodWorker worker(ProbeDefinition readiness, ProbeDefinition liveness) {
        var app = new ContainerDefinition("app", "fs/app.wasm", null, List.of(), List.of(), List.of(), null, List.of(),
                ResourceLimits.NONE, List.of(), ContainerResources.NONE, List.of(new ContainerPort("http", 8080, "TCP")),
                readiness, liveness);
        var pod = new PodDefinition("default", "p", "uid-1", "api", null, RestartPolicy.Always, Duration.ofSeconds(30),
                List.of(), List.of(app), List.of(), Map.of());
        Prober prober = (p, c) -> {
            checks++;
            return CompletableFuture.completedFuture(new Prober.Result(results.isEmpty() || results.poll(),
                    "dial tcp 10.0.0.1:8080: connect: connection refused"));
        };
        PodEvents recorder = (p, container, warning, reason, message) -> events.add(reason + ": " + message);
        var services = new WorkerServices(timers, r -> Optional.of(PROVIDER), launcher, Runnable::run, recorder,
                prober);
        return new PodWorker(pod, "wasi", null, services, published::add);
    }

    private ContainerStatus app() {
        return published.get(published.size() - 1).status().containerStatuses().get(0);
    }

    private boolean podReady() {
        return published.get(published.size() - 1).status().condition(PodCondition.READY).orElseThrow().status();
    }

    @Test
    void aContainerIsReadyOnlyOnceItsReadinessProbePassesAndNotAfterItFails() {
        PodWorker w = worker(probe(5, 10, 1, 2), null);
        w.start();
        assertThat(app().started()).isTrue();
        assertThat(app().ready()).as("not ready before the first check").isFalse();
        assertThat(podReady()).isFalse();

        timers.advance(Duration.ofSeconds(4));
        assertThat(checks).as("initialDelaySeconds").isZero();
        results.add(true);
        timers.advance(Duration.ofSeconds(1));
        assertThat(checks).isEqualTo(1);
        assertThat(app().ready()).isTrue();
        assertThat(podReady()).isTrue();

        results.add(false);
        timers.advance(Duration.ofSeconds(10));
        assertThat(app().ready()).as("one failure is below failureThreshold 2").isTrue();
        results.add(false);
        timers.advance(Duration.ofSeconds(10));
        assertThat(app().ready()).isFalse();
        assertThat(podReady()).isFalse();
        assertThat(events).filteredOn(e -> e.startsWith(Reasons.UNHEALTHY)).hasSize(2)
                .allMatch(e -> e.contains("Readiness probe failed: dial tcp"));
        assertThat(launcher.last("app").stopRequested).as("readiness never restarts").isNull();
    }

    @Test
    void aFailingLivenessProbeRestartsTheContainerWithAnEvent() {
        PodWorker w = worker(null, probe(0, 10, 1, 3));
        w.start();
        assertThat(app().ready()).as("no readiness probe: ready when running").isTrue();
        results.addAll(List.of(false, false, false));
        timers.advance(Duration.ofSeconds(0));
        timers.advance(Duration.ofSeconds(10));
        assertThat(launcher.last("app").stopRequested).isNull();
        timers.advance(Duration.ofSeconds(10));
        assertThat(launcher.last("app").stopRequested).as("third failure: killed").isEqualTo(Duration.ofSeconds(30));
        assertThat(events).contains("Killing: Container app failed liveness probe, will be restarted");

        launcher.last("app").exit(137, timers.now());
        timers.advance(Duration.ofSeconds(10)); // CrashLoopBackOff's first back-off
        assertThat(launcher.names()).containsExactly("app#0", "app#1");
        assertThat(app().restartCount()).isEqualTo(1);
        int before = checks;
        timers.advance(Duration.ofSeconds(60));
        assertThat(checks - before).as("the new run is probed every 10 s, the old one no more").isEqualTo(6);
    }

    @Test
    void theNetworkProberPassesOn2xxAnd3xxFailsOtherwiseAndSaysWhy() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/healthz", exchange -> {
            exchange.sendResponseHeaders(exchange.getRequestURI().getQuery() == null ? 200 : 503, -1);
            exchange.close();
        });
        server.start();
        ExecutorService executor = Executors.newCachedThreadPool();
        try {
            int port = server.getAddress().getPort();
            var prober = new NetworkProber("127.0.0.1", executor);
            var container = new ContainerDefinition("app", "fs/app.wasm", null, List.of(), List.of(), List.of(), null,
                    List.of(), ResourceLimits.NONE, List.of(), ContainerResources.NONE,
                    List.of(new ContainerPort("http", port, "TCP")), null, null);
            ProbeDefinition ok = new ProbeDefinition(new ProbeDefinition.HttpGet("HTTP", null, "http", "/healthz", Map.of()),
                    Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(1), 1, 3);
            ProbeDefinition bad = new ProbeDefinition(new ProbeDefinition.HttpGet("HTTP", null, String.valueOf(port),
                    "/healthz?fail", Map.of()), Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(1), 1, 3);
            ProbeDefinition tcp = new ProbeDefinition(new ProbeDefinition.TcpSocket(null, "http"), Duration.ZERO,
                    Duration.ofSeconds(10), Duration.ofSeconds(1), 1, 3);
            assertThat(prober.probe(ok, container).toCompletableFuture().get(5, TimeUnit.SECONDS).success()).isTrue();
            assertThat(prober.probe(bad, container).toCompletableFuture().get(5, TimeUnit.SECONDS).message())
                    .isEqualTo("HTTP probe failed with statuscode: 503");
            assertThat(prober.probe(tcp, container).toCompletableFuture().get(5, TimeUnit.SECONDS).success()).isTrue();
            server.stop(0);
            Prober.Result refused = prober.probe(tcp, container).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(refused.success()).isFalse();
            assertThat(refused.message()).startsWith("dial tcp 127.0.0.1:" + port);
            ProbeDefinition exec = new ProbeDefinition(new ProbeDefinition.Exec(List.of("true")), Duration.ZERO,
                    Duration.ofSeconds(10), Duration.ofSeconds(1), 1, 3);
            assertThat(prober.probe(exec, container).toCompletableFuture().get().message()).contains("no exec");
        } finally {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
