package io.krustlet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.testapiserver.MockApiServer;
import io.krustlet.core.config.TestKubeletConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core component joined to fabric8's mock API server (CRUD mode): real files, threads,
 * timers and HTTP, a scripted provider. Each test reads what a kubectl user would read.
 */
class KubeletClusterTest {

    private static final String NODE = "node1";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private MockApiServer api;
    private KubernetesClient k8s;
    private final ScriptedRuntime runtime = new ScriptedRuntime();
    private Kubelet kubelet;

    @BeforeEach
    void setUp() throws Exception {
        api = MockApiServer.start();
        k8s = api.client();
        Files.write(dir.resolve("good.wasm"), new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        Files.createDirectories(dir.resolve("pods"));
    }

    @AfterEach
    void tearDown() {
        if (kubelet != null) {
            kubelet.deactivate();
        }
        api.close();
    }

    private Kubelet startKubelet() throws Exception {
        var k = new Kubelet();
        k.bindRuntime(runtime, Map.of(ContainerRuntime.RUNTIME_PROPERTY, "wasi", "service.id", 1L));
        k.activate(TestKubeletConfig.defaults()
                .with("nodeName", NODE)
                .with("nodeIP", "10.1.2.3")
                .with("dataDir", dir.resolve("data").toString())
                .with("podManifestPath", dir.resolve("pods").toString())
                .with("allowLocalModules", true)
                .with("localModuleRoot", dir.toString())
                .with("kubeconfig", api.writeKubeconfig(dir.resolve("kubeconfig")).toString())
                .with("nodeLabels", "tier=edge,kubernetes.io/role=master,node.kubernetes.io/pool=a")
                .with("port", 10255)
                .build());
        kubelet = k;
        return k;
    }

    private Pod createPod(String name, String restartPolicy, String... args) {
        return createPodOn(NODE, name, restartPolicy, args);
    }

    private Pod createPodOn(String node, String name, String restartPolicy, String... args) {
        return k8s.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withNodeName(node).withRestartPolicy(restartPolicy).withTerminationGracePeriodSeconds(5L)
                .addNewContainer().withName("main").withImage("fs/good.wasm").withArgs(args).endContainer()
                .endSpec().build()).create();
    }

    private Pod pod(String name) {
        return k8s.pods().inNamespace("default").withName(name).get();
    }

    private void awaitPod(String name, Predicate<Pod> condition) {
        await().atMost(WAIT).until(() -> {
            Pod p = pod(name);
            return p != null && p.getStatus() != null && condition.test(p);
        });
    }

    private static Predicate<Pod> phase(String phase) {
        return p -> phase.equals(p.getStatus().getPhase());
    }

    private static ContainerStatus main(Pod p) {
        return p.getStatus().getContainerStatuses().get(0);
    }

