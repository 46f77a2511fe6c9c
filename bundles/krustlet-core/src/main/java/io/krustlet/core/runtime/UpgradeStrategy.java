package io.krustlet.core.runtime;

import io.krustlet.api.ContainerRuntime;

/** What a provider asks the node to do with its running containers when it leaves ({@code krustlet.upgrade}). */
public enum UpgradeStrategy {
    /** Stop them (the pod's grace period) and start them again on the next provider: a restart. */
    RESTART,
    /**
     * Leave them running on the departing revision until they end; new containers start on the
     * successor. If no successor comes within the return window, or the bundle is uninstalled,
     * they are stopped then.
     */
    CARRY_OVER;

    /** The strategy a service property names; {@link #RESTART} when absent or unknown. */
    public static UpgradeStrategy of(String property) {
        return ContainerRuntime.UPGRADE_CARRY_OVER.equals(property) ? CARRY_OVER : RESTART;
    }
}
