package io.krustlet.core.cluster;

import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * RuntimeClass objects for the runtimes a node serves: handler = runtime, with the scheduling
 * section Krustlet's labels and taints need, so a pod that names the class lands on a node that
 * serves it and tolerates the {@code kubernetes.io/arch=wasm32-wasi} taints without writing
 * tolerations itself (the RuntimeClass admission controller merges them into the pod).
 */
public final class RuntimeClassManifests {

    private RuntimeClassManifests() {
    }

    /** One RuntimeClass per runtime, named like the runtime. */
    public static List<RuntimeClass> of(Collection<String> runtimes) {
        List<RuntimeClass> classes = new ArrayList<>();
        for (String runtime : runtimes) {
            classes.add(new RuntimeClassBuilder()
                    .withNewMetadata().withName(runtime)
                    .addToLabels("app.kubernetes.io/managed-by", "krustlet").endMetadata()
                    .withHandler(runtime)
                    .withNewScheduling()
                    .addToNodeSelector(NodeLabels.RUNTIME_PREFIX + runtime, "true")
                    .withTolerations(tolerations())
                    .endScheduling()
                    .build());
        }
        return classes;
    }

    /** The classes as one YAML stream, ready for {@code kubectl apply -f -}. */
    public static String yaml(Collection<String> runtimes) {
        StringBuilder out = new StringBuilder();
        for (RuntimeClass rc : of(runtimes)) {
            String doc = Serialization.asYaml(rc);
            out.append(doc.startsWith("---") ? doc : "---\n" + doc);
        }
        return out.toString();
    }

    /** Creates or updates each class; one line per class says what happened. */
    public static List<String> apply(KubernetesClient client, Collection<String> runtimes) {
        List<String> results = new ArrayList<>();
        for (RuntimeClass rc : of(runtimes)) {
            String name = rc.getMetadata().getName();
            try {
                client.resources(RuntimeClass.class).resource(rc).serverSideApply();
                results.add("runtimeclass.node.k8s.io/" + name + " applied");
            } catch (KubernetesClientException e) {
                results.add("runtimeclass.node.k8s.io/" + name + ": " + (e.getCode() == HttpURLConnection.HTTP_FORBIDDEN
                        ? "forbidden for the node's credentials; apply them as a cluster admin:"
                                + " krustlet:runtimeclasses | kubectl apply -f -"
                        : NodeHeartbeat.describe(e)));
            }
        }
        return results;
    }

    private static List<Toleration> tolerations() {
        List<Toleration> tolerations = new ArrayList<>();
        NodeLabels.taints().forEach(t -> tolerations.add(new TolerationBuilder().withKey(t.getKey())
                .withOperator("Equal").withValue(t.getValue()).withEffect(t.getEffect()).build()));
        return tolerations;
    }
}
