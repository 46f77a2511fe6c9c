package io.krustlet.core;

import io.krustlet.api.ContainerRuntime;
import io.krustlet.core.cluster.ClusterNode;
import io.krustlet.core.cluster.CurrentApiObjects;
import io.krustlet.bootstrap.NodeAddresses;
import io.krustlet.bootstrap.NodeCredentials;
import io.krustlet.bootstrap.NodeKubeconfig;
import io.krustlet.core.cluster.NodeEnvironment;
import io.krustlet.core.pod.ApiObjects;
import io.krustlet.core.pod.NodeInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.krustlet.core.lifecycle.PodEvents;
import io.krustlet.core.config.KubeletConfig;
import io.krustlet.core.config.KubeletSettings;
import io.krustlet.core.lifecycle.NetworkProber;
import io.krustlet.core.lifecycle.PodWorker;
import io.krustlet.core.lifecycle.PodWorkers;
import io.krustlet.core.lifecycle.RuntimeContainerLauncher;
import io.krustlet.core.lifecycle.SystemTimers;
import io.krustlet.core.logs.ContainerLogs;
import io.krustlet.core.modules.ImageModuleResolver;
import io.krustlet.core.modules.LocalModuleResolver;
import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.runtime.ProviderIdentity;
import io.krustlet.core.runtime.RuntimeRegistry;
import io.krustlet.core.cluster.RuntimeClasses;
import io.krustlet.core.lifecycle.RuntimeBinding;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import io.krustlet.core.standalone.StaticPodSource;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.KubeletPods;
import io.krustlet.core.status.KubeletNode;
import io.krustlet.core.status.NodeSnapshot;
import io.krustlet.core.status.ProviderSnapshot;
import io.krustlet.core.lifecycle.PodEventLog;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.PodStatusListener;
import io.krustlet.core.volumes.VolumeManager;
import io.krustlet.oci.ImageService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeoutException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet: owns the pod workers, tracks runtime providers through a dynamic reference and
 * feeds static pods from the manifest folder. A configuration change restarts it (pods are
 * stopped gracefully and started again with the new settings).
 */
@Component(configurationPid = KubeletConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {KubeletPods.class, KubeletNode.class}, immediate = true)
@Designate(ocd = KubeletConfig.class)
public final class Kubelet implements KubeletPods, KubeletNode {

    private static final Logger LOG = LoggerFactory.getLogger(Kubelet.class);
    private static final Duration SHUTDOWN_GRACE_CAP = Duration.ofSeconds(30);
    /** How often emptyDir sizeLimits are checked (the kubelet's eviction manager runs every 10 s). */
    private static final Duration EVICTION_CHECK = Duration.ofSeconds(10);

