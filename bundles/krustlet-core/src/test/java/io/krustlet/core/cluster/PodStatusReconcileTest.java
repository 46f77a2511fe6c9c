package io.krustlet.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.PodCondition;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.PodStatus;
import io.krustlet.testapiserver.MockApiServer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What another writer changes in a pod's status is written back, as the kubelet's status manager
 * reconciles: after an outage, the node lifecycle controller has marked the node's pods not ready.
 */
class PodStatusReconcileTest {

    private final MockApiServer api = MockApiServer.start();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        thread.shutdownNow();
        api.close();
    }

    private Pod live(String name) {
        return api.client().pods().inNamespace("default").withName(name).get();
    }

    private static String ready(Pod pod) {
        return pod.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType()))
                .map(c -> c.getStatus()).findFirst().orElse(null);
    }

    private long statusWrites() {
        return api.requests().stream().filter(r -> r.startsWith("PUT /api/v1/namespaces/default/pods/p/status")).count();
    }

    @Test
    void aPodMarkedNotReadyBySomeoneElseIsWrittenBackAndAnUnchangedOneIsNot() {
        Pod pod = api.client().pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName("p").withNamespace("default").endMetadata()
                .withNewSpec().withNodeName("node1").addNewContainer().withName("main").withImage("x").endContainer()
                .endSpec().build()).create();
        var writer = new PodStatusWriter(api.client(), "10.0.0.1", thread, (s, p) -> true, (ns, name) -> live(name));
        Instant started = Instant.parse("2026-01-01T00:00:00Z");
        var running = new ContainerStatus("main", "x", "sha256:1", new ContainerState.Running(started), null, 0, true,
                true);
        writer.statusChanged(new PodSnapshot("default", "p", pod.getMetadata().getUid(), "api", "wasi", Map.of(),
                new PodStatus(PodPhase.Running, null, null, started, List.of(
                        new PodCondition(PodCondition.READY, true, null, started),
                        new PodCondition(PodCondition.CONTAINERS_READY, true, null, started)), List.of(),
                        List.of(running))));
        writer.flush("default", "p").join();
        assertThat(ready(live("p"))).isEqualTo("True");

        writer.reconcile();
        long afterFirst = statusWrites();
        assertThat(afterFirst).as("nothing changed: nothing written").isEqualTo(1);

        // the node lifecycle controller's MarkPodsNotReady
        Pod marked = live("p");
        marked.getStatus().setConditions(marked.getStatus().getConditions().stream()
                .map(c -> "Ready".equals(c.getType()) ? new PodConditionBuilder(c).withStatus("False")
                        .withReason("NodeNotReady").build() : c).toList());
        api.client().pods().inNamespace("default").resource(marked).updateStatus();
        long marking = statusWrites();

        writer.reconcile();
        writer.flush("default", "p").join();
        assertThat(ready(live("p"))).isEqualTo("True");
        assertThat(statusWrites()).as("one write puts it right").isEqualTo(marking + 1);
    }
}
