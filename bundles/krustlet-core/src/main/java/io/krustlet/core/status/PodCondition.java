package io.krustlet.core.status;

import java.time.Instant;

/**
 * A pod condition (PodScheduled, Initialized, ContainersReady, Ready).
 *
 * @param type the condition type
 * @param status True or False
 * @param reason why it is False, or null
 * @param lastTransitionTime when the status last changed
 */
public record PodCondition(String type, boolean status, String reason, Instant lastTransitionTime) {
    public static final String POD_SCHEDULED = "PodScheduled";
    public static final String INITIALIZED = "Initialized";
    public static final String CONTAINERS_READY = "ContainersReady";
    public static final String READY = "Ready";
}
