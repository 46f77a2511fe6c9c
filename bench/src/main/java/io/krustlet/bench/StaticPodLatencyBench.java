package io.krustlet.bench;

import io.krustlet.api.ContainerRuntime;
import io.krustlet.core.NodeAssembly;
import io.krustlet.core.config.KubeletConfig;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.PodStatusListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Static pod latency through the real core: a manifest is written into the watched folder and
 * the pod's status is observed through the same listener the shell and HTTP API use. Two
 * figures per pod: manifest written -> container running, and -> pod Succeeded. Pods run one
 * after another, so each figure is a latency, not a throughput.
 */
final class StaticPodLatencyBench {

    record Sample(long startedNanos, long succeededNanos) {
    }

    private final NodeAssembly kubelet;
    private final Path dir;
    private final Map<String, CompletableFuture<Long>> started = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Long>> succeeded = new ConcurrentHashMap<>();

    StaticPodLatencyBench(Path dir, ContainerRuntime runtime) throws Exception {
        this(dir, runtime, null);
    }

    StaticPodLatencyBench(Path dir, ContainerRuntime runtime, io.krustlet.oci.ImageService images) throws Exception {
        this.dir = dir;
        Files.createDirectories(dir.resolve("pods"));
        kubelet = NodeAssembly.builder(NodeAssembly.settings(config(dir)))
                .runtime("wasi", runtime)
                .images(() -> images)
                .start();
        kubelet.addListener(new PodStatusListener() {
            @Override
            public void statusChanged(PodSnapshot pod) {
                long now = System.nanoTime();
                var status = pod.status();
                boolean running = status.containerStatuses().stream()
                        .anyMatch(c -> c.state() instanceof ContainerState.Running || c.lastState() != null
                                || c.state() instanceof ContainerState.Terminated);
                if (running) {
                    started.computeIfAbsent(pod.name(), k -> new CompletableFuture<>()).complete(now);
                }
                if (status.phase() == PodPhase.Succeeded) {
                    succeeded.computeIfAbsent(pod.name(), k -> new CompletableFuture<>()).complete(now);
                }
            }
        });
    }

    /** Writes one manifest and waits for its pod to succeed. */
    Sample run(String name, String image, String args) throws Exception {
        String podName = name + "-bench";
        var startedAt = started.computeIfAbsent(podName, k -> new CompletableFuture<>());
        var succeededAt = succeeded.computeIfAbsent(podName, k -> new CompletableFuture<>());
        String manifest = """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s}
                spec:
                  restartPolicy: Never
                  containers: [{name: main, image: "%s", args: %s}]
                """.formatted(name, image, args);
        Path tmp = dir.resolve("." + name + ".tmp");
        Files.writeString(tmp, manifest);
        long written = System.nanoTime();
        Files.move(tmp, dir.resolve("pods").resolve(name + ".yaml"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        long s = startedAt.get(60, TimeUnit.SECONDS) - written;
        long d = succeededAt.get(60, TimeUnit.SECONDS) - written;
        return new Sample(s, d);
    }

    void close() {
        kubelet.close();
    }

    private static KubeletConfig config(Path dir) {
        return io.krustlet.core.config.TestKubeletConfig.defaults()
                .with("nodeName", "bench")
                .with("dataDir", dir.resolve("data").toString())
                .with("podManifestPath", dir.resolve("pods").toString())
                .with("maxPods", 1000)
                .with("allowLocalModules", true)
                .with("localModuleRoot", dir.toString())
                .with("kubeconfig", "none")
                .build();
    }
}
