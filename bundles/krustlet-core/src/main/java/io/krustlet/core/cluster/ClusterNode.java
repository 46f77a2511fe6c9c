package io.krustlet.core.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.krustlet.core.config.KubeletSettings;
import io.krustlet.core.lifecycle.PodEvents;
import io.krustlet.core.lifecycle.PodWorkers;
import io.krustlet.core.pod.PodTranslator;
import io.krustlet.core.status.PodPhase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import io.fabric8.kubernetes.api.model.Pod;
import io.krustlet.core.status.Reasons;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's membership of a cluster: its Node and Lease, the pods bound to it, their status
 * and Events. Built when a kubeconfig is found; standalone nodes have none.
 */
public final class ClusterNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    private static final Duration SHUTDOWN_FLUSH = Duration.ofSeconds(10);
    /** How often pod statuses changed by others are written again (the kubelet's status manager syncBatch). */
    private static final Duration STATUS_RECONCILE = Duration.ofSeconds(10);

    private final KubernetesClient client;
    private final ScheduledExecutorService heartbeatThread = Executors.newSingleThreadScheduledExecutor(
            daemon("krustlet-node-heartbeat"));
    private final ScheduledExecutorService statusThread = Executors.newSingleThreadScheduledExecutor(
            daemon("krustlet-pod-status"));
    private final ScheduledExecutorService eventThread = Executors.newSingleThreadScheduledExecutor(
            daemon("krustlet-events"));
    /** Pod status writes block on the API server: one thread per write in flight. */
    private final java.util.concurrent.ExecutorService statusWriters = Executors.newFixedThreadPool(
            PodStatusWriter.MAX_IN_FLIGHT, numbered("krustlet-pod-status-"));
    private final NodeHeartbeat heartbeat;
    private final PodStatusWriter statusWriter;
    private final MirrorPods mirrorPods;
    private final EventRecorder events;
    /** Not final: the status writer, made before it, reads the informer's cache through it. */
    private volatile ApiPodSource pods;
    private final PodWorkers workers;
    private final String nodeName;

    /** What a node knows about itself that does not come from the settings. */
    public record Environment(String hostname, int cpus, long memoryBytes, long storageBytes, String kubeletVersion,
            String bootId) {
    }

    /**
     * @param staticPods the manifest of a static pod by uid, for its mirror pod
     */
    public ClusterNode(KubernetesClient client, KubeletSettings settings, String nodeIP, Environment environment,
            PodWorkers workers, Supplier<Map<String, String>> runtimes,
            Function<String, Optional<Pod>> staticPods, Clock clock) {
        this.client = client;
        this.workers = workers;
        this.nodeName = settings.nodeName();
        NodeFacts base = new NodeFacts(settings.nodeName(), environment.hostname(), nodeIP, settings.port(),
                environment.cpus(), environment.memoryBytes(), environment.storageBytes(), settings.maxPods(),
                NodeLabels.checkConfigured(settings.nodeLabels()), Map.of(), environment.kubeletVersion(),
                environment.bootId());
        this.heartbeat = new NodeHeartbeat(client, () -> base.withRuntimes(runtimes.get()), new NodePressure(settings.dataDir())::measure,
                heartbeatThread, clock, NodeHeartbeat.Intervals.KUBELET);
        this.statusWriter = new PodStatusWriter(client, nodeIP, statusThread, statusWriters,
                PodStatusWriter.MAX_IN_FLIGHT, PodStatusWriter.FIRST_WRITE_HOLD, (snapshot, apiPod) ->
                ApiPodSource.SOURCE.equals(snapshot.source()) ? snapshot.uid().equals(apiPod.getMetadata().getUid())
                        : MirrorPods.mirrors(snapshot, apiPod),
                (namespace, name) -> this.pods == null ? null : this.pods.cached(namespace, name));
        this.mirrorPods = new MirrorPods(client, settings.nodeName(), staticPods, statusThread, statusWriter::rewrite);
        this.events = new EventRecorder(client, settings.nodeName(), eventThread, clock);
        var admission = new PodAdmission(settings.maxPods(), environment.cpus() * 1000L, environment.memoryBytes());
        this.pods = new ApiPodSource(client, settings.nodeName(), nodeIP, settings.defaultRuntime(), workers,
                new PodTranslator(settings.nodeName()), admission, this::activePods, statusWriter, events, mirrorPods);
        LOG.info("Node {} joins the cluster at {} as {} (InternalIP {})", settings.nodeName(),
                client.getConfiguration().getMasterUrl(), settings.nodeName(), nodeIP);
    }

    /**
     * A client for the cluster a kubeconfig names, with the default client-side limit
     * (kubeAPIQPS 50, kubeAPIBurst 400); it contacts nobody until used.
     */
    public static KubernetesClient connect(Path kubeconfig) throws IOException {
        return connect(kubeconfig, ApiRateLimit.DEFAULT_QPS, ApiRateLimit.DEFAULT_BURST);
    }

    /**
     * A client for the cluster a kubeconfig names; it contacts nobody until used.
     *
     * @param qps requests per second it sends at most, sustained (the kubelet's kubeAPIQPS); events
     *     do not count
     * @param burst requests it may send at once after a quiet time (kubeAPIBurst)
     * @throws IllegalArgumentException qps not above 0 or burst below 1
     */
    public static KubernetesClient connect(Path kubeconfig, int qps, int burst) throws IOException {
        Config config = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
        // fail fast: the node's own loops retry with back-off and must not sit in one call for
        // minutes while the API server is away (fabric8 retries ten times by default)
        config.setRequestRetryBackoffLimit(1);
        var limit = new ApiRateLimit(qps, burst, ApiRateLimit.TimeSource.SYSTEM);
        return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory())
                .withHttpClientBuilderConsumer(builder -> builder.addOrReplaceInterceptor("kubeAPIQPS", limit))
                .build();
    }

    /** Registers, starts heartbeats and the pod watch; nothing here waits for the API server. */
    public void start() {
        workers.addListener(mirrorPods); // before the writer: a mirror exists before its status is written
        workers.addListener(statusWriter);
        workers.addListener(pods);
        heartbeat.start();
        events.recordNode(false, Reasons.STARTING, "Starting kubelet.");
        pods.start();
        statusThread.scheduleWithFixedDelay(() -> {
            try {
                statusWriter.reconcile();
            } catch (RuntimeException e) {
                LOG.warn("Reconciling pod statuses failed", e); // the next period tries again
            }
        }, STATUS_RECONCILE.toMillis(), STATUS_RECONCILE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** ConfigMaps, Secrets, tokens and pods of this cluster, read with the node's client and its pod informer. */
    public io.krustlet.core.pod.ApiObjects apiObjects() {
        return new KubernetesApiObjects(client, (namespace, name) -> pods.cached(namespace, name));
    }

    /** Where the pod workers report Events while the node is in a cluster. */
    public PodEvents events() {
        return events;
    }

    /** The runtimes changed: labels and node info follow at once. */
    public void runtimesChanged() {
        heartbeat.poke();
    }

    /** Stops taking pods from the API server; the pods themselves are the kubelet's to stop. */
    public void stopWatching() {
        pods.close();
    }

    private int activePods() {
        return (int) workers.snapshots().stream()
                .filter(p -> p.status().phase() != PodPhase.Succeeded && p.status().phase() != PodPhase.Failed)
                .count();
    }

    /** Writes the last pod statuses (the node's shutdown must be truthful), then lets go of the API server. */
    @Override
    public void close() {
        pods.close();
        statusWriter.flushAll(SHUTDOWN_FLUSH);
        workers.removeListener(mirrorPods);
        workers.removeListener(statusWriter);
        workers.removeListener(pods);
        heartbeat.close();
        heartbeatThread.shutdownNow();
        statusThread.shutdownNow();
        statusWriters.shutdownNow();
        eventThread.shutdown();
        client.close();
        LOG.info("Node {} left the API server", nodeName);
    }

    private static ThreadFactory numbered(String prefix) {
        var count = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
