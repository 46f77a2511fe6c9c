package io.krustlet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.core.config.TestKubeletConfig;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.Reasons;
import io.krustlet.oci.internal.OciImageService;
import io.krustlet.oci.internal.SilentRegistry;
import io.krustlet.oci.internal.TestOciConfig;
import io.krustlet.testapiserver.MockApiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pod deleted while its image pull hangs (a registry that accepts the connection and never
 * answers) is gone within its grace period, not after the pull's 55 s timeout: standalone and
 * through the API server.
 */
class StuckPullTest {

    private static final Duration GRACE = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    private SilentRegistry registry;
    private OciImageService images;
    private final Kubelet kubelet = new Kubelet();
    private MockApiServer api;

    @BeforeEach
    void start() throws Exception {
        registry = SilentRegistry.start();
        images = new OciImageService(TestOciConfig.of(dir.resolve("store"), registry.host()));
        Files.createDirectories(dir.resolve("pods"));
        kubelet.images = images;
        kubelet.bindRuntime(new ScriptedRuntime(), Map.of(ContainerRuntime.RUNTIME_PROPERTY, "wasi", "service.id", 1L));
    }

    @AfterEach
    void stop() throws Exception {
        kubelet.deactivate();
        images.close();
        registry.close();
        if (api != null) {
            api.close();
        }
    }

    private String image() {
        return registry.host() + "/wasm/never:v1";
    }

    private boolean pulling(Optional<PodSnapshot> pod) {
        return pod.isPresent() && registry.accepted() > 0
                && pod.get().status().containerStatuses().get(0).state() instanceof ContainerState.Waiting w
                && Reasons.CONTAINER_CREATING.equals(w.reason());
    }

    @Test
    void aStaticPodRemovedDuringAHangingPullIsGoneWithinItsGracePeriod() throws Exception {
        kubelet.activate(KubeletTest.config(dir));
        Path manifest = dir.resolve("pods").resolve("stuck.yaml");
        Files.writeString(manifest, """
                apiVersion: v1
                kind: Pod
                metadata: {name: stuck}
                spec:
                  terminationGracePeriodSeconds: %d
                  containers: [{name: main, image: "%s"}]
                """.formatted(GRACE.toSeconds(), image()));
        await().atMost(Duration.ofSeconds(20)).until(() -> pulling(kubelet.pod("default", "stuck-node1")));

        long removedAt = System.nanoTime();
        Files.delete(manifest);
        await().atMost(Duration.ofSeconds(30)).until(() -> kubelet.pod("default", "stuck-node1").isEmpty());
        Duration took = Duration.ofNanos(System.nanoTime() - removedAt);

        // the folder is rescanned every second (manifestRescanSeconds=1): that is the slack on top
        assertThat(took).as("gone within the grace period").isLessThan(GRACE);
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.closedByClient() > 0);
    }

    @Test
    void aPodDeletedThroughTheApiDuringAHangingPullIsGoneWithinItsGracePeriod() throws Exception {
        api = MockApiServer.start();
        KubernetesClient k8s = api.client();
        kubelet.activate(TestKubeletConfig.defaults()
                .with("nodeName", "node1")
                .with("nodeIP", "10.1.2.3")
                .with("dataDir", dir.resolve("data").toString())
                .with("podManifestPath", dir.resolve("pods").toString())
                .with("kubeconfig", api.writeKubeconfig(dir.resolve("kubeconfig")).toString())
                .build());
        k8s.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName("stuck").withNamespace("default").endMetadata()
                .withNewSpec().withNodeName("node1").withTerminationGracePeriodSeconds(GRACE.toSeconds())
                .addNewContainer().withName("main").withImage(image()).endContainer()
                .endSpec().build()).create();
        await().atMost(Duration.ofSeconds(20)).until(() -> pulling(kubelet.pod("default", "stuck")));

        // what the API server does on `kubectl delete pod`: mark it; the node stops it, then deletes it
        // (a finalizer keeps the mock from removing the object before the node's final delete)
        // (the node writes the pod's status meanwhile: a 409 means read and mark it again, as kubectl does)
        long[] deletedAt = new long[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Pod marked = k8s.pods().inNamespace("default").withName("stuck").get();
            marked.getMetadata().setFinalizers(List.of("test.krustlet.io/hold"));
            marked.getMetadata().setDeletionTimestamp(java.time.Instant.now().toString());
            marked.getMetadata().setDeletionGracePeriodSeconds(GRACE.toSeconds());
            deletedAt[0] = System.nanoTime();
            try {
                k8s.pods().inNamespace("default").resource(marked).update();
                return true;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                return false;
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> api.requests().stream()
                .anyMatch(r -> r.startsWith("DELETE /api/v1/namespaces/default/pods/stuck")));
        Duration took = Duration.ofNanos(System.nanoTime() - deletedAt[0]);

        assertThat(took).as("the node deleted the pod within its grace period").isLessThan(GRACE);
        assertThat(kubelet.pod("default", "stuck")).isEmpty();
    }
}
