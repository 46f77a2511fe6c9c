package io.krustlet.core.cluster;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the node's Node object, or brings an existing one up to date: labels and taints are
 * ours again after every start (a restart never skips them), status is rewritten.
 */
final class NodeRegistrar {

    private static final Logger LOG = LoggerFactory.getLogger(NodeRegistrar.class);
    private static final int CONFLICT_RETRIES = 5;

    private final KubernetesClient client;
    private boolean taintsLocked;

    NodeRegistrar(KubernetesClient client) {
        this.client = client;
    }

    /** @return the Node as the API server has it now */
    Node register(NodeFacts facts, NodeStatusFactory.Pressure pressure, Instant now) {
        Node wanted = new NodeBuilder()
                .withNewMetadata().withName(facts.name()).withLabels(NodeLabels.of(facts))
                .addToAnnotations("node.alpha.kubernetes.io/ttl", "0")
                .endMetadata()
                .withNewSpec().withTaints(NodeLabels.taints()).endSpec()
                .build();
        Node node;
        try {
            node = client.nodes().resource(wanted).create();
            LOG.info("Registered node {} with the API server", facts.name());
        } catch (KubernetesClientException e) {
            if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                throw e;
            }
            node = updateExisting(facts);
            LOG.info("Node {} already existed; labels, taints and status updated", facts.name());
        }
        return writeStatus(node.getMetadata().getName(), facts, pressure, now);
    }

    private Node updateExisting(NodeFacts facts) {
        for (int attempt = 1; ; attempt++) {
            Node current = client.nodes().withName(facts.name()).get();
            if (current == null) {
                return client.nodes().resource(new NodeBuilder().withNewMetadata().withName(facts.name())
                        .withLabels(NodeLabels.of(facts)).endMetadata()
                        .withNewSpec().withTaints(NodeLabels.taints()).endSpec().build()).create();
            }
            Map<String, String> labels = new LinkedHashMap<>(current.getMetadata().getLabels() == null
                    ? Map.of() : current.getMetadata().getLabels());
            // runtimes that left while the node was down must not stay advertised
            labels.keySet().removeIf(k -> k.startsWith(NodeLabels.RUNTIME_PREFIX));
            labels.putAll(NodeLabels.of(facts));
            current.getMetadata().setLabels(labels);
            List<Taint> existingTaints = current.getSpec().getTaints();
            List<Taint> wantedTaints = mergeTaints(existingTaints);
            boolean taintsChange = !sameTaints(existingTaints, wantedTaints);
            if (taintsChange && taintsLocked) {
                wantedTaints = existingTaints;
            }
            current.getSpec().setTaints(wantedTaints);
            try {
                return client.nodes().resource(current).update();
            } catch (KubernetesClientException e) {
                if (e.getCode() == HttpURLConnection.HTTP_FORBIDDEN && taintsChange && !taintsLocked) {
                    // NodeRestriction: a node may set its taints when it registers, not change them later
                    // (an admin removed ours, say). Keep theirs, bring the labels up to date.
                    LOG.warn("The API server does not let node {} change its taints ({}); keeping the ones it has",
                            facts.name(), e.getMessage());
                    taintsLocked = true;
                    continue;
                }
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= CONFLICT_RETRIES) {
                    throw e;
                }
            }
        }
    }

    /** Others' taints (an admin's cordon, a controller's) stay; ours are there exactly once. */
    private static List<Taint> mergeTaints(List<Taint> existing) {
        List<Taint> taints = new ArrayList<>();
        if (existing != null) {
            existing.stream().filter(t -> NodeLabels.taints().stream().noneMatch(o -> same(o, t))).forEach(taints::add);
        }
        taints.addAll(NodeLabels.taints());
        return taints;
    }

    private static boolean sameTaints(List<Taint> a, List<Taint> b) {
        List<Taint> left = a == null ? List.of() : a;
        return left.size() == b.size() && left.stream().allMatch(t -> b.stream().anyMatch(o -> same(o, t)
                && java.util.Objects.equals(o.getValue(), t.getValue())));
    }

    private static boolean same(Taint a, Taint b) {
        return a.getKey().equals(b.getKey()) && a.getEffect().equals(b.getEffect());
    }

    /** Labels on a running node, when the runtimes it serves change. */
    void updateLabels(NodeFacts facts) {
        for (int attempt = 1; ; attempt++) {
            Node current = client.nodes().withName(facts.name()).get();
            if (current == null) {
                return;
            }
            Map<String, String> labels = new LinkedHashMap<>(current.getMetadata().getLabels() == null
                    ? Map.of() : current.getMetadata().getLabels());
            labels.keySet().removeIf(k -> k.startsWith(NodeLabels.RUNTIME_PREFIX));
            labels.putAll(NodeLabels.of(facts));
            if (labels.equals(current.getMetadata().getLabels())) {
                return;
            }
            current.getMetadata().setLabels(labels);
            try {
                client.nodes().resource(current).update();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= CONFLICT_RETRIES) {
                    throw e;
                }
            }
        }
    }

    /**
     * Writes the node status through the status subresource, on a fresh object when another
     * writer got there first (409).
     *
     * @return the node after the write
     * @throws NodeGoneException when the Node object no longer exists
     */
    Node writeStatus(String name, NodeFacts facts, NodeStatusFactory.Pressure pressure, Instant now) {
        for (int attempt = 1; ; attempt++) {
            Node current = client.nodes().withName(name).get();
            if (current == null) {
                throw new NodeGoneException(name);
            }
            var previous = current.getStatus() == null || current.getStatus().getConditions() == null
                    ? List.<io.fabric8.kubernetes.api.model.NodeCondition>of() : current.getStatus().getConditions();
            current.setStatus(NodeStatusFactory.build(facts, pressure, previous, now));
            try {
                return client.nodes().resource(current).updateStatus();
            } catch (KubernetesClientException e) {
                if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                    throw new NodeGoneException(name);
                }
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= CONFLICT_RETRIES) {
                    throw e;
                }
            }
        }
    }

    /** The Node was deleted under us (kubectl delete node): the node registers again. */
    static final class NodeGoneException extends RuntimeException {
        NodeGoneException(String name) {
            super("node " + name + " does not exist in the API server");
        }
    }
}
