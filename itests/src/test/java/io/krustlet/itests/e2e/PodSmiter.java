package io.krustlet.itests.e2e;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * {@code just podsmiter}: removes what an interrupted {@code just test-e2e} left in the cluster
 * {@code KUBECONFIG} names: every pod labelled {@code krustlet-e2e=true}, in any namespace (forced:
 * grace period 0, as {@code kubectl delete --force --grace-period=0}); the ConfigMaps and Secrets
 * labelled so in namespace {@code krustlet-e2e}; the Nodes whose name starts with
 * {@code krustlet-e2e-} and their Leases; what the TLS bootstrap scenario makes: bootstrap token
 * Secrets in kube-system and ClusterRoleBindings labelled so, and the CSRs of those tokens and of
 * krustlet-e2e-* nodes. It says what it removed.
 */
public final class PodSmiter {

    static final String NODE_PREFIX = "krustlet-e2e-";

    private PodSmiter() {
    }

    public static void main(String[] args) {
        String kubeconfig = System.getenv("KUBECONFIG");
        if (kubeconfig == null || java.util.Arrays.stream(kubeconfig.split(java.io.File.pathSeparator))
                .noneMatch(f -> !f.isEmpty() && Files.isRegularFile(Path.of(f)))) {
            System.out.println("podsmiter: skipped: no cluster (set KUBECONFIG to a cluster's kubeconfig)");
            return;
        }
        int removed = 0;
        int failed = 0;
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            System.out.println("podsmiter: cluster " + client.getMasterUrl());
            for (Pod pod : client.pods().inAnyNamespace().withLabel(E2ESupport.LABEL, "true").list().getItems()) {
                String what = "pod " + pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
                if (remove(what, () -> client.pods().inNamespace(pod.getMetadata().getNamespace())
                        .withName(pod.getMetadata().getName()).withGracePeriod(0).delete())) {
                    removed++;
                } else {
                    failed++;
                }
            }
            if (client.namespaces().withName(E2ESupport.NAMESPACE).get() != null) {
                int[] counts = removeLabelled("configmap", client.configMaps().inNamespace(E2ESupport.NAMESPACE)
                        .withLabel(E2ESupport.LABEL, "true").list().getItems(),
                        name -> client.configMaps().inNamespace(E2ESupport.NAMESPACE).withName(name));
                removed += counts[0];
                failed += counts[1];
                counts = removeLabelled("secret", client.secrets().inNamespace(E2ESupport.NAMESPACE)
                        .withLabel(E2ESupport.LABEL, "true").list().getItems(),
                        name -> client.secrets().inNamespace(E2ESupport.NAMESPACE).withName(name));
                removed += counts[0];
                failed += counts[1];
            }
            int[] bootstrap = removeBootstrapLeftovers(client);
            removed += bootstrap[0];
            failed += bootstrap[1];
            for (Node node : client.nodes().list().getItems()) {
                String name = node.getMetadata().getName();
                if (!name.startsWith(NODE_PREFIX)) {
                    continue;
                }
                if (remove("node " + name, () -> client.nodes().withName(name).delete())) {
                    removed++;
                } else {
                    failed++;
                }
                if (client.leases().inNamespace("kube-node-lease").withName(name).get() != null) {
                    if (remove("lease kube-node-lease/" + name,
                            () -> client.leases().inNamespace("kube-node-lease").withName(name).delete())) {
                        removed++;
                    } else {
                        failed++;
                    }
                }
            }
        } catch (KubernetesClientException e) {
            System.err.println("podsmiter: the API server answers: " + e.getMessage());
            System.exit(1);
        }
        System.out.println(removed == 0 && failed == 0 ? "podsmiter: nothing to remove"
                : "podsmiter: removed " + removed + (failed > 0 ? ", could not remove " + failed : ""));
        if (failed > 0) {
            System.exit(1);
        }
    }

    /** Bootstrap tokens, their ClusterRoleBindings, and the CSRs of those tokens and of the suite's nodes. */
    private static int[] removeBootstrapLeftovers(KubernetesClient client) {
        int[] counts = new int[2];
        var tokens = client.secrets().inNamespace("kube-system").withLabel(E2ESupport.LABEL, "true").list().getItems();
        java.util.Set<String> users = new java.util.HashSet<>();
        for (var token : tokens) {
            String name = token.getMetadata().getName();
            if (name.startsWith("bootstrap-token-")) {
                users.add("system:bootstrap:" + name.substring("bootstrap-token-".length()));
            }
        }
        for (var csr : client.certificates().v1().certificateSigningRequests().list().getItems()) {
            String user = csr.getSpec().getUsername();
            if (user != null && (users.contains(user) || user.startsWith("system:node:" + NODE_PREFIX))) {
                String name = csr.getMetadata().getName();
                counts[remove("certificatesigningrequest " + name, () -> client.certificates().v1()
                        .certificateSigningRequests().withName(name).delete()) ? 0 : 1]++;
            }
        }
        for (var token : tokens) {
            String name = token.getMetadata().getName();
            counts[remove("secret kube-system/" + name, () -> client.secrets().inNamespace("kube-system")
                    .withName(name).delete()) ? 0 : 1]++;
        }
        for (var binding : client.rbac().clusterRoleBindings().withLabel(E2ESupport.LABEL, "true").list().getItems()) {
            String name = binding.getMetadata().getName();
            counts[remove("clusterrolebinding " + name, () -> client.rbac().clusterRoleBindings().withName(name)
                    .delete()) ? 0 : 1]++;
        }
        return counts;
    }

    private static <T extends HasMetadata> int[] removeLabelled(String kind, List<T> items,
            Function<String, Resource<T>> resource) {
        int[] counts = new int[2];
        for (T item : items) {
            String name = item.getMetadata().getName();
            counts[remove(kind + " " + E2ESupport.NAMESPACE + "/" + name, () -> resource.apply(name).delete()) ? 0 : 1]++;
        }
        return counts;
    }

    private static boolean remove(String what, Runnable delete) {
        try {
            delete.run();
            System.out.println("podsmiter: removed " + what);
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                System.out.println("podsmiter: " + what + " was already gone");
                return true;
            }
            System.err.println("podsmiter: cannot remove " + what + ": " + e.getMessage());
            return false;
        }
    }
}
