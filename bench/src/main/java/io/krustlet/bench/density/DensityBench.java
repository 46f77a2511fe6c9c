package io.krustlet.bench.density;

import io.krustlet.testmodules.TestModules;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code just bench density [N]}: N sleeping pods on one node, the way users run it.
 *
 * <p>The real Karaf distribution ({@code assembly/target/assembly}, copied to a temporary folder)
 * is started with {@code bin/karaf server} and measured from outside: RSS, peak RSS and threads
 * from {@code /proc/<pid>/status}, its CPU time while the pods start and while they stop from
 * {@code /proc/<pid>/stat}, heap and class histogram through {@code jcmd}, health through
 * its HTTPS API (with a client certificate from a CA it is told to trust) and its SSH shell. N
 * static pod manifests of {@code testmod.wasm sleep 86400000} (2 pages = 128 KiB of linear memory
 * each) are written into the node's manifest folder at once; the harness then polls {@code /metrics}
 * every 500 ms until {@code kubelet_running_pods} reaches N, and meanwhile times {@code /healthz}
 * every 250 ms, the shell command {@code krustlet:node} typed into an open SSH console every second
 * and the same as {@code ssh karaf@node krustlet:node} (new session and login) every 5 s. After a
 * minute of steady state (RSS sampled as the JVM settles) it takes the heap histogram, removes the
 * manifests and times until no pod runs.
 */
public final class DensityBench {

    private static final String IMAGE = "fs/modules/testmod.wasm";
    /** G1's line in GC.heap_info: "total 151552K, used ..." (Java 17), "committed 393216K, used ..." (Java 25). */
    private static final Pattern HEAP_USED = Pattern.compile("(?:total|committed) (\\d+)K, used (\\d+)K");

    private final int pods;
    private final boolean smoke;
    private final Path work;

    private DensityBench(int pods, boolean smoke, Path work) {
        this.pods = pods;
        this.smoke = smoke;
        this.work = work;
    }

    /**
     * Runs the part and prints its figures.
     *
     * @param pods how many sleeping pods
     * @param smoke whether this is a smoke run (short steady period; figures meaningless)
     */
    public static void run(int pods, boolean smoke) throws Exception {
        Path distribution = Path.of(System.getProperty("krustlet.bench.assembly", "assembly/target/assembly"));
        if (!Files.isExecutable(distribution.resolve("bin/karaf"))) {
            throw new IllegalStateException("no Karaf distribution at " + distribution + " (build the assembly module)");
        }
        Path work = Files.createTempDirectory("krustlet-density");
        new DensityBench(pods, smoke, work).run(distribution);
    }

    private void run(Path distribution) throws Exception {
        try {
            measureNode(distribution);
        } finally {
            if (System.getenv("KRUSTLET_BENCH_KEEP") == null) {
                delete(work);
            } else {
                System.out.println("  kept " + work);
            }
        }
    }

