package io.krustlet.core.cluster;

import io.krustlet.testapiserver.MockApiServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.PodCondition;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.PodStatus;
import io.krustlet.core.status.objects.PodStatusObjects;
import io.krustlet.core.status.objects.PodStatusSamples;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PodStatusWriterTest {

    private final MockApiServer api = MockApiServer.start();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        thread.shutdownNow();
        api.close();
    }

    private Pod createPod() {
        return api.client().pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName("p").withNamespace("default").endMetadata()
                .withNewSpec().withNodeName("node1").addNewContainer().withName("main").withImage("x").endContainer()
                .endSpec().build()).create();
    }

    private static PodSnapshot snapshot(String uid, PodPhase phase) {
        var running = new ContainerStatus("main", "x", "sha256:1", new ContainerState.Running(Instant.now()), null, 0,
                true, true);
        return new PodSnapshot("default", "p", uid, "api", "wasi", Map.of(), new PodStatus(phase, null, null,
                Instant.now(), List.of(new PodCondition(PodCondition.READY, true, null, Instant.now())), List.of(),
                List.of(running)));
    }

    private long requests(String prefix) {
        return api.requests().stream().filter(r -> r.startsWith(prefix)).count();
    }

    @Test
    void aConflictIsRetriedOnAFreshObject() {
        Pod stale = createPod();
        // someone else changes the pod after the node's copy was taken; the API server says 409
        api.client().pods().inNamespace("default").withName("p").edit(p -> {
            p.getMetadata().setLabels(Map.of("touched", "yes"));
            return p;
        });
        api.failNext("PUT /api/v1/namespaces/default/pods/p/status", 409);
        var writer = new PodStatusWriter(api.client(), "10.0.0.1", thread, (s, p) -> true, (ns, name) -> stale);

        writer.statusChanged(snapshot(stale.getMetadata().getUid(), PodPhase.Running));

        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Pod p = api.client().pods().inNamespace("default").withName("p").get();
            return p.getStatus() != null && "Running".equals(p.getStatus().getPhase());
        });
        Pod written = api.client().pods().inNamespace("default").withName("p").get();
        assertThat(written.getStatus().getHostIP()).isEqualTo("10.0.0.1");
        assertThat(written.getStatus().getContainerStatuses().get(0).getState().getRunning()).isNotNull();
        assertThat(written.getMetadata().getLabels()).containsEntry("touched", "yes");
        assertThat(requests("PUT /api/v1/namespaces/default/pods/p/status")).as("one 409, one success").isEqualTo(2);
    }

    @Test
    void aPodReplacedByAnotherOfTheSameNameIsNotWrittenTo() {
        createPod();
        var writer = new PodStatusWriter(api.client(), "10.0.0.1", thread,
                (s, p) -> s.uid().equals(p.getMetadata().getUid()), (ns, name) -> null);
        writer.statusChanged(snapshot("some-older-uid", PodPhase.Failed));
        writer.flush("default", "p").join();
        var status = api.client().pods().inNamespace("default").withName("p").get().getStatus();
        assertThat(status == null ? null : status.getPhase()).isNotEqualTo("Failed");
        assertThat(requests("PUT /api/v1/namespaces/default/pods/p/status")).isZero();
    }

    @Test
    void whatIsWrittenIsTheSharedMappingOfTheStatus() {
        for (PodStatus status : List.of(PodStatusSamples.restarted(), PodStatusSamples.deadlineExceeded())) {
            Pod pod = createPod();
            var writer = new PodStatusWriter(api.client(), "10.0.0.1", thread, (s, p) -> true, (ns, name) -> pod);
            writer.statusChanged(new PodSnapshot("default", "p", pod.getMetadata().getUid(), "api", "wasi", Map.of(),
                    status));
            writer.flush("default", "p").join();
            var written = api.client().pods().inNamespace("default").withName("p").get().getStatus();
            var mapped = PodStatusObjects.toApi(status);
            // what the HTTPS API serves on /pods is this same mapping (its EndpointsTest)
            assertThat(written.getPhase()).isEqualTo(mapped.getPhase());
            assertThat(written.getReason()).isEqualTo(mapped.getReason());
            assertThat(written.getMessage()).isEqualTo(mapped.getMessage());
            assertThat(written.getStartTime()).isEqualTo(mapped.getStartTime());
            assertThat(written.getConditions()).isEqualTo(mapped.getConditions());
            assertThat(written.getInitContainerStatuses()).isEqualTo(mapped.getInitContainerStatuses());
            assertThat(written.getContainerStatuses()).isEqualTo(mapped.getContainerStatuses());
            api.client().pods().inNamespace("default").withName("p").withGracePeriod(0).delete();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> api.client().pods().inNamespace("default").withName("p").get() == null);
        }
    }
}
