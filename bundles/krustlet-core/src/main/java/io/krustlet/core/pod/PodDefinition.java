package io.krustlet.core.pod;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * @param labels metadata.labels
 * @param serviceAccountName spec.serviceAccountName ({@code default} when not set, as the API server defaults it)
 * @param nodeName spec.nodeName: the node that runs the pod, or null
 * @param imagePullSecrets the names in spec.imagePullSecrets
 * @param activeDeadline spec.activeDeadlineSeconds: how long the pod may be active on the node,
 *     counted from its startTime, before it is failed (reason DeadlineExceeded); null for no limit
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
        Map<String, String> annotations,
        Map<String, String> labels,
        String serviceAccountName,
        String nodeName,
        List<String> imagePullSecrets,
        Duration activeDeadline) {

    /** The source of pods read from manifest files (static pods): they cannot reference API objects. */
    public static final String FILE_SOURCE = "file";
    public static final String DEFAULT_SERVICE_ACCOUNT = "default";

    public PodDefinition {
        initContainers = List.copyOf(initContainers);
        containers = List.copyOf(containers);
        volumes = List.copyOf(volumes);
        annotations = Map.copyOf(annotations);
        labels = Map.copyOf(labels);
        imagePullSecrets = List.copyOf(imagePullSecrets);
        serviceAccountName = serviceAccountName == null || serviceAccountName.isEmpty()
                ? DEFAULT_SERVICE_ACCOUNT : serviceAccountName;
    }

    /** A pod without an active deadline. */
    public PodDefinition(String namespace, String name, String uid, String source, String runtimeClassName,
            RestartPolicy restartPolicy, Duration terminationGracePeriod, List<ContainerDefinition> initContainers,
            List<ContainerDefinition> containers, List<VolumeDefinition> volumes, Map<String, String> annotations,
            Map<String, String> labels, String serviceAccountName, String nodeName, List<String> imagePullSecrets) {
        this(namespace, name, uid, source, runtimeClassName, restartPolicy, terminationGracePeriod, initContainers,
                containers, volumes, annotations, labels, serviceAccountName, nodeName, imagePullSecrets, null);
    }

    /** A pod without labels, on no particular node, with the default service account. */
    public PodDefinition(String namespace, String name, String uid, String source, String runtimeClassName,
            RestartPolicy restartPolicy, Duration terminationGracePeriod, List<ContainerDefinition> initContainers,
            List<ContainerDefinition> containers, List<VolumeDefinition> volumes, Map<String, String> annotations) {
        this(namespace, name, uid, source, runtimeClassName, restartPolicy, terminationGracePeriod, initContainers,
                containers, volumes, annotations, Map.of(), DEFAULT_SERVICE_ACCOUNT, null, List.of());
    }

    /** This pod with other labels and annotations (as the API server has them now); null keeps none. */
    public PodDefinition withMetadata(Map<String, String> newLabels, Map<String, String> newAnnotations) {
        return new PodDefinition(namespace, name, uid, source, runtimeClassName, restartPolicy, terminationGracePeriod,
                initContainers, containers, volumes, newAnnotations == null ? Map.of() : newAnnotations,
                newLabels == null ? Map.of() : newLabels, serviceAccountName, nodeName, imagePullSecrets,
                activeDeadline);
    }

    public String key() {
        return namespace + "/" + name;
    }

    public Stream<ContainerDefinition> allContainers() {
        return Stream.concat(initContainers.stream(), containers.stream());
    }

    public Optional<ContainerDefinition> container(String containerName) {
        return allContainers().filter(c -> c.name().equals(containerName)).findFirst();
    }

    public Optional<VolumeDefinition> volume(String volumeName) {
        return volumes.stream().filter(v -> v.name().equals(volumeName)).findFirst();
    }

    /** Whether the pod comes from a manifest file rather than the API server. */
    public boolean isStatic() {
        return FILE_SOURCE.equals(source);
    }
}