    private static void delete(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(f);
            }
        }
    }

    private void measureNode(Path distribution) throws Exception {
        int kubeletPort = freePort();
        int sshPort = freePort();
        var pki = new BenchPki();
        Path ca = work.resolve("client-ca.crt");
        pki.writeCa(ca);
        Path manifests = Files.createDirectories(work.resolve("manifests"));
        Map<String, String> env = new HashMap<>();
        env.put("KRUSTLET_KUBECONFIG", "none");
        env.put("KRUSTLET_NODE_NAME", "density");
        env.put("KRUSTLET_PORT", String.valueOf(kubeletPort));
        env.put("KRUSTLET_MAX_PODS", String.valueOf(pods + 10));
        env.put("KRUSTLET_POD_MANIFEST_PATH", manifests.toString());
        env.put("KRUSTLET_HTTP_CLIENT_CA_FILE", ca.toString());
        // the node picks its JDK as it does for a user who runs bin/karaf in a plain shell, unless told
        String javaHome = System.getenv("KRUSTLET_BENCH_JAVA_HOME");
        env.put("JAVA_HOME", javaHome == null || javaHome.isBlank() ? null : javaHome);
        env.put("KRUSTLET_KEEP_JAVA_HOME", javaHome == null || javaHome.isBlank() ? null : "1");
        env.put("EXTRA_JAVA_OPTS", System.getenv("KRUSTLET_BENCH_JAVA_OPTS"));

        Path home = work.resolve("node");
        long bootStart = System.nanoTime();
        try (KarafNode node = KarafNode.start(distribution, home, sshPort, env)) {
            Files.copy(TestModules.testmod(), home.resolve("modules/testmod.wasm"), StandardCopyOption.REPLACE_EXISTING);
            node.jvm(Duration.ofSeconds(60));
            KubeletApi api = new KubeletApi(pki.clientContext(awaitFile(home.resolve("data/krustlet/pki/kubelet.crt"),
                    Duration.ofSeconds(120))), kubeletPort);
            await("the HTTPS API", Duration.ofSeconds(120), () -> {
                api.healthz();
                return true;
            });
            try (KarafShell shell = new KarafShell(sshPort, "karaf", "karaf")) {
                double bootSeconds = (System.nanoTime() - bootStart) / 1e9;
                warmUp(api, manifests);
                measure(node, api, shell, manifests, bootSeconds);
            }
        }
    }

    private void measure(KarafNode node, KubeletApi api, KarafShell shell, Path manifests, double bootSeconds)
            throws Exception {
        System.out.printf("Density: %d sleeping pods (%s sleep 86400000, 128 KiB of linear memory each, after one "
                + "warm-up pod) on the Karaf distribution, Java %s (%s)%s%n", pods, IMAGE, node.javaVersion(), node.javaCommand(),
                smoke ? " [smoke run: figures meaningless]" : "");
        System.out.printf("  machine: %d cores, load average %s; node booted in %.1f s%n",
                Runtime.getRuntime().availableProcessors(), loadAverage(), bootSeconds);
        var idle = node.status();
        String idleHeap = heap(node);
        Histogram before = Histogram.parse(node.jcmd("GC.class_histogram"));
        System.out.printf("  idle node:      RSS %7.1f MiB  threads %5d  heap %s%n", idle.rssMiB(), idle.threads(), idleHeap);

        try (var console = shell.console();
                var healthz = new LatencySampler("healthz", 250, api::healthz);
                var consoleNode = new LatencySampler("console", 1000, () -> console.type("krustlet:node", "Pods:"));
                var sshNode = new LatencySampler("ssh", 5000, () -> shell.run("krustlet:node"))) {
            double cpu0 = node.cpuSeconds();
            long t0 = System.nanoTime();
            writeManifests(manifests);
            long written = System.nanoTime();
            System.out.printf("  %d manifests written in %.2f s (from %s)%n", pods, (written - t0) / 1e9,
                    java.time.Instant.now().minusNanos(System.nanoTime() - t0));
            long deadline = t0 + Duration.ofSeconds(120).toNanos() + Duration.ofMillis(30L * pods).toNanos();
            long running = 0;
            long lastPrint = t0;
            long peakThreads = 0;
            while (running < pods) {
                if (System.nanoTime() > deadline || !node.alive()) {
                    System.out.printf("  NOT REACHED: %d of %d pods Running after %.1f s%s%n", running, pods,
                            (System.nanoTime() - t0) / 1e9, node.alive() ? "" : " (the node's JVM died)");
                    break;
                }
                Thread.sleep(500); // /metrics walks every pod: polled often, the bench itself would load the node
                running = api.runningPods();
                var status = node.status();
                peakThreads = Math.max(peakThreads, status.threads());
                if (System.nanoTime() - lastPrint > 5_000_000_000L) {
                    lastPrint = System.nanoTime();
                    System.out.printf("  %6.1f s: %6d Running  RSS %7.1f MiB  threads %5d%n", (lastPrint - t0) / 1e9,
                            running, status.rssMiB(), status.threads());
                }
            }
            long allRunning = System.nanoTime();
            double startCpu = node.cpuSeconds() - cpu0;
            if (running >= pods) {
                System.out.printf("  all %d Running %.2f s after the first manifest was written (at %s); node CPU "
                        + "meanwhile %.1f s (%.2f ms per pod)%n", pods, (allRunning - t0) / 1e9, java.time.Instant.now(),
                        startCpu, startCpu * 1000 / pods);
            }
            // steady: all sleeping; RSS as the JVM settles (G1 gives back memory after a periodic collection)
            StringBuilder settling = new StringBuilder();
            for (int i = 1; i <= (smoke ? 1 : 4); i++) {
                Thread.sleep(Duration.ofSeconds(smoke ? 3 : 15).toMillis());
                settling.append(String.format("%s%d s %.1f MiB", i == 1 ? "" : ", ", i * (smoke ? 3 : 15),
                        node.status().rssMiB()));
            }
            long steadyEnd = System.nanoTime();
            var steady = node.status();
            String steadyHeap = heap(node);
            System.out.printf("  all running:    RSS %7.1f MiB  threads %5d  heap %s%n", steady.rssMiB(), steady.threads(), steadyHeap);
            System.out.printf("                  peak RSS %.1f MiB, peak threads %d (sampled every 500 ms while starting)%n",
                    steady.peakRssMiB(), Math.max(peakThreads, steady.threads()));
            System.out.printf("                  RSS after all Running: %s%n", settling);
            System.out.printf("  per pod:        RSS %.1f KiB  threads %.2f  (over the idle node)%n",
                    (steady.rssKiB() - idle.rssKiB()) / (double) pods, (steady.threads() - idle.threads()) / (double) pods);
            var groups = node.threadGroups();
            long sessions = groups.stream().filter(e -> e.getKey().startsWith("session-")).mapToLong(Map.Entry::getValue).sum();
            System.out.printf("  threads by name: %s%n", groups.stream().limit(8)
                    .map(e -> e.getKey() + " " + e.getValue()).collect(java.util.stream.Collectors.joining(", ")));
            System.out.printf("                  (%d of them Karaf shell session threads: the bench's open console, and 4"
                    + " per ssh command, ending a minute after it)%n", sessions);
            System.out.printf("  /healthz while starting:              %s%n", healthz.summary(t0, allRunning));
            System.out.printf("  /healthz while all run:               %s%n", healthz.summary(allRunning, steadyEnd));
            System.out.printf("  console krustlet:node while starting: %s%n", consoleNode.summary(t0, allRunning));
            System.out.printf("  console krustlet:node while all run:  %s%n", consoleNode.summary(allRunning, steadyEnd));
            System.out.printf("  ssh krustlet:node while starting:     %s%n", sshNode.summary(t0, allRunning));
            System.out.printf("  ssh krustlet:node while all run:      %s%n", sshNode.summary(allRunning, steadyEnd));
        }
        histogram(node, before);
        nativeMemory(node);
        stopAll(node, api, manifests);
    }

    /**
     * One pod of the same module that runs for a moment, then its manifest is removed: the module is
     * then compiled (once per digest) and the node's lazily made parts exist, so the figures that
     * follow are about the N pods, not about the first one.
     */
    private void warmUp(KubeletApi api, Path manifests) throws Exception {
        Path manifest = manifests.resolve("warmup.yaml");
        Files.writeString(manifest, """
                apiVersion: v1
                kind: Pod
                metadata: {name: warmup}
                spec:
                  restartPolicy: Never
                  containers: [{name: main, image: "%s", args: [sleep, "86400000"]}]
                """.formatted(IMAGE));
        // also waits for the wasi provider: a pod waits for its runtime (RuntimeUnavailable) until it is there
        await("the warm-up pod", Duration.ofSeconds(120), () -> api.runningPods() == 1 ? true : null);
        Files.delete(manifest);
        await("the warm-up pod's end", Duration.ofSeconds(120), () -> api.runningPods() == 0 ? true : null);
    }

    private void writeManifests(Path manifests) throws IOException {
        Path staging = Files.createDirectories(work.resolve("staging"));
        for (int i = 0; i < pods; i++) {
            String name = String.format("sleeper-%05d", i);
            Path tmp = staging.resolve(name + ".yaml");
            Files.writeString(tmp, """
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: %s}
                    spec:
                      restartPolicy: Never
                      containers: [{name: main, image: "%s", args: [sleep, "86400000"]}]
                    """.formatted(name, IMAGE));
            Files.move(tmp, manifests.resolve(name + ".yaml"), StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private void histogram(KarafNode node, Histogram before) throws Exception {
        Histogram after = Histogram.parse(node.jcmd("GC.class_histogram"));
        System.out.printf("  live heap (class histogram): idle %.1f MiB, with the pods %.1f MiB: %.1f KiB per pod%n",
                before.totalBytes() / 1048576.0, after.totalBytes() / 1048576.0,
                (after.totalBytes() - before.totalBytes()) / 1024.0 / pods);
        System.out.printf("    %-70s %10s %12s%n", "top growth per pod", "objects", "bytes");
        for (var g : after.growthSince(before, smoke ? 8 : 20)) {
            System.out.printf("    %-70s %10.2f %12.1f%n", g.className(), g.instances() / (double) pods, g.bytes() / (double) pods);
        }
        System.out.printf("    %-70s %10s %12s%n", "growth per pod by package", "objects", "bytes");
        for (var g : after.growthByPackageSince(before, smoke ? 6 : 12)) {
            System.out.printf("    %-70s %10.2f %12.1f%n", g.className(), g.instances() / (double) pods, g.bytes() / (double) pods);
        }
    }

    /** The JVM's own accounting, when the node runs with -XX:NativeMemoryTracking (KRUSTLET_BENCH_JAVA_OPTS). */
    private static void nativeMemory(KarafNode node) throws InterruptedException {
        String summary;
        try {
            summary = node.jcmd("VM.native_memory", "summary", "scale=MB");
        } catch (IOException e) {
            return;
        }
        if (!summary.contains("Native Memory Tracking:")) {
            return;
        }
        System.out.println("  native memory tracking:");
        summary.lines().filter(l -> l.startsWith("Total") || l.matches("^-\\s+\\S.*\\(reserved=.*"))
                .forEach(l -> System.out.println("    " + l.strip()));
    }

    private void stopAll(KarafNode node, KubeletApi api, Path manifests) throws Exception {
        double cpu0 = node.cpuSeconds();
        long t0 = System.nanoTime();
        try (var files = Files.list(manifests)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.delete(f);
            }
        }
        long deadline = t0 + Duration.ofSeconds(120).toNanos() + Duration.ofMillis(20L * pods).toNanos();
        long running = pods;
        while (running > 0 && System.nanoTime() < deadline && node.alive()) {
            Thread.sleep(500);
            running = api.runningPods();
        }
        var after = node.status();
        double stopCpu = node.cpuSeconds() - cpu0;
        System.out.printf("  manifests removed: %s; then RSS %.1f MiB, threads %d; node CPU meanwhile %.1f s%n", running == 0
                ? String.format("no pod running %.2f s later", (System.nanoTime() - t0) / 1e9)
                : running + " pods still running at the deadline", after.rssMiB(), after.threads(), stopCpu);
    }

    private static String heap(KarafNode node) throws Exception {
        Matcher m = HEAP_USED.matcher(node.jcmd("GC.heap_info"));
        return m.find() ? String.format("%.1f MiB used of %.1f MiB committed", Long.parseLong(m.group(2)) / 1024.0,
                Long.parseLong(m.group(1)) / 1024.0) : "?";
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Path awaitFile(Path file, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.isRegularFile(file)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(file + " did not appear within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
        return file;
    }

    @FunctionalInterface
    private interface Attempt<T> {
        T get() throws Exception;
    }

    /** Retries {@code attempt} until it returns non-null, or fails with its last error at the deadline. */
    private static <T> T await(String what, Duration timeout, Attempt<T> attempt) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                T value = attempt.get();
                if (value != null) {
                    return value;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(what + " not ready within " + timeout.toSeconds() + " s"
                + (last == null ? "" : ": " + last), last);
    }
}
