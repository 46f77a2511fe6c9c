package io.krustlet.itests.e2e;

import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.fail;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.AfterClass;
import org.junit.AssumptionViolatedException;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.rules.TestRule;
import org.junit.runners.model.Statement;

/**
 * What every end-to-end scenario shares: a client of the cluster {@code KUBECONFIG} names, the node
 * under test, pods built the way a user would write them for a Krustlet node (tolerations for its
 * taints, a nodeSelector, so that the real scheduler places them), waiting with deadlines, and a
 * description of the pods (status and Events, like {@code kubectl describe}) when a scenario fails.
 *
 * <p>System properties (set by {@code itests/e2e/run.sh}):
 * <ul>
 * <li>{@code krustlet.e2e.node}: the node's name (default: the one node labelled {@code krustlet-e2e=true})</li>
 * <li>{@code krustlet.e2e.image}: {@code fs/<path>} of testmod.wasm on the node's disk (default: the
 *     module from the classpath, copied to a temporary file; only right when the node runs on this machine)</li>
 * <li>{@code krustlet.e2e.hostDir}: a directory on the node's disk for hostPath volumes, writable by
 *     this JVM (default: a temporary directory; again only right for a node on this machine)</li>
 * <li>{@code krustlet.e2e.timeoutSeconds}: how long a pod may take to reach a state (default 120)</li>
 * </ul>
 */
public abstract class E2ESupport {

    static final String NAMESPACE = "krustlet-e2e";
    /** Every object the suite creates carries this label with the value "true" (podsmiter finds them by it). */
    static final String LABEL = "krustlet-e2e";
    static final String ARCH = "wasm32-wasi";
    static final Duration TIMEOUT = Duration.ofSeconds(Long.getLong("krustlet.e2e.timeoutSeconds", 120));
    private static final Duration POLL = Duration.ofMillis(500);

    protected static KubernetesClient client;
    protected static String nodeName;
    protected static String image;

    private final List<String> pods = new ArrayList<>();
    private final List<String> configMaps = new ArrayList<>();
    private final List<String> secrets = new ArrayList<>();

    /** On failure: describes every pod the test created. Always: deletes what it created. */
    @Rule
    public final TestRule podsOfThisTest = (base, description) -> new Statement() {
        @Override
        public void evaluate() throws Throwable {
            try {
                base.evaluate();
            } catch (AssumptionViolatedException e) {
                throw e;
            } catch (Throwable t) {
                System.err.println("=== " + description.getDisplayName() + " failed: " + t.getMessage());
                for (String pod : pods) {
                    System.err.println(describe(pod));
                }
                throw t;
            } finally {
                cleanUp();
            }
        }
    };

    @BeforeClass
    public static void connect() throws IOException {
        if (client != null) {
            return;
        }
        client = new KubernetesClientBuilder().build();
        ensureNamespace();
        nodeName = findNode();
        image = System.getProperty("krustlet.e2e.image");
        if (image == null || image.isBlank()) {
            image = "fs/" + copyTestmod();
        }
    }

