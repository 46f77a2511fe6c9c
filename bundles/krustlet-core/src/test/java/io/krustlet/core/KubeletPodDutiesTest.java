package io.krustlet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.core.config.TestKubeletConfig;
import io.krustlet.core.status.PodPhase;
import io.krustlet.testapiserver.MockApiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kubelet duties a real cluster showed missing, through the core joined to the mock API server:
 * configMap volumes that follow their ConfigMap, logs of finished pods after a node restart, and
 * activeDeadlineSeconds (in cluster and standalone).
 */
class KubeletPodDutiesTest {

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

    private Kubelet startKubelet(String kubeconfig) throws Exception {
        var k = new Kubelet();
        k.bindRuntime(runtime, Map.of(ContainerRuntime.RUNTIME_PROPERTY, "wasi", "service.id", 1L));
        k.activate(TestKubeletConfig.defaults()
                .with("nodeName", NODE)
                .with("nodeIP", "10.1.2.3")
                .with("dataDir", dir.resolve("data").toString())
                .with("podManifestPath", dir.resolve("pods").toString())
                .with("manifestRescanSeconds", 1)
                .with("allowLocalModules", true)
                .with("localModuleRoot", dir.toString())
                .with("kubeconfig", kubeconfig)
                .with("volumeRefreshSeconds", 1)
                .build());
        kubelet = k;
        return k;
    }

    private Kubelet startKubelet() throws Exception {
        return startKubelet(api.writeKubeconfig(dir.resolve("kubeconfig")).toString());
    }

