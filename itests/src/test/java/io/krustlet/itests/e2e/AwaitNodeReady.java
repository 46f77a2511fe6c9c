package io.krustlet.itests.e2e;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Optional;

/**
 * For {@code itests/e2e/run.sh}: waits until the Node is Ready in the API server of the cluster
 * {@code KUBECONFIG} names, or the deadline passes, or the node's process ends.
 * Arguments: node name, deadline in seconds, optionally the pid of the node's process.
 * Exits 0 when Ready, 1 otherwise (saying why).
 */
public final class AwaitNodeReady {

    private AwaitNodeReady() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 2) {
            System.err.println("usage: AwaitNodeReady NODE SECONDS [PID]");
            System.exit(2);
        }
        String name = args[0];
        long deadline = System.nanoTime() + Long.parseLong(args[1]) * 1_000_000_000L;
        Optional<ProcessHandle> process = args.length > 2 ? ProcessHandle.of(Long.parseLong(args[2])) : Optional.empty();
        long start = System.nanoTime();
        String last = "not registered";
        int code = 1;
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            while (true) {
                try {
                    Node node = client.nodes().withName(name).get();
                    last = node == null ? "not registered" : conditions(node);
                    if (node != null && ready(node)) {
                        System.out.printf("test-e2e: node %s is Ready (%.0f s)%n", name,
                                (System.nanoTime() - start) / 1e9);
                        code = 0;
                        break;
                    }
                } catch (KubernetesClientException e) {
                    last = "the API server answers: " + e.getMessage();
                }
                if (process.isPresent() && !process.get().isAlive()) {
                    System.err.println("test-e2e: the node's process ended before node " + name + " was Ready ("
                            + last + ")");
                    break;
                }
                if (System.nanoTime() - deadline > 0) {
                    System.err.println("test-e2e: node " + name + " is not Ready after " + args[1] + " s: " + last);
                    break;
                }
                Thread.sleep(1000); // the poll interval; the deadline bounds the wait
            }
        }
        System.exit(code);
    }

    private static boolean ready(Node node) {
        return node.getStatus() != null && node.getStatus().getConditions() != null
                && node.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static String conditions(Node node) {
        List<NodeCondition> conditions = node.getStatus() == null || node.getStatus().getConditions() == null
                ? List.of() : node.getStatus().getConditions();
        return conditions.isEmpty() ? "registered, no conditions yet"
                : conditions.stream().map(c -> c.getType() + "=" + c.getStatus()
                        + (c.getReason() == null ? "" : " (" + c.getReason() + ")")).toList().toString();
    }
}
