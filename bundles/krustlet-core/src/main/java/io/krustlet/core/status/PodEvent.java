package io.krustlet.core.status;

import java.time.Instant;

/**
 * An Event the node recorded for a pod, as {@code kubectl describe pod} lists them.
 *
 * @param type {@code Normal} or {@code Warning}
 * @param reason the kubelet's reason (Pulled, Created, Started, BackOff, ...)
 * @param container the container it is about, or null for the pod
 * @param message the message
 * @param firstTime when it first happened
 * @param lastTime when it last happened
 * @param count how many times it happened (repeats of the same reason and message are folded)
 * @since 1.2
 */
public record PodEvent(String type, String reason, String container, String message, Instant firstTime,
        Instant lastTime, int count) {
}
