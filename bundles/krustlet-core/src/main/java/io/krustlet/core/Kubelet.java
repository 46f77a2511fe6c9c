package io.krustlet.core;

import io.krustlet.api.ContainerRuntime;
import io.krustlet.api.ContainerUsage;
import io.krustlet.bootstrap.NodeCredentials;
import io.krustlet.core.config.KubeletConfig;
import io.krustlet.core.config.KubeletSettings;
import io.krustlet.core.runtime.ProviderIdentity;
import io.krustlet.core.runtime.RuntimeRegistry;
import io.krustlet.core.status.KubeletNode;
import io.krustlet.core.status.KubeletPods;
import io.krustlet.core.status.NodeSnapshot;
import io.krustlet.core.status.PodEvent;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.PodStatusListener;
import io.krustlet.core.status.ProviderSnapshot;
import io.krustlet.oci.ImageService;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet as a Declarative Services component: binds runtime providers, the registry client
 * and the TLS bootstrap's credentials as they come and go, and runs one {@link NodeAssembly}
 * (the node's parts and its {@link ClusterMembership}) from activation to deactivation. It
 * answers the shell and the HTTPS API through the assembly.
 *
 * <p>Threading: DS calls activate, deactivate and the bind methods, each on a thread of its
 * choosing (providers may come and go while pods start). Deactivation blocks while pods stop
 * (at most about 40 s). An invalid configuration is logged at ERROR and fails activation. A
 * configuration change applies to the running node ({@link #modified}); no pod restarts.
 */
@Component(configurationPid = KubeletConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        service = {KubeletPods.class, KubeletNode.class}, immediate = true)
@Designate(ocd = KubeletConfig.class)
public final class Kubelet implements KubeletPods, KubeletNode {

    private static final Logger LOG = LoggerFactory.getLogger(Kubelet.class);

    /** Runs the registry's return window (a provider that left may come back as its successor). */
    private final ScheduledExecutorService providerTimers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "krustlet-providers");
        t.setDaemon(true);
        return t;
    });
    private final RuntimeRegistry runtimes = new RuntimeRegistry(Kubelet::providerIdentity, this::later);
    private final BundleListener uninstalls = event -> {
        if (event.getType() == BundleEvent.UNINSTALLED) {
            runtimes.bundleUninstalled(event.getBundle().getBundleId());
        }
    };
    private BundleContext bundleContext;
    private IncompatibleProviders incompatible;
    private volatile NodeAssembly assembly;
    private volatile String credentialSerial = "";

    /** The registry client; without it the node runs fs/ images only. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile ImageService images;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindRuntime(ContainerRuntime runtime, Map<String, Object> properties) {
        runtimes.add(runtime, properties);
    }

    void unbindRuntime(ContainerRuntime runtime, Map<String, Object> properties) {
        runtimes.remove(runtime, properties);
    }

    /** Runs a registry timer; after deactivation (DS unbinds providers then) nothing is left to time. */
    private void later(Duration delay, Runnable task) {
        try {
            providerTimers.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
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

    /**
     * Starts the node with {@code config} (outside a framework: tests).
     *
     * @throws IllegalArgumentException the configuration is invalid (also logged at ERROR)
     * @throws IOException the data directory cannot be created
     */
    void activate(KubeletConfig config) throws IOException {
        KubeletSettings settings;
        try {
            settings = NodeAssembly.settings(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Invalid kubelet configuration: {}", e.getMessage());
            throw e;
        }
        IncompatibleProviders refused = incompatible;
        assembly = NodeAssembly.builder(settings)
                .runtimes(runtimes)
                .images(() -> images)
                .incompatibleProviders(() -> refused == null ? List.of() : refused.snapshots())
                .credentialSerial(credentialSerial)
                .start();
        assembly.membership().credentialsChanged(credentialSerial); // one that came while starting
    }

    /**
     * Config Admin changed PID {@code io.krustlet.kubelet} (or it was deleted: every key back to
     * its default). Without this method DS would deactivate and activate the component again,
     * stopping and restarting every pod. Keys that can apply live do so; the others are named
     * in a WARN line and wait for the next restart ({@link NodeAssembly#reconfigure}). KRUSTLET_*
     * environment variables still win over the file. An invalid configuration is logged at
     * ERROR and ignored: the node keeps running with what it has.
     */
    @Modified
    void modified(KubeletConfig config) {
        KubeletSettings configured;
        try {
            configured = NodeAssembly.settings(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Invalid kubelet configuration: {}; the node keeps running with its current settings",
                    e.getMessage());
            return;
        }
        NodeAssembly current = assembly;
        if (current != null) {
            current.reconfigure(configured);
        }
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
        NodeAssembly current = assembly;
        if (current != null) {
            current.membership().credentialsChanged(credentialSerial);
        }
    }

    void unbindCredentials(NodeCredentials credentials, Map<String, Object> properties) {
        // the kubeconfig stays where it is; the node keeps using it
    }

    @Deactivate
    void deactivate() {
        NodeAssembly stopping = assembly;
        if (stopping != null) {
            stopping.close();
        }
        if (bundleContext != null) {
            bundleContext.removeBundleListener(uninstalls);
            incompatible.stop();
        }
        providerTimers.shutdownNow();
    }

    // ---- KubeletPods and KubeletNode: the running node's ----

    @Override
    public String nodeName() {
        return assembly.nodeName();
    }

    @Override
    public List<PodSnapshot> pods() {
        return assembly.pods();
    }

    @Override
    public Optional<PodSnapshot> pod(String namespace, String name) {
        return assembly.pod(namespace, name);
    }

    @Override
    public Optional<Path> logFile(String namespace, String pod, String container, boolean previous) {
        return assembly.logFile(namespace, pod, container, previous);
    }

    @Override
    public Optional<ContainerUsage> usage(String namespace, String pod, String container) {
        return assembly.usage(namespace, pod, container);
    }

    @Override
    public List<PodEvent> events(String namespace, String pod) {
        return assembly.events(namespace, pod);
    }

    @Override
    public void addListener(PodStatusListener listener) {
        assembly.addListener(listener);
    }

    @Override
    public void removeListener(PodStatusListener listener) {
        assembly.removeListener(listener);
    }

    @Override
    public NodeSnapshot node() {
        return assembly.node();
    }

    @Override
    public List<ProviderSnapshot> providers() {
        return assembly.providers();
    }

    @Override
    public String runtimeClassManifests() {
        return assembly.runtimeClassManifests();
    }

    @Override
    public List<String> applyRuntimeClasses() {
        return assembly.applyRuntimeClasses();
    }
}
