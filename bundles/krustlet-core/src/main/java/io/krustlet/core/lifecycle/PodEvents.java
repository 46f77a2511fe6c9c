package io.krustlet.core.lifecycle;

import io.krustlet.core.pod.PodDefinition;

/**
 * Where a pod worker reports what happens to a pod, as Kubernetes Events: in cluster mode they
 * go to the API server (aggregated and rate-limited there), standalone they are only logged.
 */
public interface PodEvents {

    /** Reports nothing. */
    PodEvents NONE = (pod, container, warning, reason, message) -> { };

    /**
     * @param container the container the event is about, or null for the pod itself
     * @param warning Warning rather than Normal
     * @param reason a CamelCase reason as the kubelet uses them (Pulling, Started, BackOff, ...)
     */
    void record(PodDefinition pod, String container, boolean warning, String reason, String message);

    default void normal(PodDefinition pod, String container, String reason, String message) {
        record(pod, container, false, reason, message);
    }

    default void warning(PodDefinition pod, String container, String reason, String message) {
        record(pod, container, true, reason, message);
    }
}