    private PodBuilder pod(String name, String restartPolicy, String... args) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withNodeName(NODE).withRestartPolicy(restartPolicy).withTerminationGracePeriodSeconds(5L)
                .addNewContainer().withName("main").withImage("fs/good.wasm").withArgs(args).endContainer()
                .endSpec();
    }

    private Pod create(Pod pod) {
        return k8s.pods().inNamespace("default").resource(pod).create();
    }

    private Pod get(String name) {
        return k8s.pods().inNamespace("default").withName(name).get();
    }

    private void awaitPod(String name, Predicate<Pod> condition) {
        await().atMost(WAIT).until(() -> {
            Pod p = get(name);
            return p != null && p.getStatus() != null && condition.test(p);
        });
    }

    private static ContainerStatus main(Pod p) {
        return p.getStatus().getContainerStatuses().get(0);
    }

    private List<Event> events(String podName) {
        return k8s.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> podName.equals(e.getInvolvedObject().getName())).toList();
    }

    private void configMap(String name, String key, String value) {
        k8s.configMaps().inNamespace("default").resource(new ConfigMapBuilder().withNewMetadata().withName(name)
                .withNamespace("default").endMetadata().addToData(key, value).build()).createOr(c -> c.update());
    }

    // ---- configMap volumes follow their ConfigMap ----

    @Test
    void aRunningPodsConfigMapVolumeFollowsTheConfigMapWithoutARestart() throws Exception {
        configMap("settings", "greeting", "hello");
        startKubelet();
        create(pod("reader", "Always", "block").editSpec()
                .addNewVolume().withName("cfg").withNewConfigMap().withName("settings").endConfigMap().endVolume()
                .editFirstContainer().addNewVolumeMount().withName("cfg").withMountPath("/cfg").endVolumeMount()
                .endContainer().endSpec().build());
        awaitPod("reader", p -> main(p).getState().getRunning() != null);
        Path cfg = runtime.started.get(0).mounts().get(0).hostPath();
        assertThat(Files.readString(cfg.resolve("greeting"))).isEqualTo("hello");

        configMap("settings", "greeting", "bonjour"); // kubectl apply of a new value
        await().atMost(WAIT).until(() -> Files.readString(cfg.resolve("greeting")).equals("bonjour"));
        assertThat(runtime.started).as("not restarted for it").hasSize(1);

        k8s.configMaps().inNamespace("default").withName("settings").delete();
        await().atMost(WAIT).until(() -> events("reader").stream().anyMatch(e -> "FailedMount".equals(e.getReason())
                && "Warning".equals(e.getType()) && e.getMessage().equals(
                        "MountVolume.SetUp failed for volume \"cfg\" : configmap \"settings\" not found")));
        assertThat(Files.readString(cfg.resolve("greeting"))).as("a required ConfigMap that is gone: last content")
                .isEqualTo("bonjour");
        assertThat(main(get("reader")).getState().getRunning()).isNotNull();
    }

    // ---- logs of finished pods across restarts ----

    @Test
    void theLogsOfAPodThatFinishedBeforeTheNodeRestartedAreServedUntilItIsDeleted() throws Exception {
        startKubelet();
        create(pod("done", "Never", "print", "all done").build());
        awaitPod("done", p -> "Succeeded".equals(p.getStatus().getPhase()));
        kubelet.deactivate();
        kubelet = null;

        var restarted = startKubelet();
        await().atMost(WAIT).until(() -> restarted.pod("default", "done").isPresent());
        var pod = restarted.pod("default", "done").orElseThrow();
        assertThat(pod.status().phase()).isEqualTo(PodPhase.Succeeded);
        Path log = restarted.logFile("default", "done", "main", false).orElseThrow();
        assertThat(Files.readString(log)).contains(" stdout F all done");
        assertThat(runtime.started).as("not run again").hasSize(1);

        k8s.pods().inNamespace("default").withName("done").withGracePeriod(0).delete();
        await().atMost(WAIT).until(() -> restarted.pod("default", "done").isEmpty());
        assertThat(log).as("its logs go with it").doesNotExist();
    }

    @Test
    void previousLogsOfAFinishedPodAreServedAfterARestartToo() throws Exception {
        // what an earlier run of the node left: the pod Failed in the API after one restart, both runs' logs on disk
        Pod pod = create(pod("flaky", "OnFailure", "exit", "1").build());
        String uid = pod.getMetadata().getUid();
        String at = Instant.parse("2026-01-01T00:00:00Z").toString();
        pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Failed").withReason("Evicted")
                .withStartTime(at).addNewContainerStatus().withName("main").withImage("fs/good.wasm")
                .withRestartCount(1).withNewState().withNewTerminated().withExitCode(1).withReason("Error")
                .withStartedAt(at).withFinishedAt(at).endTerminated().endState()
                .withNewLastState().withNewTerminated().withExitCode(1).withReason("Error").withStartedAt(at)
                .withFinishedAt(at).endTerminated().endLastState().endContainerStatus().build());
        k8s.pods().inNamespace("default").resource(pod).updateStatus();
        Path logs = Files.createDirectories(dir.resolve("data/logs/default_flaky_" + uid + "/main"));
        Files.writeString(logs.resolve("0.log"), "2026-01-01T00:00:00.000000000Z stdout F first run\n");
        Files.writeString(logs.resolve("1.log"), "2026-01-01T00:00:01.000000000Z stdout F second run\n");

        var node = startKubelet();
        await().atMost(WAIT).until(() -> node.pod("default", "flaky").isPresent());

        assertThat(Files.readString(node.logFile("default", "flaky", "main", false).orElseThrow()))
                .contains("second run");
        assertThat(Files.readString(node.logFile("default", "flaky", "main", true).orElseThrow()))
                .contains("first run");
        assertThat(runtime.started).isEmpty();
    }

    // ---- activeDeadlineSeconds ----

    @Test
    void aPodPastItsActiveDeadlineFailsWithTheKubeletsReasonMessageAndEvent() throws Exception {
        startKubelet();
        create(pod("looping", "Always", "block").editSpec().withActiveDeadlineSeconds(2L).endSpec().build());
        awaitPod("looping", p -> main(p).getState().getRunning() != null);

        awaitPod("looping", p -> "Failed".equals(p.getStatus().getPhase()));
        Pod failed = get("looping");
        assertThat(failed.getStatus().getReason()).isEqualTo("DeadlineExceeded");
        assertThat(failed.getStatus().getMessage())
                .isEqualTo("Pod was active on the node longer than the specified deadline");
        assertThat(main(failed).getState().getTerminated().getExitCode()).isEqualTo(137);
        Instant started = Instant.parse(failed.getStatus().getStartTime());
        Instant stopped = Instant.parse(main(failed).getState().getTerminated().getFinishedAt());
        assertThat(Duration.between(started, stopped)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        await().atMost(WAIT).until(() -> events("looping").stream().anyMatch(e -> "DeadlineExceeded".equals(
                e.getReason()) && "Normal".equals(e.getType())));
        assertThat(runtime.started).as("not restarted, although restartPolicy is Always").hasSize(1);
    }

    @Test
    void aStaticPodPastItsActiveDeadlineFailsToo() throws Exception {
        startKubelet("none");
        Files.writeString(dir.resolve("pods/looping.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: looping}
                spec:
                  activeDeadlineSeconds: 1
                  containers:
                  - {name: main, image: fs/good.wasm, args: [block]}
                """);
        var pod = await().atMost(WAIT).until(() -> kubelet.pod("default", "looping-" + NODE),
                p -> p.isPresent() && p.get().status().phase() == PodPhase.Failed).orElseThrow();
        assertThat(pod.status().reason()).isEqualTo("DeadlineExceeded");
        assertThat(pod.status().message()).isEqualTo("Pod was active on the node longer than the specified deadline");
    }
}
