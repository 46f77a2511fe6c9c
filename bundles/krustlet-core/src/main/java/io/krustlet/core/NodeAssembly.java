package io.krustlet.core;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.api.ContainerUsage;
import io.krustlet.bootstrap.NodeAddresses;
import io.krustlet.core.cluster.CurrentApiObjects;
import io.krustlet.core.config.KubeletConfig;
import io.krustlet.core.config.KubeletSettings;
import io.krustlet.core.config.SettingsChange;
import io.krustlet.core.lifecycle.ActiveDeadlines;
import io.krustlet.core.lifecycle.NetworkProber;
import io.krustlet.core.lifecycle.PodEventLog;
import io.krustlet.core.lifecycle.PodEvents;
import io.krustlet.core.lifecycle.PodWorker;
import io.krustlet.core.lifecycle.PodWorkers;
import io.krustlet.core.lifecycle.RuntimeBinding;
import io.krustlet.core.lifecycle.RuntimeContainerLauncher;
import io.krustlet.core.lifecycle.SystemTimers;
import io.krustlet.core.lifecycle.WorkerServices;
import io.krustlet.core.logs.ContainerLogs;
import io.krustlet.core.modules.ImageModuleResolver;
import io.krustlet.core.modules.LocalModuleResolver;
import io.krustlet.core.pod.NodeInfo;
import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.runtime.RuntimeRegistry;
import io.krustlet.core.standalone.StaticPodSource;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.KubeletNode;
import io.krustlet.core.status.KubeletPods;
import io.krustlet.core.status.NodeMemory;
import io.krustlet.core.status.NodeSnapshot;
import io.krustlet.core.status.PodEvent;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.PodStatusListener;
import io.krustlet.core.status.ProviderSnapshot;
import io.krustlet.core.volumes.VolumeManager;
import io.krustlet.oci.ImageService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's parts, built from its settings and wired together: pod workers, container launches,
 * logs, volumes, probes, static pods from the manifest folder and the {@link ClusterMembership}.
 * The {@link Kubelet} DS component runs one inside Karaf; tests and the bench run one on a plain
 * class path ({@link #builder(KubeletSettings)}). It answers what the shell and the HTTPS API ask
 * ({@link KubeletPods}, {@link KubeletNode}).
 *
 * <p>Threading: {@link Builder#start()} and {@link #close()} are called once each, by one thread
 * (DS's activating thread, or a test's); {@link #reconfigure} by one thread at a time, between
 * them; the query methods by any thread, without blocking on pods or the API server. Providers
 * come and go through the {@link RuntimeRegistry} given to the builder, from any thread.
 */
public final class NodeAssembly implements KubeletPods, KubeletNode, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeAssembly.class);
    private static final Duration SHUTDOWN_GRACE_CAP = Duration.ofSeconds(30);
    /** How often emptyDir sizeLimits are checked (the kubelet's eviction manager runs every 10 s). */
    private static final Duration EVICTION_CHECK = Duration.ofSeconds(10);
    /** Launches running at once (see {@link #launchPool()}). */
    static final int LAUNCH_THREADS = 16;

    private volatile KubeletSettings settings;
    private final RuntimeRegistry runtimes;
    private final String nodeIP;
    private final SystemTimers timers = new SystemTimers();
    private final AtomicInteger launchThreads = new AtomicInteger();
    private final ExecutorService launches = launchPool();
    /** Runs readiness and liveness checks (their HTTP clients and TCP connects). */
    private final ExecutorService probes = Executors.newCachedThreadPool(daemon("krustlet-probe"));
    private final ScheduledExecutorService volumeTimers = Executors.newSingleThreadScheduledExecutor(
            daemon("krustlet-volumes"));
    private final PodEventLog eventLog = new PodEventLog(Clock.systemUTC());
    private final CurrentApiObjects apiObjects = new CurrentApiObjects();
    private final ContainerLogs logs;
    private final VolumeManager volumes;
    private final PodWorkers pods;
    private final ClusterMembership membership;
    private final NodeView nodeView;
    private final RuntimeRegistry.Listener runtimeLabels = new RuntimeRegistry.Listener() {
        @Override
        public void runtimeAdded(String runtime) {
            membership.runtimesChanged();
        }

        @Override
        public void runtimeRemoving(String runtime, ContainerRuntime provider) {
            membership.runtimesChanged();
        }
    };
    private final LocalModuleResolver localModules;
    private volatile StaticPodSource staticPods;
    private ScheduledFuture<?> volumeRefresh;
    /** Restart-needing values already warned about, by key: a value is named in the log once. */
    private final Map<String, Object> pendingRestart = new HashMap<>();

    private NodeAssembly(Builder builder, KubernetesClient client) {
        KubeletSettings initial = builder.settings;
        this.settings = initial;
        this.runtimes = builder.runtimes;
        this.nodeIP = NodeAddresses.detect(initial.nodeIP(),
                client == null ? null : client.getConfiguration().getMasterUrl());
        this.logs = new ContainerLogs(initial.dataDir().resolve("logs"), initial.containerLogMaxSize(),
                initial.containerLogMaxFiles());
        this.localModules = new LocalModuleResolver(initial.allowLocalModules(), initial.localModuleRoot());
        var modules = new ImageModuleResolver(localModules, builder.images);
        var node = new NodeInfo(nodeIP, Runtime.getRuntime().availableProcessors() * 1000L,
                NodeMemory.read().capacityBytes());
        PodEvents podEvents = this::recordEvent;
        this.volumes = new VolumeManager(initial.dataDir().resolve("pods"), apiObjects, node, volumeTimers,
                Clock.systemUTC(), podEvents);
        var launcher = new RuntimeContainerLauncher(modules, volumes, logs, apiObjects, node, podEvents);
        var services = new WorkerServices(timers, runtimes::find, launcher, launches, podEvents,
                new NetworkProber(nodeIP, probes));
        this.pods = new PodWorkers((pod, prior, publisher) -> new PodWorker(pod, bindingOf(pod), prior, services,
                publisher));
        this.membership = new ClusterMembership(() -> this.settings, runtimes, pods, apiObjects,
                uid -> staticPods == null ? Optional.empty() : staticPods.manifest(uid), builder.credentialSerial);
        this.nodeView = new NodeView(() -> this.settings, nodeIP, runtimes, pods, new NodeView.Membership() {
            @Override
            public KubernetesClient client() {
                return membership.client();
            }

            @Override
            public boolean bootstrapping() {
                return membership.bootstrapping();
            }
        }, builder.incompatible);
    }

    /** An Event kept for the shell and, in a cluster, sent to the API server. */
    private void recordEvent(PodDefinition pod, String container, boolean warning, String reason, String message) {
        eventLog.record(pod, container, warning, reason, message);
        membership.events().record(pod, container, warning, reason, message);
    }

    /** Wires the parts to each other, joins or runs standalone, then takes static pods. */
    private NodeAssembly startParts(KubernetesClient client) {
        pods.addListener(new PodPhaseLogger());
        pods.addListener(new ActiveDeadlines(pods, timers));
        pods.onForget(volumes::release);
        pods.onForget(pod -> logs.removePod(pod.namespace(), pod.name(), pod.uid()));
        pods.onForget(pod -> eventLog.forget(pod.uid()));
        volumeTimers.scheduleWithFixedDelay(() -> pods.evictWhere(volumes::sizeLimitExceeded),
                EVICTION_CHECK.toSeconds(), EVICTION_CHECK.toSeconds(), TimeUnit.SECONDS);
        scheduleVolumeRefresh(settings.volumeRefresh());
        runtimes.addListener(pods);
        runtimes.addListener(runtimeLabels);
        membership.start(client, nodeIP);
        staticPods = startStaticPods(settings);
        return this;
    }

    /** The folder's watcher, or null when it cannot be watched (logged; the rest of the node runs). */
    private StaticPodSource startStaticPods(KubeletSettings current) {
        var source = new StaticPodSource(current.podManifestPath(), current.nodeName(), this::admitStaticPods,
                current.manifestRescan());
        try {
            source.start();
            return source;
        } catch (IOException e) {
            // the node stays up (shell, providers, later the API server's pods); only static pods are off
            LOG.error("Cannot watch the static pod folder {} (podManifestPath): {}; no static pods will run",
                    current.podManifestPath(), e.toString());
            return null;
        }
    }

    /** The settings the node runs with now. */
    public KubeletSettings settings() {
        return settings;
    }

    /** The node's cluster membership (join, rejoin, credential renewal). */
    ClusterMembership membership() {
        return membership;
    }

    /**
     * Stops the node: no more pods taken, every pod stopped within its grace period (at most
     * {@code 30 s}, then left), the last statuses written, the API server left, threads ended.
     * Blocks for up to about 40 s. Once only.
     */
    @Override
    public void close() {
        StaticPodSource source = staticPods;
        if (source != null) {
            source.close();
        }
        membership.stopWatching();
        runtimes.removeListener(runtimeLabels);
        runtimes.removeListener(pods);
        LOG.info("Kubelet stopping: stopping {} pods", pods.size());
        try {
            pods.stopAll(SHUTDOWN_GRACE_CAP).toCompletableFuture()
                    .get(SHUTDOWN_GRACE_CAP.toSeconds() + 5, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            LOG.warn("Some pods did not stop within {}s", SHUTDOWN_GRACE_CAP.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Interrupted while stopping pods");
        } catch (Exception e) {
            LOG.warn("Stopping pods failed", e);
        }
        membership.close();
        volumeTimers.shutdownNow();
        timers.close();
        launches.shutdownNow();
        probes.shutdownNow();
    }

    private synchronized void scheduleVolumeRefresh(Duration every) {
        if (volumeRefresh != null) {
            volumeRefresh.cancel(false);
        }
        long refresh = every.toMillis();
        volumeRefresh = volumeTimers.scheduleWithFixedDelay(this::refreshVolumes, refresh, refresh,
                TimeUnit.MILLISECONDS);
    }

    /**
     * Applies a new configuration to the running node without restarting any pod: each key that
     * can apply live does so now (see {@link SettingsChange#liveKeys()}); each that cannot is
     * named in a WARN line, once per value, with why, and the node keeps its running value until
     * it restarts. Pods keep running throughout: a new maxPods, defaultRuntime, log rotation or
     * module policy holds for pods and container runs admitted or started from now on; the Node
     * object follows (labels, capacity) by joining the API server again, as a certificate
     * renewal does. Called by one thread at a time (DS's); blocks while the manifest folder's
     * watcher is replaced (up to 5 s).
     *
     * @return what changed
     */
    public synchronized SettingsChange reconfigure(KubeletSettings configured) {
        SettingsChange change = SettingsChange.between(settings, configured);
        warnRestartNeeded(change);
        if (change.live().isEmpty()) {
            return change;
        }
        KubeletSettings before = settings;
        settings = change.effective();
        LOG.info("Kubelet configuration changed ({}); applied without restarting any pod",
                change.live().stream().map(key -> key + "=" + SettingsChange.value(key, settings)).toList());
        if (change.changed("containerLogMaxSize") || change.changed("containerLogMaxFiles")) {
            logs.rotate(settings.containerLogMaxSize(), settings.containerLogMaxFiles());
        }
        if (change.changed("allowLocalModules") || change.changed("localModuleRoot")) {
            localModules.allow(settings.allowLocalModules(), settings.localModuleRoot());
        }
        if (change.changed("volumeRefreshSeconds")) {
            scheduleVolumeRefresh(settings.volumeRefresh());
        }
        if (change.changed("podManifestPath") || change.changed("manifestRescanSeconds")
                || settings.maxPods() > before.maxPods()) {
            // a new watcher scans at once: static pods that maxPods held back start now
            StaticPodSource old = staticPods;
            if (old != null) {
                old.close();
            }
            staticPods = startStaticPods(settings);
        }
        if (change.changed("maxPods") || change.changed("defaultRuntime") || change.changed("nodeLabels")
                || change.changed("kubeAPIQPS") || change.changed("kubeAPIBurst")) {
            membership.rejoin("Kubelet configuration changed the Node or the API client");
        }
        return change;
    }

    private void warnRestartNeeded(SettingsChange change) {
        Map<String, Object> pending = new HashMap<>();
        for (SettingsChange.Restart restart : change.restartNeeded()) {
            pending.put(restart.key(), restart.configured());
            if (!Objects.equals(pendingRestart.get(restart.key()), restart.configured())) {
                LOG.warn("Kubelet configuration: {} changed from {} to {}; it applies only after a restart of the"
                        + " node (bundle io.krustlet.core or Karaf), because {}. The node keeps running with {}",
                        restart.key(), restart.running(), restart.configured(), restart.why(), restart.running());
            }
        }
        pendingRestart.clear();
        pendingRestart.putAll(pending);
    }

    /** The kubelet's periodic remount of configMap, secret, downwardAPI and projected volumes. */
    private void refreshVolumes() {
        for (PodDefinition pod : pods.active()) {
            try {
                volumes.refresh(pod);
            } catch (RuntimeException e) {
                LOG.warn("Refreshing the volumes of pod {} failed", pod.key(), e); // the next period tries again
            }
        }
    }

    /**
     * Admits static pods up to maxPods, in the folder's order. Admission is for new pods, as the
     * kubelet's: a pod the node already holds stays when maxPods is lowered below their count.
     * Only active pods count against maxPods: one that finished (Succeeded or Failed) keeps its
     * status and logs but no room, as the kubelet filters out inactive pods before its admission
     * (pkg/kubelet/lifecycle/predicate.go, {@code GeneralPredicates} over the active pods).
     */
    private void admitStaticPods(List<PodDefinition> desired) {
        int maxPods = settings.maxPods();
        List<PodDefinition> admitted = desired;
        if (desired.size() > maxPods) {
            Set<String> held = new HashSet<>();
            Set<String> active = new HashSet<>();
            for (PodSnapshot pod : pods.snapshots()) {
                held.add(pod.uid());
                if (!pod.status().phase().isTerminal()) {
                    active.add(pod.uid());
                }
            }
            long room = Math.max(0, maxPods - desired.stream().filter(pod -> active.contains(pod.uid())).count());
            List<PodDefinition> chosen = new ArrayList<>();
            for (PodDefinition pod : desired) {
                if (held.contains(pod.uid()) || room-- > 0) {
                    chosen.add(pod);
                }
            }
            if (chosen.size() < desired.size()) {
                LOG.error("{} static pods exceed maxPods={}; running {} (finished pods do not count)", desired.size(),
                        maxPods, chosen.size());
            }
            admitted = chosen;
        }
        pods.reconcile(StaticPodSource.SOURCE, admitted);
    }

    /**
     * The runtime a pod runs on: the default runtime without a runtimeClassName; a pod from the API
     * server through its RuntimeClass's handler; a static pod names the handler directly (it must
     * run without an API server, as in standalone mode).
     */
    private RuntimeBinding bindingOf(PodDefinition pod) {
        String className = pod.runtimeClassName();
        if (className == null) {
            return RuntimeBinding.fixed(settings.defaultRuntime());
        }
        if (StaticPodSource.SOURCE.equals(pod.source())) {
            var direct = RuntimeBinding.Resolution.of(className, className);
            return () -> direct;
        }
        return () -> membership.resolve(className);
    }

    // ---- KubeletPods ----

    @Override
    public String nodeName() {
        return settings.nodeName();
    }

    @Override
    public List<PodSnapshot> pods() {
        return pods.snapshots();
    }

    @Override
    public Optional<PodSnapshot> pod(String namespace, String name) {
        return pods.find(namespace, name);
    }

    @Override
    public Optional<Path> logFile(String namespace, String pod, String container, boolean previous) {
        return pods.find(namespace, pod).flatMap(p -> p.status().container(container)
                .flatMap(c -> logs.existing(namespace, pod, p.uid(), container, attempt(c, previous))));
    }

    private static int attempt(ContainerStatus status, boolean previous) {
        return previous ? status.restartCount() - 1 : status.restartCount();
    }

    @Override
    public Optional<ContainerUsage> usage(String namespace, String pod, String container) {
        return pods.usage(namespace, pod, container);
    }

    @Override
    public List<PodEvent> events(String namespace, String pod) {
        return pods.find(namespace, pod).map(p -> eventLog.events(p.uid())).orElse(List.of());
    }

    @Override
    public void addListener(PodStatusListener listener) {
        pods.addListener(listener);
    }

    @Override
    public void removeListener(PodStatusListener listener) {
        pods.removeListener(listener);
    }

    // ---- KubeletNode ----

    @Override
    public NodeSnapshot node() {
        return nodeView.node();
    }

    @Override
    public List<ProviderSnapshot> providers() {
        return nodeView.providers();
    }

    @Override
    public String runtimeClassManifests() {
        return nodeView.runtimeClassManifests();
    }

    @Override
    public List<String> applyRuntimeClasses() {
        return nodeView.applyRuntimeClasses();
    }

    public static Builder builder(KubeletSettings settings) {
        return new Builder(settings);
    }

    /** Settings from a {@link KubeletConfig}, this process's environment and system properties. */
    public static KubeletSettings settings(KubeletConfig config) {
        Map<String, String> props = new HashMap<>();
        System.getProperties().forEach((k, v) -> props.put(k.toString(), v.toString()));
        return KubeletSettings.from(config, System.getenv(), props);
    }

    /**
     * What a node is made of before it starts. Not thread-safe; used once.
     */
    public static final class Builder {
        private final KubeletSettings settings;
        private RuntimeRegistry runtimes = new RuntimeRegistry();
        private Supplier<ImageService> images = () -> null;
        private Supplier<List<ProviderSnapshot>> incompatible = List::of;
        private String credentialSerial = "";

        private Builder(KubeletSettings settings) {
            this.settings = settings;
        }

        /** The registry providers are bound to (DS binds them before the node starts); default: a new one. */
        public Builder runtimes(RuntimeRegistry registry) {
            this.runtimes = registry;
            return this;
        }

        /**
         * Adds a provider serving {@code runtime}, as a service with {@code krustlet.runtime} would
         * (its service id: the provider's identity hash, enough to tell providers apart here).
         */
        public Builder runtime(String runtime, ContainerRuntime provider) {
            runtimes.add(provider, Map.of(ContainerRuntime.RUNTIME_PROPERTY, runtime,
                    "service.id", (long) System.identityHashCode(provider)));
            return this;
        }

        /** The registry client, read at each pull (null: fs/ images only); default: none. */
        public Builder images(Supplier<ImageService> images) {
            this.images = images;
            return this;
        }

        /** Provider bundles the node refused, for {@link KubeletNode#providers()}; default: none. */
        public Builder incompatibleProviders(Supplier<List<ProviderSnapshot>> incompatible) {
            this.incompatible = incompatible;
            return this;
        }

        /** The client certificate serial the TLS bootstrap reported before the node started. */
        public Builder credentialSerial(String serial) {
            this.credentialSerial = serial;
            return this;
        }

        /**
         * Builds the parts, joins the cluster the kubeconfig names (or runs standalone: no
         * kubeconfig, or one that cannot be used, logged at ERROR) and starts watching the
         * manifest folder. Reads the kubeconfig; does not wait for pods or the API server.
         *
         * @throws IOException the data directory cannot be created
         */
        public NodeAssembly start() throws IOException {
            Files.createDirectories(settings.dataDir());
            KubernetesClient client = ClusterMembership.connect(settings, runtimes);
            return new NodeAssembly(this, client).startParts(client);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Where container launches run (a pull, a compile, a module's instantiation): at most
     * {@value #LAUNCH_THREADS} at once, the rest queued in order, threads ending after a minute
     * idle. Unbounded, a burst of pods (10,000 static manifests at once) made a thread per queued
     * launch, thousands, which then competed for the same two cores. The kubelet itself pulls one
     * image at a time by default (serializeImagePulls).
     */
    private ExecutorService launchPool() {
        var pool = new ThreadPoolExecutor(LAUNCH_THREADS, LAUNCH_THREADS, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "krustlet-launch-" + launchThreads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
