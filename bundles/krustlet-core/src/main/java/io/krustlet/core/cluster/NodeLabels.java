package io.krustlet.core.cluster;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The labels and taints the node registers with. Krustlet's, so that manifests written for
 * Krustlet (a toleration for {@code kubernetes.io/arch=wasm32-wasi}) schedule here unchanged.
 */
public final class NodeLabels {

    private static final Logger LOG = LoggerFactory.getLogger(NodeLabels.class);

    public static final String ARCH = "wasm32-wasi";
    /** One label per runtime a provider serves now: {@code runtime.krustlet.io/wasi=true}. */
    public static final String RUNTIME_PREFIX = "runtime.krustlet.io/";

    /** The kubernetes.io labels the kubelet lets a node set on itself (--node-labels rules). */
    private static final Set<String> ALLOWED_KUBERNETES_LABELS = Set.of(
            "kubernetes.io/hostname", "kubernetes.io/instance-type", "kubernetes.io/os", "kubernetes.io/arch",
            "beta.kubernetes.io/instance-type", "beta.kubernetes.io/os", "beta.kubernetes.io/arch",
            "failure-domain.beta.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/region",
            "topology.kubernetes.io/zone", "topology.kubernetes.io/region", "node.kubernetes.io/instance-type");
    private static final List<String> ALLOWED_KUBERNETES_PREFIXES = List.of("kubelet.kubernetes.io/",
            "node.kubernetes.io/");

    private NodeLabels() {
    }

    public static Map<String, String> of(NodeFacts facts) {
        Map<String, String> labels = new LinkedHashMap<>(facts.extraLabels());
        labels.put("kubernetes.io/arch", ARCH);
        labels.put("beta.kubernetes.io/arch", ARCH);
        labels.put("kubernetes.io/os", ARCH);
        labels.put("beta.kubernetes.io/os", ARCH);
        labels.put("type", "krustlet");
        labels.put("kubernetes.io/hostname", facts.hostname());
        facts.runtimes().keySet().forEach(r -> labels.put(RUNTIME_PREFIX + r, "true"));
        return labels;
    }

    /**
     * Drops the configured labels the kubelet would refuse (other keys in the kubernetes.io and
     * k8s.io namespaces), with an error naming them; the node starts with the rest.
     */
    public static Map<String, String> checkConfigured(Map<String, String> configured) {
        Map<String, String> accepted = new LinkedHashMap<>();
        configured.forEach((key, value) -> {
            if (isRestricted(key)) {
                LOG.error("nodeLabels: {} is not allowed: labels in the 'kubernetes.io' or 'k8s.io' namespace must"
                        + " begin with kubelet.kubernetes.io/ or node.kubernetes.io/, or be one of {}; ignored",
                        key, ALLOWED_KUBERNETES_LABELS.stream().sorted().toList());
            } else {
                accepted.put(key, value);
            }
        });
        return accepted;
    }

    private static boolean isRestricted(String key) {
        int slash = key.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String namespace = key.substring(0, slash);
        boolean kubernetes = namespace.equals("kubernetes.io") || namespace.endsWith(".kubernetes.io")
                || namespace.equals("k8s.io") || namespace.endsWith(".k8s.io");
        return kubernetes && !ALLOWED_KUBERNETES_LABELS.contains(key)
                && ALLOWED_KUBERNETES_PREFIXES.stream().noneMatch(key::startsWith);
    }

    public static List<io.fabric8.kubernetes.api.model.Taint> taints() {
        return List.of(taint("NoSchedule"), taint("NoExecute"));
    }

    private static io.fabric8.kubernetes.api.model.Taint taint(String effect) {
        return new io.fabric8.kubernetes.api.model.TaintBuilder().withKey("kubernetes.io/arch").withValue(ARCH)
                .withEffect(effect).build();
    }
}
