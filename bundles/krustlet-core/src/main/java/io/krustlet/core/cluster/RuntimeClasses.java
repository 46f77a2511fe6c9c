package io.krustlet.core.cluster;

import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.krustlet.core.lifecycle.RuntimeBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's RuntimeClasses ({@code node.k8s.io/v1}), through a fabric8 informer, as the
 * kubelet's runtimeclass manager keeps them (pkg/kubelet/runtimeclass): a pod's
 * {@code runtimeClassName} names a RuntimeClass, whose {@code handler} names the runtime, that is
 * the provider's {@code krustlet.runtime}. Lookups read the informer's cache and never block.
 */
public final class RuntimeClasses implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeClasses.class);

    private final KubernetesClient client;
    private final Runnable changed;
    private volatile SharedIndexInformer<RuntimeClass> informer;

    /** @param changed told (on the informer's thread) when a RuntimeClass is added, changed or deleted */
    public RuntimeClasses(KubernetesClient client, Runnable changed) {
        this.client = client;
        this.changed = changed;
    }

    public void start() {
        SharedIndexInformer<RuntimeClass> next = client.resources(RuntimeClass.class).runnableInformer(0);
        next.exceptionHandler((started, t) -> {
            LOG.warn("Watching RuntimeClasses failed: {}; retrying", NodeHeartbeat.describe(t));
            return true;
        });
        next.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(RuntimeClass rc) {
                changed.run();
            }

            @Override
            public void onUpdate(RuntimeClass previous, RuntimeClass rc) {
                changed.run();
            }

            @Override
            public void onDelete(RuntimeClass rc, boolean finalStateUnknown) {
                changed.run();
            }
        });
        informer = next;
        next.start();
    }

    /**
     * The handler of RuntimeClass {@code name}: failed with the kubelet's error while the class does
     * not exist (or, before the first list, while it cannot be known yet).
     */
    public RuntimeBinding.Resolution resolve(String name) {
        SharedIndexInformer<RuntimeClass> current = informer;
        RuntimeClass rc = current == null ? null : current.getIndexer().getByKey(name);
        if (rc != null && rc.getHandler() != null && !rc.getHandler().isBlank()) {
            return RuntimeBinding.Resolution.of(rc.getHandler(), name);
        }
        if (current == null || !current.hasSynced()) {
            return RuntimeBinding.Resolution.failed(name, "waiting for the list of RuntimeClasses to look up \"" + name
                    + "\"");
        }
        return RuntimeBinding.Resolution.failed(name, "RuntimeClass \"" + name + "\" not found");
    }

    @Override
    public void close() {
        SharedIndexInformer<RuntimeClass> current = informer;
        informer = null;
        if (current != null) {
            current.close();
        }
    }
}
