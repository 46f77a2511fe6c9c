package io.krustlet.core.pod;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A pod the node should run, validated and in the core's own terms.
 *
 * @param namespace the namespace
 * @param name the pod name
 * @param uid the uid (for static pods, a hash of the manifest)
 * @param source {@code file} or {@code api}
 * @param runtimeClassName spec.runtimeClassName, or null for the node's default runtime
 * @param restartPolicy spec.restartPolicy
 * @param terminationGracePeriod spec.terminationGracePeriodSeconds
 * @param initContainers init containers, in order
 * @param containers app containers
 * @param volumes volumes
 * @param annotations metadata.annotations
 */
public record PodDefinition(
        String namespace,
        String name,
        String uid,
        String source,
        String runtimeClassName,
        RestartPolicy restartPolicy,
        Duration terminationGracePeriod,
        List<ContainerDefinition> initContainers,
        List<ContainerDefinition> containers,
        List<VolumeDefinition> volumes,
        Map<String, String> annotations) {

    public PodDefinition {
        initContainers = List.copyOf(initContainers);
        containers = List.copyOf(containers);
        volumes = List.copyOf(volumes);
        annotations = Map.copyOf(annotations);
    }

    public String key() {
        return namespace + "/" + name;
    }

    public Stream<ContainerDefinition> allContainers() {
        return Stream.concat(initContainers.stream(), containers.stream());
    }
}
