package io.krustlet.http.api;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.objects.PodStatusObjects;
import java.util.List;

/**
 * v1 Pods built from the core's snapshots, for {@code /pods} and {@code /runningpods/}. The
 * snapshot carries status, not the full spec: the spec has the node name and each container's name
 * and image only (what {@code /pods} readers such as metrics tooling and kubectl-debug use). The
 * status is mapped as the core writes it to the API server ({@link PodStatusObjects}), without the
 * node's addresses.
 */
final class PodObjects {

    private PodObjects() {
    }

    static PodList list(List<Pod> pods) {
        return new PodListBuilder().withApiVersion("v1").withKind("PodList").withNewMetadata().endMetadata()
                .withItems(pods).build();
    }

    static Pod pod(PodSnapshot snapshot, String nodeName) {
        var status = snapshot.status();
        return new PodBuilder()
                .withApiVersion("v1").withKind("Pod")
                .withNewMetadata()
                .withName(snapshot.name()).withNamespace(snapshot.namespace()).withUid(snapshot.uid())
                .withAnnotations(snapshot.annotations().isEmpty() ? null : snapshot.annotations())
                .endMetadata()
                .withNewSpec()
                .withNodeName(nodeName)
                .withInitContainers(status.initContainerStatuses().stream().map(PodObjects::container).toList())
                .withContainers(status.containerStatuses().stream().map(PodObjects::container).toList())
                .endSpec()
                .withStatus(PodStatusObjects.toApi(status))
                .build();
    }

    /** A running pod as the runtime sees it: identity and its running containers only. */
    static Pod runningPod(PodSnapshot snapshot) {
        return new PodBuilder()
                .withApiVersion("v1").withKind("Pod")
                .withNewMetadata()
                .withName(snapshot.name()).withNamespace(snapshot.namespace()).withUid(snapshot.uid())
                .endMetadata()
                .withNewSpec()
                .withContainers(snapshot.status().containerStatuses().stream()
                        .filter(c -> c.state() instanceof ContainerState.Running)
                        .map(PodObjects::container).toList())
                .endSpec()
                .build();
    }

    static boolean isRunning(PodSnapshot snapshot) {
        return snapshot.status().containerStatuses().stream().anyMatch(c -> c.state() instanceof ContainerState.Running)
                || snapshot.status().initContainerStatuses().stream()
                        .anyMatch(c -> c.state() instanceof ContainerState.Running);
    }

    private static io.fabric8.kubernetes.api.model.Container container(ContainerStatus status) {
        return new ContainerBuilder().withName(status.name()).withImage(status.image()).build();
    }
}
