package io.krustlet.core.pod;

import java.util.Map;

/**
 * A container's {@code resources} as quantity strings ({@code cpu -> 500m}). Kept as written,
 * beside the numeric {@link io.krustlet.api.ResourceLimits}, because the downward API needs the
 * quantities themselves (with a divisor and the kubelet's rounding).
 *
 * @param limits resources.limits
 * @param requests resources.requests, defaulted from the limits as the API server does
 */
public record ContainerResources(Map<String, String> limits, Map<String, String> requests) {

    public static final ContainerResources NONE = new ContainerResources(Map.of(), Map.of());

    public ContainerResources {
        limits = Map.copyOf(limits);
        requests = Map.copyOf(requests);
    }
}
