package io.krustlet.core.status;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The pods of this node, as an OSGi service registered by the core. The shell and the HTTP
 * API read it; tests wait on it.
 */
@ProviderType
public interface KubeletPods {

    /** The node's name. */
    String nodeName();

    /** Every pod the node runs or has run and not yet forgotten, sorted by namespace and name. */
    List<PodSnapshot> pods();

    /** The pod with this namespace and name. */
    Optional<PodSnapshot> pod(String namespace, String name);

    /**
     * The log file of a container run in CRI format ({@code <RFC3339Nano> <stream> <P|F> <text>}).
     *
     * @param previous false for the current (or last) run, true for the run before it
     */
    Optional<Path> logFile(String namespace, String pod, String container, boolean previous);

    /**
     * What a running container uses now (CPU time, memory), when its provider measures it.
     *
     * @since 1.1
     */
    default Optional<io.krustlet.api.ContainerUsage> usage(String namespace, String pod, String container) {
        return Optional.empty();
    }

    /**
     * The recent Events of a pod (at most the last 50, repeats folded), oldest first, as the node
     * recorded them; standalone pods have them too.
     *
     * @since 1.2
     */
    default List<PodEvent> events(String namespace, String pod) {
        return List.of();
    }

    void addListener(PodStatusListener listener);

    void removeListener(PodStatusListener listener);
}
