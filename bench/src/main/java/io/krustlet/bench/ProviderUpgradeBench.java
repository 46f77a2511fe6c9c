package io.krustlet.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.krustlet.testapiserver.MockApiServer;
import io.krustlet.testkit.deploy.BundleJars;
import io.krustlet.testmodules.TestModules;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code just bench upgrade}: the real distribution (a copy of {@code assembly/target/assembly},
 * started with {@code bin/karaf daemon}) joined to fabric8's mock API server in this JVM, 50 pods
 * of the WASI provider running, and the provider's jar in {@code deploy/} overwritten by a newer
 * version 20 times, as an administrator upgrades a provider.
 *
 * <p>Per upgrade: the time from the moment the new jar is in {@code deploy/} (one atomic rename)
 * until the API shows every pod Running again on the new revision (restartCount = the upgrade's
 * number; each upgrade restarts every container exactly once, which is checked), and the part of
 * it from the first change of a pod's status in the API (the node has seen the provider leave;
 * before it: file install's 1 s poll, the bundle update, the status write). After the first and after the last upgrade, with
 * the pods Running: a full GC ({@code jcmd GC.run}), then the heap used ({@code GC.heap_info}),
 * the classes loaded ({@code PerfCounter.print}: loaded - unloaded), the bundle class loaders
 * alive ({@code VM.classloader_stats}) and the JVM's threads ({@code /proc/PID/status}). A
 * provider revision that stays reachable after its pods restarted keeps its class loader, its
 * classes (Chicory, ASM, the compiled modules) and their heap: the figures after the last upgrade
 * would grow with the number of upgrades.
 *
 * <p>Why the WASI provider and not the test provider: its class loader is the heavy one (Chicory,
 * ASM and a generated class per compiled module: about 700 classes, 2.5 MiB), so a stale revision shows
 * at once in classes and heap; and a restart on it recompiles the module, which is what a user's
 * upgrade costs. The distribution boots without it ({@code featuresBoot} without the provider
 * feature) and gets it from {@code deploy/}, the route measured.
 */
final class ProviderUpgradeBench {

    private static final int PODS = BenchMode.count(50, 5);
    private static final int UPGRADES = BenchMode.count(20, 3);
    private static final String NODE = "bench-upgrade";
    private static final String JAR = "krustlet-wasi-provider.jar";
    private static final Duration WAIT = Duration.ofMinutes(5);

    private ProviderUpgradeBench() {
    }

    /** What the JVM holds, after a full GC. */
    record Footprint(long classes, long bundleLoaders, long heapUsedKiB, long threads) {
    }

    static void run() throws Exception {
        Path assembly = Path.of(System.getProperty("krustlet.bench.assembly", "assembly/target/assembly"));
        if (!Files.isExecutable(assembly.resolve("bin/karaf"))) {
            throw new IllegalStateException("no distribution at " + assembly.toAbsolutePath()
                    + ": build it first (mvn install -DskipTests -pl assembly -am)");
        }
        Path work = Files.createTempDirectory("krustlet-upgrade-bench");
        Path home = work.resolve("karaf");
        copyTree(assembly, home);
        Path providerJar = providerJar(home);
        try (MockApiServer api = MockApiServer.start()) {
            configure(home, api.writeKubeconfig(work.resolve("kubeconfig")));
            Files.copy(TestModules.testmod(), home.resolve("modules/testmod.wasm"), StandardCopyOption.REPLACE_EXISTING);
            var states = new PodStates();
            try (var watch = api.client().pods().inNamespace("default").watch(states)) {
                Process karaf = start(home, work);
                try {
                    measure(api, home, providerJar, karaf.pid(), states, work);
                } finally {
                    stop(karaf);
                }
            }
        } finally {
            deleteTree(work);
        }
    }

