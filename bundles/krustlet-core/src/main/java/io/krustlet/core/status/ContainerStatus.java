package io.krustlet.core.status;

/**
 * The status of one container of a pod.
 *
 * @param name the container's name
 * @param image the image as written in the spec
 * @param imageId the resolved module digest, or empty before the first start
 * @param state the current state
 * @param lastState the previous run's terminated state, or null
 * @param restartCount how many times the container was restarted
 * @param ready whether the container is ready (running; no probes yet)
 * @param started whether the container is running
 */
public record ContainerStatus(
        String name,
        String image,
        String imageId,
        ContainerState state,
        ContainerState.Terminated lastState,
        int restartCount,
        boolean ready,
        boolean started) {
}
