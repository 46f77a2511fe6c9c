package io.krustlet.itests.e2e;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.Assume;

/**
 * A second Krustlet node, for the scenarios that must restart a node, cut it off from the API
 * server or bootstrap it from nothing, which the suite's own node (started by run.sh) must not go
 * through: a copy of the distribution ({@code krustlet.e2e.distribution}) in a directory of its
 * own, run as {@code bin/karaf server}, with its own kubelet port, data directory and SSH port.
 *
 * <p>Named {@code krustlet-e2e-<purpose>-<random>} (podsmiter removes such Nodes), labelled
 * {@code krustlet-e2e-extra=true} but not {@code krustlet-e2e=true}, so the suite's other pods are
 * never scheduled there; its own pods name it in {@code spec.nodeName}. Every {@code KRUSTLET_*}
 * variable of the test's environment reaches it too ({@code KRUSTLET_NODE_IP}, say), except those
 * it sets itself.
 */
final class ExtraNode implements AutoCloseable {

    private static final Set<String> OWN = Set.of("KRUSTLET_NODE_NAME", "KRUSTLET_KUBECONFIG", "KRUSTLET_BOOTSTRAP_FILE",
            "KRUSTLET_PORT", "KRUSTLET_DATA_DIR", "KRUSTLET_POD_MANIFEST_PATH", "KRUSTLET_NODE_LABELS");

    final String name;
    final Path work;
    private final Path karaf;
    private final Map<String, String> env = new HashMap<>();
    private final Set<String> unset = new java.util.HashSet<>();
    private Process process;
    private boolean keep;

    private ExtraNode(String name, Path work, Path karaf) {
        this.name = name;
        this.work = work;
        this.karaf = karaf;
    }

    /** The distribution run.sh built and started; the scenario is skipped (and says why) without it. */
    static Path distribution() {
        String dir = System.getProperty("krustlet.e2e.distribution");
        Assume.assumeTrue("this scenario starts a node of its own from the distribution: run it with just test-e2e"
                + " (which sets krustlet.e2e.distribution)", dir != null && !dir.isBlank()
                        && Files.isExecutable(Path.of(dir, "bin", "karaf")));
        return Path.of(dir);
    }

    /**
     * Prepares the node: a copy of the distribution (its {@code system}, {@code lib} and
     * {@code modules} folders linked, not copied: Karaf only reads them) with the SSH console on a
     * free port.
     *
     * @param settings more KRUSTLET_* settings (KRUSTLET_KUBECONFIG, KRUSTLET_BOOTSTRAP_FILE...)
     */
    static ExtraNode prepare(String purpose, Map<String, String> settings) throws IOException {
        Path distribution = distribution();
        String name = E2ESupport.unique(PodSmiter.NODE_PREFIX + purpose);
        Path work = Files.createTempDirectory("krustlet-e2e-" + purpose + "-");
        Path karaf = work.resolve("karaf");
        Files.createDirectories(karaf);
        for (String linked : List.of("system", "lib", "modules")) {
            Files.createSymbolicLink(karaf.resolve(linked), distribution.resolve(linked).toAbsolutePath());
        }
        for (String copied : List.of("bin", "etc", "deploy")) {
            copyTree(distribution.resolve(copied), karaf.resolve(copied));
        }
        Path shell = karaf.resolve("etc/org.apache.karaf.shell.cfg");
        Files.writeString(shell, Files.readString(shell).replaceAll("(?m)^sshPort\\s*=.*$", "sshPort = 0"));
        Files.createDirectories(work.resolve("pods"));
        ExtraNode node = new ExtraNode(name, work, karaf);
        System.getenv().forEach((key, value) -> {
            if (key.startsWith("KRUSTLET_") && !OWN.contains(key)) {
                node.env.put(key, value);
            }
        });
        node.env.put("KRUSTLET_NODE_NAME", name);
        node.env.put("KRUSTLET_PORT", Integer.toString(freePort()));
        node.env.put("KRUSTLET_DATA_DIR", work.resolve("data").toString());
        node.env.put("KRUSTLET_POD_MANIFEST_PATH", work.resolve("pods").toString());
        node.env.put("KRUSTLET_NODE_LABELS", "krustlet-e2e-extra=true");
        node.env.put("KRUSTLET_ALLOW_LOCAL_MODULES", "true");
        // no serving CSR left waiting for `kubectl certificate approve`: the API server does not check
        // kubelet serving certificates unless told to (--kubelet-certificate-authority)
        node.env.put("KRUSTLET_SERVER_TLSBOOTSTRAP", "false");
        node.env.put("CHECK_ROOT_INSTANCE_RUNNING", "false");
        node.env.putAll(settings);
        return node;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.exists(from)) {
            return;
        }
        try (var paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Leaves these variables of the test's environment out of the node's (a proxy setting, say). */
    ExtraNode unset(String... names) {
        unset.addAll(List.of(names));
        return this;
    }

    /** Starts (or starts again, with the data it had) the node's process; does not wait for it. */
    void start() throws IOException {
        var builder = new ProcessBuilder(karaf.resolve("bin/karaf").toString(), "server").directory(karaf.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("console.log").toFile()));
        builder.environment().keySet().removeAll(unset);
        builder.environment().putAll(env);
        process = builder.start();
    }

