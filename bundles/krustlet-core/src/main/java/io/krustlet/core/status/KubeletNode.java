package io.krustlet.core.status;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The node itself, as an OSGi service registered by the core beside {@link KubeletPods}: what
 * the shell's {@code krustlet:node}, {@code krustlet:providers} and {@code krustlet:runtimeclasses}
 * show. Every method is cheap and never blocks, except {@link #applyRuntimeClasses()}.
 *
 * @since 1.2
 */
@ProviderType
public interface KubeletNode {

    NodeSnapshot node();

    /** Every provider bundle the node knows: serving, standing by, or unable to start. */
    List<ProviderSnapshot> providers();

    /**
     * RuntimeClass manifests (YAML, {@code node.k8s.io/v1}) for the runtimes present: handler =
     * runtime, and the scheduling section Krustlet's labels and taints need (a nodeSelector on the
     * runtime's label, tolerations for the {@code kubernetes.io/arch=wasm32-wasi} taints).
     */
    String runtimeClassManifests();

    /**
     * Creates or updates those RuntimeClasses through the node's API client; blocks on the API
     * server. Returns one line per class saying what happened. A node's own credentials usually
     * may not write RuntimeClasses (the Node authorizer): then the line says so, and how to apply
     * them with kubectl instead.
     *
     * @throws IllegalStateException in standalone mode
     */
    List<String> applyRuntimeClasses();
}
