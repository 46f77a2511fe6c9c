package io.krustlet.api;

import java.util.Objects;

/**
 * Names one run of one container of a pod.
 *
 * @param namespace the pod's namespace
 * @param pod the pod's name
 * @param podUid the pod's uid
 * @param container the container's name
 * @param attempt the restart count of this run (0 for the first run)
 */
public record ContainerId(String namespace, String pod, String podUid, String container, int attempt) {
    public ContainerId {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(pod, "pod");
        Objects.requireNonNull(podUid, "podUid");
        Objects.requireNonNull(container, "container");
    }

    @Override
    public String toString() {
        return namespace + "/" + pod + "/" + container + "#" + attempt;
    }
}
