package io.krustlet.core;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.testapiserver.MockApiServer;
import io.krustlet.core.config.TestKubeletConfig;
import io.krustlet.testmodules.TestModules;
import io.krustlet.wasi.WasiRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code just bench cluster}: 100 pods created at once on fabric8's mock API server (CRUD mode,
 * over HTTP on loopback), run by the real core and WASI provider joined to it. For each pod:
 * creation -> the API shows phase Running, and creation -> the API shows Succeeded. Each pod's
 * module sleeps one second, so Running is there to be seen.
 */
final class ClusterPodsBench {

    private static final int PODS = BenchMode.count(100, 5);
    private static final Duration RUN_FOR = Duration.ofSeconds(1);

    private ClusterPodsBench() {
    }

    static void run(WasiRuntime runtime) throws Exception {
        Path dir = Files.createTempDirectory("krustlet-cluster-bench");
        Files.copy(TestModules.testmod(), dir.resolve("testmod.wasm"));
        try (MockApiServer api = MockApiServer.start()) {
            var kubelet = new Kubelet();
            kubelet.bindRuntime(runtime, Map.of(ContainerRuntime.RUNTIME_PROPERTY, "wasi", "service.id", 1L));
            kubelet.activate(TestKubeletConfig.defaults()
                    .with("nodeName", "bench")
                    .with("nodeIP", "127.0.0.1")
                    .with("dataDir", dir.resolve("data").toString())
                    .with("podManifestPath", dir.resolve("pods").toString())
                    .with("maxPods", 1000)
                    .with("allowLocalModules", true)
                    .with("localModuleRoot", dir.toString())
                    .with("kubeconfig", api.writeKubeconfig(dir.resolve("kubeconfig")).toString())
                    .build());
            try {
                measure(api, "warmup", BenchMode.count(5, 1));
                var result = measure(api, "pod", PODS);
                System.out.printf("Cluster pods: %d pods created at once on the mock API server, each module sleeping %d ms%n",
                        PODS, RUN_FOR.toMillis());
                System.out.printf("  %-40s %10s %10s %10s%n", "", "median", "p99", "max");
                KrustletBench.row("created -> Running in the API", result.running());
                KrustletBench.row("created -> Succeeded in the API", result.succeeded());
                System.out.printf("  all %d Succeeded %.1f s after the first was created%n%n", PODS,
                        result.allDoneNanos() / 1e9);
            } finally {
                kubelet.deactivate();
            }
        }
    }

    private record Result(long[] running, long[] succeeded, long allDoneNanos) {
    }

    private static Result measure(MockApiServer api, String prefix, int count) throws Exception {
        var client = api.client();
        Map<String, Long> created = new ConcurrentHashMap<>();
        Map<String, Long> running = new ConcurrentHashMap<>();
        Map<String, Long> succeeded = new ConcurrentHashMap<>();
        var allSucceeded = new java.util.concurrent.CountDownLatch(count);
        try (var watch = client.pods().inNamespace("default").watch(new Watcher<Pod>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                long now = System.nanoTime();
                String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
                String name = pod.getMetadata().getName();
                if ("Running".equals(phase)) {
                    running.putIfAbsent(name, now);
                } else if ("Succeeded".equals(phase)) {
                    running.putIfAbsent(name, now); // (seen Running and Succeeded in one update)
                    if (succeeded.putIfAbsent(name, now) == null && name.startsWith(prefix + "-")) {
                        allSucceeded.countDown();
                    }
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            long first = System.nanoTime();
            for (int i = 0; i < count; i++) {
                String name = prefix + "-" + i;
                created.put(name, System.nanoTime());
                client.pods().inNamespace("default").resource(new PodBuilder()
                        .withNewMetadata().withName(name).withNamespace("default").endMetadata()
                        .withNewSpec().withNodeName("bench").withRestartPolicy("Never")
                        .addNewContainer().withName("main").withImage("fs/testmod.wasm")
                        .withArgs("sleep", Long.toString(RUN_FOR.toMillis())).endContainer()
                        .endSpec().build()).create();
            }
            if (!allSucceeded.await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("only " + (count - allSucceeded.getCount()) + " of " + count
                        + " pods succeeded within 5 minutes");
            }
            long last = succeeded.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            long[] toRunning = created.keySet().stream().mapToLong(n -> running.get(n) - created.get(n)).toArray();
            long[] toSucceeded = created.keySet().stream().mapToLong(n -> succeeded.get(n) - created.get(n)).toArray();
            return new Result(toRunning, toSucceeded, last - first);
        }
    }
}
