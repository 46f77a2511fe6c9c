package io.krustlet.core.cluster;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the node alive in the API server's eyes: registers it (again, if someone deletes it),
 * renews its Lease in {@code kube-node-lease} every 10 s, and posts the node status when it
 * differs from the Node as the API server has it now (read before each post, as the kubelet's
 * tryUpdateNodeStatus does: another writer, the node lifecycle controller setting Ready=Unknown
 * after an outage, is corrected at the next beat), at once after the API server was unreachable,
 * and at least every 5 minutes. A watch on the node's own Node brings the next beat forward when
 * someone else sets Ready to anything but True. Every failure is retried with back-off (at most
 * {@link Intervals#maxRetry} apart); the node never gives up on the API server and recovers by
 * itself when it comes back.
 */
final class NodeHeartbeat implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeHeartbeat.class);

    static final String LEASE_NAMESPACE = "kube-node-lease";
    static final int LEASE_DURATION_SECONDS = 40;

    /**
     * Intervals, so tests can make them short; the defaults are the kubelet's: nodeStatusUpdateFrequency
     * (10 s), nodeStatusReportFrequency (5 min), and its lease controller's retry back-off (200 ms
     * doubling to 7 s), so that a returning API server is noticed within seconds.
     */
    record Intervals(Duration renew, Duration statusReport, Duration firstRetry, Duration maxRetry) {
        static final Intervals KUBELET = new Intervals(Duration.ofSeconds(10), Duration.ofMinutes(5),
                Duration.ofMillis(200), Duration.ofSeconds(7));
    }

    private final KubernetesClient client;
    private final NodeRegistrar registrar;
    private final Supplier<NodeFacts> facts;
    private final Supplier<NodeStatusFactory.Pressure> pressure;
    private final ScheduledExecutorService executor;
    private final Clock clock;
    private final Intervals intervals;

    private volatile boolean closed;
    private Node node;
    private Instant lastPostedAt = Instant.MIN;
    private Duration retryDelay;
    private Instant failingSince;
    /** Set by a failed beat: the first beat that gets through posts the status whatever it finds. */
    private boolean postAfterReconnect;
    private NodeFacts registeredFacts;
    private volatile SharedIndexInformer<Node> ownNode;

    NodeHeartbeat(KubernetesClient client, Supplier<NodeFacts> facts, Supplier<NodeStatusFactory.Pressure> pressure,
            ScheduledExecutorService executor, Clock clock, Intervals intervals) {
        this.client = client;
        this.registrar = new NodeRegistrar(client);
        this.facts = facts;
        this.pressure = pressure;
        this.executor = executor;
        this.clock = clock;
        this.intervals = intervals;
        this.retryDelay = intervals.firstRetry();
    }

    void start() {
        executor.execute(this::beatAndReschedule);
        watchOwnNode();
    }

    /**
     * Another writer set the Node's Ready condition to something else than True (the node lifecycle
     * controller's Unknown, "Kubelet stopped posting node status"): beat now rather than at the next
     * regular beat. The beat reads the Node and writes only if it differs from ours.
     */
    private void watchOwnNode() {
        String name = facts.get().name();
        SharedIndexInformer<Node> informer = client.nodes().withField("metadata.name", name).runnableInformer(0);
        informer.exceptionHandler((started, t) -> {
            LOG.debug("Watching node {} failed: {}; retrying", name, describe(t));
            return true;
        });
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Node node) {
                checkReady(node);
            }

            @Override
            public void onUpdate(Node previous, Node node) {
                checkReady(node);
            }

            @Override
            public void onDelete(Node node, boolean finalStateUnknown) {
                poke(); // registers it again
            }
        });
        ownNode = informer;
        informer.start();
    }

    private void checkReady(Node node) {
        var conditions = node.getStatus() == null ? null : node.getStatus().getConditions();
        if (conditions == null || conditions.isEmpty()) {
            return; // not reported yet: the first beat does that
        }
        boolean ready = conditions.stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        if (!ready) {
            LOG.info("Node {} is {} in the API server; posting its status now", node.getMetadata().getName(),
                    conditions.stream().filter(c -> "Ready".equals(c.getType()))
                            .map(c -> "Ready=" + c.getStatus() + (c.getReason() == null ? "" : " (" + c.getReason() + ")"))
                            .findFirst().orElse("without a Ready condition"));
            poke();
        }
    }

    /**
     * Runs an extra beat soon, for example when the runtimes (and with them the labels) changed;
     * the regular beats go on as they were (one chain of them, never two).
     */
    void poke() {
        if (!closed) {
            try {
                executor.execute(this::beat);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // shutting down
            }
        }
    }

    /** Whether the node is registered and its last beat reached the API server. */
    synchronized boolean healthy() {
        return node != null && failingSince == null;
    }

    private void beatAndReschedule() {
        schedule(beat());
    }

    /** @return when the next regular beat is due */
    private synchronized Duration beat() {
        if (closed) {
            return intervals.renew();
        }
        Duration next;
        try {
            NodeFacts current = facts.get();
            if (node == null) {
                node = registrar.register(current, pressure.get(), clock.instant());
                registeredFacts = current;
                lastPostedAt = clock.instant();
                postAfterReconnect = false; // registering wrote the status
            } else if (!current.equals(registeredFacts)) {
                registrar.updateLabels(current);
                registeredFacts = current;
            }
            renewLease();
            reportStatus(current);
            recovered();
            next = intervals.renew();
        } catch (NodeRegistrar.NodeGoneException e) {
            LOG.warn("{}; registering it again", e.getMessage());
            node = null;
            next = intervals.firstRetry();
        } catch (KubernetesClientException | IllegalStateException e) {
            next = failed(e);
        } catch (RuntimeException e) {
            LOG.error("Node heartbeat failed unexpectedly", e);
            next = failed(e);
        }
        return next;
    }

    private void schedule(Duration delay) {
        if (closed) {
            return;
        }
        try {
            executor.schedule(this::beatAndReschedule, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down
        }
    }

    private void renewLease() {
        var leases = client.leases().inNamespace(LEASE_NAMESPACE);
        String name = node.getMetadata().getName();
        var renewTime = clock.instant().atZone(ZoneOffset.UTC);
        Lease lease = leases.withName(name).get();
        if (lease == null) {
            leases.resource(new LeaseBuilder()
                    .withNewMetadata().withName(name).withNamespace(LEASE_NAMESPACE)
                    .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("Node")
                            .withName(name).withUid(node.getMetadata().getUid()).build())
                    .endMetadata()
                    .withNewSpec().withHolderIdentity(name).withLeaseDurationSeconds(LEASE_DURATION_SECONDS)
                    .withRenewTime(renewTime).endSpec()
                    .build()).create();
            return;
        }
        lease.getSpec().setHolderIdentity(name);
        lease.getSpec().setLeaseDurationSeconds(LEASE_DURATION_SECONDS);
        lease.getSpec().setRenewTime(renewTime);
        try {
            leases.resource(lease).update();
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
            // someone else wrote it (an admin, a controller): take it again on a fresh copy
            Lease fresh = leases.withName(name).get();
            fresh.getSpec().setHolderIdentity(name);
            fresh.getSpec().setLeaseDurationSeconds(LEASE_DURATION_SECONDS);
            fresh.getSpec().setRenewTime(renewTime);
            leases.resource(fresh).update();
        }
    }

    /**
     * Posts the status when the API server's copy of the Node says something else than ours would
     * (the kubelet compares with the Node it just read, never with what it sent last: another
     * writer may have changed it since), when the API server was unreachable before this beat, or
     * when the report period is due.
     */
    private void reportStatus(NodeFacts current) {
        Instant now = clock.instant();
        String name = node.getMetadata().getName();
        Node inApi = client.nodes().withName(name).get();
        if (inApi == null) {
            throw new NodeRegistrar.NodeGoneException(name);
        }
        NodeStatusFactory.Pressure measured = pressure.get();
        var previous = inApi.getStatus() == null || inApi.getStatus().getConditions() == null
                ? java.util.List.<io.fabric8.kubernetes.api.model.NodeCondition>of() : inApi.getStatus().getConditions();
        NodeStatus candidate = NodeStatusFactory.build(current, measured, previous, now);
        boolean changed = !NodeStatusFactory.sameNews(candidate, inApi.getStatus());
        boolean due = Duration.between(lastPostedAt, now).compareTo(intervals.statusReport()) >= 0;
        if (changed || due || postAfterReconnect) {
            node = registrar.writeStatus(name, current, measured, now);
            lastPostedAt = now;
            LOG.debug("Posted node status ({})", changed ? "changed" : postAfterReconnect ? "reconnected" : "periodic");
        } else {
            node = inApi;
        }
        postAfterReconnect = false;
    }

    private Duration failed(Exception e) {
        if (closed) {
            return intervals.renew(); // interrupted by the node's shutdown: nothing to report
        }
        postAfterReconnect = true;
        if (failingSince == null) {
            failingSince = clock.instant();
            LOG.warn("Cannot reach the API server for node {}: {}; retrying with back-off", facts.get().name(),
                    describe(e));
        } else {
            LOG.debug("API server still unreachable: {}", describe(e));
        }
        Duration delay = retryDelay;
        Duration cap = intervals.maxRetry().compareTo(intervals.renew()) < 0 ? intervals.maxRetry() : intervals.renew();
        retryDelay = retryDelay.multipliedBy(2).compareTo(cap) > 0 ? cap : retryDelay.multipliedBy(2);
        return delay;
    }

    private void recovered() {
        if (failingSince != null) {
            LOG.info("API server reachable again after {} s; node {} is heartbeating", Duration.between(failingSince,
                    clock.instant()).toSeconds(), node.getMetadata().getName());
            failingSince = null;
        }
        retryDelay = intervals.firstRetry();
    }

    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
    }

    @Override
    public void close() {
        closed = true;
        SharedIndexInformer<Node> informer = ownNode;
        if (informer != null) {
            informer.close();
        }
    }
}