    /** Waits until its Node is Ready in the API server; fails with its log's tail. */
    Node awaitReady(KubernetesClient client, Duration timeout) {
        return E2ESupport.await("node " + name + " to be Ready", timeout, () -> {
            if (process != null && !process.isAlive()) {
                throw new AssertionError("node " + name + " ended (exit " + process.exitValue() + ")\n" + logTail());
            }
            try {
                return client.nodes().withName(name).get();
            } catch (KubernetesClientException e) {
                return null;
            }
        }, ExtraNode::ready, () -> "node " + name + ": " + conditions(client) + "\n" + logTail());
    }

    static boolean ready(Node node) {
        return readyStatus(node).equals("True");
    }

    /** The Node's Ready condition status (True, False, Unknown), or "absent". */
    static String readyStatus(Node node) {
        if (node == null || node.getStatus() == null || node.getStatus().getConditions() == null) {
            return "absent";
        }
        return node.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType()))
                .map(c -> c.getStatus()).findFirst().orElse("absent");
    }

    String conditions(KubernetesClient client) {
        try {
            Node node = client.nodes().withName(name).get();
            return node == null || node.getStatus() == null ? "not registered"
                    : String.valueOf(node.getStatus().getConditions());
        } catch (KubernetesClientException e) {
            return "the API server answers " + e.getMessage();
        }
    }

    /** Stops the node gracefully (Karaf's bin/stop, as run.sh does), forcibly after 60 s. */
    void stop() throws IOException, InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        var stop = new ProcessBuilder(karaf.resolve("bin/stop").toString()).directory(karaf.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("console.log").toFile()));
        stop.environment().putAll(env);
        stop.start().waitFor(30, TimeUnit.SECONDS);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            System.err.println("node " + name + " did not stop within 60 s; killing it");
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Keeps the node's directory (its log) after {@link #close}, for a scenario that failed. */
    void keep() {
        keep = true;
    }

    /** The last 60 lines of the node's karaf.log. */
    String logTail() {
        Path log = karaf.resolve("data/log/karaf.log");
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "--- last lines of " + log + "\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ": " + e.getMessage() + ")";
        }
    }

    /** The node's whole log, for assertions on what it said. */
    String log() throws IOException {
        Path log = karaf.resolve("data/log/karaf.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Stops the node, removes its Node and Lease, and its directory unless {@link #keep} was called. */
    void close(KubernetesClient client) {
        try {
            stop();
        } catch (IOException | InterruptedException e) {
            System.err.println("cannot stop node " + name + ": " + e);
        }
        for (Runnable delete : new ArrayList<Runnable>(List.of(
                () -> client.nodes().withName(name).delete(),
                () -> client.leases().inNamespace("kube-node-lease").withName(name).delete()))) {
            try {
                delete.run();
            } catch (KubernetesClientException e) {
                System.err.println("cleanup of node " + name + ": " + e.getMessage());
            }
        }
        if (keep) {
            System.err.println("node " + name + " kept its directory " + work);
        } else {
            deleteTree(work);
        }
    }

    @Override
    public void close() {
        close(E2ESupport.client);
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    // a file the node still writes; the temporary directory is the system's to clean
                }
            });
        } catch (IOException e) {
            System.err.println("cannot delete " + dir + ": " + e.getMessage());
        }
    }
}