    @AfterClass
    public static void disconnect() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    private static void ensureNamespace() {
        if (client.namespaces().withName(NAMESPACE).get() == null) {
            try {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
                        .addToLabels(LABEL, "true").endMetadata().build()).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
        // pods are refused until the controller manager has created the namespace's default service account
        await("the default ServiceAccount of namespace " + NAMESPACE, TIMEOUT,
                () -> client.serviceAccounts().inNamespace(NAMESPACE).withName("default").get(), Objects::nonNull,
                () -> "namespace: " + client.namespaces().withName(NAMESPACE).get());
    }

    private static String findNode() {
        String name = System.getProperty("krustlet.e2e.node");
        if (name != null && !name.isBlank()) {
            return name;
        }
        List<Node> nodes = client.nodes().withLabel(LABEL, "true").list().getItems();
        if (nodes.size() != 1) {
            fail("set -Dkrustlet.e2e.node=<node name>: " + nodes.size() + " nodes are labelled " + LABEL + "=true "
                    + nodes.stream().map(n -> n.getMetadata().getName()).toList());
        }
        return nodes.get(0).getMetadata().getName();
    }

    private static Path copyTestmod() throws IOException {
        Path file = Files.createTempFile("testmod-", ".wasm");
        file.toFile().deleteOnExit();
        try (InputStream in = E2ESupport.class.getResourceAsStream("/wasm/testmod.wasm")) {
            assertNotNull("testmod.wasm is not on the classpath (module krustlet-testmodules)", in);
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file.toAbsolutePath();
    }

    /** A directory on the node's disk, for hostPath volumes. */
    protected static Path hostDir() throws IOException {
        String dir = System.getProperty("krustlet.e2e.hostDir");
        Path base = dir == null || dir.isBlank() ? Files.createTempDirectory("krustlet-e2e-host") : Path.of(dir);
        return Files.createDirectories(base);
    }

    // ---------------------------------------------------------------------------------------------
    // building and creating objects

    /** A unique name: the prefix and 5 random characters. */
    protected static String unique(String prefix) {
        String chars = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder name = new StringBuilder(prefix).append('-');
        for (int i = 0; i < 5; i++) {
            name.append(chars.charAt(ThreadLocalRandom.current().nextInt(chars.length())));
        }
        return name.toString();
    }

    /**
     * A pod for the node under test, as a user writes it for a Krustlet node: the label of the suite,
     * tolerations for the node's two taints, a nodeSelector on its e2e label; restartPolicy Never.
     * The scheduler binds it.
     */
    protected static PodBuilder pod(String name) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(NAMESPACE).addToLabels(LABEL, "true").endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withTerminationGracePeriodSeconds(10L)
                .withNodeSelector(Map.of(LABEL, "true"))
                .withTolerations(toleration("NoSchedule"), toleration("NoExecute"))
                .endSpec();
    }

    static Toleration toleration(String effect) {
        return new TolerationBuilder().withKey("kubernetes.io/arch").withOperator("Equal").withValue(ARCH)
                .withEffect(effect).build();
    }

    /** A container running testmod with these commands as its arguments. */
    protected static ContainerBuilder testmod(String name, String... commands) {
        return new ContainerBuilder().withName(name).withImage(image).withArgs(commands);
    }

    protected static Container container(String name, String... commands) {
        return testmod(name, commands).build();
    }

    protected Pod create(Pod pod) {
        pods.add(pod.getMetadata().getName());
        return client.pods().inNamespace(NAMESPACE).resource(pod).create();
    }

    protected ConfigMap create(ConfigMap configMap) {
        configMaps.add(configMap.getMetadata().getName());
        return client.configMaps().inNamespace(NAMESPACE).resource(configMap).create();
    }

    protected Secret create(Secret secret) {
        secrets.add(secret.getMetadata().getName());
        return client.secrets().inNamespace(NAMESPACE).resource(secret).create();
    }

    protected static ConfigMapBuilder configMap(String name) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(NAMESPACE)
                .addToLabels(LABEL, "true").endMetadata();
    }

    protected static SecretBuilder secret(String name) {
        return new SecretBuilder().withNewMetadata().withName(name).withNamespace(NAMESPACE)
                .addToLabels(LABEL, "true").endMetadata();
    }

    private void cleanUp() {
        for (String pod : pods) {
            try {
                client.pods().inNamespace(NAMESPACE).withName(pod).withGracePeriod(0).delete();
            } catch (KubernetesClientException e) {
                System.err.println("cleanup: cannot delete pod " + pod + ": " + e.getMessage());
            }
        }
        configMaps.forEach(name -> quietly(() -> client.configMaps().inNamespace(NAMESPACE).withName(name).delete()));
        secrets.forEach(name -> quietly(() -> client.secrets().inNamespace(NAMESPACE).withName(name).delete()));
        pods.clear();
        configMaps.clear();
        secrets.clear();
    }

