package io.krustlet.bench;

import io.krustlet.oci.internal.TestOciConfig;
import io.krustlet.oci.internal.OciImageService;
import io.krustlet.oci.internal.RegistryServer;
import io.krustlet.wasi.WasiRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Cold pull + first start against warm start, through the core: a local docker-registry on
 * 127.0.0.1 holds modules of 1 MB and 10 MB. Cold: a new node (empty module store, empty
 * compiled-module cache) runs a pod of the image; warm: the same node runs a second pod of it
 * (IfNotPresent: store hit, compile-cache hit).
 */
final class PullBench {

    private static final int ROUNDS = BenchMode.count(3, 1);

    private PullBench() {
    }

    static void run(Function<String, WasiRuntime> runtimes) throws Exception {
        Path dir = Files.createTempDirectory("krustlet-pull-bench");
        try (RegistryServer registry = RegistryServer.start(dir.resolve("registry"), null, null)) {
            System.out.printf("Registry pulls: %d rounds, local docker-registry on %s, pod = pull + parse + compile + run%n",
                    ROUNDS, registry.host());
            System.out.printf("  %-10s %-44s %10s %10s%n", "module", "", "median", "best");
            for (int mib : new int[] {1, 10}) {
                Path file = dir.resolve(mib + "mb.wasm");
                Files.write(file, SizedModule.of(mib * 1024 * 1024, mib));
                String image = registry.host() + "/bench/module-" + mib + "mb:v1";
                new OciImageService(TestOciConfig.of(dir.resolve("pusher"), registry.host())).push(file, image, List.of());
                long[] cold = new long[ROUNDS];
                long[] warm = new long[ROUNDS];
                for (int round = 0; round < ROUNDS; round++) {
                    Path node = dir.resolve("node-" + mib + "-" + round);
                    var bench = new StaticPodLatencyBench(node, runtimes.apply("compiler"),
                            new OciImageService(TestOciConfig.of(node.resolve("store"), registry.host())));
                    try {
                        cold[round] = bench.run("cold", image, "[]").succeededNanos();
                        warm[round] = bench.run("warm", image, "[]").succeededNanos();
                    } finally {
                        bench.close();
                    }
                }
                row(mib + " MB", "cold: manifest -> Succeeded (pull, compile)", cold);
                row(mib + " MB", "warm: manifest -> Succeeded (store, cache)", warm);
            }
        }
        System.out.println();
    }

    private static void row(String module, String label, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("  %-10s %-44s %8.1fms %8.1fms%n", module, label, sorted[sorted.length / 2] / 1e6, sorted[0] / 1e6);
    }

}
