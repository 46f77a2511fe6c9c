package io.krustlet.http.api;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.PodSnapshot;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * v1 Pods built from the core's snapshots, for {@code /pods} and {@code /runningpods/}. The
 * snapshot carries status, not the full spec: the spec has the node name and each container's name
 * and image only (what {@code /pods} readers such as metrics tooling and kubectl-debug use).
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
                .withNewStatus()
                .withPhase(status.phase().name())
                .withReason(status.reason())
                .withMessage(status.message())
                .withStartTime(time(status.startTime()))
                .withConditions(status.conditions().stream().map(c -> new PodConditionBuilder()
                        .withType(c.type()).withStatus(c.status() ? "True" : "False").withReason(c.reason())
                        .withLastTransitionTime(time(c.lastTransitionTime())).build()).toList())
                .withInitContainerStatuses(status.initContainerStatuses().stream().map(PodObjects::status).toList())
                .withContainerStatuses(status.containerStatuses().stream().map(PodObjects::status).toList())
                .endStatus()
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

    private static io.fabric8.kubernetes.api.model.ContainerStatus status(ContainerStatus status) {
        return new io.fabric8.kubernetes.api.model.ContainerStatusBuilder()
                .withName(status.name())
                .withImage(status.image())
                .withImageID(status.imageId() == null ? "" : status.imageId())
                .withReady(status.ready())
                .withStarted(status.started())
                .withRestartCount(status.restartCount())
                .withState(state(status.state()))
                .withLastState(status.lastState() == null ? new ContainerStateBuilder().build() : state(status.lastState()))
                .build();
    }

    private static io.fabric8.kubernetes.api.model.ContainerState state(ContainerState state) {
        var builder = new ContainerStateBuilder();
        if (state instanceof ContainerState.Waiting w) {
            builder.withNewWaiting().withReason(w.reason()).withMessage(w.message()).endWaiting();
        } else if (state instanceof ContainerState.Running r) {
            builder.withNewRunning().withStartedAt(time(r.startedAt())).endRunning();
        } else if (state instanceof ContainerState.Terminated t) {
            builder.withNewTerminated().withExitCode(t.exitCode()).withReason(t.reason()).withMessage(t.message())
                    .withStartedAt(time(t.startedAt())).withFinishedAt(time(t.finishedAt())).endTerminated();
        }
        return builder.build();
    }

    /** RFC3339 to the second, as metav1.Time serializes. */
    static String time(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
