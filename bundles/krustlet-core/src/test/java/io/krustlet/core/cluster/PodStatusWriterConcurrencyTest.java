package io.krustlet.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.PodCondition;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.PodStatus;
import io.krustlet.testapiserver.MockApiServer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Status writes under a burst, against an API server that answers each write late (as a real
 * one waits for etcd): several pods are written at once, never more than the bound, each pod's
 * writes in order and one at a time, only its latest status.
 */
class PodStatusWriterConcurrencyTest {

    private static final Duration WRITE_LATENCY = Duration.ofMillis(150);

    private final MockApiServer api = MockApiServer.start();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService writers = Executors.newFixedThreadPool(PodStatusWriter.MAX_IN_FLIGHT);
    private final InFlight inFlight = new InFlight();
    private final KubernetesClient client = countingClient();

    @AfterEach
    void stop() {
        writers.shutdownNow();
        scheduler.shutdownNow();
        client.close();
        api.close();
    }

    /** Counts the status writes in flight (sent and not yet answered), overall and per pod. */
    private static final class InFlight implements Interceptor {
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger max = new AtomicInteger();
        final Map<String, AtomicInteger> perPod = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> maxPerPod = new ConcurrentHashMap<>();

        private static boolean isStatusWrite(HttpRequest request) {
            return "PUT".equals(request.method()) && request.uri().getPath().endsWith("/status");
        }

        @Override
        public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            if (isStatusWrite(request)) {
                max.accumulateAndGet(now.incrementAndGet(), Math::max);
                String pod = request.uri().getPath();
                int mine = perPod.computeIfAbsent(pod, p -> new AtomicInteger()).incrementAndGet();
                maxPerPod.computeIfAbsent(pod, p -> new AtomicInteger()).accumulateAndGet(mine, Math::max);
            }
        }

