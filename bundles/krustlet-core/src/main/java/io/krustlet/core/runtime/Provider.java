package io.krustlet.core.runtime;

import io.krustlet.api.ContainerRuntime;

/**
 * A provider service as the node knows it.
 *
 * @param runtime the runtime handler it serves ({@code krustlet.runtime})
 * @param arch the node architecture it implies ({@code krustlet.arch}), or null
 * @param ranking its service ranking: the highest serves a runtime
 * @param serviceId its service id: among equal rankings the oldest serves
 * @param identity the bundle behind it
 * @param upgrade what it asks the node to do with its containers when it leaves
 * @param service the service object
 */
public record Provider(String runtime, String arch, int ranking, long serviceId, ProviderIdentity identity,
        UpgradeStrategy upgrade, ContainerRuntime service) {

    /** Whether this provider is the successor of {@code departed}: same runtime, same bundle symbolic name. */
    public boolean succeeds(Provider departed) {
        return runtime.equals(departed.runtime()) && identity.sameBundleAs(departed.identity());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Provider p && p.serviceId == serviceId && p.service == service;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(serviceId);
    }
}
