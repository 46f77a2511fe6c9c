package io.krustlet.core.lifecycle;

import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.runtime.Provider;
import io.krustlet.core.status.Reasons;
import java.time.Duration;

/**
 * The Events a pod worker records, worded as the kubelet words them (pkg/kubelet/events and the
 * messages of pkg/kubelet/kuberuntime), so {@code kubectl describe pod} reads as on any node.
 */
final class LifecycleEvents {

    private final PodDefinition pod;
    private final PodEvents events;

    LifecycleEvents(PodDefinition pod, PodEvents events) {
        this.pod = pod;
        this.events = events;
    }

    void started(String container) {
        events.normal(pod, container, Reasons.CREATED, "Created container " + container);
        events.normal(pod, container, Reasons.STARTED, "Started container " + container);
    }

    void killing(String container) {
        events.normal(pod, container, Reasons.KILLING, "Stopping container " + container);
    }

    void killingForProvider(String container, String provider) {
        events.normal(pod, container, Reasons.KILLING, "Stopping container " + container
                + ": its runtime provider " + provider + " is leaving the node");
    }

    /** The pod's runtime cannot be resolved (the kubelet's FailedCreatePodSandBox). */
    void sandboxFailed(String error) {
        events.warning(pod, null, Reasons.FAILED_CREATE_POD_SANDBOX, "Failed to create pod sandbox: " + error);
    }

    void runtimeUnavailable(String container, String message) {
        events.warning(pod, container, Reasons.RUNTIME_UNAVAILABLE, "Container " + container + " waits: " + message);
    }

    /** A provider came back as {@code successor}: an upgrade (new version) or a restart of the same bundle. */
    void providerSucceeded(String container, Provider departed, Provider successor, boolean carried) {
        boolean upgrade = !departed.identity().version().equals(successor.identity().version());
        String what = upgrade ? "upgraded from " + departed.identity().version() + " to "
                + successor.identity().version() : "restarted (" + successor.identity() + ")";
        String consequence = carried ? "container " + container + " was carried over and runs on the previous"
                + " revision until it ends" : "container " + container + " restarts on the new revision";
        events.normal(pod, container, upgrade ? Reasons.PROVIDER_UPGRADED : Reasons.PROVIDER_RESTARTED,
                "Runtime provider " + successor.identity().symbolicName() + " for \"" + successor.runtime() + "\" "
                        + what + "; " + consequence);
    }

    /** A provider left and did not come back (uninstalled, or not back within the return window). */
    void providerRemoved(String container, Provider departed) {
        events.warning(pod, container, Reasons.PROVIDER_REMOVED, "Runtime provider " + departed.identity()
                + " was removed; container " + container + " waits for a provider of runtime \"" + departed.runtime()
                + "\"");
    }

    /** A failed probe check (pkg/kubelet/prober: ContainerUnhealthy). */
    void unhealthy(String container, String probe, String message) {
        events.warning(pod, container, Reasons.UNHEALTHY, probe + " probe failed: " + message);
    }

    void killingForLiveness(String container) {
        events.normal(pod, container, Reasons.KILLING, "Container " + container
                + " failed liveness probe, will be restarted");
    }

    void backOff(String container) {
        events.warning(pod, container, Reasons.BACK_OFF, "Back-off restarting failed container " + container
                + " in pod " + podRef());
    }

    /** The kubelet's CrashLoopBackOff waiting message. */
    String crashLoopMessage(String container, Duration delay) {
        return "back-off " + format(delay) + " restarting failed container=" + container + " pod=" + podRef();
    }

    /** The Events for a container that could not start. */
    void launchFailed(String container, String image, String reason, String message, String eventReason) {
        if (Reasons.ERR_IMAGE_PULL.equals(reason)) {
            events.warning(pod, container, Reasons.FAILED, "Failed to pull image \"" + image + "\": " + message);
            events.warning(pod, container, Reasons.FAILED, "Error: " + reason);
        } else if (eventReason != null && !Reasons.FAILED.equals(eventReason)) {
            events.warning(pod, null, eventReason, message);
        } else {
            events.warning(pod, container, Reasons.FAILED, "Error: "
                    + (message == null || message.isEmpty() ? reason : message));
        }
    }

    void imagePullBackOff(String container, String image) {
        events.normal(pod, container, Reasons.BACK_OFF, "Back-off pulling image \"" + image + "\"");
        events.warning(pod, container, Reasons.FAILED, "Error: " + Reasons.IMAGE_PULL_BACK_OFF);
    }

    /**
     * A pod the node fails for good (Evicted, DeadlineExceeded): a Warning, except DeadlineExceeded,
     * which the kubelet records as Normal (pkg/kubelet/active_deadline.go ShouldEvict).
     */
    void podFailed(String reason, String message) {
        if (Reasons.DEADLINE_EXCEEDED.equals(reason)) {
            events.normal(pod, null, reason, message);
        } else {
            events.warning(pod, null, reason, message);
        }
    }

    private String podRef() {
        return pod.name() + "_" + pod.namespace() + "(" + pod.uid() + ")";
    }

    /** A duration as the kubelet prints it: {@code 10s}, {@code 2m40s}, {@code 5m}. */
    static String format(Duration d) {
        long minutes = d.toMinutes();
        long seconds = d.toSecondsPart();
        return minutes > 0 ? minutes + "m" + (seconds > 0 ? seconds + "s" : "") : d.toSeconds() + "s";
    }
}
