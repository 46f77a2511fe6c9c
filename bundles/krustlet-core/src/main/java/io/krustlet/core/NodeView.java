package io.krustlet.core;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.krustlet.core.cluster.NodePressure;
import io.krustlet.core.cluster.RuntimeClassManifests;
import io.krustlet.core.config.KubeletSettings;
import io.krustlet.core.lifecycle.PodWorkers;
import io.krustlet.core.runtime.Provider;
import io.krustlet.core.runtime.RuntimeRegistry;
import io.krustlet.core.status.KubeletNode;
import io.krustlet.core.status.NodeSnapshot;
import io.krustlet.core.status.ProviderSnapshot;
import io.krustlet.core.status.Reasons;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The node as the shell shows it ({@link KubeletNode}): its mode, conditions, addresses and
 * runtimes, the provider bundles and what runs on them, and RuntimeClasses for its runtimes.
 */
final class NodeView implements KubeletNode {

    /** What the view needs to know of the node's membership in a cluster. */
    interface Membership {
        /** The node's API client, or null while it runs standalone. */
        KubernetesClient client();

        /** Whether the node waits for TLS bootstrap to give it a kubeconfig. */
        boolean bootstrapping();
    }

    private final Supplier<KubeletSettings> settings;
    private final String nodeIP;
    private final RuntimeRegistry runtimes;
    private final PodWorkers pods;
    private final Membership membership;
    private final Supplier<List<ProviderSnapshot>> incompatible;
    private final NodePressure pressure;

    NodeView(Supplier<KubeletSettings> settings, String nodeIP, RuntimeRegistry runtimes, PodWorkers pods, Membership membership,
            Supplier<List<ProviderSnapshot>> incompatible) {
        this.settings = settings;
        this.nodeIP = nodeIP;
        this.runtimes = runtimes;
        this.pods = pods;
        this.membership = membership;
        this.incompatible = incompatible;
        this.pressure = new NodePressure(settings.get().dataDir());
    }

    @Override
    public NodeSnapshot node() {
        KubernetesClient client = membership.client();
        String mode = client != null ? "cluster" : membership.bootstrapping() ? "bootstrapping" : "standalone";
        Map<String, String> addresses = new LinkedHashMap<>();
        addresses.put("InternalIP", nodeIP);
        addresses.put("Hostname", hostname());
        String memoryShort = NodePressure.memoryPressure();
        boolean memory = memoryShort != null;
        boolean disk = pressure.diskPressure();
        List<NodeSnapshot.Condition> conditions = List.of(
                new NodeSnapshot.Condition("Ready", "True", Reasons.KUBELET_READY, "kubelet is posting ready status"),
                new NodeSnapshot.Condition("MemoryPressure", memory ? "True" : "False",
                        memory ? Reasons.KUBELET_HAS_INSUFFICIENT_MEMORY : Reasons.KUBELET_HAS_SUFFICIENT_MEMORY,
                        memory ? memoryShort : "kubelet has sufficient memory available"),
                new NodeSnapshot.Condition("DiskPressure", disk ? "True" : "False",
                        disk ? Reasons.KUBELET_HAS_DISK_PRESSURE : Reasons.KUBELET_HAS_NO_DISK_PRESSURE,
                        disk ? "less than 10% of the data directory's disk is free" : "kubelet has no disk pressure"));
        KubeletSettings current = settings.get();
        return new NodeSnapshot(current.nodeName(), mode,
                client == null ? "" : client.getConfiguration().getMasterUrl(), conditions, addresses,
                runtimes.versions(), current.defaultRuntime(), pods.snapshots().size(), current.maxPods());
    }

    @Override
    public List<ProviderSnapshot> providers() {
        List<ProviderSnapshot> result = new ArrayList<>();
        for (Provider p : runtimes.providers()) {
            boolean serving = runtimes.provider(p.runtime()).map(p::equals).orElse(false);
            result.add(new ProviderSnapshot(p.runtime(), p.identity().bundleId(), p.identity().symbolicName(),
                    p.identity().version(), p.upgrade().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                    pods.containersOn(p.service()), serving ? ProviderSnapshot.ACTIVE : ProviderSnapshot.STANDBY,
                    serving ? "" : "another provider of \"" + p.runtime() + "\" ranks higher"));
        }
        result.addAll(incompatible.get());
        return result;
    }

    @Override
    public String runtimeClassManifests() {
        return RuntimeClassManifests.yaml(runtimes.runtimes());
    }

    @Override
    public List<String> applyRuntimeClasses() {
        KubernetesClient client = membership.client();
        if (client == null) {
            throw new IllegalStateException("the node runs standalone: there is no API server to apply RuntimeClasses to");
        }
        return RuntimeClassManifests.apply(client, runtimes.runtimes());
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