    private static void quietly(Runnable delete) {
        try {
            delete.run();
        } catch (KubernetesClientException e) {
            System.err.println("cleanup: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // reading

    protected static Pod get(String pod) {
        return client.pods().inNamespace(NAMESPACE).withName(pod).get();
    }

    static String phase(Pod pod) {
        return pod == null || pod.getStatus() == null ? null : pod.getStatus().getPhase();
    }

    /** The status of a container or init container of the pod. */
    static Optional<ContainerStatus> status(Pod pod, String container) {
        if (pod == null || pod.getStatus() == null) {
            return Optional.empty();
        }
        return Stream.concat(Stream.ofNullable(pod.getStatus().getInitContainerStatuses()).flatMap(List::stream),
                        Stream.ofNullable(pod.getStatus().getContainerStatuses()).flatMap(List::stream))
                .filter(s -> container.equals(s.getName())).findFirst();
    }

    static Optional<ContainerStateTerminated> terminated(Pod pod, String container) {
        return status(pod, container).map(ContainerStatus::getState).map(s -> s.getTerminated());
    }

    static boolean running(Pod pod, String container) {
        return status(pod, container).map(ContainerStatus::getState).map(s -> s.getRunning() != null).orElse(false);
    }

    static String waitingReason(Pod pod, String container) {
        return status(pod, container).map(ContainerStatus::getState).map(s -> s.getWaiting())
                .map(w -> w.getReason()).orElse(null);
    }

    /** The pod's Events, oldest first (the suite's namespace is small: filtered here, not by a field selector). */
    protected static List<Event> events(String pod) {
        return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                .filter(e -> "Pod".equals(e.getInvolvedObject().getKind())
                        && pod.equals(e.getInvolvedObject().getName()))
                .sorted(Comparator.comparing(E2ESupport::eventTime)).toList();
    }

    private static String eventTime(Event e) {
        return Stream.of(e.getLastTimestamp(), e.getEventTime() == null ? null : e.getEventTime().getTime(),
                e.getFirstTimestamp(), e.getMetadata().getCreationTimestamp()).filter(Objects::nonNull)
                .findFirst().orElse("");
    }

    protected static boolean hasEvent(List<Event> events, String type, String reason, String container) {
        return events.stream().anyMatch(e -> type.equals(e.getType()) && reason.equals(e.getReason())
                && (container == null || fieldPathNames(e, container)));
    }

    private static boolean fieldPathNames(Event e, String container) {
        String path = e.getInvolvedObject().getFieldPath();
        return path != null && path.endsWith("{" + container + "}");
    }

    /** The container's log, read through the API server (the pods/log subresource). */
    protected static String log(String pod, String container) {
        return client.pods().inNamespace(NAMESPACE).withName(pod).inContainer(container).getLog();
    }

    /** Waits until the container's log, read through the API server, satisfies the condition. */
    protected static String awaitLog(String pod, String container, String what, Predicate<String> condition) {
        return awaitLog(pod, container, what, () -> log(pod, container), condition);
    }

    /** Waits until a log read the given way (tail, timestamps, previous) satisfies the condition. */
    protected static String awaitLog(String pod, String container, String what, Supplier<String> read,
            Predicate<String> condition) {
        return awaitLog(pod, container, what, read, condition, TIMEOUT);
    }

    /** As {@link #awaitLog(String, String, String, Supplier, Predicate)}, with a deadline of its own. */
    protected static String awaitLog(String pod, String container, String what, Supplier<String> read,
            Predicate<String> condition, Duration timeout) {
        String[] last = {null};
        String[] error = {null};
        await("the log of " + pod + "/" + container + " to " + what, timeout, () -> {
            try {
                last[0] = read.get();
                error[0] = null;
                return last[0];
            } catch (KubernetesClientException e) {
                error[0] = e.getCode() + " " + e.getMessage();
                return null;
            }
        }, log -> log != null && condition.test(log),
                () -> (error[0] != null ? "reading the log through the API server fails: " + error[0]
                        : "the log is:\n" + shorten(last[0])) + "\n" + describe(pod));
        return last[0];
    }

    // ---------------------------------------------------------------------------------------------
    // waiting

    /** Waits until the pod satisfies the condition; fails with its description after the deadline. */
    protected static Pod awaitPod(String pod, String what, Predicate<Pod> condition) {
        return awaitPod(pod, what, TIMEOUT, condition);
    }

    protected static Pod awaitPod(String pod, String what, Duration timeout, Predicate<Pod> condition) {
        return await("pod " + pod + " to " + what, timeout, () -> get(pod), p -> p != null && condition.test(p),
                () -> describe(pod));
    }

    /** Waits until the pod reached Succeeded or Failed. */
    protected static Pod awaitPhase(String pod, String phase) {
        return awaitPod(pod, "reach phase " + phase, p -> {
            String now = phase(p);
            if (!phase.equals(now) && ("Succeeded".equals(now) || "Failed".equals(now))) {
                throw new AssertionError("pod " + pod + " ended " + now + ", not " + phase + "\n" + describe(pod));
            }
            return phase.equals(now);
        });
    }

    /** Waits until the pod's events satisfy the condition. */
    protected static List<Event> awaitEvents(String pod, String what, Predicate<List<Event>> condition) {
        return awaitEvents(pod, what, condition, TIMEOUT);
    }

    /** As {@link #awaitEvents(String, String, Predicate)}, with a deadline of its own. */
    protected static List<Event> awaitEvents(String pod, String what, Predicate<List<Event>> condition,
            Duration timeout) {
        return await("events of " + pod + " to show " + what, timeout, () -> events(pod), condition,
                () -> describe(pod));
    }

    /**
     * Polls {@code probe} until {@code done} holds or the deadline passes; then fails with
     * {@code what} and the {@code state} at that moment. Returns the probe's last value.
     */
    protected static <T> T await(String what, Duration timeout, Supplier<T> probe, Predicate<T> done,
            Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = probe.get();
            if (done.test(value)) {
                return value;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what + "\n"
                        + state.get());
            }
            try {
                Thread.sleep(POLL.toMillis()); // the poll interval; the deadline is what bounds the wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    /**
     * Polls {@code probe} for {@code during}: {@code condition} must hold every time; fails at once,
     * with {@code what} and the {@code state}, when it does not. For what must not happen (a second
     * CSR, a restart), an observation window is the only way to tell.
     */
    protected static <T> void holdsFor(String what, Duration during, Supplier<T> probe, Predicate<T> condition,
            Supplier<String> state) {
        long end = System.nanoTime() + during.toNanos();
        while (true) {
            T value = probe.get();
            if (!condition.test(value)) {
                throw new AssertionError("expected " + what + " for " + during.toSeconds() + " s, but: " + value + "\n"
                        + state.get());
            }
            if (System.nanoTime() - end > 0) {
                return;
            }
            try {
                Thread.sleep(POLL.toMillis()); // the poll interval of an observation window
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while watching " + what);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // describing

    /** The pod's phase, conditions, container statuses and Events, as `kubectl describe` would show. */
    protected static String describe(String name) {
        StringBuilder out = new StringBuilder("--- pod ").append(NAMESPACE).append('/').append(name);
        try {
            Pod pod = get(name);
            if (pod == null) {
                out.append(": not found\n");
            } else {
                out.append(" on node ").append(pod.getSpec().getNodeName()).append('\n')
                        .append(Serialization.asYaml(pod.getStatus()));
            }
            out.append("--- events of ").append(name).append('\n');
            for (Event e : events(name)) {
                out.append(String.format("  %-8s %-18s %-28s %s (x%s, %s)%n", e.getType(), e.getReason(),
                        Objects.toString(e.getInvolvedObject().getFieldPath(), ""), e.getMessage(),
                        Objects.toString(e.getCount(), "1"), eventTime(e)));
            }
        } catch (KubernetesClientException e) {
            out.append(": cannot describe: ").append(e.getMessage()).append('\n');
        }
        return out.toString();
    }

    /** At most the last 4000 characters of a log, for messages. */
    static String shorten(String log) {
        return log == null || log.length() <= 4000 ? log : "[...]" + log.substring(log.length() - 4000);
    }

    static String lines(String... lines) {
        return Stream.of(lines).map(l -> l + "\n").collect(Collectors.joining());
    }
}