    private List<Event> events(String podName) {
        return k8s.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> podName.equals(e.getInvolvedObject().getName())).toList();
    }

    @Test
    void registersTheNodeWithKrustletLabelsTaintsAndATrueStatus() throws Exception {
        startKubelet();
        await().atMost(WAIT).until(() -> k8s.nodes().withName(NODE).get() != null
                && k8s.leases().inNamespace("kube-node-lease").withName(NODE).get() != null);
        Node node = k8s.nodes().withName(NODE).get();
        assertThat(node.getMetadata().getLabels())
                .containsEntry("kubernetes.io/arch", "wasm32-wasi")
                .containsEntry("beta.kubernetes.io/arch", "wasm32-wasi")
                .containsEntry("kubernetes.io/os", "wasm32-wasi")
                .containsEntry("beta.kubernetes.io/os", "wasm32-wasi")
                .containsEntry("type", "krustlet")
                .containsEntry("runtime.krustlet.io/wasi", "true")
                .containsEntry("tier", "edge")
                .containsEntry("node.kubernetes.io/pool", "a")
                .containsKey("kubernetes.io/hostname")
                .doesNotContainKey("kubernetes.io/role");
        assertThat(node.getSpec().getTaints()).extracting(t -> t.getKey() + "=" + t.getValue() + ":" + t.getEffect())
                .containsExactlyInAnyOrder("kubernetes.io/arch=wasm32-wasi:NoSchedule",
                        "kubernetes.io/arch=wasm32-wasi:NoExecute");
        var status = node.getStatus();
        assertThat(status.getNodeInfo().getArchitecture()).isEqualTo("wasm-wasi");
        assertThat(status.getNodeInfo().getContainerRuntimeVersion()).isEqualTo("scripted://1");
        assertThat(status.getNodeInfo().getKubeletVersion()).startsWith("v");
        assertThat(status.getCapacity().get("pods").getAmount()).isEqualTo("110");
        assertThat(status.getCapacity().get("cpu").getAmount())
                .isEqualTo(Integer.toString(Runtime.getRuntime().availableProcessors()));
        assertThat(status.getAllocatable()).containsKeys("cpu", "memory", "pods");
        assertThat(status.getConditions()).extracting(c -> c.getType() + "=" + c.getStatus())
                .contains("Ready=True", "MemoryPressure=False", "PIDPressure=False");
        assertThat(status.getConditions()).extracting(c -> c.getType())
                .containsExactlyInAnyOrder("Ready", "MemoryPressure", "DiskPressure", "PIDPressure");
        assertThat(status.getConditions()).allSatisfy(c -> {
            assertThat(c.getLastHeartbeatTime()).isNotNull();
            assertThat(c.getLastTransitionTime()).isNotNull();
        });
        assertThat(status.getAddresses()).extracting(a -> a.getType() + "=" + a.getAddress())
                .contains("InternalIP=10.1.2.3");
        assertThat(status.getDaemonEndpoints().getKubeletEndpoint().getPort()).isEqualTo(10255);

        Lease lease = k8s.leases().inNamespace("kube-node-lease").withName(NODE).get();
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(NODE);
        assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(40);
        assertThat(lease.getSpec().getRenewTime()).isNotNull();
        assertThat(lease.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getKind() + "/" + o.getName()).isEqualTo("Node/" + NODE));
    }

    @Test
    void anExistingNodeGetsItsLabelsAndTaintsBackAndKeepsAnAdminsTaint() throws Exception {
        k8s.nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE)
                .addToLabels("kubernetes.io/arch", "amd64").addToLabels("runtime.krustlet.io/gone", "true")
                .addToLabels("team", "a").endMetadata()
                .withNewSpec().withTaints(new TaintBuilder().withKey("maintenance").withValue("yes")
                        .withEffect("NoSchedule").build()).endSpec().build()).create();
        startKubelet();
        await().atMost(WAIT).until(() -> k8s.nodes().withName(NODE).get().getStatus() != null
                && k8s.nodes().withName(NODE).get().getStatus().getNodeInfo() != null);
        Node node = k8s.nodes().withName(NODE).get();
        assertThat(node.getMetadata().getLabels()).containsEntry("kubernetes.io/arch", "wasm32-wasi")
                .containsEntry("team", "a").containsEntry("runtime.krustlet.io/wasi", "true")
                .doesNotContainKey("runtime.krustlet.io/gone");
        assertThat(node.getSpec().getTaints()).extracting(t -> t.getKey() + ":" + t.getEffect())
                .containsExactlyInAnyOrder("maintenance:NoSchedule", "kubernetes.io/arch:NoSchedule",
                        "kubernetes.io/arch:NoExecute");
    }

    @Test
    void whenNodeRestrictionForbidsChangingTaintsTheNodeKeepsThemAndStillJoins() throws Exception {
        k8s.nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE).addToLabels("team", "a").endMetadata()
                .withNewSpec().endSpec().build()).create(); // an admin removed our taints
        // NodeRestriction's answer to the first update (registration: create -> 409 -> get -> update)
        api.failNext("PUT /api/v1/nodes/" + NODE, 403);
        startKubelet();
        await().atMost(WAIT).until(() -> k8s.leases().inNamespace("kube-node-lease").withName(NODE).get() != null);
        Node node = k8s.nodes().withName(NODE).get();
        assertThat(node.getMetadata().getLabels()).containsEntry("type", "krustlet").containsEntry("team", "a");
        assertThat(node.getSpec().getTaints()).as("the admin's choice stands").isNullOrEmpty();
        assertThat(node.getStatus().getConditions()).extracting(c -> c.getType() + "=" + c.getStatus())
                .contains("Ready=True");
    }

    @Test
    void aPodBoundToTheNodeRunsToSucceededWithItsStatusAndEvents() throws Exception {
        startKubelet();
        createPodOn("node2", "other-node", "Never", "print", "x");
        createPod("hello", "Never", "print", "hello");
        awaitPod("hello", phase("Succeeded"));
        Pod pod = pod("hello");
        assertThat(pod.getStatus().getHostIP()).isEqualTo("10.1.2.3");
        assertThat(pod.getStatus().getPodIP()).isEqualTo("10.1.2.3");
        assertThat(pod.getStatus().getStartTime()).isNotNull();
        assertThat(pod.getStatus().getConditions()).extracting(c -> c.getType() + "=" + c.getStatus())
                .contains("PodScheduled=True", "Initialized=True", "ContainersReady=False", "Ready=False");
        var terminated = main(pod).getState().getTerminated();
        assertThat(terminated.getExitCode()).isZero();
        assertThat(terminated.getReason()).isEqualTo("Completed");
        assertThat(terminated.getStartedAt()).isNotNull();
        assertThat(main(pod).getImage()).isEqualTo("fs/good.wasm");
        assertThat(main(pod).getImageID()).startsWith("sha256:");
        assertThat(main(pod).getRestartCount()).isZero();
        await().atMost(WAIT).untilAsserted(() -> assertThat(events("hello"))
                .extracting(e -> e.getReason() + " " + e.getInvolvedObject().getFieldPath())
                .contains("Created spec.containers{main}", "Started spec.containers{main}"));
        assertThat(events("hello")).allSatisfy(e -> {
            assertThat(e.getSource().getComponent()).isEqualTo("kubelet");
            assertThat(e.getInvolvedObject().getUid()).isEqualTo(pod.getMetadata().getUid());
        });
        assertThat(pod("other-node").getStatus() == null || pod("other-node").getStatus().getPhase() == null)
                .as("a pod of another node is not touched").isTrue();
        assertThat(runtime.started).extracting(s -> s.id().pod()).containsExactly("hello");
    }

    @Test
    void aGracefullyDeletedPodIsStoppedThenRemovedByTheNode() throws Exception {
        startKubelet();
        createPod("looper", "Always", "block");
        awaitPod("looper", phase("Running").and(p -> main(p).getState().getRunning() != null));
        // what the API server does on `kubectl delete pod`: mark it, the kubelet does the rest
        // (a finalizer keeps the mock from removing the object at once, as a real API server does
        // until the kubelet's final delete)
        Pod marked = pod("looper");
        marked.getMetadata().setFinalizers(List.of("test.krustlet.io/hold"));
        marked.getMetadata().setDeletionTimestamp(java.time.Instant.now().toString());
        marked.getMetadata().setDeletionGracePeriodSeconds(5L);
        k8s.pods().inNamespace("default").resource(marked).update();
        await().atMost(WAIT).until(() -> api.requests().stream()
                .anyMatch(r -> r.startsWith("DELETE /api/v1/namespaces/default/pods/looper")));
        assertThat(kubelet.pods()).noneMatch(p -> p.name().equals("looper"));
        var terminated = main(pod("looper")).getState().getTerminated();
        assertThat(terminated).as("the final status is written before the delete").isNotNull();
        assertThat(terminated.getExitCode()).isEqualTo(137);
        assertThat(events("looper")).extracting(Event::getReason).contains("Killing");
    }

    @Test
    void aPodThatDoesNotFitIsRejectedAsTheKubeletDoes() throws Exception {
        startKubelet();
        k8s.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName("greedy").withNamespace("default").endMetadata()
                .withNewSpec().withNodeName(NODE)
                .addNewContainer().withName("main").withImage("fs/good.wasm").withNewResources()
                .addToRequests("memory", new io.fabric8.kubernetes.api.model.Quantity("100Ti")).endResources()
                .endContainer().endSpec().build()).create();
        awaitPod("greedy", phase("Failed"));
        assertThat(pod("greedy").getStatus().getReason()).isEqualTo("OutOfmemory");
        assertThat(pod("greedy").getStatus().getMessage()).contains("Node didn't have enough resource: memory");
        assertThat(runtime.started).isEmpty();
    }

    @Test
    void aRestartedNodeRunsNoFinishedPodAgainAndKeepsRestartCounts() throws Exception {
        startKubelet();
        createPod("done", "Never", "print", "done");
        createPod("looper", "Always", "block");
        awaitPod("done", phase("Succeeded"));
        awaitPod("looper", p -> main(p).getState().getRunning() != null);

        kubelet.deactivate();
        kubelet = null;
        Pod afterShutdown = pod("looper");
        assertThat(main(afterShutdown).getState().getTerminated()).as("stopped truthfully at shutdown").isNotNull();
        assertThat(afterShutdown.getStatus().getPhase()).as("it runs again when the node is back").isEqualTo("Running");
        assertThat(afterShutdown.getStatus().getConditions()).extracting(c -> c.getType() + "=" + c.getStatus())
                .contains("Ready=False");

        // while the node is down: a user deletes one pod (the API server marks it and waits for the node)
        createPod("doomed", "Always", "block");
        Pod marked = pod("doomed");
        marked.getMetadata().setFinalizers(List.of("test.krustlet.io/hold"));
        marked.getMetadata().setDeletionTimestamp(java.time.Instant.now().toString());
        marked.getMetadata().setDeletionGracePeriodSeconds(30L);
        k8s.pods().inNamespace("default").resource(marked).update();

        startKubelet();
        awaitPod("looper", p -> main(p).getState().getRunning() != null && main(p).getRestartCount() == 1);
        await().atMost(WAIT).until(() -> api.requests().stream()
                .anyMatch(r -> r.startsWith("DELETE /api/v1/namespaces/default/pods/doomed")));
        assertThat(runtime.started).as("a pod deleted while the node was down never runs")
                .noneMatch(s -> s.id().pod().equals("doomed"));
        Pod restarted = pod("looper");
        assertThat(main(restarted).getLastState().getTerminated().getExitCode()).isEqualTo(137);
        assertThat(restarted.getStatus().getStartTime()).isEqualTo(afterShutdown.getStatus().getStartTime());
        assertThat(pod("done").getStatus().getPhase()).isEqualTo("Succeeded");
        assertThat(runtime.started).filteredOn(s -> s.id().pod().equals("done")).hasSize(1);
        assertThat(runtime.started).filteredOn(s -> s.id().pod().equals("looper"))
                .extracting(s -> s.id().attempt()).containsExactly(0, 1);
    }

    @Test
    void aWatchAnswered410GoneRelistsWithoutRunningAPodTwiceOrForgettingOne() throws Exception {
        startKubelet();
        createPod("stays", "Always", "block");
        createPod("goes", "Always", "block");
        awaitPod("stays", p -> main(p).getState().getRunning() != null);
        awaitPod("goes", p -> main(p).getState().getRunning() != null);
        int watches = api.podWatches();

        api.failNextPodWatchWithGone();
        api.stop();
        api.restart();
        // while the node's watch is down: one pod goes away, one arrives
        k8s.pods().inNamespace("default").withName("goes").withGracePeriod(0).delete();
        createPod("arrives", "Never", "print", "hi");

        await().atMost(WAIT).until(() -> api.podWatches() >= watches + 2);
        awaitPod("arrives", phase("Succeeded"));
        await().atMost(WAIT).until(() -> kubelet.pods().stream().noneMatch(p -> p.name().equals("goes")));
        assertThat(runtime.started).filteredOn(s -> s.id().pod().equals("stays")).hasSize(1);
        assertThat(kubelet.pod("default", "stays")).isPresent();
    }

    /** The scenario's length: how long the API server is away, not a synchronisation delay. */
    private static final Duration OUTAGE = Duration.ofSeconds(60);

    @Test
    void theNodeRidesOutAMinuteWithoutTheApiServerAndLosesNothing() throws Exception {
        startKubelet();
        createPod("worker", "Never", "block");
        awaitPod("worker", p -> main(p).getState().getRunning() != null);
        await().atMost(WAIT).until(() -> k8s.leases().inNamespace("kube-node-lease").withName(NODE).get() != null);

        api.stop();
        long outageStart = System.nanoTime();
        runtime.finish("worker", "main", 3); // the pod ends while nobody can be told
        await().atMost(WAIT).until(() -> kubelet.pod("default", "worker").orElseThrow().status().phase()
                == io.krustlet.core.status.PodPhase.Failed);
        await().pollDelay(OUTAGE.minusNanos(System.nanoTime() - outageStart)).atMost(OUTAGE.plus(WAIT))
                .until(() -> kubelet.pod("default", "worker").isPresent());
        api.restart();
        var renewedAfter = java.time.ZonedDateTime.now().minusSeconds(1);

        awaitPod("worker", phase("Failed"));
        assertThat(main(pod("worker")).getState().getTerminated().getExitCode()).isEqualTo(3);
        await().atMost(WAIT).until(() -> k8s.leases().inNamespace("kube-node-lease").withName(NODE).get()
                .getSpec().getRenewTime().isAfter(renewedAfter));
        createPod("after", "Never", "print", "back");
        awaitPod("after", phase("Succeeded"));
    }

    @Test
    void staticPodsRunInClusterModeAndAreMirroredIntoTheApi() throws Exception {
        Files.writeString(dir.resolve("pods").resolve("static.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: web}
                spec:
                  containers:
                  - name: main
                    image: fs/good.wasm
                    args: [block]
                """);
        startKubelet();
        String mirrorName = "web-" + NODE;
        awaitPod(mirrorName, p -> "Running".equals(p.getStatus().getPhase()));
        Pod mirror = pod(mirrorName);
        assertThat(mirror.getMetadata().getAnnotations()).containsKey("kubernetes.io/config.mirror")
                .containsEntry("kubernetes.io/config.source", "file");
        assertThat(mirror.getSpec().getNodeName()).isEqualTo(NODE);
        assertThat(runtime.started).filteredOn(s -> s.id().pod().equals(mirrorName)).hasSize(1);

        Files.delete(dir.resolve("pods").resolve("static.yaml"));
        await().atMost(WAIT).until(() -> pod(mirrorName) == null);
        assertThat(runtime.started).filteredOn(s -> s.id().pod().equals(mirrorName)).hasSize(1);
    }

    @Test
    void envAndVolumesComeFromTheApiAndAMissingKeyWaitsUntilItExists() throws Exception {
        startKubelet();
        k8s.pods().inNamespace("default").resource(new PodBuilder()
                .withNewMetadata().withName("configured").withNamespace("default").addToLabels("app", "demo")
                .endMetadata()
                .withNewSpec().withNodeName(NODE).withRestartPolicy("Never")
                .addNewVolume().withName("cfg").withNewConfigMap().withName("settings").endConfigMap().endVolume()
                .addNewContainer().withName("main").withImage("fs/good.wasm").withArgs("print", "$(GREETING)")
                .addNewEnv().withName("GREETING").withNewValueFrom().withNewConfigMapKeyRef("greeting", "settings", false)
                .endValueFrom().endEnv()
                .addNewEnv().withName("POD_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP")
                .endFieldRef().endValueFrom().endEnv()
                .addNewVolumeMount().withName("cfg").withMountPath("/etc/cfg").endVolumeMount()
                .endContainer().endSpec().build()).create();
        awaitPod("configured", p -> main(p).getState().getWaiting() != null
                && "ContainerCreating".equals(main(p).getState().getWaiting().getReason())
                && main(p).getState().getWaiting().getMessage() != null);
        assertThat(main(pod("configured")).getState().getWaiting().getMessage())
                .contains("configmap \"settings\" not found");
        await().atMost(WAIT).untilAsserted(() -> assertThat(events("configured")).extracting(Event::getReason)
                .contains("FailedMount"));

        k8s.configMaps().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata().withName("settings").withNamespace("default").endMetadata()
                .addToData("greeting", "hello from the API").build()).create();
        awaitPod("configured", phase("Succeeded"));
        var spec = runtime.started.stream().filter(s -> s.id().pod().equals("configured")).findFirst().orElseThrow();
        assertThat(spec.env()).containsEntry("GREETING", "hello from the API").containsEntry("POD_IP", "10.1.2.3");
        assertThat(spec.argv()).containsExactly("main", "print", "hello from the API");
        var mount = spec.mounts().get(0);
        assertThat(mount.guestPath()).isEqualTo("/etc/cfg");
        assertThat(mount.readOnly()).isTrue();
        assertThat(Files.readString(mount.hostPath().resolve("greeting"))).isEqualTo("hello from the API");
    }
}
