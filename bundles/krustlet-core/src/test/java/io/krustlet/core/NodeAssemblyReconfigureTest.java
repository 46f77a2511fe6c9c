package io.krustlet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.krustlet.core.config.KubeletSettings;
import io.krustlet.core.config.TestKubeletConfig;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.Reasons;
import io.krustlet.testapiserver.MockApiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A configuration change applied to a running node ({@link NodeAssembly#reconfigure}): live keys
 * take effect, restart-needing keys keep their running value, and no pod is restarted.
 */
class NodeAssemblyReconfigureTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final ScriptedRuntime runtime = new ScriptedRuntime();
    private MockApiServer api;
    private NodeAssembly node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (api != null) {
            api.close();
        }
    }

    private TestKubeletConfig config() throws Exception {
        Files.write(dir.resolve("good.wasm"), new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        return TestKubeletConfig.defaults()
                .with("nodeName", "node1")
                .with("nodeIP", "127.0.0.1")
                .with("dataDir", dir.resolve("data").toString())
                .with("podManifestPath", dir.resolve("pods").toString())
                .with("manifestRescanSeconds", 1)
                .with("allowLocalModules", true)
                .with("localModuleRoot", dir.toString())
                .with("kubeconfig", "none");
    }

    private void manifest(String name) throws Exception {
        Files.createDirectories(dir.resolve("pods"));
        Files.writeString(dir.resolve("pods").resolve(name + ".yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s}
                spec:
                  restartPolicy: Always
                  containers: [{name: main, image: fs/good.wasm, args: [block]}]
                """.formatted(name));
    }

    private PodSnapshot running(String name) {
        return await().atMost(WAIT).until(() -> node.pod("default", name), p -> p.isPresent()
                && p.get().status().containerStatuses().get(0).state() instanceof ContainerState.Running).orElseThrow();
    }

    private static void assertUntouched(PodSnapshot before, PodSnapshot after) {
        assertThat(after.uid()).isEqualTo(before.uid());
        assertThat(after.status().phase()).isEqualTo(PodPhase.Running);
        var container = after.status().containerStatuses().get(0);
        assertThat(container.restartCount()).isZero();
        assertThat(container.state()).isEqualTo(before.status().containerStatuses().get(0).state());
    }

    @Test
    void liveKeysApplyToTheRunningNodeWithoutRestartingItsPods() throws Exception {
        manifest("a");
        manifest("b");
        node = NodeAssembly.builder(NodeAssembly.settings(config().with("maxPods", 1).build()))
                .runtime("wasi", runtime).start();
        PodSnapshot first = running("a-node1");
        assertThat(node.pods()).as("maxPods=1 admits one static pod").hasSize(1);

        var change = node.reconfigure(NodeAssembly.settings(config().with("maxPods", 5)
                .with("manifestRescanSeconds", 2).with("containerLogMaxFiles", 3).with("volumeRefreshSeconds", 5)
                .with("defaultRuntime", "wasi").build()));

        assertThat(change.live()).containsExactly("manifestRescanSeconds", "maxPods", "containerLogMaxFiles",
                "volumeRefreshSeconds");
        running("b-node1");
        assertThat(node.node().maxPods()).isEqualTo(5);
        assertUntouched(first, node.pod("default", "a-node1").orElseThrow());
        assertThat(runtime.started).filteredOn(s -> s.id().pod().equals("a-node1")).as("not restarted").hasSize(1);
    }

    @Test
    void aLoweredMaxPodsKeepsThePodsTheNodeAlreadyRuns() throws Exception {
        manifest("a");
        manifest("b");
        node = NodeAssembly.builder(NodeAssembly.settings(config().build())).runtime("wasi", runtime).start();
        PodSnapshot a = running("a-node1");
        PodSnapshot b = running("b-node1");

        node.reconfigure(NodeAssembly.settings(config().with("maxPods", 1).build()));
        manifest("c");
        // three rescans (one a second) see c and hold it back, and leave a and b alone
        await().during(Duration.ofSeconds(3)).atMost(WAIT).until(() -> node.pod("default", "c-node1").isEmpty()
                && node.pods().size() == 2);

        assertUntouched(a, node.pod("default", "a-node1").orElseThrow());
        assertUntouched(b, node.pod("default", "b-node1").orElseThrow());
    }

    @Test
    void restartKeysKeepTheirRunningValue() throws Exception {
        node = NodeAssembly.builder(NodeAssembly.settings(config().build())).runtime("wasi", runtime).start();

        var change = node.reconfigure(NodeAssembly.settings(config().with("nodeName", "node2")
                .with("dataDir", dir.resolve("elsewhere").toString()).with("maxPods", 3).build()));

        assertThat(change.restartNeeded()).extracting(r -> r.key()).containsExactly("nodeName", "dataDir");
        KubeletSettings now = node.settings();
        assertThat(now.nodeName()).isEqualTo("node1");
        assertThat(now.dataDir()).isEqualTo(dir.resolve("data"));
        assertThat(now.maxPods()).isEqualTo(3);
        assertThat(node.nodeName()).isEqualTo("node1");
    }

    @Test
    void newNodeLabelsReachTheNodeObjectAndTheApiPodKeepsRunning() throws Exception {
        api = MockApiServer.start();
        String kubeconfig = api.writeKubeconfig(dir.resolve("kubeconfig")).toString();
        node = NodeAssembly.builder(NodeAssembly.settings(config().with("kubeconfig", kubeconfig).build()))
                .runtime("wasi", runtime).start();
        await().atMost(WAIT).until(() -> api.client().nodes().withName("node1").get() != null);
        createApiPod("web", "Always", "block");
        PodSnapshot before = running("web");

        node.reconfigure(NodeAssembly.settings(config().with("kubeconfig", kubeconfig)
                .with("nodeLabels", "team=edge").with("maxPods", 42).build()));

        await().atMost(WAIT).until(() -> {
            var n = api.client().nodes().withName("node1").get();
            return "edge".equals(n.getMetadata().getLabels().get("team"))
                    && "42".equals(n.getStatus().getCapacity().get("pods").getAmount());
        });
        createAndAwaitSucceeded();
        assertUntouched(before, node.pod("default", "web").orElseThrow());
        assertThat(runtime.started).filteredOn(s -> s.id().pod().equals("web")).as("not restarted").hasSize(1);
    }

    /**
     * A rejoin does not admit the node's own pods again: on a full node (maxPods 1, one pod
     * running) the running pod stays Running in the API, and only a new pod is refused.
     */
    @Test
    void aRejoinOfAFullNodeKeepsItsRunningPodsAdmitted() throws Exception {
        api = MockApiServer.start();
        String kubeconfig = api.writeKubeconfig(dir.resolve("kubeconfig")).toString();
        node = NodeAssembly.builder(NodeAssembly.settings(config().with("kubeconfig", kubeconfig).with("maxPods", 1)
                .build())).runtime("wasi", runtime).start();
        await().atMost(WAIT).until(() -> api.client().nodes().withName("node1").get() != null);
        createApiPod("web", "Always", "block");
        PodSnapshot before = running("web");

        node.reconfigure(NodeAssembly.settings(config().with("kubeconfig", kubeconfig).with("maxPods", 1)
                .with("nodeLabels", "team=edge").build()));
        await().atMost(WAIT).until(() -> "edge".equals(
                api.client().nodes().withName("node1").get().getMetadata().getLabels().get("team")));
        createApiPod("extra", "Never", "print", "hi");
        // the new pod's rejection shows the rejoined source has seen every pod of the node
        await().atMost(WAIT).until(() -> {
            var extra = api.client().pods().inNamespace("default").withName("extra").get();
            return extra.getStatus() != null && Reasons.OUT_OF_PODS.equals(extra.getStatus().getReason());
        });
        var web = api.client().pods().inNamespace("default").withName("web").get();
        assertThat(web.getStatus().getPhase()).isEqualTo("Running");
        assertThat(web.getStatus().getReason()).isNull();
        assertUntouched(before, node.pod("default", "web").orElseThrow());
    }

    /** Creates a pod bound to the node, one container running fs/good.wasm with {@code args}. */
    private void createApiPod(String name, String restartPolicy, String... args) {
        api.client().pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withNodeName("node1").withRestartPolicy(restartPolicy)
                .addNewContainer().withName("main").withImage("fs/good.wasm").withArgs(args).endContainer()
                .endSpec().build()).create();
    }

    /** A pod created after the rejoin runs: the node watches the API server again. */
    private void createAndAwaitSucceeded() {
        createApiPod("after", "Never", "print", "hi");
        await().atMost(WAIT).until(() -> {
            var pod = api.client().pods().inNamespace("default").withName("after").get();
            return pod.getStatus() != null && "Succeeded".equals(pod.getStatus().getPhase());
        });
    }
}