        @Override
        public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
            if (isStatusWrite(request)) {
                now.decrementAndGet();
                perPod.get(request.uri().getPath()).decrementAndGet();
            }
        }
    }

    private KubernetesClient countingClient() {
        var config = Config.empty();
        config.setMasterUrl(api.url());
        config.setRequestRetryBackoffLimit(1);
        return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory())
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("in-flight", inFlight)).build();
    }

    private PodStatusWriter writer() {
        return new PodStatusWriter(client, "10.0.0.1", scheduler, writers, PodStatusWriter.MAX_IN_FLIGHT, Duration.ZERO,
                (s, p) -> s.uid().equals(p.getMetadata().getUid()), (ns, name) -> null);
    }

    private Pod createPod(String name) {
        return api.client().pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withNodeName("node1").addNewContainer().withName("main").withImage("x").endContainer()
                .endSpec().build()).create();
    }

    private static PodSnapshot snapshot(Pod pod, PodPhase phase, ContainerState state) {
        var main = new ContainerStatus("main", "x", "sha256:1", state, null, 0, state instanceof ContainerState.Running,
                state instanceof ContainerState.Running);
        return new PodSnapshot("default", pod.getMetadata().getName(), pod.getMetadata().getUid(), "api", "wasi",
                Map.of(), new PodStatus(phase, null, null, Instant.parse("2026-01-01T00:00:00Z"),
                        List.of(new PodCondition(PodCondition.READY, phase == PodPhase.Running, null,
                                Instant.parse("2026-01-01T00:00:00Z"))), List.of(), List.of(main)));
    }

    private String phase(String name) {
        var status = api.client().pods().inNamespace("default").withName(name).get().getStatus();
        return status == null ? null : status.getPhase();
    }

    @Test
    void aBurstIsWrittenSeveralPodsAtATimeButNeverMoreThanTheBound() {
        api.delayWrites(WRITE_LATENCY);
        var pods = java.util.stream.IntStream.range(0, 3 * PodStatusWriter.MAX_IN_FLIGHT)
                .mapToObj(i -> createPod("burst-" + i)).toList();
        var writer = writer();

        pods.forEach(p -> writer.statusChanged(snapshot(p, PodPhase.Running,
                new ContainerState.Running(Instant.parse("2026-01-01T00:00:01Z")))));

        await().atMost(Duration.ofSeconds(20)).until(() -> pods.stream()
                .allMatch(p -> "Running".equals(phase(p.getMetadata().getName()))));
        assertThat(inFlight.max.get()).as("writes in flight at once").isEqualTo(PodStatusWriter.MAX_IN_FLIGHT);
    }

    @Test
    void aPodsWritesStayInOrderOneAtATimeAndOnlyItsLatestStatusIsWritten() {
        api.delayWrites(Duration.ofSeconds(1)); // long enough for the test to post two more while it waits
        Pod pod = createPod("changing");
        var writer = writer();
        Instant started = Instant.parse("2026-01-01T00:00:01Z");

        writer.statusChanged(snapshot(pod, PodPhase.Pending, new ContainerState.Waiting("ContainerCreating", null)));
        await().atMost(Duration.ofSeconds(5)).until(() -> inFlight.now.get() == 1); // its first write is on its way
        writer.statusChanged(snapshot(pod, PodPhase.Running, new ContainerState.Running(started)));
        writer.statusChanged(snapshot(pod, PodPhase.Succeeded,
                new ContainerState.Terminated(0, "Completed", "", started, started.plusSeconds(1))));

        await().atMost(Duration.ofSeconds(10)).until(() -> "Succeeded".equals(phase("changing")));
        await().atMost(Duration.ofSeconds(5)).until(() -> inFlight.now.get() == 0);
        assertThat(api.requests().stream().filter(r -> r.startsWith("PUT /api/v1/namespaces/default/pods/changing/status")))
                .as("Pending, then straight to the latest (Succeeded): Running was overtaken while it waited").hasSize(2);
        assertThat(inFlight.maxPerPod.values()).extracting(AtomicInteger::get).containsOnly(1);
        var status = api.client().pods().inNamespace("default").withName("changing").get().getStatus();
        assertThat(status.getContainerStatuses().get(0).getState().getTerminated().getReason()).isEqualTo("Completed");
    }

    @Test
    void aNewPodsPendingStatusOvertakenWithinTheHoldIsNeverWrittenOneThatStaysIs() {
        Pod starting = createPod("starting");
        Pod stuck = createPod("stuck");
        var writer = new PodStatusWriter(client, "10.0.0.1", scheduler, writers, PodStatusWriter.MAX_IN_FLIGHT,
                Duration.ofSeconds(2), (s, p) -> s.uid().equals(p.getMetadata().getUid()), (ns, name) -> null);
        Instant started = Instant.parse("2026-01-01T00:00:01Z");

        writer.statusChanged(snapshot(starting, PodPhase.Pending, new ContainerState.Waiting("ContainerCreating", null)));
        writer.statusChanged(snapshot(stuck, PodPhase.Pending, new ContainerState.Waiting("ContainerCreating", null)));
        writer.statusChanged(snapshot(starting, PodPhase.Running, new ContainerState.Running(started)));

        await().atMost(Duration.ofSeconds(10)).until(() -> "Running".equals(phase("starting")));
        await().atMost(Duration.ofSeconds(10)).until(() -> "Pending".equals(phase("stuck")));
        assertThat(api.requests().stream().filter(r -> r.startsWith("PUT /api/v1/namespaces/default/pods/starting/")))
                .as("its Pending was overtaken while it waited: one write").hasSize(1);
        assertThat(api.requests().stream().filter(r -> r.startsWith("PUT /api/v1/namespaces/default/pods/stuck/")))
                .as("still Pending after the hold: written then").hasSize(1);
    }

    @Test
    void flushWaitsForThePodsLatestStatus() {
        api.delayWrites(WRITE_LATENCY);
        Pod pod = createPod("deleted-soon");
        var writer = writer();
        writer.statusChanged(snapshot(pod, PodPhase.Failed, new ContainerState.Terminated(137, "Error", "",
                Instant.parse("2026-01-01T00:00:01Z"), Instant.parse("2026-01-01T00:00:02Z"))));

        writer.flush("default", "deleted-soon").join();

        assertThat(phase("deleted-soon")).isEqualTo("Failed");
    }
}
