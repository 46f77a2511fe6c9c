package io.krustlet.itests;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.KubeletPods;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.PodStatusListener;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;

/**
 * Inside the container: everything that happens to the node while routes run, as it happens,
 * so a test can assert "throughout" rather than sample the end state. It records
 * <ul>
 * <li>every version of the Node object the API server sends on a watch (its Ready condition and
 * its labels), with the time it arrived;</li>
 * <li>every status the core publishes for every pod ({@link PodStatusListener}), so a pod that
 * stopped or restarted even for an instant is seen;</li>
 * <li>every registration and unregistration of a provider service, with its runtime.</li>
 * </ul>
 * Times are taken on arrival (wall clock); the API's own timestamps have a resolution of seconds.
 */
final class NodeWatch implements AutoCloseable {

    record NodeSeen(Instant at, boolean ready, String readyReason, Map<String, String> labels) {
    }

    record PodSeen(Instant at, PodSnapshot pod) {
    }

    record ProviderEvent(Instant at, boolean registered, String runtime, String bundleVersion) {
    }

    private final List<NodeSeen> node = new CopyOnWriteArrayList<>();
    private final List<PodSeen> pods = new CopyOnWriteArrayList<>();
    private final List<ProviderEvent> providers = new CopyOnWriteArrayList<>();
    private final KubeletPods kubelet;
    private final BundleContext context;
    private final PodStatusListener podListener = new PodStatusListener() {
        @Override
        public void statusChanged(PodSnapshot pod) {
            pods.add(new PodSeen(Instant.now(), pod));
        }
    };
    private final ServiceListener providerListener;
    private final Watch nodeWatch;

    NodeWatch(BundleContext context, KubeletPods kubelet, KubernetesClient client, String nodeName) throws Exception {
        this.context = context;
        this.kubelet = kubelet;
        providerListener = event -> {
            if (event.getType() == ServiceEvent.REGISTERED || event.getType() == ServiceEvent.UNREGISTERING) {
                var ref = event.getServiceReference();
                providers.add(new ProviderEvent(Instant.now(), event.getType() == ServiceEvent.REGISTERED,
                        String.valueOf(ref.getProperty(ContainerRuntime.RUNTIME_PROPERTY)),
                        ref.getBundle() == null ? "?" : ref.getBundle().getVersion().toString()));
            }
        };
        context.addServiceListener(providerListener, "(objectClass=" + ContainerRuntime.class.getName() + ")");
        kubelet.addListener(podListener);
        kubelet.pods().forEach(podListener::statusChanged);
        nodeWatch = client.nodes().withName(nodeName).watch(new Watcher<Node>() {
            @Override
            public void eventReceived(Action action, Node n) {
                seen(n);
            }

            @Override
            public void onClose(WatcherException cause) {
                node.add(new NodeSeen(Instant.now(), false, "watch closed: " + cause, Map.of()));
            }
        });
        Node now = client.nodes().withName(nodeName).get();
        if (now != null) {
            seen(now);
        }
    }

    private void seen(Node n) {
        var ready = n.getStatus() == null || n.getStatus().getConditions() == null ? null
                : n.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst().orElse(null);
        node.add(new NodeSeen(Instant.now(), ready != null && "True".equals(ready.getStatus()),
                ready == null ? "no Ready condition" : ready.getReason() + ": " + ready.getMessage(),
                n.getMetadata().getLabels() == null ? Map.of() : Map.copyOf(n.getMetadata().getLabels())));
    }

    /** Every version of the Node seen at or after {@code since} in which it was not Ready. */
    List<NodeSeen> notReadySince(Instant since) {
        return node.stream().filter(n -> !n.at().isBefore(since) && !n.ready()).toList();
    }

    /** The last version of the Node seen. */
    Optional<NodeSeen> lastNode() {
        return node.isEmpty() ? Optional.empty() : Optional.of(node.get(node.size() - 1));
    }

    /** When the Node first arrived, at or after {@code since}, with (or without) the runtime's label. */
    Optional<Instant> labelChange(String runtime, boolean present, Instant since) {
        String label = "runtime.krustlet.io/" + runtime;
        return node.stream().filter(n -> !n.at().isBefore(since) && ("true".equals(n.labels().get(label)) == present))
                .map(NodeSeen::at).findFirst();
    }

    /** The first registration (or unregistration) of a provider of {@code runtime} at or after {@code since}. */
    Optional<ProviderEvent> provider(String runtime, boolean registered, Instant since) {
        return providers.stream().filter(p -> !p.at().isBefore(since) && p.registered() == registered
                && p.runtime().equals(runtime)).findFirst();
    }

    /** Every status published for a pod ({@code namespace/name}) at or after {@code since}. */
    Stream<PodSnapshot> history(String key, Instant since) {
        return pods.stream().filter(p -> !p.at().isBefore(since) && p.pod().key().equals(key)).map(PodSeen::pod);
    }

    /**
     * What went wrong for a pod that must not be touched since {@code since}: each published status
     * in which a container is not running on the same run it had then (started at the same
     * time, same restart count). Empty when it was left alone.
     */
    List<String> disturbances(String key, Instant since, PodSnapshot before) {
        return history(key, since).flatMap(p -> p.status().containerStatuses().stream().map(c -> {
            ContainerStatus was = before.status().container(c.name()).orElse(null);
            if (was == null || c.restartCount() != was.restartCount() || !c.state().equals(was.state())
                    || !(c.state() instanceof ContainerState.Running)) {
                return c.name() + " " + c.state() + " restarts " + c.restartCount() + " (was " + (was == null ? "absent"
                        : was.state() + " restarts " + was.restartCount()) + ")";
            }
            return null;
        })).filter(s -> s != null).toList();
    }

    @Override
    public void close() {
        nodeWatch.close();
        kubelet.removeListener(podListener);
        context.removeServiceListener(providerListener);
    }
}
