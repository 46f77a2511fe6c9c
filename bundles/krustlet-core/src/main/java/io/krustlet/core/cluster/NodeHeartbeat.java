package io.krustlet.core.cluster;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
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
 * changes and at least every 5 minutes. Every failure is retried with back-off; the node never
 * gives up on the API server and recovers by itself when it comes back.
 */
final class NodeHeartbeat implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeHeartbeat.class);

    static final String LEASE_NAMESPACE = "kube-node-lease";
    static final int LEASE_DURATION_SECONDS = 40;

    /** Intervals, so tests can make them short; the defaults are the kubelet's. */
    record Intervals(Duration renew, Duration statusReport, Duration firstRetry) {
        static final Intervals KUBELET = new Intervals(Duration.ofSeconds(10), Duration.ofMinutes(5),
                Duration.ofMillis(200));
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
    private NodeStatus lastPosted;
    private Instant lastPostedAt = Instant.MIN;
    private Duration retryDelay;
    private Instant failingSince;
    private NodeFacts registeredFacts;

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
                lastPosted = NodeStatusFactory.withoutHeartbeats(node.getStatus());
                lastPostedAt = clock.instant();
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

    private void reportStatus(NodeFacts current) {
        Instant now = clock.instant();
        NodeStatus candidate = NodeStatusFactory.withoutHeartbeats(NodeStatusFactory.build(current, pressure.get(),
                node.getStatus() == null || node.getStatus().getConditions() == null ? java.util.List.of()
                        : node.getStatus().getConditions(), now));
        boolean changed = !candidate.equals(lastPosted);
        boolean due = Duration.between(lastPostedAt, now).compareTo(intervals.statusReport()) >= 0;
        if (changed || due) {
            node = registrar.writeStatus(node.getMetadata().getName(), current, pressure.get(), now);
            lastPosted = NodeStatusFactory.withoutHeartbeats(node.getStatus());
            lastPostedAt = now;
            LOG.debug("Posted node status ({})", changed ? "changed" : "periodic");
        }
    }

    private Duration failed(Exception e) {
        if (failingSince == null) {
            failingSince = clock.instant();
            LOG.warn("Cannot reach the API server for node {}: {}; retrying with back-off", facts.get().name(),
                    describe(e));
        } else {
            LOG.debug("API server still unreachable: {}", describe(e));
        }
        Duration delay = retryDelay;
        retryDelay = retryDelay.multipliedBy(2).compareTo(intervals.renew()) > 0 ? intervals.renew()
                : retryDelay.multipliedBy(2);
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
    }
}
