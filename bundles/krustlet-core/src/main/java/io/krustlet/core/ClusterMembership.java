package io.krustlet.core;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.krustlet.bootstrap.NodeKubeconfig;
import io.krustlet.core.cluster.ClusterNode;
import io.krustlet.core.cluster.CurrentApiObjects;
import io.krustlet.core.cluster.NodeEnvironment;
import io.krustlet.core.cluster.RuntimeClasses;
import io.krustlet.core.config.KubeletSettings;
import io.krustlet.core.lifecycle.PodEvents;
import io.krustlet.core.lifecycle.PodWorkers;
import io.krustlet.core.lifecycle.RuntimeBinding;
import io.krustlet.core.runtime.RuntimeRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's membership of a cluster: joins it (the Node, its Lease, the pods bound to it, their
 * status and Events, the RuntimeClasses), joins again with a new client when the TLS bootstrap
 * renewed the client certificate or when a live setting the cluster side holds changed (labels,
 * maxPods, defaultRuntime, kubeAPIQPS/kubeAPIBurst), and leaves. Without a usable kubeconfig the
 * node is standalone and this object holds nothing. Joining again never touches the pods: the
 * pod workers are the assembly's; the new pod watch finds them by uid.
 *
 * <p>Threading: {@link #join(KubernetesClient)} runs on the activating thread; renewals and
 * rejoins run on one daemon thread ({@code krustlet-cluster-credentials}), one at a time, under
 * one lock with {@link #stopWatching()} and {@link #close()}. The other methods may be called
 * from any thread and do not block. A client that cannot be built is logged at ERROR and leaves
 * the node standalone: its static pods must not suffer from a typo in a kubeconfig.
 */
public final class ClusterMembership implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterMembership.class);

    private final Supplier<KubeletSettings> settings;
    private final RuntimeRegistry runtimes;
    private final PodWorkers pods;
    private final CurrentApiObjects apiObjects;
    private final Function<String, Optional<Pod>> staticManifests;
    private final Object lock = new Object();
    private final ExecutorService rejoins = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "krustlet-cluster-credentials");
        t.setDaemon(true);
        return t;
    });
    private String nodeIP;
    private volatile ClusterNode cluster;
    private volatile KubernetesClient client;
    private volatile RuntimeClasses runtimeClasses;
    private volatile String credentialSerial;
    private String joinedSerial = "";
    private boolean closed;
    /** A rejoin left the API server and did not join again: a later change tries again. */
    private boolean rejoinFailed;
    /** Where pod Events go: the API server's while joined, nowhere otherwise. */
    private final PodEvents events = (pod, container, warning, reason, message) -> {
        ClusterNode node = cluster;
        if (node != null) {
            node.events().record(pod, container, warning, reason, message);
        }
    };

    /**
     * @param settings the node's current settings (read again at every join)
     * @param credentialSerial the client certificate serial the TLS bootstrap reported so far, or empty
     * @param staticManifests the manifest of a static pod by uid, for its mirror pod
     */
    ClusterMembership(Supplier<KubeletSettings> settings, RuntimeRegistry runtimes, PodWorkers pods,
            CurrentApiObjects apiObjects, Function<String, Optional<Pod>> staticManifests, String credentialSerial) {
        this.settings = settings;
        this.runtimes = runtimes;
        this.pods = pods;
        this.apiObjects = apiObjects;
        this.staticManifests = staticManifests;
        this.credentialSerial = credentialSerial;
    }

    /**
     * A client for the cluster the kubeconfig names, or null to run standalone (no kubeconfig,
     * {@code none}, a TLS bootstrap not done yet, or a kubeconfig that cannot be used: an ERROR
     * in the log). Reads the kubeconfig file; contacts nobody.
     */
    static KubernetesClient connect(KubeletSettings settings, RuntimeRegistry runtimes) {
        try {
            var kubeconfig = NodeKubeconfig.locate(settings.kubeconfig(), System.getenv(),
                    Path.of(System.getProperty("user.home")));
            if (kubeconfig.isEmpty()) {
                return null;
            }
            if (!settings.bootstrapFile().isBlank() && !Files.isRegularFile(kubeconfig.get())) {
                LOG.info("Waiting for TLS bootstrap to write {}; standalone until then", kubeconfig.get());
                return null;
            }
            // a typo must not silently turn a cluster node into a standalone one
            NodeKubeconfig.requireFile(kubeconfig.get());
            LOG.info("Kubelet {} joining the cluster of {} (data {}, runtimes present: {})", settings.nodeName(),
                    kubeconfig.get(), settings.dataDir(), runtimes.runtimes());
            return ClusterNode.connect(kubeconfig.get(), settings.kubeAPIQPS(), settings.kubeAPIBurst());
        } catch (IOException | RuntimeException e) {
            LOG.error("Cannot join a cluster ({}); running standalone", e.getMessage());
            return null;
        }
    }

    /**
     * Joins with {@code client} (null: stays standalone and logs so) and catches up with a
     * certificate renewal that came while the node was activating. Does not wait for the API
     * server.
     *
     * @param nodeIP the node's InternalIP, as detected
     */
    void start(KubernetesClient client, String nodeIP) {
        synchronized (lock) {
            this.nodeIP = nodeIP;
            if (client != null) {
                join(client);
            } else {
                KubeletSettings current = settings.get();
                LOG.info("Kubelet {} starting in standalone mode (data {}, runtimes present: {})",
                        current.nodeName(), current.dataDir(), runtimes.runtimes());
            }
        }
        if (!credentialSerial.equals(joinedSerial)) {
            later(this::followCredentials);
        }
    }

    private void join(KubernetesClient client) {
        KubeletSettings current = settings.get();
        var node = new ClusterNode(client, current, nodeIP, NodeEnvironment.of(current.dataDir()), pods,
                runtimes::versions, staticManifests, Clock.systemUTC());
        cluster = node;
        apiObjects.use(node.apiObjects());
        joinedSerial = credentialSerial;
        this.client = client;
        var classes = new RuntimeClasses(client, pods::runtimeClassesChanged);
        classes.start();
        runtimeClasses = classes;
        node.start();
    }

    /**
     * The TLS bootstrap reports the node's client certificate (its first kubeconfig, or a renewed
     * certificate): fabric8 reads the certificate only when a client is built, so the node joins
     * again with a new client, in the background; pods keep running. The same serial twice is
     * ignored.
     */
    void credentialsChanged(String serial) {
        credentialSerial = serial;
        later(this::followCredentials);
    }

    /**
     * Leaves and joins again with a new client and the current settings, in the background
     * (pods keep running); standalone, nothing happens.
     *
     * @param why what changed, for the log
     */
    void rejoin(String why) {
        later(() -> {
            synchronized (lock) {
                if (closed || cluster == null && !rejoinFailed) {
                    return;
                }
                LOG.info("{}; joining the API server again", why);
                // a client first: a kubeconfig that cannot be read now must not cut the node off
                KubernetesClient next = connect(settings.get(), runtimes);
                if (next == null) {
                    return;
                }
                leave();
                rejoinFailed = true; // until the join below completes: the next change tries again
                join(next);
                rejoinFailed = false;
            }
        });
    }

    private void followCredentials() {
        synchronized (lock) {
            if (closed || credentialSerial.equals(joinedSerial)) {
                return;
            }
            if (cluster != null) {
                LOG.info("Node client certificate renewed (serial {}); reconnecting to the API server", credentialSerial);
                leave();
            }
            KubernetesClient next = connect(settings.get(), runtimes);
            if (next != null) {
                join(next);
            }
        }
    }

    private void leave() {
        ClusterNode node = cluster;
        if (node != null) {
            node.stopWatching();
            node.close();
        }
        cluster = null;
        client = null;
        closeRuntimeClasses();
    }

    private void later(Runnable task) {
        try {
            rejoins.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("Joining the API server again failed; the node runs standalone until the next"
                            + " configuration change or certificate renewal", e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("Cluster membership change after the node stopped ignored");
        }
    }

    /** Where the pod workers report Events: the API server while joined, nowhere otherwise. */
    PodEvents events() {
        return events;
    }

    /** The client the node is joined with, or null while standalone. */
    KubernetesClient client() {
        return client;
    }

    /** True while the node waits for the TLS bootstrap to give it a kubeconfig. */
    boolean bootstrapping() {
        return client == null && !settings.get().bootstrapFile().isBlank();
    }

    /** The runtime a RuntimeClass names: its handler; without an API server, the class name itself. */
    RuntimeBinding.Resolution resolve(String runtimeClass) {
        RuntimeClasses classes = runtimeClasses;
        return classes == null ? RuntimeBinding.Resolution.of(runtimeClass, runtimeClass) : classes.resolve(runtimeClass);
    }

    /** The runtimes changed: the Node's labels follow at once. */
    void runtimesChanged() {
        ClusterNode node = cluster;
        if (node != null) {
            node.runtimesChanged();
        }
    }

    /** Stops taking pods from the API server (the node is stopping them); statuses are still written. */
    void stopWatching() {
        rejoins.shutdownNow();
        synchronized (lock) {
            closed = true;
            if (cluster != null) {
                cluster.stopWatching();
            }
        }
    }

    /** Writes the last pod statuses and leaves the API server; blocks for that final flush. */
    @Override
    public void close() {
        rejoins.shutdownNow();
        synchronized (lock) {
            closed = true;
            leave();
            apiObjects.use(null);
        }
    }

    private void closeRuntimeClasses() {
        RuntimeClasses classes = runtimeClasses;
        runtimeClasses = null;
        if (classes != null) {
            classes.close();
        }
    }
}