    /** Runs the registry's return window (a provider that left may come back as its successor). */
    private final java.util.concurrent.ScheduledExecutorService providerTimers =
            Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "krustlet-providers");
                t.setDaemon(true);
                return t;
            });
    private final RuntimeRegistry runtimes = new RuntimeRegistry(Kubelet::providerIdentity, this::later);
    private volatile RuntimeClasses runtimeClasses;
    private BundleContext bundleContext;
    private final org.osgi.framework.BundleListener uninstalls = event -> {
        if (event.getType() == org.osgi.framework.BundleEvent.UNINSTALLED) {
            runtimes.bundleUninstalled(event.getBundle().getBundleId());
        }
    };
    /** Launches running at once (see {@link #launchPool()}). */
    static final int LAUNCH_THREADS = 16;
    private final AtomicInteger launchThreads = new AtomicInteger();

    /** The registry client; without it the node runs fs/ images only. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ImageService images;

    private KubeletSettings settings;
    private ExecutorService launches;
    /** Runs readiness and liveness checks (their HTTP clients and TCP connects). */
    private ExecutorService probes;
    private SystemTimers timers;
    private ContainerLogs logs;
    private PodWorkers pods;
    private StaticPodSource staticPods;
    private final Object clusterLock = new Object();
    private final CurrentApiObjects apiObjects = new CurrentApiObjects();
    private volatile ClusterNode cluster;
    private volatile KubernetesClient clusterClient;
    private final PodEventLog eventLog = new PodEventLog(java.time.Clock.systemUTC());
    private IncompatibleProviders incompatible;
    private NodeView nodeView;
    private String nodeIP;
    private volatile ExecutorService rejoins;
    private volatile String credentialSerial = "";
    private String joinedSerial = "";
    private java.util.concurrent.ScheduledExecutorService volumeTimers;
    /** Standalone: none; in a cluster: the API server's Events. */
    private volatile PodEvents events = PodEvents.NONE;
    private final RuntimeRegistry.Listener runtimeLabels = new RuntimeRegistry.Listener() {
        @Override
        public void runtimeAdded(String runtime) {
            ClusterNode node = cluster;
            if (node != null) {
                node.runtimesChanged();
            }
        }

        @Override
        public void runtimeRemoving(String runtime, ContainerRuntime provider) {
            ClusterNode node = cluster;
            if (node != null) {
                node.runtimesChanged();
            }
        }
    };

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindRuntime(ContainerRuntime runtime, Map<String, Object> properties) {
        runtimes.add(runtime, properties);
    }

    void unbindRuntime(ContainerRuntime runtime, Map<String, Object> properties) {
        runtimes.remove(runtime, properties);
    }

    /**
     * Where container launches run (a pull, a compile, a module's instantiation): at most
     * {@value #LAUNCH_THREADS} at once, the rest queued in order, threads ending after a minute
     * idle. Unbounded, a burst of pods (10,000 static manifests at once) made a thread per queued
     * launch, thousands, which then competed for the same two cores. The kubelet itself pulls one
     * image at a time by default (serializeImagePulls).
     */
    private ExecutorService launchPool() {
        var pool = new java.util.concurrent.ThreadPoolExecutor(LAUNCH_THREADS, LAUNCH_THREADS, 60, TimeUnit.SECONDS,
                new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "krustlet-launch-" + launchThreads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** Runs a registry timer; after deactivation (DS unbinds providers then) nothing is left to time. */
    private void later(Duration delay, Runnable task) {
        try {
            providerTimers.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("Provider timer after deactivation ignored");
        }
    }

    /** The bundle behind a provider service, from the framework; unknown outside OSGi. */
    private static ProviderIdentity providerIdentity(long bundleId) {
        Bundle own = FrameworkUtil.getBundle(Kubelet.class);
        Bundle bundle = own == null || own.getBundleContext() == null ? null : own.getBundleContext().getBundle(bundleId);
        return bundle == null ? ProviderIdentity.unknown(bundleId)
                : new ProviderIdentity(bundleId, String.valueOf(bundle.getSymbolicName()), bundle.getVersion().toString());
    }

    /**
     * DS activation in a framework. Named apart from {@link #activate(KubeletConfig)}: with both
     * called {@code activate}, Felix SCR chose the one-argument overload, so the bundle listeners
     * below (uninstalled providers, incompatible providers) were never registered.
     */
    @Activate
    void activateInFramework(KubeletConfig config, BundleContext context) throws IOException {
        bundleContext = context;
        context.addBundleListener(uninstalls);
        incompatible = new IncompatibleProviders(context);
        incompatible.start();
        activate(config);
    }

    void activate(KubeletConfig config) throws IOException {
        try {
            settings = KubeletSettings.from(config, System.getenv(), systemProperties());
        } catch (IllegalArgumentException e) {
            LOG.error("Invalid kubelet configuration: {}", e.getMessage());
            throw e;
        }
        Files.createDirectories(settings.dataDir());
        timers = new SystemTimers();
        logs = new ContainerLogs(settings.dataDir().resolve("logs"), settings.containerLogMaxSize(),
                settings.containerLogMaxFiles());
        launches = launchPool();
        var modules = new ImageModuleResolver(
                new LocalModuleResolver(settings.allowLocalModules(), settings.localModuleRoot()), () -> images);
        KubernetesClient client = connect();
        nodeIP = NodeAddresses.detect(settings.nodeIP(),
                client == null ? null : client.getConfiguration().getMasterUrl());
        var node = new NodeInfo(nodeIP, Runtime.getRuntime().availableProcessors() * 1000L,
                Runtime.getRuntime().maxMemory());
        volumeTimers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "krustlet-volumes");
            t.setDaemon(true);
            return t;
        });
        PodEvents podEvents = (pod, container, warning, reason, message) -> {
            eventLog.record(pod, container, warning, reason, message);
            events.record(pod, container, warning, reason, message);
        };
        var volumes = new VolumeManager(settings.dataDir().resolve("pods"), apiObjects, node, volumeTimers,
                java.time.Clock.systemUTC(), podEvents);
        var launcher = new RuntimeContainerLauncher(modules, volumes, logs, apiObjects, node, podEvents);
        probes = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "krustlet-probe");
            t.setDaemon(true);
            return t;
        });
        var services = new PodWorker.Services(timers, runtimes::find, launcher, launches, podEvents,
                new NetworkProber(nodeIP, probes));
        pods = new PodWorkers((pod, prior, publisher) -> new PodWorker(pod, bindingOf(pod), prior, services,
                publisher));
        pods.addListener(new PodPhaseLogger());
        pods.addListener(new io.krustlet.core.lifecycle.ActiveDeadlines(pods, timers));
        pods.onForget(volumes::release);
        pods.onForget(pod -> logs.removePod(pod.namespace(), pod.name(), pod.uid()));
        pods.onForget(pod -> eventLog.forget(pod.uid()));
        volumeTimers.scheduleWithFixedDelay(() -> pods.evictWhere(volumes::sizeLimitExceeded),
                EVICTION_CHECK.toSeconds(), EVICTION_CHECK.toSeconds(), TimeUnit.SECONDS);
        long refresh = settings.volumeRefresh().toMillis();
        volumeTimers.scheduleWithFixedDelay(() -> refreshVolumes(volumes), refresh, refresh, TimeUnit.MILLISECONDS);
        runtimes.addListener(pods);
        runtimes.addListener(runtimeLabels);
        if (client != null) {
            synchronized (clusterLock) {
                join(client);
            }
        } else {
            LOG.info("Kubelet {} starting in standalone mode (data {}, runtimes present: {})", settings.nodeName(),
                    settings.dataDir(), runtimes.runtimes());
        }
        rejoins = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "krustlet-cluster-credentials");
            t.setDaemon(true);
            return t;
        });
        if (!credentialSerial.equals(joinedSerial)) {
            rejoins.execute(this::followCredentials); // credentials that came while activating
        }
        nodeView = new NodeView(settings, nodeIP, runtimes, pods, new NodeView.Membership() {
            @Override
            public KubernetesClient client() {
                return clusterClient;
            }

            @Override
            public boolean bootstrapping() {
                return clusterClient == null && !settings.bootstrapFile().isBlank();
            }
        }, () -> incompatible == null ? List.of() : incompatible.snapshots());
        staticPods = new StaticPodSource(settings.podManifestPath(), settings.nodeName(),
                this::admitStaticPods, settings.manifestRescan());
        try {
            staticPods.start();
        } catch (IOException e) {
            // the node stays up (shell, providers, later the API server's pods); only static pods are off
            LOG.error("Cannot watch the static pod folder {} (podManifestPath): {}; no static pods will run",
                    settings.podManifestPath(), e.toString());
        }
    }

    /** Joins with {@code client}: the Node, its Lease, the pods bound to it, their status and Events. */
    private void join(KubernetesClient client) {
        cluster = new ClusterNode(client, settings, nodeIP, NodeEnvironment.of(settings.dataDir()), pods, runtimes::versions,
                uid -> staticPods == null ? Optional.empty() : staticPods.manifest(uid), java.time.Clock.systemUTC());
        apiObjects.use(cluster.apiObjects());
        events = cluster.events();
        joinedSerial = credentialSerial;
        clusterClient = client;
        var classes = new RuntimeClasses(client, () -> pods.runtimeClassesChanged());
        classes.start();
        runtimeClasses = classes;
        cluster.start();
    }

    /**
     * The TLS bootstrap has a kubeconfig for the node: the first one (the node was standalone,
     * waiting for it) or one with a renewed client certificate. fabric8 reads the certificate
     * only when a client is built, so the node's client is built again; pods keep running.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, updated = "credentialsUpdated")
    void bindCredentials(NodeCredentials credentials, Map<String, Object> properties) {
        credentialsUpdated(credentials, properties);
    }

    void credentialsUpdated(NodeCredentials credentials, Map<String, Object> properties) {
        credentialSerial = String.valueOf(properties.get(NodeCredentials.CLIENT_CERTIFICATE_SERIAL));
        ExecutorService rejoins = this.rejoins;
        if (rejoins != null) {
            rejoins.execute(this::followCredentials);
        }
    }

    void unbindCredentials(NodeCredentials credentials, Map<String, Object> properties) {
        // the kubeconfig stays where it is; the node keeps using it
    }

    private void followCredentials() {
        synchronized (clusterLock) {
            if (pods == null || credentialSerial.equals(joinedSerial)) {
                return;
            }
            if (cluster != null) {
                LOG.info("Node client certificate renewed (serial {}); reconnecting to the API server", credentialSerial);
                cluster.stopWatching();
                cluster.close();
                cluster = null;
                clusterClient = null;
                events = PodEvents.NONE;
                closeRuntimeClasses();
            }
            KubernetesClient client = connect();
            if (client != null) {
                join(client);
            }
        }
    }

    /**
     * A client for the cluster the kubeconfig names, or null to run standalone. A kubeconfig
     * that cannot be used is an error in the log and the node runs standalone: its static pods
     * must not suffer from a typo.
     */
    private KubernetesClient connect() {
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

    @Deactivate
    void deactivate() {
        ExecutorService credentialFollower = rejoins;
        rejoins = null;
        if (credentialFollower != null) {
            credentialFollower.shutdownNow();
        }
        if (staticPods != null) {
            staticPods.close();
        }
        synchronized (clusterLock) {
            if (cluster != null) {
                cluster.stopWatching();
            }
        }
        runtimes.removeListener(runtimeLabels);
        if (pods != null) {
            runtimes.removeListener(pods);
            LOG.info("Kubelet stopping: stopping {} pods", pods.size());
            try {
                pods.stopAll(SHUTDOWN_GRACE_CAP).toCompletableFuture()
                        .get(SHUTDOWN_GRACE_CAP.toSeconds() + 5, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                LOG.warn("Some pods did not stop within {}s", SHUTDOWN_GRACE_CAP.toSeconds());
            } catch (Exception e) {
                LOG.warn("Stopping pods failed", e);
            }
        }
        synchronized (clusterLock) {
            if (cluster != null) {
                cluster.close();
                cluster = null;
                clusterClient = null;
            }
            closeRuntimeClasses();
            events = PodEvents.NONE;
            apiObjects.use(null);
        }
        if (bundleContext != null) {
            bundleContext.removeBundleListener(uninstalls);
            incompatible.stop();
        }
        providerTimers.shutdownNow();
        if (volumeTimers != null) {
            volumeTimers.shutdownNow();
        }
        if (timers != null) {
            timers.close();
        }
        if (launches != null) {
            launches.shutdownNow();
        }
        if (probes != null) {
            probes.shutdownNow();
        }
    }

    /** The kubelet's periodic remount of configMap, secret, downwardAPI and projected volumes. */
    private void refreshVolumes(VolumeManager volumes) {
        for (PodDefinition pod : pods.active()) {
            try {
                volumes.refresh(pod);
            } catch (RuntimeException e) {
                LOG.warn("Refreshing the volumes of pod {} failed", pod.key(), e); // the next period tries again
            }
        }
    }

    private void admitStaticPods(List<PodDefinition> desired) {
        List<PodDefinition> admitted = desired;
        if (desired.size() > settings.maxPods()) {
            LOG.error("{} static pods exceed maxPods={}; running the first {}", desired.size(), settings.maxPods(),
                    settings.maxPods());
            admitted = desired.subList(0, settings.maxPods());
        }
        pods.reconcile(StaticPodSource.SOURCE, admitted);
    }

    private void closeRuntimeClasses() {
        RuntimeClasses classes = runtimeClasses;
        runtimeClasses = null;
        if (classes != null) {
            classes.close();
        }
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
        return () -> {
            RuntimeClasses classes = runtimeClasses;
            return classes == null ? RuntimeBinding.Resolution.of(className, className) : classes.resolve(className);
        };
    }

    private static Map<String, String> systemProperties() {
        Map<String, String> props = new HashMap<>();
        System.getProperties().forEach((k, v) -> props.put(k.toString(), v.toString()));
        return props;
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
    public Optional<io.krustlet.api.ContainerUsage> usage(String namespace, String pod, String container) {
        return pods.usage(namespace, pod, container);
    }

    @Override
    public List<io.krustlet.core.status.PodEvent> events(String namespace, String pod) {
        return pods.find(namespace, pod).map(p -> eventLog.events(p.uid())).orElse(List.of());
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

    @Override
    public void addListener(PodStatusListener listener) {
        pods.addListener(listener);
    }

    @Override
    public void removeListener(PodStatusListener listener) {
        pods.removeListener(listener);
    }

    /** Logs each pod's phase changes, the way a kubelet user follows them. */
    private static final class PodPhaseLogger implements PodStatusListener {
        private final Map<String, String> last = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void statusChanged(PodSnapshot pod) {
            String summary = pod.status().phase() + describeWaiting(pod);
            String previous = last.put(pod.uid(), summary);
            if (!summary.equals(previous)) {
                LOG.info("Pod {} is {}", pod.key(), summary);
            }
        }

        @Override
        public void podRemoved(PodSnapshot pod) {
            last.remove(pod.uid());
        }

        private static String describeWaiting(PodSnapshot pod) {
            return pod.status().containerStatuses().stream()
                    .filter(c -> c.state() instanceof io.krustlet.core.status.ContainerState.Waiting w
                            && w.message() != null)
                    .map(c -> " (" + c.name() + ": " + c.state().summary() + ")")
                    .findFirst().orElse("");
        }
    }
}
