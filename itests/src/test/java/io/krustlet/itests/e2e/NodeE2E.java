package io.krustlet.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.Test;

/** The Node object: labels, taints, Ready, its Lease; and the taints keep pods without tolerations away. */
public class NodeE2E extends E2ESupport {

    private static Node node() {
        return client.nodes().withName(nodeName).get();
    }

    private static String dump(Node node) {
        return node == null ? "node " + nodeName + " is not registered"
                : "node " + nodeName + ":\n" + Serialization.asYaml(node.getMetadata().getLabels())
                        + Serialization.asYaml(node.getSpec()) + Serialization.asYaml(node.getStatus().getConditions());
    }

    private static boolean ready(Node node) {
        return node != null && node.getStatus() != null && node.getStatus().getConditions() != null
                && node.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    @Test
    public void theNodeIsReadyWithKrustletsLabelsAndTaints() {
        Node node = await("node " + nodeName + " to be Ready", TIMEOUT, NodeE2E::node, NodeE2E::ready,
                () -> dump(node()));
        Map<String, String> labels = node.getMetadata().getLabels();
        String dump = dump(node);
        assertEquals(dump, ARCH, labels.get("kubernetes.io/arch"));
        assertEquals(dump, ARCH, labels.get("kubernetes.io/os"));
        assertEquals(dump, "krustlet", labels.get("type"));
        assertEquals(dump, "true", labels.get("runtime.krustlet.io/wasi"));
        assertEquals("the label from KRUSTLET_NODE_LABELS\n" + dump, "true", labels.get(LABEL));

        List<Taint> taints = node.getSpec().getTaints();
        for (String effect : List.of("NoSchedule", "NoExecute")) {
            assertTrue("taint kubernetes.io/arch=wasm32-wasi:" + effect + "\n" + dump, taints != null
                    && taints.stream().anyMatch(t -> "kubernetes.io/arch".equals(t.getKey())
                            && ARCH.equals(t.getValue()) && effect.equals(t.getEffect())));
        }
        NodeCondition readyCondition = node.getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType())).findFirst().orElseThrow();
        assertEquals(dump, "KubeletReady", readyCondition.getReason());
        assertTrue("an InternalIP address\n" + Serialization.asYaml(node.getStatus().getAddresses()),
                node.getStatus().getAddresses().stream().anyMatch(a -> "InternalIP".equals(a.getType())
                        && a.getAddress() != null && !a.getAddress().isBlank()));
        assertTrue(dump, node.getStatus().getNodeInfo() != null
                && node.getStatus().getNodeInfo().getKubeletVersion() != null);
    }

    @Test
    public void theNodeRenewsItsLease() {
        Lease first = await("the Lease of node " + nodeName, TIMEOUT,
                () -> client.leases().inNamespace("kube-node-lease").withName(nodeName).get(),
                lease -> lease != null && lease.getSpec().getRenewTime() != null,
                () -> "no Lease kube-node-lease/" + nodeName);
        assertEquals(nodeName, first.getSpec().getHolderIdentity());
        String renewed = first.getSpec().getRenewTime().toString();
        await("the Lease of node " + nodeName + " to be renewed after " + renewed, TIMEOUT,
                () -> client.leases().inNamespace("kube-node-lease").withName(nodeName).get(),
                lease -> lease != null && !renewed.equals(Objects.toString(lease.getSpec().getRenewTime())),
                () -> Serialization.asYaml(client.leases().inNamespace("kube-node-lease").withName(nodeName).get()));
    }

    @Test
    public void aPodThatDoesNotTolerateTheTaintsIsNotScheduledThere() {
        String name = unique("untolerated");
        Pod pod = pod(name).editSpec().withTolerations(List.of()).endSpec()
                .editSpec().addToContainers(container("main", "print", "never")).endSpec().build();
        create(pod);
        Pod pending = awaitPod(name, "be reported Unschedulable by the scheduler", p -> p.getStatus() != null
                && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())
                                && "Unschedulable".equals(c.getReason())));
        PodCondition scheduled = pending.getStatus().getConditions().stream()
                .filter(c -> "PodScheduled".equals(c.getType())).findFirst().orElseThrow();
        assertTrue("the scheduler names the taint: " + scheduled.getMessage(),
                scheduled.getMessage() != null && scheduled.getMessage().contains("taint"));
        assertEquals("Pending", phase(pending));
        assertEquals("not bound to any node", null, pending.getSpec().getNodeName());
    }
}