    private static void measure(MockApiServer api, Path home, Path providerJar, long pid, PodStates states, Path work)
            throws Exception {
        Path deploy = home.resolve("deploy");
        Path staging = Files.createDirectories(work.resolve("staging"));
        awaitNode(api);
        install(BundleJars.withVersion(providerJar, staging.resolve(JAR), "0.1.0"), deploy);
        for (int i = 0; i < PODS; i++) {
            api.client().pods().inNamespace("default").resource(new PodBuilder()
                    .withNewMetadata().withName("pod-" + i).withNamespace("default").endMetadata()
                    .withNewSpec().withNodeName(NODE).withRestartPolicy("Always")
                    .addNewContainer().withName("main").withImage("fs/modules/testmod.wasm")
                    .withArgs("print", "started", "sleep", "3600000").endContainer()
                    .endSpec().build()).create();
        }
        states.awaitAllRunning(PODS, 0);
        long[] total = new long[UPGRADES];
        long[] fromStop = new long[UPGRADES];
        Footprint first = null;
        Footprint last = null;
        for (int u = 1; u <= UPGRADES; u++) {
            Path next = BundleJars.withVersion(providerJar, staging.resolve(JAR), "0.1." + u);
            long written = install(next, deploy);
            long allRunning = states.awaitAllRunning(PODS, u);
            total[u - 1] = allRunning - written;
            fromStop[u - 1] = allRunning - states.firstChangeSince(written);
            if (u == 1) {
                first = footprint(pid);
            }
            if (u == UPGRADES) {
                last = footprint(pid);
            }
        }
        System.out.printf("Provider upgrade: %d pods of the WASI provider (the real distribution, bin/karaf daemon),"
                + " its jar overwritten in deploy/ %d times%n", PODS, UPGRADES);
        System.out.printf("  %-52s %10s %10s%n", "", "median", "max");
        row("jar in deploy/ -> all Running on the new revision", total);
        row("first pod status change -> all Running again", fromStop);
        System.out.printf("  every upgrade restarted every container exactly once (restartCount 1..%d, none more)%n",
                UPGRADES);
        System.out.printf("  %-52s %12s %12s%n", "after a full GC (jcmd GC.run)", "upgrade 1", "upgrade " + UPGRADES);
        System.out.printf("  %-52s %12d %12d%n", "classes loaded", first.classes(), last.classes());
        System.out.printf("  %-52s %12d %12d%n", "bundle class loaders alive", first.bundleLoaders(),
                last.bundleLoaders());
        System.out.printf("  %-52s %10.1f M %10.1f M%n", "heap used", first.heapUsedKiB() / 1024.0,
                last.heapUsedKiB() / 1024.0);
        System.out.printf("  %-52s %12d %12d%n%n", "JVM threads", first.threads(), last.threads());
    }

    private static void row(String label, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("  %-52s %8.1fms %8.1fms%n", label, sorted[(sorted.length - 1) / 2] / 1e6,
                sorted[sorted.length - 1] / 1e6);
    }

    // ---- the pods, as the API server shows them ----

    /** The latest status of every pod, and when each container was last seen not running. */
    private static final class PodStates implements Watcher<Pod> {
        private final Map<String, Pod> latest = new ConcurrentHashMap<>();
        /** When a pod that ran steadily was first seen otherwise (stopped, or running a later run), nanoTime. */
        private final List<Long> disturbed = java.util.Collections.synchronizedList(new ArrayList<>());
        private final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
        private final Object changed = new Object();

        @Override
        public void eventReceived(Action action, Pod pod) {
            long now = System.nanoTime();
            Pod before = latest.put(pod.getMetadata().getName(), pod);
            if (before != null && running(before) >= 0 && running(pod) != running(before)) {
                disturbed.add(now);
            }
            int seen = before == null ? 0 : restartCount(before);
            if (restartCount(pod) > seen + 1) {
                violations.add(pod.getMetadata().getName() + " went from restartCount " + seen + " to "
                        + restartCount(pod) + " in one status: a run more than the upgrades");
            }
            synchronized (changed) {
                changed.notifyAll();
            }
        }

        @Override
        public void onClose(WatcherException cause) {
        }

        /** Waits until {@code count} pods run with restartCount {@code restarts}; returns when (nanoTime). */
        long awaitAllRunning(int count, int restarts) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            synchronized (changed) {
                while (latest.values().stream().filter(p -> running(p) == restarts).count() < count) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new IllegalStateException("after " + WAIT.toMinutes() + " min, not all " + count
                                + " pods run with restartCount " + restarts + ": " + summary());
                    }
                    changed.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
            long now = System.nanoTime();
            if (latest.values().stream().anyMatch(p -> restartCount(p) > restarts) || !violations.isEmpty()) {
                throw new IllegalStateException("a container ran more than once in one upgrade: " + summary() + " "
                        + violations);
            }
            return now;
        }

        /** The first time, at or after {@code since}, that a steadily running pod's status changed. */
        long firstChangeSince(long since) {
            synchronized (disturbed) {
                return disturbed.stream().mapToLong(Long::longValue).filter(t -> t >= since).min()
                        .orElseThrow(() -> new IllegalStateException("no pod was seen changing"));
            }
        }

        private String summary() {
            Map<String, Long> byState = new java.util.TreeMap<>();
            latest.values().forEach(p -> byState.merge("restarts=" + restartCount(p) + (running(p) >= 0 ? " running"
                    : " not running"), 1L, Long::sum));
            return byState.toString();
        }

        /** The restartCount of the running container, or -1 when it does not run. */
        private static int running(Pod pod) {
            var statuses = pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
            if (statuses == null || statuses.isEmpty() || statuses.get(0).getState() == null
                    || statuses.get(0).getState().getRunning() == null) {
                return -1;
            }
            return statuses.get(0).getRestartCount();
        }

