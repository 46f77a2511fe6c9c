package io.krustlet.itests.e2e;

import static org.junit.Assert.assertEquals;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.After;
import org.junit.Test;

/**
 * The API server goes away for the node for over a minute and comes back, as in an API server
 * restart: meanwhile the node lifecycle controller marks the Node Ready=Unknown ("Kubelet stopped
 * posting node status"), and only a status update from the node sets it back (a renewed Lease
 * does not). The node must post at once when it reaches the API server again: Ready within 10 s,
 * not at its 5-minute report (issue 12). Its pod runs on throughout, and is Ready again once the
 * node has written back what the controller changed (it marked the node's pods not ready).
 *
 * <p>The outage is the node's alone: it reaches the API server through an HTTP CONNECT proxy of the
 * test's ({@code proxy-url} in its kubeconfig; TLS stays end to end), which the test stops and
 * starts again, so the control plane itself keeps running and its controller sees the silence. A
 * node of the scenario's own (see {@link ExtraNode}), with the suite's credentials.
 */
public class ApiServerOutageE2E extends E2ESupport {

    /** The node controller's grace period is 40 s by default; give it room. */
    private static final Duration MARKED_UNKNOWN = Duration.ofSeconds(Math.max(150, TIMEOUT.toSeconds()));
    private static final Duration BACK_READY = Duration.ofSeconds(10);

    private ExtraNode node;
    private ConnectProxy proxy;

    @After
    public void cleanUp() {
        if (proxy != null) {
            proxy.close();
        }
        if (node != null) {
            node.close(client);
        }
    }

    private Node current() {
        return client.nodes().withName(node.name).get();
    }

    @Test
    public void theNodeIsReadyAgainWithin10SecondsOfTheApiServersReturn() throws Exception {
        ExtraNode.distribution();
        proxy = new ConnectProxy();
        Path work = Files.createTempDirectory("krustlet-e2e-outage-");
        Path kubeconfig = TestKubeconfigs.throughProxy(work.resolve("kubeconfig"), proxy.url());
        node = ExtraNode.prepare("outage", Map.of("KRUSTLET_KUBECONFIG", kubeconfig.toString()))
                // the kubeconfig's proxy-url is the only way to the API server: no proxy setting may bypass it
                .unset("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy");
        node.start();
        try {
            node.awaitReady(client, Duration.ofSeconds(Math.max(180, TIMEOUT.toSeconds())));
            String pod = unique("through-outage");
            create(pod(pod).editSpec().withNodeSelector(Map.of()).withNodeName(node.name).withRestartPolicy("Always")
                    .addToContainers(container("main", "print", "started", "sleep", "600000")).endSpec().build());
            awaitPod(pod, "run on node " + node.name, p -> running(p, "main"));

            proxy.stop();
            await("the node controller to mark node " + node.name + " Ready=Unknown", MARKED_UNKNOWN, this::current,
                    n -> "Unknown".equals(ExtraNode.readyStatus(n)), () -> node.conditions(client));

            proxy.start();
            long back = System.nanoTime();
            await("node " + node.name + " to be Ready within " + BACK_READY.toSeconds()
                    + " s of reaching the API server again", BACK_READY, this::current, ExtraNode::ready,
                    () -> node.conditions(client) + "\n" + node.logTail());
            System.out.printf("node %s Ready again %.1f s after the API server came back%n", node.name,
                    (System.nanoTime() - back) / 1e9);

            // the node controller marked the pod not ready too; the node puts that right (status reconcile, 10 s)
            Pod after = awaitPod(pod, "be Ready again", p -> running(p, "main") && p.getStatus().getConditions()
                    .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())));
            assertEquals("never restarted\n" + describe(pod), Integer.valueOf(0),
                    status(after, "main").orElseThrow().getRestartCount());
        } catch (AssertionError | RuntimeException e) {
            node.keep();
            throw e;
        }
    }
}
