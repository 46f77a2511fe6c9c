package io.krustlet.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.krustlet.testapiserver.MockApiServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The node's status as the API server has it, after others wrote to it and after an outage: the
 * node lifecycle controller sets Ready=Unknown when the kubelet stopped posting, and only a status
 * update from the kubelet sets it back (a renewed Lease does not).
 */
class NodeHeartbeatTest {

    private static final String NODE = "node-hb";

    private final MockApiServer api = MockApiServer.start();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
    private NodeHeartbeat heartbeat;
    private io.fabric8.kubernetes.client.KubernetesClient nodeClient;

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    @AfterEach
    void stop() {
        if (heartbeat != null) {
            heartbeat.close();
        }
        thread.shutdownNow();
        if (nodeClient != null) {
            nodeClient.close();
        }
        api.close();
    }

    private static NodeFacts facts() {
        return new NodeFacts(NODE, "host-hb", "10.0.0.9", 10250, 2, 1L << 30, 10L << 30, 110, Map.of(),
                Map.of("wasi", "chicory://1"), "v1.26.0-krustlet", "boot-1");
    }

    private void start(NodeHeartbeat.Intervals intervals) throws Exception {
        // the node's own client: fails fast instead of fabric8's ten retries
        nodeClient = ClusterNode.connect(api.writeKubeconfig(dir.resolve("kubeconfig")));
        heartbeat = new NodeHeartbeat(nodeClient, NodeHeartbeatTest::facts, () -> NodeStatusFactory.Pressure.NONE,
                thread, Clock.systemUTC(), intervals);
        heartbeat.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> "True".equals(ready(node()).getStatus()));
    }

    private Node node() {
        return api.client().nodes().withName(NODE).get();
    }

    private static NodeCondition ready(Node node) {
        return node == null || node.getStatus() == null || node.getStatus().getConditions() == null
                ? new NodeCondition() : node.getStatus().getConditions().stream()
                        .filter(c -> "Ready".equals(c.getType())).findFirst().orElse(new NodeCondition());
    }

    private long statusWrites() {
        return api.requests().stream().filter(r -> r.startsWith("PUT /api/v1/nodes/" + NODE + "/status")).count();
    }

    /** What kube-controller-manager's node lifecycle controller writes about a node it stopped hearing from. */
    private void markUnknownAsTheNodeControllerDoes() {
        Node node = node();
        String now = Instant.now().toString();
        node.getStatus().setConditions(node.getStatus().getConditions().stream()
                .map(c -> new NodeConditionBuilder(c).withStatus("Unknown").withReason("NodeStatusUnknown")
                        .withMessage("Kubelet stopped posting node status.").withLastTransitionTime(now).build())
                .toList());
        api.client().nodes().resource(node).updateStatus();
    }

    @Test
    void aReadyConditionAnotherWriterSetToUnknownIsCorrectedWithin10Seconds() throws Exception {
        start(NodeHeartbeat.Intervals.KUBELET);
        markUnknownAsTheNodeControllerDoes();
        assertThat(ready(node()).getStatus()).isEqualTo("Unknown");

        await().atMost(Duration.ofSeconds(10)).until(() -> "True".equals(ready(node()).getStatus()));
        List<NodeCondition> conditions = node().getStatus().getConditions();
        assertThat(conditions).extracting(c -> c.getType() + "=" + c.getStatus() + " " + c.getReason())
                .containsExactlyInAnyOrder("Ready=True KubeletReady", "MemoryPressure=False KubeletHasSufficientMemory",
                        "DiskPressure=False KubeletHasNoDiskPressure", "PIDPressure=False KubeletHasSufficientPID");
    }

    @Test
    void theStatusIsPostedAtOnceWhenTheApiServerIsBackEvenIfNothingChanged() throws Exception {
        // a short beat, a long report period: only the reconnect can explain a post
        start(new NodeHeartbeat.Intervals(Duration.ofMillis(300), Duration.ofMinutes(5), Duration.ofMillis(50),
                Duration.ofMillis(300)));
        await().atMost(Duration.ofSeconds(5)).until(() -> api.requests().stream()
                .anyMatch(r -> r.startsWith("PUT /apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/" + NODE)));
        long before = statusWrites();

        api.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> !heartbeat.healthy());
        api.restart();

        await().atMost(Duration.ofSeconds(3)).until(() -> statusWrites() > before);
        await().atMost(Duration.ofSeconds(3)).until(heartbeat::healthy);
        long afterReconnect = statusWrites();
        // and nothing more while nothing changes: the comparison is with the API server's copy
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> statusWrites() == afterReconnect);
    }
}