        private static int restartCount(Pod pod) {
            var statuses = pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
            return statuses == null || statuses.isEmpty() ? 0 : statuses.get(0).getRestartCount();
        }
    }

    private static void awaitNode(MockApiServer api) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (api.client().nodes().withName(NODE).get() == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the node did not register within " + WAIT.toMinutes() + " min");
            }
            Thread.sleep(200); // polling the API server for the node, not a synchronisation of our own
        }
    }

    /** Moves the jar into deploy/ in one rename (a careful admin's copy); returns when, as nanoTime. */
    private static long install(Path jar, Path deploy) throws IOException {
        Files.move(jar, deploy.resolve(JAR), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return System.nanoTime();
    }

    // ---- the distribution ----

    /** The WASI provider as the distribution ships it, in its system/ repository. */
    private static Path providerJar(Path home) throws IOException {
        try (Stream<Path> files = Files.walk(home.resolve("system/io/krustlet/krustlet-wasi-provider"))) {
            return files.filter(p -> p.toString().endsWith(".jar")).findFirst().orElseThrow(
                    () -> new IllegalStateException("the distribution has no krustlet-wasi-provider jar"));
        }
    }

    /**
     * Joined to the mock API server, on ports of its own (other nodes may run on this machine),
     * without the sample pod, and booting the node without its WASI provider: that comes from deploy/.
     */
    private static void configure(Path home, Path kubeconfig) throws IOException {
        Path etc = home.resolve("etc");
        Path features = etc.resolve("org.apache.karaf.features.cfg");
        String boot = Files.readString(features);
        Matcher wasi = Pattern.compile("krustlet-wasi/([^,\\s]+)").matcher(boot);
        if (!wasi.find()) {
            throw new IllegalStateException("featuresBoot has no krustlet-wasi feature: " + features);
        }
        String version = wasi.group(1);
        Files.writeString(features, wasi.replaceFirst(Matcher.quoteReplacement("krustlet-core/" + version
                + ", krustlet-http/" + version + ", krustlet-shell/" + version)));
        Files.deleteIfExists(etc.resolve("pods/hello.yaml"));
        appendProperties(etc.resolve("io.krustlet.kubelet.cfg"), Map.of("nodeName", NODE, "nodeIP", "127.0.0.1",
                "kubeconfig", kubeconfig.toString(), "port", String.valueOf(freePort()), "maxPods", "200"));
        appendProperties(etc.resolve("org.apache.karaf.shell.cfg"), Map.of("sshPort", String.valueOf(freePort())));
    }

    private static void appendProperties(Path file, Map<String, String> values) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.removeIf(l -> values.keySet().stream().anyMatch(k -> l.matches("\\s*" + Pattern.quote(k) + "\\s*[=:].*")));
        values.forEach((k, v) -> lines.add(k + " = " + v));
        Files.write(file, lines);
    }

    private static Process start(Path home, Path work) throws IOException {
        var builder = new ProcessBuilder(home.resolve("bin/karaf").toString(), "daemon")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("karaf.out").toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("KARAF_HOME");
        builder.environment().remove("KARAF_BASE");
        return builder.start(); // daemon execs the JVM: this process is Karaf's
    }

    private static void stop(Process karaf) throws InterruptedException {
        karaf.destroy(); // SIGTERM: Karaf's shutdown hook stops the framework
        if (!karaf.waitFor(60, TimeUnit.SECONDS)) {
            karaf.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    // ---- what the JVM holds, measured from outside ----

    private static Footprint footprint(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        jcmd(pid, "GC.run"); // a second cycle: what the first one's finalization released
        long heap = heapUsedKiB(jcmd(pid, "GC.heap_info"));
        String counters = jcmd(pid, "PerfCounter.print");
        long classes = counter(counters, "java.cls.loadedClasses") - counter(counters, "java.cls.unloadedClasses")
                + counter(counters, "java.cls.sharedLoadedClasses") - counter(counters, "java.cls.sharedUnloadedClasses");
        long loaders = jcmd(pid, "VM.classloader_stats").lines()
                .filter(l -> l.contains("org.apache.felix.framework.BundleWiringImpl$BundleClassLoader")).count();
        long threads = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith("Threads:")).mapToLong(l -> Long.parseLong(l.substring(8).trim()))
                .findFirst().orElse(-1);
        return new Footprint(classes, loaders, heap, threads);
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + out);
        }
        return out;
    }

    /** " garbage-first heap   total 262144K, used 51234K [...]" */
    static long heapUsedKiB(String heapInfo) {
        Matcher m = Pattern.compile("heap\\s+total\\s+\\d+K, used (\\d+)K").matcher(heapInfo);
        if (!m.find()) {
            throw new IllegalStateException("no heap figure in: " + heapInfo);
        }
        return Long.parseLong(m.group(1));
    }

    /** A counter of {@code jcmd PerfCounter.print} ("java.cls.loadedClasses=12345"); 0 when absent. */
    static long counter(String counters, String name) {
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "=(\\d+)$", Pattern.MULTILINE).matcher(counters);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
