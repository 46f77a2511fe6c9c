package io.krustlet.api;

import java.util.Objects;

/**
 * A port a container declares ({@code spec.containers[].ports[]}). Wasm pods share the node's
 * network, so a provider that serves on it (the {@code wagi} runtime, for example) listens on
 * {@link ContainerSpec#hostIP()} at {@link #containerPort()}.
 *
 * @param name the port's name, or empty
 * @param containerPort the port number, 1-65535
 * @param protocol {@code TCP}, {@code UDP} or {@code SCTP}
 * @since 1.2
 */
public record ContainerPort(String name, int containerPort, String protocol) {
    public ContainerPort {
        name = name == null ? "" : name;
        protocol = protocol == null || protocol.isEmpty() ? "TCP" : protocol;
        if (containerPort < 1 || containerPort > 65535) {
            throw new IllegalArgumentException("containerPort must be 1-65535: " + containerPort);
        }
        Objects.requireNonNull(protocol);
    }
}
