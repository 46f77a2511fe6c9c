package io.krustlet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.core.config.TestKubeletConfig;
import io.krustlet.testapiserver.MockApiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pods pick their runtime through a RuntimeClass's handler, read through an informer on
 * node.k8s.io/v1 RuntimeClasses, as the kubelet does; a class that does not exist keeps the pod
 * waiting with the kubelet's error until it does.
 */
class RuntimeClassTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private MockApiServer api;
    private KubernetesClient k8s;
    private final Kubelet kubelet = new Kubelet();

    @BeforeEach
    void start() throws Exception {
        api = MockApiServer.start();
        k8s = api.client();
        Files.write(dir.resolve("good.wasm"), new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        kubelet.bindRuntime(new ScriptedRuntime(), Map.of(ContainerRuntime.RUNTIME_PROPERTY, "wasi", "service.id", 1L));
        kubelet.activate(TestKubeletConfig.defaults()
                .with("nodeName", "node1")
                .with("nodeIP", "10.1.2.3")
                .with("dataDir", dir.resolve("data").toString())
                .with("podManifestPath", dir.resolve("pods").toString())
                .with("allowLocalModules", true)
                .with("localModuleRoot", dir.toString())
                .with("kubeconfig", api.writeKubeconfig(dir.resolve("kubeconfig")).toString())
                .build());
    }

    @AfterEach
    void stop() {
        kubelet.deactivate();
        api.close();
    }

    private void runtimeClass(String name, String handler) {
        RuntimeClass rc = new RuntimeClassBuilder().withNewMetadata().withName(name).endMetadata().withHandler(handler)
                .build();
        k8s.resources(RuntimeClass.class).resource(rc).create();
    }

    private void pod(String name, String runtimeClass) {
        k8s.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withNodeName("node1").withRestartPolicy("Never").withRuntimeClassName(runtimeClass)
                .addNewContainer().withName("main").withImage("fs/good.wasm").endContainer()
                .endSpec().build()).create();
    }

    private Pod get(String name) {
        return k8s.pods().inNamespace("default").withName(name).get();
    }

    @Test
    void aPodRunsOnTheHandlerItsRuntimeClassNames() {
        runtimeClass("fast", "wasi");
        pod("quick", "fast");
        await().atMost(WAIT).until(() -> get("quick").getStatus() != null
                && "Succeeded".equals(get("quick").getStatus().getPhase()));
    }

    @Test
    void aMissingRuntimeClassWaitsWithTheKubeletsErrorUntilItIsCreated() {
        pod("early", "later");
        await().atMost(WAIT).until(() -> {
            Pod p = get("early");
            return p.getStatus() != null && p.getStatus().getContainerStatuses() != null
                    && !p.getStatus().getContainerStatuses().isEmpty()
                    && p.getStatus().getContainerStatuses().get(0).getState().getWaiting() != null
                    && "RuntimeClass \"later\" not found".equals(
                            p.getStatus().getContainerStatuses().get(0).getState().getWaiting().getMessage());
        });
        List<Event> events = k8s.v1().events().inNamespace("default").list().getItems();
        assertThat(events).filteredOn(e -> "early".equals(e.getInvolvedObject().getName()))
                .extracting(Event::getReason).contains("FailedCreatePodSandBox");

        runtimeClass("later", "wasi");
        await().atMost(WAIT).until(() -> "Succeeded".equals(get("early").getStatus().getPhase()));
    }

    @Test
    void aHandlerNoProviderServesWaitsNamingTheRuntimeAndTheClass() {
        runtimeClass("web", "wagi");
        pod("server", "web");
        await().atMost(WAIT).until(() -> {
            Pod p = get("server");
            var statuses = p.getStatus() == null ? null : p.getStatus().getContainerStatuses();
            return statuses != null && !statuses.isEmpty() && statuses.get(0).getState().getWaiting() != null
                    && "RuntimeUnavailable".equals(statuses.get(0).getState().getWaiting().getReason());
        });
        assertThat(get("server").getStatus().getContainerStatuses().get(0).getState().getWaiting().getMessage())
                .contains("\"wagi\" (RuntimeClass \"web\")");
        await().atMost(WAIT).until(() -> k8s.v1().events().inNamespace("default").list().getItems().stream()
                .anyMatch(e -> "server".equals(e.getInvolvedObject().getName()) && "RuntimeUnavailable".equals(e.getReason())));
    }
}
