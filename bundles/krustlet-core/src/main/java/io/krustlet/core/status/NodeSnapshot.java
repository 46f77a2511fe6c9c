package io.krustlet.core.status;

import java.util.List;
import java.util.Map;

/**
 * The node as {@code krustlet:node} shows it.
 *
 * @param name the node's name
 * @param mode {@code standalone}, {@code cluster} or {@code bootstrapping} (waiting for TLS bootstrap)
 * @param apiServer the API server's URL in cluster mode, else empty
 * @param conditions the node's conditions as the node sees them now
 * @param addresses the node's addresses, {@code type -> address} ({@code InternalIP}, {@code Hostname})
 * @param runtimes each runtime served now with its container runtime version ({@code wasi -> chicory://1.7.5})
 * @param defaultRuntime the runtime of pods without a runtimeClassName
 * @param pods how many pods the node runs or still reports
 * @param maxPods the most pods it admits
 * @since 1.2
 */
public record NodeSnapshot(String name, String mode, String apiServer, List<Condition> conditions,
        Map<String, String> addresses, Map<String, String> runtimes, String defaultRuntime, int pods, int maxPods) {

    public NodeSnapshot {
        conditions = List.copyOf(conditions);
        addresses = Map.copyOf(addresses);
        runtimes = Map.copyOf(runtimes);
    }

    /**
     * One node condition.
     *
     * @param type Ready, MemoryPressure, DiskPressure, PIDPressure
     * @param status True or False (or Unknown)
     * @param reason the kubelet's reason, for example KubeletReady
     * @param message a human-readable message
     */
    public record Condition(String type, String status, String reason, String message) {
    }
}
