package io.krustlet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.bootstrap.NodeCredentials;
import io.krustlet.core.config.TestKubeletConfig;
import io.krustlet.testapiserver.MockApiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core and the TLS bootstrap's NodeCredentials service: a node waiting for its kubeconfig
 * joins when the bootstrap has written it, and reconnects (pods untouched) when the client
 * certificate is renewed.
 */
class KubeletBootstrapTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final MockApiServer api = MockApiServer.start();
    private final ScriptedRuntime runtime = new ScriptedRuntime();
    private final Kubelet kubelet = new Kubelet();

    @AfterEach
    void stop() {
        kubelet.deactivate();
        api.close();
    }

    private NodeCredentials credentials(Path kubeconfig) {
        return new NodeCredentials() {
            @Override
            public Path kubeconfig() {
                return kubeconfig;
            }

            @Override
            public Instant clientCertificateNotAfter() {
                return Instant.now().plus(Duration.ofDays(1));
            }
        };
    }

    private void createPod(String name, String... args) {
        api.client().pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withNodeName("node1").withRestartPolicy("Never")
                .addNewContainer().withName("main").withImage("fs/good.wasm").withArgs(args).endContainer()
                .endSpec().build()).create();
    }

    private boolean running(String name) {
        var pod = api.client().pods().inNamespace("default").withName(name).get();
        return pod != null && pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null
                && !pod.getStatus().getContainerStatuses().isEmpty()
                && pod.getStatus().getContainerStatuses().get(0).getState().getRunning() != null;
    }

    @Test
    void joinsOnceBootstrapWroteTheKubeconfigAndReconnectsOnRenewalWithoutTouchingPods() throws Exception {
        Files.write(dir.resolve("good.wasm"), new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        Path kubeconfig = dir.resolve("kubeconfig");
        kubelet.bindRuntime(runtime, Map.of(ContainerRuntime.RUNTIME_PROPERTY, "wasi", "service.id", 1L));
        kubelet.activate(TestKubeletConfig.defaults()
                .with("nodeName", "node1")
                .with("dataDir", dir.resolve("data").toString())
                .with("podManifestPath", dir.resolve("pods").toString())
                .with("allowLocalModules", true)
                .with("localModuleRoot", dir.toString())
                .with("kubeconfig", kubeconfig.toString())
                .with("bootstrapFile", dir.resolve("bootstrap-kubeconfig").toString())
                .build());
        assertThat(api.client().nodes().list().getItems()).as("standalone while waiting").isEmpty();

        api.writeKubeconfig(kubeconfig); // what the bootstrap does, then it registers its service
        kubelet.bindCredentials(credentials(kubeconfig), Map.of(NodeCredentials.CLIENT_CERTIFICATE_SERIAL, "01"));
        await().atMost(WAIT).until(() -> api.client().nodes().withName("node1").get() != null);
        createPod("long", "block");
        await().atMost(WAIT).until(() -> running("long"));

        kubelet.credentialsUpdated(credentials(kubeconfig), Map.of(NodeCredentials.CLIENT_CERTIFICATE_SERIAL, "02"));
        int watches = api.podWatches();
        await().atMost(WAIT).until(() -> api.podWatches() > watches);
        createPod("after", "print", "hi");
        await().atMost(WAIT).until(() -> {
            var pod = api.client().pods().inNamespace("default").withName("after").get();
            return pod.getStatus() != null && "Succeeded".equals(pod.getStatus().getPhase());
        });
        assertThat(runtime.started).filteredOn(s -> s.id().pod().equals("long")).as("not restarted").hasSize(1);
        assertThat(kubelet.pod("default", "long").orElseThrow().status().containerStatuses().get(0).state())
                .isInstanceOf(io.krustlet.core.status.ContainerState.Running.class);
    }
}
