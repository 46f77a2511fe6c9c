package io.krustlet.bench;

import io.krustlet.api.ContainerExit;
import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerId;
import io.krustlet.api.ContainerOutput;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.ModuleRef;
import io.krustlet.api.ResourceLimits;
import io.krustlet.testmodules.TestModules;
import io.krustlet.wasi.WasiConfig;
import io.krustlet.wasi.WasiRuntime;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code just bench [pods] [cluster] [pull] [fib] [cpu] [wagi] [upgrade] [density [N]]}: prints the figures in docs/benchmarks.md. Nothing here is
 * a test; it measures the real core and provider on this machine and prints what it saw.
 */
public final class KrustletBench {

    private static final int PODS = BenchMode.count(100, 3);
    private static final int WARMUP_PODS = BenchMode.count(5, 1);
    /** fib(30) in a full run; a smoke run only checks that every engine runs the module. */
    private static final int FIB_N = BenchMode.count(30, 20);

    private KrustletBench() {
    }

    public static void main(String[] args) throws Exception {
        List<String> which = args.length == 0 || (args.length == 1 && args[0].isBlank())
                ? List.of("pods", "cluster", "pull", "fib", "cpu", "wagi", "upgrade", "density") : Arrays.asList(args);
        System.out.printf("Krustlet benchmarks on %d cores, %s %s%s%n%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"),
                BenchMode.smoke() ? " (smoke run: a few iterations, figures not meaningful)" : "");
        if (which.contains("pods")) {
            staticPods();
        }
        if (which.contains("cluster")) {
            ClusterPodsBench.run(runtime("compiler"));
        }
        if (which.contains("pull")) {
            PullBench.run(KrustletBench::runtime);
        }
        if (which.contains("fib")) {
            fib();
        }
        if (which.contains("cpu")) {
            CpuBench.run(() -> runtime("compiler"));
        }
        if (which.contains("wagi")) {
            WagiBench.run();
        }
        if (which.contains("upgrade")) {
            ProviderUpgradeBench.run();
        }
        if (which.contains("density")) {
            int at = which.indexOf("density");
            boolean counted = at + 1 < which.size() && which.get(at + 1).matches("\\d+");
            io.krustlet.bench.density.DensityBench.run(counted ? Integer.parseInt(which.get(at + 1))
                    : BenchMode.count(1000, 20), BenchMode.smoke());
        }
        System.exit(0);
    }

    private static WasiRuntime runtime(String engine) {
        return new WasiRuntime(new WasiConfig() {
            public Class<? extends Annotation> annotationType() { return WasiConfig.class; }
            public String engine() { return engine; }
            public int maxCachedModules() { return 8; }
        });
    }

    // ---- static pods ----

    private static void staticPods() throws Exception {
        Path dir = Files.createTempDirectory("krustlet-bench");
        Files.copy(TestModules.hello(), dir.resolve("hello.wasm"));
        var bench = new StaticPodLatencyBench(dir, runtime("compiler"));
        try {
            for (int i = 0; i < WARMUP_PODS; i++) {
                bench.run("warmup-" + i, "fs/hello.wasm", "[warm]");
            }
            long[] started = new long[PODS];
            long[] succeeded = new long[PODS];
            for (int i = 0; i < PODS; i++) {
                var sample = bench.run("pod-" + i, "fs/hello.wasm", "[pod, " + i + "]");
                started[i] = sample.startedNanos();
                succeeded[i] = sample.succeededNanos();
            }
            System.out.printf("Static pods: %d pods of one cached module (hello.wasm), one after another, after %d warm-up pods%n",
                    PODS, WARMUP_PODS);
            System.out.printf("  %-40s %10s %10s %10s%n", "", "median", "p99", "max");
            row("manifest written -> container started", started);
            row("manifest written -> pod Succeeded", succeeded);
            System.out.println();
        } finally {
            bench.close();
        }
    }

    static void row(String label, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("  %-40s %8.1fms %8.1fms %8.1fms%n", label, ms(percentile(sorted, 50)),
                ms(percentile(sorted, 99)), ms(sorted[sorted.length - 1]));
    }

    private static long percentile(long[] sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    // ---- fib(30) ----

    private static void fib() throws Exception {
        Path module = TestModules.testmod();
        System.out.printf("fib(%d) in testmod.wasm (recursive C, clang -O2), run time of _start after the module is loaded%n",
                FIB_N);
        System.out.printf("  %-32s %10s %10s %s%n", "engine", "best", "median", "runs");
        fibRow("Chicory compiler (JVM bytecode)", runtime("compiler"), module, BenchMode.count(7, 1));
        fibRow("Chicory interpreter", runtime("interpreter"), module, BenchMode.count(3, 1));
        nodeRow(module, BenchMode.count(5, 1));
    }

    private static void fibRow(String label, WasiRuntime runtime, Path module, int runs) throws Exception {
        ModuleRef ref = ref(module);
        run(runtime, ref, "fib", "5");
        long[] times = new long[runs];
        String output = "";
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            output = run(runtime, ref, "fib", String.valueOf(FIB_N));
            times[i] = System.nanoTime() - start;
        }
        String expected = "fib(" + FIB_N + ")=" + fib(FIB_N) + "\n";
        if (!output.equals(expected)) {
            throw new IllegalStateException("wrong fib(" + FIB_N + ") output: " + output);
        }
        print(label, times);
    }

    private static long fib(int n) {
        long a = 0;
        long b = 1;
        for (int i = 0; i < n; i++) {
            long next = a + b;
            a = b;
            b = next;
        }
        return a;
    }

    private static void print(String label, long[] times) {
        long[] sorted = times.clone();
        Arrays.sort(sorted);
        System.out.printf("  %-32s %8.1fms %8.1fms %d%n", label, ms(sorted[0]), ms(percentile(sorted, 50)), times.length);
    }

    private static String run(WasiRuntime runtime, ModuleRef ref, String... args) throws Exception {
        List<String> argv = new ArrayList<>();
        argv.add("testmod");
        argv.addAll(List.of(args));
        var out = new ByteArrayOutputStream();
        ContainerHandle handle = runtime.start(new ContainerSpec(new ContainerId("bench", "fib", "uid", "fib", 0), ref,
                argv, Map.of(), List.of(), null, ResourceLimits.NONE), new ContainerOutput(out, new ByteArrayOutputStream()));
        ContainerExit exit = handle.exit().toCompletableFuture().get(10, TimeUnit.MINUTES);
        if (exit.exitCode() != 0) {
            throw new IllegalStateException("testmod " + argv + " exited " + exit);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void nodeRow(Path module, int runs) throws Exception {
        String script = System.getProperty("krustlet.bench.node.script");
        if (script == null || !canRun("node", "--version")) {
            System.out.printf("  %-32s (node not found: skipped)%n", "Node.js WASI (V8)");
            return;
        }
        long[] times = new long[runs];
        Pattern pattern = Pattern.compile("node-wasi-ms ([0-9.]+) exit 0");
        for (int i = 0; i < runs; i++) {
            Process p = new ProcessBuilder("node", "--no-warnings", script, module.toString(), "fib",
                    String.valueOf(FIB_N))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(5, TimeUnit.MINUTES);
            Matcher m = pattern.matcher(err);
            if (!m.find()) {
                System.out.printf("  %-32s (failed: %s)%n", "Node.js WASI (V8)", err.strip());
                return;
            }
            times[i] = (long) (Double.parseDouble(m.group(1)) * 1e6);
        }
        print("Node.js " + version() + " WASI (V8)", times);
    }

    private static boolean canRun(String... command) {
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String version() throws IOException {
        return new String(new ProcessBuilder("node", "--version").start().getInputStream().readAllBytes(),
                StandardCharsets.UTF_8).strip();
    }

    private static ModuleRef ref(Path module) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(module));
        return new ModuleRef("fs/" + module.getFileName(), module, "sha256:" + HexFormat.of().formatHex(digest));
    }
}
