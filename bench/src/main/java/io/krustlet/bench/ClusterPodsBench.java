package io.krustlet.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.krustlet.core.NodeAssembly;
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
 * over HTTP on loopback), run by the real core and WASI provider joined to it. The API server
 * answers every write {@value #WRITE_LATENCY_MS} ms late, about what a real one takes for its
 * etcd write on a small control plane, so a node that writes its statuses one after another pays
 * for each. The pods of a round are created by 10 threads, as controllers create them (all 100 are
 * in the API within about a quarter of a second). Two rounds of 100 pods: modules that sleep one second (creation -> the API shows
 * Running, where Running is there to be seen) and modules that print and exit at once, as hello
 * pods do (creation -> the API shows Succeeded).
 */
final class ClusterPodsBench {

    private static final int PODS = BenchMode.count(100, 5);
    private static final Duration RUN_FOR = Duration.ofSeconds(1);
    /** Pod creations in flight at a time. */
    private static final int CREATORS = 10;
    static final long WRITE_LATENCY_MS = Long.getLong("krustlet.bench.writeLatencyMs", 20);

    private ClusterPodsBench() {
    }

    static void run(WasiRuntime runtime) throws Exception {
        Path dir = Files.createTempDirectory("krustlet-cluster-bench");
        Files.copy(TestModules.testmod(), dir.resolve("testmod.wasm"));
        try (MockApiServer api = MockApiServer.start()) {
            api.delayWrites(Duration.ofMillis(WRITE_LATENCY_MS));
            var kubelet = NodeAssembly.builder(NodeAssembly.settings(TestKubeletConfig.defaults()
                    .with("nodeName", "bench")
                    .with("nodeIP", "127.0.0.1")
                    .with("dataDir", dir.resolve("data").toString())
                    .with("podManifestPath", dir.resolve("pods").toString())
                    .with("maxPods", 1000)
                    .with("allowLocalModules", true)
                    .with("localModuleRoot", dir.toString())
                    .with("kubeconfig", api.writeKubeconfig(dir.resolve("kubeconfig")).toString())
                    .build()))
                    .runtime("wasi", runtime)
                    .start();
            try {
                measure(api, kubelet, "warmup", BenchMode.count(5, 1), RUN_FOR);
                var sleeping = measure(api, kubelet, "pod", PODS, RUN_FOR);
                var hello = measure(api, kubelet, "hello", PODS, Duration.ZERO);
                System.out.printf("Cluster pods: %d pods created at once on the mock API server (every write answered"
                        + " %d ms late), per round%n", PODS, WRITE_LATENCY_MS);
                System.out.printf("  %-40s %10s %10s %10s%n", "", "median", "p99", "max");
                KrustletBench.row("created -> Running on the node", sleeping.runningOnNode());
                KrustletBench.row("created -> Running in the API", sleeping.running());
                KrustletBench.row("created -> Succeeded (module sleeps 1 s)", sleeping.succeeded());
                KrustletBench.row("created -> Succeeded on the node (hello)", hello.succeededOnNode());
                KrustletBench.row("created -> Succeeded in the API (hello)", hello.succeeded());
                System.out.printf("  pod status writes: %d PUTs, %d answered 409 Conflict; %d GETs of single pods%n",
                        api.requests().stream().filter(r -> r.startsWith("PUT ") && r.contains("/status")).count(),
                        api.answered(409), api.requests().stream().filter(r -> r.startsWith("GET ")
                                && r.matches("GET /api/v1/namespaces/[^/]+/pods/[^/?]+")).count());
                System.out.printf("  all %d sleeping pods Succeeded %.1f s after the first was created;"
                        + " all %d hello pods %.1f s%n%n", PODS, sleeping.allDoneNanos() / 1e9, PODS,
                        hello.allDoneNanos() / 1e9);
            } finally {
                kubelet.close();
            }
        }
    }

    /**
     * Per pod, from its create call: its phase as a watch on the API server first shows it
     * Running and Succeeded, and as the node itself first had it (its status listeners).
     */
    private record Result(long[] running, long[] succeeded, long[] runningOnNode, long[] succeededOnNode,
            long allDoneNanos) {
    }

    /** @param runFor how long each module sleeps before it exits (zero: it prints and exits) */
    private static Result measure(MockApiServer api, NodeAssembly kubelet, String prefix, int count, Duration runFor)
            throws Exception {
        var client = api.client();
        Map<String, Long> runningOnNode = new ConcurrentHashMap<>();
        Map<String, Long> succeededOnNode = new ConcurrentHashMap<>();
        io.krustlet.core.status.PodStatusListener onNode = new io.krustlet.core.status.PodStatusListener() {
            @Override
            public void statusChanged(io.krustlet.core.status.PodSnapshot pod) {
                long now = System.nanoTime();
                var phase = pod.status().phase();
                if (phase == io.krustlet.core.status.PodPhase.Running
                        || phase == io.krustlet.core.status.PodPhase.Succeeded) {
                    runningOnNode.putIfAbsent(pod.name(), now);
                }
                if (phase == io.krustlet.core.status.PodPhase.Succeeded) {
                    succeededOnNode.putIfAbsent(pod.name(), now);
                }
            }

            @Override
            public void podRemoved(io.krustlet.core.status.PodSnapshot pod) {
            }
        };
        kubelet.addListener(onNode);
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
            // "at once": as controllers (a Job's, a ReplicaSet's) create them, several calls in flight
            var creators = java.util.concurrent.Executors.newFixedThreadPool(CREATORS);
            try {
                var creates = new java.util.ArrayList<java.util.concurrent.Future<?>>();
                for (int i = 0; i < count; i++) {
                    String name = prefix + "-" + i;
                    creates.add(creators.submit(() -> {
                        created.put(name, System.nanoTime());
                        client.pods().inNamespace("default").resource(new PodBuilder()
                                .withNewMetadata().withName(name).withNamespace("default").endMetadata()
                                .withNewSpec().withNodeName("bench").withRestartPolicy("Never")
                                .addNewContainer().withName("main").withImage("fs/testmod.wasm")
                                .withArgs(runFor.isZero() ? new String[] {"print", "hello"}
                                        : new String[] {"sleep", Long.toString(runFor.toMillis())}).endContainer()
                                .endSpec().build()).create();
                    }));
                }
                for (var create : creates) {
                    create.get();
                }
            } finally {
                creators.shutdown();
            }
            if (!allSucceeded.await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("only " + (count - allSucceeded.getCount()) + " of " + count
                        + " pods succeeded within 5 minutes");
            }
            long last = succeeded.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            long[] toRunning = created.keySet().stream().mapToLong(n -> running.get(n) - created.get(n)).toArray();
            long[] toSucceeded = created.keySet().stream().mapToLong(n -> succeeded.get(n) - created.get(n)).toArray();
            kubelet.removeListener(onNode);
            long[] toRunningOnNode = created.keySet().stream()
                    .mapToLong(n -> runningOnNode.get(n) - created.get(n)).toArray();
            long[] toSucceededOnNode = created.keySet().stream()
                    .mapToLong(n -> succeededOnNode.get(n) - created.get(n)).toArray();
            return new Result(toRunning, toSucceeded, toRunningOnNode, toSucceededOnNode, last - first);
        }
    }
}
