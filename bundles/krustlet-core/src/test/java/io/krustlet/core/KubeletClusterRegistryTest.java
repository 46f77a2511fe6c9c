package io.krustlet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.testapiserver.MockApiServer;
import io.krustlet.core.config.TestKubeletConfig;
import io.krustlet.oci.RegistryCredential;
import io.krustlet.oci.internal.OciImageService;
import io.krustlet.oci.internal.RegistryServer;
import io.krustlet.oci.internal.TestOciConfig;
import io.krustlet.testmodules.TestModules;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node in a cluster pulling from a registry that wants a password (a real docker-registry
 * behind htpasswd): the pod's imagePullSecrets are what lets it in, and the Events say so.
 */
class KubeletClusterRegistryTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private MockApiServer api;
    private KubernetesClient k8s;
    private RegistryServer registry;
    private final Kubelet kubelet = new Kubelet();

    @BeforeEach
    void start() throws Exception {
        api = MockApiServer.start();
        k8s = api.client();
        registry = RegistryServer.start(dir.resolve("registry"), "puller", "s3cret");
        var pusher = new OciImageService(TestOciConfig.of(dir.resolve("push-store"), registry.host()));
        pusher.push(TestModules.hello(), registry.host() + "/private/hello:v1",
                List.of(new RegistryCredential(registry.host(), "puller", "s3cret")));
        kubelet.images = new OciImageService(TestOciConfig.of(dir.resolve("store"), registry.host()));
        kubelet.bindRuntime(new ScriptedRuntime(), Map.of(ContainerRuntime.RUNTIME_PROPERTY, "wasi", "service.id", 1L));
        kubelet.activate(TestKubeletConfig.defaults()
                .with("nodeName", "node1")
                .with("dataDir", dir.resolve("data").toString())
                .with("podManifestPath", dir.resolve("pods").toString())
                .with("kubeconfig", api.writeKubeconfig(dir.resolve("kubeconfig")).toString())
                .build());
    }

    @AfterEach
    void stop() throws Exception {
        kubelet.deactivate();
        registry.close();
        api.close();
    }

    private void createPod(String name, String... pullSecrets) {
        var spec = new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withNodeName("node1").withRestartPolicy("Never")
                .addNewContainer().withName("main").withImage(registry.host() + "/private/hello:v1").endContainer();
        for (String secret : pullSecrets) {
            spec.addNewImagePullSecret(secret);
        }
        k8s.pods().inNamespace("default").resource(spec.endSpec().build()).create();
    }

    private Pod pod(String name) {
        return k8s.pods().inNamespace("default").withName(name).get();
    }

    private List<String> events(String name) {
        return k8s.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName()))
                .map(e -> e.getReason() + ": " + e.getMessage()).toList();
    }

    @Test
    void imagePullSecretsOfTheDockerConfigJsonTypeOpenThePrivateRegistry() {
        String auth = Base64.getEncoder().encodeToString("puller:s3cret".getBytes(StandardCharsets.UTF_8));
        String config = "{\"auths\":{\"" + registry.host() + "\":{\"auth\":\"" + auth + "\"}}}";
        k8s.secrets().inNamespace("default").resource(new SecretBuilder()
                .withNewMetadata().withName("regcred").withNamespace("default").endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .addToData(".dockerconfigjson", Base64.getEncoder().encodeToString(config.getBytes(StandardCharsets.UTF_8)))
                .build()).create();

        createPod("with-secret", "regcred");
        await().atMost(WAIT).until(() -> pod("with-secret").getStatus() != null
                && "Succeeded".equals(pod("with-secret").getStatus().getPhase()));
        await().atMost(WAIT).untilAsserted(() -> assertThat(events("with-secret"))
                .anyMatch(e -> e.startsWith("Pulling: Pulling image \"" + registry.host() + "/private/hello:v1\""))
                .anyMatch(e -> e.startsWith("Pulled: Successfully pulled image"))
                .anyMatch(e -> e.startsWith("Started:")));
    }

    @Test
    void withoutTheSecretThePullIsUnauthorizedAndTheEventsSayWhy() {
        createPod("without-secret");
        await().atMost(WAIT).until(() -> {
            Pod p = pod("without-secret");
            var waiting = p.getStatus() == null || p.getStatus().getContainerStatuses() == null
                    || p.getStatus().getContainerStatuses().isEmpty() ? null
                    : p.getStatus().getContainerStatuses().get(0).getState().getWaiting();
            return waiting != null && "ImagePullBackOff".equals(waiting.getReason());
        });
        assertThat(pod("without-secret").getStatus().getPhase()).isEqualTo("Pending");
        await().atMost(WAIT).untilAsserted(() -> assertThat(events("without-secret"))
                .anyMatch(e -> e.startsWith("Failed: Failed to pull image \"" + registry.host() + "/private/hello:v1\"")
                        && e.contains("unauthorized"))
                .contains("Failed: Error: ErrImagePull")
                .anyMatch(e -> e.startsWith("BackOff: Back-off pulling image")));
    }
}
