package io.krustlet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.krustlet.api.ContainerRuntime;
import io.krustlet.core.config.KubeletConfig;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The core component with real files, threads and timers, and a scripted provider. */
class KubeletTest {

    @TempDir
    Path dir;

    private final Kubelet kubelet = new Kubelet();
    private final ScriptedRuntime runtime = new ScriptedRuntime();
    private Path manifests;

    private KubeletConfig config() {
        return config(dir);
    }

    static KubeletConfig config(Path base) {
        return settings(base).build();
    }

    private static io.krustlet.core.config.TestKubeletConfig settings(Path base) {
        return io.krustlet.core.config.TestKubeletConfig.defaults()
                .with("nodeName", "node1")
                .with("dataDir", base.resolve("data").toString())
                .with("podManifestPath", base.resolve("pods").toString())
                .with("manifestRescanSeconds", 1)
                .with("allowLocalModules", true)
                .with("localModuleRoot", base.toString())
                .with("containerLogMaxSize", 1L << 20)
                .with("containerLogMaxFiles", 2)
                .with("kubeconfig", "none");
    }

    @BeforeEach
    void start() throws Exception {
        manifests = dir.resolve("pods");
        Files.write(dir.resolve("good.wasm"), new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        Files.writeString(dir.resolve("bad.wasm"), "this is not wasm");
        kubelet.bindRuntime(runtime, Map.of(ContainerRuntime.RUNTIME_PROPERTY, "wasi", "service.id", 1L));
        kubelet.activate(config());
    }

    @AfterEach
    void stop() {
        kubelet.deactivate();
    }

    private void manifest(String file, String name, String restartPolicy, String image, String args) throws Exception {
        Files.writeString(manifests.resolve(file), """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s}
                spec:
                  restartPolicy: %s
                  containers:
                  - name: main
                    image: %s
                    args: %s
                """.formatted(name, restartPolicy, image, args));
    }

    private PodSnapshot awaitPhase(String name, PodPhase phase) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> kubelet.pod("default", name + "-node1"),
                p -> p.isPresent() && p.get().status().phase() == phase).orElseThrow();
    }

    @Test
    void aManifestRunsToSucceededWithItsOutputInTheLog() throws Exception {
        manifest("hello.yaml", "hello", "Never", "fs/good.wasm", "[print, hi there]");
        PodSnapshot pod = awaitPhase("hello", PodPhase.Succeeded);
        assertThat(pod.status().container("main").orElseThrow().imageId()).startsWith("sha256:");
        Optional<Path> log = kubelet.logFile("default", "hello-node1", "main", false);
        assertThat(log).isPresent();
        assertThat(Files.readString(log.get())).contains(" stdout F hi there");
        assertThat(runtime.started.get(0).argv()).containsExactly("main", "print", "hi there");
    }

    @Test
    void badInputIsReportedAndOtherPodsAreUntouched() throws Exception {
        manifest("looping.yaml", "looping", "Always", "fs/good.wasm", "[block]");
        awaitPhase("looping", PodPhase.Running);
        Files.writeString(manifests.resolve("garbage.yaml"), ": : : not yaml {{");
        Files.writeString(manifests.resolve("service.yaml"), "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n");
        manifest("invalid.yaml", "invalid", "Never", "fs/bad.wasm", "[]");
        manifest("missing.yaml", "missing", "Never", "fs/nowhere.wasm", "[]");

        PodSnapshot invalid = await().atMost(Duration.ofSeconds(10))
                .until(() -> kubelet.pod("default", "invalid-node1"), p -> p.isPresent()
                        && p.get().status().containerStatuses().get(0).state() instanceof ContainerState.Waiting w
                        && "InvalidModule".equals(w.reason())).orElseThrow();
        assertThat(invalid.status().phase()).isEqualTo(PodPhase.Pending);
        PodSnapshot missing = await().atMost(Duration.ofSeconds(10))
                .until(() -> kubelet.pod("default", "missing-node1"), p -> p.isPresent()
                        && p.get().status().containerStatuses().get(0).state() instanceof ContainerState.Waiting w
                        && "ErrImagePull".equals(w.reason())).orElseThrow();
        assertThat(((ContainerState.Waiting) missing.status().containerStatuses().get(0).state()).message())
                .contains("nowhere.wasm").contains("not found");

        PodSnapshot looping = kubelet.pod("default", "looping-node1").orElseThrow();
        assertThat(looping.status().phase()).isEqualTo(PodPhase.Running);
        assertThat(looping.status().containerStatuses().get(0).restartCount()).isZero();
        assertThat(kubelet.pods()).hasSize(3);
    }

    @Test
    void finishedStaticPodsDoNotCountAgainstMaxPods() throws Exception {
        kubelet.modified(settings(dir).with("maxPods", 2).build());
        manifest("a-done.yaml", "done", "Never", "fs/good.wasm", "[print, bye]");
        awaitPhase("done", PodPhase.Succeeded);
        manifest("b-loop.yaml", "loop", "Always", "fs/good.wasm", "[block]");
        awaitPhase("loop", PodPhase.Running);
        manifest("c-second.yaml", "second", "Always", "fs/good.wasm", "[block]");
        awaitPhase("second", PodPhase.Running); // two active, one finished: within maxPods=2
        manifest("d-third.yaml", "third", "Always", "fs/good.wasm", "[block]");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> kubelet.pod("default", "third-node1").isEmpty());
        assertThat(kubelet.pod("default", "done-node1")).isPresent(); // kept, with its status and logs
        assertThat(kubelet.pods()).hasSize(3);
    }

    @Test
    void deletingAManifestStopsItsPodAndEditingOneReplacesIt() throws Exception {
        manifest("loop.yaml", "loop", "Always", "fs/good.wasm", "[block]");
        String firstUid = awaitPhase("loop", PodPhase.Running).uid();
        manifest("loop.yaml", "loop", "Always", "fs/good.wasm", "[block, print, changed]");
        await().atMost(Duration.ofSeconds(10)).until(() -> kubelet.pod("default", "loop-node1"),
                p -> p.isPresent() && !p.get().uid().equals(firstUid)
                        && p.get().status().phase() == PodPhase.Running);
        assertThat(kubelet.pods()).hasSize(1);
        Files.delete(manifests.resolve("loop.yaml"));
        await().atMost(Duration.ofSeconds(10)).until(() -> kubelet.pods().isEmpty());
    }

    @Test
    void anUnusableManifestFolderLeavesTheNodeUp() throws Exception {
        Path file = dir.resolve("not-a-folder");
        Files.writeString(file, "x");
        Kubelet other = new Kubelet();
        Path base = dir.resolve("other");
        other.activate(io.krustlet.core.config.TestKubeletConfig.defaults()
                .with("nodeName", "node2")
                .with("dataDir", base.resolve("data").toString())
                .with("podManifestPath", file.toString())
                .with("kubeconfig", "none")
                .build());
        try {
            assertThat(other.nodeName()).isEqualTo("node2");
            assertThat(other.pods()).isEmpty();
        } finally {
            other.deactivate();
        }
    }

    @Test
    void aPodWaitsForItsRuntimeAndRunsWhenAProviderArrives() throws Exception {
        Files.writeString(manifests.resolve("other.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: other}
                spec:
                  runtimeClassName: spin
                  restartPolicy: Never
                  containers: [{name: main, image: fs/good.wasm}]
                """);
        PodSnapshot waiting = await().atMost(Duration.ofSeconds(10))
                .until(() -> kubelet.pod("default", "other-node1"), Optional::isPresent).orElseThrow();
        assertThat(waiting.status().containerStatuses().get(0).state().summary()).isEqualTo("RuntimeUnavailable");
        kubelet.bindRuntime(new ScriptedRuntime(), Map.of(ContainerRuntime.RUNTIME_PROPERTY, "spin", "service.id", 2L));
        awaitPhase("other", PodPhase.Succeeded);
    }

    @Test
    void aRunningContainersUsageIsWhatItsProviderMeasuresAndGoneAfterItsExit() throws Exception {
        manifest("busy.yaml", "busy", "Never", "fs/good.wasm", "[block]");
        await().atMost(Duration.ofSeconds(10)).until(() -> kubelet.pod("default", "busy-node1")
                .map(p -> p.status().phase() == PodPhase.Running).orElse(false));
        var usage = kubelet.usage("default", "busy-node1", "main").orElseThrow();
        assertThat(usage.cpuNanos()).isEqualTo(42);
        assertThat(usage.memoryBytes()).isEqualTo(1 << 20);
        assertThat(kubelet.usage("default", "busy-node1", "other")).isEmpty();
        Files.delete(manifests.resolve("busy.yaml"));
        await().atMost(Duration.ofSeconds(10)).until(() -> kubelet.usage("default", "busy-node1", "main").isEmpty());
    }
}
