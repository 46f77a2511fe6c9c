package io.krustlet.core.pod;

/**
 * What the downward API needs to know of the node.
 *
 * @param ip the node's IP: status.hostIP, and status.podIP too since wasm pods share the host network
 * @param allocatableMilliCpu the node's allocatable CPU, used for limits.cpu of a container without a limit
 * @param allocatableMemoryBytes the node's allocatable memory, used for limits.memory of a container without a limit
 */
public record NodeInfo(String ip, long allocatableMilliCpu, long allocatableMemoryBytes) {

    public NodeInfo {
        ip = ip == null ? "" : ip;
    }
}
