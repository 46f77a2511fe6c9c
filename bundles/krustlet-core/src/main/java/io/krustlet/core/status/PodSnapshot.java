package io.krustlet.core.status;

import java.util.Map;

/**
 * A pod as the kubelet runs it.
 *
 * @param namespace the namespace
 * @param name the name (for static pods, the manifest name plus {@code -<node>})
 * @param uid the uid
 * @param source where the pod comes from: {@code file} for static pods, {@code api} otherwise
 * @param runtime the runtime handler its containers run on
 * @param annotations the pod's annotations
 * @param status its current status
 */
public record PodSnapshot(
        String namespace,
        String name,
        String uid,
        String source,
        String runtime,
        Map<String, String> annotations,
        PodStatus status) {

    public PodSnapshot {
        annotations = Map.copyOf(annotations);
    }

    public String key() {
        return namespace + "/" + name;
    }
}
