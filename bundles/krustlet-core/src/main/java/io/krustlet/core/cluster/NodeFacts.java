package io.krustlet.core.cluster;

import java.util.List;
import java.util.Map;

/**
 * What the node reports about itself, gathered once at start (the runtimes list is refreshed
 * when providers come and go).
 *
 * @param name the Node's name
 * @param hostname the host name (Hostname address, kubernetes.io/hostname label)
 * @param internalIP the InternalIP address
 * @param port the kubelet API port
 * @param cpus processors available to the JVM
 * @param memoryBytes the memory the JVM may use
 * @param storageBytes the size of the data directory's file system
 * @param maxPods the most pods the node runs
 * @param extraLabels labels from the configuration, already checked
 * @param runtimes runtime handler -> container runtime version, for example {@code wasi -> chicory://1.7.5}
 * @param kubeletVersion this kubelet's version
 * @param bootId changes when the machine reboots
 */
public record NodeFacts(
        String name,
        String hostname,
        String internalIP,
        int port,
        int cpus,
        long memoryBytes,
        long storageBytes,
        int maxPods,
        Map<String, String> extraLabels,
        Map<String, String> runtimes,
        String kubeletVersion,
        String bootId) {

    public NodeFacts {
        extraLabels = Map.copyOf(extraLabels);
        runtimes = Map.copyOf(runtimes);
    }

    public NodeFacts withRuntimes(Map<String, String> newRuntimes) {
        return new NodeFacts(name, hostname, internalIP, port, cpus, memoryBytes, storageBytes, maxPods, extraLabels,
                newRuntimes, kubeletVersion, bootId);
    }

    /** The sorted runtime handlers, for messages. */
    public List<String> runtimeNames() {
        return runtimes.keySet().stream().sorted().toList();
    }
}
